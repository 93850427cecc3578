// Compressed requests and responses as HTTP clients send and accept them: gzip and deflate in, gzip or deflate
// out by Accept-Encoding, and a zip bomb stopped at the body size limit.
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeInferResponse } from '../../../../src-main/engine/serving/encodeInferResponse';
import {
  MIN_COMPRESSED_BODY_BYTES,
  decodeBody,
  encodeBody,
  negotiateResponseEncoding,
} from '../../../../src-main/engine/serving/httpBodyEncoding';
import { bytesOf, decode, demoSignature, json, rejection } from './wireFixtures';

const MiB = 1024 * 1024;
const payload = json({
  inputs: [{ name: 'pixels', shape: [1, 64], datatype: 'FP32', data: new Array(64).fill(0.25) }],
});

describe('decodeBody', () => {
  it('passes identity and absent encodings through unchanged', () => {
    expect(decodeBody(payload, undefined, MiB)).toBe(payload);
    expect(decodeBody(payload, 'identity', MiB)).toBe(payload);
    expect(decodeBody(payload, '', MiB)).toBe(payload);
  });

  it('inflates gzip (any case, x-gzip too) and deflate in zlib or raw form', () => {
    expect(decodeBody(zlib.gzipSync(payload), 'gzip', MiB)).toEqual(payload);
    expect(decodeBody(zlib.gzipSync(payload), 'GZip', MiB)).toEqual(payload);
    expect(decodeBody(zlib.gzipSync(payload), 'x-gzip', MiB)).toEqual(payload);
    expect(decodeBody(zlib.deflateSync(payload), 'deflate', MiB)).toEqual(payload);
    expect(decodeBody(zlib.deflateRawSync(payload), 'deflate', MiB)).toEqual(payload);
  });

  it('undoes stacked codings last to first', () => {
    expect(decodeBody(zlib.gzipSync(zlib.deflateSync(payload)), 'deflate, gzip', MiB)).toEqual(payload);
  });

  it('feeds a gzip request to the decoder like a plain one', () => {
    const body = decodeBody(zlib.gzipSync(payload), 'gzip', MiB);
    const request = decode(demoSignature('digits-mlp-v1.onnx'), body);
    expect(bytesOf(request.inputs[0]!.data)).toEqual(
      Array.from(new Uint8Array(new Float32Array(64).fill(0.25).buffer)),
    );
  });

  it('stops a zip bomb at the body limit with 413', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MiB));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const started = performance.now();
    const error = rejection(() => decodeBody(bomb, 'gzip', MiB));
    expect(error.status).toBe(413);
    expect(error.message).toBe(`the gzip request body inflates past the ${MiB}-byte body limit`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rejection(() => decodeBody(zlib.deflateSync(Buffer.alloc(4 * MiB)), 'deflate', MiB)).status).toBe(413);
  });

  it('answers 413 for a plain body over the limit', () => {
    const error = rejection(() => decodeBody(Buffer.alloc(100), undefined, 99));
    expect(error.status).toBe(413);
    expect(error.message).toBe('the request body is 100 bytes, over the 99-byte body limit');
  });

  it('rejects an unsupported coding, saying which are supported', () => {
    const error = rejection(() => decodeBody(payload, 'br', MiB));
    expect(error.status).toBe(400);
    expect(error.message).toBe('unsupported Content-Encoding br; expected gzip, deflate or identity');
  });

  it('rejects a body that is not what its Content-Encoding says', () => {
    const error = rejection(() => decodeBody(payload, 'gzip', MiB));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^the request body is not valid gzip data \(Content-Encoding: gzip\): /);
    const truncated = zlib.gzipSync(payload).subarray(0, 20);
    expect(rejection(() => decodeBody(truncated, 'gzip', MiB)).status).toBe(400);
  });
});

describe('negotiateResponseEncoding', () => {
  it('picks what the client accepts, honouring q-values', () => {
    expect(negotiateResponseEncoding(undefined)).toBeUndefined();
    expect(negotiateResponseEncoding('')).toBeUndefined();
    expect(negotiateResponseEncoding('gzip')).toBe('gzip');
    expect(negotiateResponseEncoding('gzip, deflate, br')).toBe('gzip');
    expect(negotiateResponseEncoding('deflate')).toBe('deflate');
    expect(negotiateResponseEncoding('gzip;q=0.5, deflate;q=0.8')).toBe('deflate');
    expect(negotiateResponseEncoding('GZIP ; Q=1')).toBe('gzip');
    expect(negotiateResponseEncoding('br, identity')).toBeUndefined();
  });

  it('treats q=0 as a refusal, including through *', () => {
    expect(negotiateResponseEncoding('gzip;q=0')).toBeUndefined();
    expect(negotiateResponseEncoding('gzip;q=0, deflate')).toBe('deflate');
    expect(negotiateResponseEncoding('*')).toBe('gzip');
    expect(negotiateResponseEncoding('*;q=0')).toBeUndefined();
    expect(negotiateResponseEncoding('gzip;q=0, *')).toBe('deflate');
    expect(negotiateResponseEncoding('gzip;q=0, deflate;q=0, *;q=1')).toBeUndefined();
  });

  it('ignores entries with a malformed q-value', () => {
    expect(negotiateResponseEncoding('gzip;q=2, deflate')).toBe('deflate');
    expect(negotiateResponseEncoding('gzip;q=abc')).toBeUndefined();
    expect(negotiateResponseEncoding('gzip;q=abc, deflate;q=0.1')).toBe('deflate');
  });

  it('declines for bodies too small to be worth compressing', () => {
    expect(negotiateResponseEncoding('gzip', MIN_COMPRESSED_BODY_BYTES - 1)).toBeUndefined();
    expect(negotiateResponseEncoding('gzip', MIN_COMPRESSED_BODY_BYTES)).toBe('gzip');
  });
});

describe('encodeBody', () => {
  const big = Buffer.from(JSON.stringify({ data: Array.from({ length: 1000 }, (_, i) => i % 10) }));

  it('compresses a large body so the client can inflate it', () => {
    const gz = encodeBody(big, 'gzip');
    expect(gz.length).toBeLessThan(big.length);
    expect(zlib.gunzipSync(gz)).toEqual(big);
    expect(zlib.inflateSync(encodeBody(big, 'deflate'))).toEqual(big);
  });

  it('returns the same buffer for small bodies, no encoding, or data that does not shrink', () => {
    const small = Buffer.alloc(MIN_COMPRESSED_BODY_BYTES - 1, 'a');
    expect(encodeBody(small, 'gzip')).toBe(small);
    expect(encodeBody(big, undefined)).toBe(big);
    const noise = randomBytes(4096);
    expect(encodeBody(noise, 'gzip')).toBe(noise);
  });

  it('gzips an inference response that a client reads back unchanged', () => {
    const logits = new Float32Array(1000).map((_, i) => Math.sin(i));
    const encoded = encodeInferResponse(
      {
        modelName: 'squeezenet',
        modelVersion: '1',
        outputs: [{ name: 'logits', type: 'float32', dims: [1, 1000], data: logits.buffer }],
      },
      { inputs: [], binaryOutputDefault: false },
    );
    const encoding = negotiateResponseEncoding('gzip, deflate', encoded.body.length);
    expect(encoding).toBe('gzip');
    const sent = encodeBody(encoded.body, encoding);
    expect(sent).not.toBe(encoded.body);
    const received = JSON.parse(zlib.gunzipSync(sent).toString()) as { outputs: { data: number[] }[] };
    expect(Float32Array.from(received.outputs[0]!.data)).toEqual(logits);
  });
});
