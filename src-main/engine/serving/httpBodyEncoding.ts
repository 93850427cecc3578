// HTTP content codings for the data plane: inflates gzip/deflate request bodies under the body size limit (so a
// zip bomb stops at the limit) and compresses responses for clients that send Accept-Encoding.
import zlib from 'node:zlib';
import { ServingError, badRequest } from './servingError';

export type ResponseEncoding = 'gzip' | 'deflate';

/**
 * Bodies below this go out uncompressed: a digits-mlp reply is a few hundred bytes, where gzip's header and
 * CPU cost more than the bytes saved on a loopback connection.
 */
export const MIN_COMPRESSED_BODY_BYTES = 1024;

// Loopback is fast and CPU is what limits throughput, so the fastest level wins.
const COMPRESSION_LEVEL = zlib.constants.Z_BEST_SPEED;

const SUPPORTED = 'expected gzip, deflate or identity';

/**
 * The body as sent before Content-Encoding was applied (codings listed in order, undone last to first).
 * The decoded size is capped at `maxBytes`: beyond it, 413 before more memory is spent.
 */
export function decodeBody(raw: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings) {
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate') {
      throw badRequest(`unsupported Content-Encoding ${coding}; ${SUPPORTED}`);
    }
  }
  let body = raw;
  for (let i = codings.length - 1; i >= 0; i--) body = inflate(body, codings[i] as string, maxBytes);
  if (body.length > maxBytes) {
    throw new ServingError(413, `the request body is ${body.length} bytes, over the ${maxBytes}-byte body limit`);
  }
  return body;
}

function inflate(body: Buffer, coding: string, maxBytes: number): Buffer {
  const options = { maxOutputLength: Math.max(1, maxBytes) };
  try {
    if (coding !== 'deflate') return zlib.gunzipSync(body, options);
    // HTTP's "deflate" is the zlib format, but some clients send raw deflate: the zlib header tells them apart.
    return looksLikeZlib(body) ? zlib.inflateSync(body, options) : zlib.inflateRawSync(body, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ServingError(413, `the ${coding} request body inflates past the ${maxBytes}-byte body limit`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`the request body is not valid ${coding} data (Content-Encoding: ${coding}): ${reason}`);
  }
}

function looksLikeZlib(body: Buffer): boolean {
  if (body.length < 2) return false;
  const cmf = body[0] as number;
  const flg = body[1] as number;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

/**
 * The coding to compress a response with, from Accept-Encoding with its q-values (q=0 refuses a coding; `*`
 * stands for codings not named). gzip wins ties. Pass `bodyBytes` to get undefined for bodies too small to
 * be worth it.
 */
export function negotiateResponseEncoding(
  acceptEncoding: string | undefined,
  bodyBytes = Infinity,
): ResponseEncoding | undefined {
  if (!acceptEncoding || bodyBytes < MIN_COMPRESSED_BODY_BYTES) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [token = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (token === '') continue;
    let weight = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=').map((s) => s.trim());
      if (key === 'q') weight = /^[0-9.]+$/.test(value) ? Number(value) : NaN;
    }
    // A malformed weight means the entry cannot be trusted either way: ignore it.
    if (!Number.isFinite(weight) || weight < 0 || weight > 1) continue;
    const coding = token === 'x-gzip' ? 'gzip' : token;
    q.set(coding, Math.max(weight, q.get(coding) ?? 0));
  }
  const any = q.get('*') ?? 0;
  const gzip = q.get('gzip') ?? any;
  const deflate = q.get('deflate') ?? any;
  if (gzip <= 0 && deflate <= 0) return undefined;
  return gzip >= deflate ? 'gzip' : 'deflate';
}

/**
 * `body` compressed with `encoding`; `body` itself (the same object) when there is no encoding, when it is
 * under MIN_COMPRESSED_BODY_BYTES, or when compressing would not make it smaller, so callers set
 * Content-Encoding only when the returned buffer differs.
 */
export function encodeBody(body: Buffer, encoding: ResponseEncoding | undefined): Buffer {
  if (!encoding || body.length < MIN_COMPRESSED_BODY_BYTES) return body;
  const options = { level: COMPRESSION_LEVEL };
  const compressed = encoding === 'gzip' ? zlib.gzipSync(body, options) : zlib.deflateSync(body, options);
  return compressed.length < body.length ? compressed : body;
}
