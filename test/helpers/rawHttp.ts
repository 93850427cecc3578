// Plain node:http requests for what fetch hides or forbids: a chosen Host header, the body bytes exactly as sent on
// the wire (no automatic decompression), and headers fetch would add on its own (Accept-Encoding).
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (still compressed when the server compressed it). */
  body: Buffer;
  /** The body parsed as a JSON object when it is one (and not compressed), else undefined. */
  json: (Record<string, unknown> & { error?: string }) | undefined;
}

export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    /** false: send no Host header at all (as an HTTP/1.0 client might). */
    setHost?: boolean;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, setHost: options.setHost ?? true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          let json: RawResponse['json'];
          // By content, not Content-Type, so an error body sent without its Content-Type still reads.
          if (!res.headers['content-encoding'] && body[0] === 0x7b) {
            try {
              json = JSON.parse(body.toString('utf8')) as RawResponse['json'];
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
