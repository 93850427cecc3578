// How each request of a load test is counted: ok, degraded (safe mode answered), shed (429/503), timeout,
// connection (refused, reset), cancelled, error, or http:<code> — and the cheap check for a degraded answer.
import {
  OUTCOME_CANCELLED,
  OUTCOME_CONNECTION,
  OUTCOME_DEGRADED,
  OUTCOME_ERROR,
  OUTCOME_RUNTIME_OK,
  OUTCOME_TIMEOUT,
} from './loadGeneratorProtocol';

/** The status key a request outcome is counted under (LoadInterval.statuses). */
export function outcomeKey(outcome: number): string {
  if (outcome >= 200 && outcome < 300) return 'ok';
  if (outcome === 429 || outcome === 503) return 'shed';
  if (outcome >= 100) return `http:${outcome}`;
  switch (outcome) {
    case OUTCOME_RUNTIME_OK:
      return 'ok';
    case OUTCOME_DEGRADED:
      return 'degraded';
    case OUTCOME_TIMEOUT:
      return 'timeout';
    case OUTCOME_CONNECTION:
      return 'connection';
    case OUTCOME_CANCELLED:
      return 'cancelled';
    default:
      return 'error';
  }
}

// Socket-level failures: the target refused, reset or dropped the connection, or could not be reached.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The outcome of a request that failed without an HTTP status. */
export function errorOutcome(error: unknown): number {
  let e: unknown = error;
  // undici wraps socket errors; the code may sit on the error or on its cause.
  for (let depth = 0; depth < 3 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return OUTCOME_CONNECTION;
    e = (e as { cause?: unknown }).cause;
  }
  return OUTCOME_ERROR;
}

// A degraded answer says so in its JSON header: `"parameters": {"degraded": true, ...}` (Slipway's safe mode).
// Searching the raw bytes for the two spellings servers write costs a memchr-like scan and no JSON parse.
const DEGRADED_COMPACT = Buffer.from('"degraded":true');
const DEGRADED_SPACED = Buffer.from('"degraded": true');
const CARRY = DEGRADED_SPACED.length - 1;

/**
 * Scans a response body chunk by chunk for the degraded flag, looking only at the JSON header (the first
 * `Inference-Header-Content-Length` bytes when a binary section follows, else the whole body).
 */
export class DegradedScanner {
  private scanned = 0;
  private carry: Buffer | undefined;
  found = false;

  constructor(private readonly headerBytes: number = Infinity) {}

  feed(chunk: Buffer): void {
    if (this.found || this.scanned >= this.headerBytes) return;
    let part =
      this.scanned + chunk.length > this.headerBytes ? chunk.subarray(0, this.headerBytes - this.scanned) : chunk;
    this.scanned += part.length;
    if (this.carry) part = Buffer.concat([this.carry, part]);
    if (part.indexOf(DEGRADED_COMPACT) >= 0 || part.indexOf(DEGRADED_SPACED) >= 0) {
      this.found = true;
      return;
    }
    this.carry = part.length > CARRY ? part.subarray(part.length - CARRY) : part;
  }
}

/** The header length a response announces (Triton's binary extension), or Infinity when all JSON. */
export function headerLengthOf(headers: Record<string, string | string[] | undefined>): number {
  const value = headers['inference-header-content-length'];
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isSafeInteger(n) && n >= 0 ? n : Infinity;
}
