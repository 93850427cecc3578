// What a data-plane handler answers with, and the error form DESIGN.md §3 fixes: {"error": "..."} with the
// status, Retry-After on 503 and 429, and WWW-Authenticate on 401.
import { ServingError } from './servingError';

export interface HttpReply {
  status: number;
  body: Buffer | string;
  headers: Record<string, string>;
}

export function jsonReply(value: unknown, status = 200): HttpReply {
  return { status, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}

export function errorReply(error: unknown): HttpReply {
  if (error instanceof ServingError) {
    const reply = jsonReply({ error: error.message }, error.status);
    if (error.options.retryAfterSeconds !== undefined)
      reply.headers['retry-after'] = String(error.options.retryAfterSeconds);
    if (error.status === 401) reply.headers['www-authenticate'] = 'Bearer realm="slipway"';
    return reply;
  }
  const message = error instanceof Error ? error.message : String(error);
  return jsonReply({ error: `internal error: ${message}` }, 500);
}
