// Bad requests over real HTTP: each gets the right status and a `{"error": ...}` that says what was wrong and what
// was expected, and the server stays up: the next good request on the same server succeeds.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../helpers/rawHttp';
import { EVERY_TYPE, importSpecialModels, V2_DATATYPES } from '../../helpers/servingFixtures';
import { tempDir } from '../../helpers/tempDir';
import { startTestServer, type TestServer } from '../../helpers/testServer';
import { binaryRequest, f32, post, postBinary, send, type V2Response } from '../../helpers/v2Client';

const PIXELS = Array.from({ length: 64 }, (_, i) => (i % 17) / 16);
const GOOD_DIGITS = { inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: PIXELS }] };
const MULTI_INPUTS = [
  { name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, -1, 2, 0] },
  { name: 'scale', datatype: 'FP64', shape: [1, 1], data: [0.5] },
  { name: 'flags', datatype: 'BOOL', shape: [1, 4], data: [true, true, false, true] },
];

const SAFE_VALUES: Record<(typeof EVERY_TYPE)[number], unknown[]> = {
  ...(Object.fromEntries(EVERY_TYPE.map((t) => [t, [0, 1, 2]])) as Record<(typeof EVERY_TYPE)[number], unknown[]>),
  bool: [true, false, true],
  string: ['a', 'b', 'c'],
};

/** The error is a single JSON field `error` holding a non-empty message that matches every pattern. */
function expectError(res: V2Response, status: number, ...patterns: (string | RegExp)[]): void {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(Object.keys(res.json)).toEqual(['error']);
  const message = res.json.error!;
  expect(typeof message).toBe('string');
  for (const pattern of patterns) {
    if (typeof pattern === 'string') expect(message).toContain(pattern);
    else expect(message).toMatch(pattern);
  }
}

describe('bad infer requests', () => {
  const dir = tempDir();
  let server: TestServer;
  const url = (path: string) => `${server.url}${path}`;
  const digitsUrl = () => url('/v2/models/digits-mlp/infer');

  /** The server still answers a good request after a bad one. */
  async function expectStillServing(): Promise<void> {
    const res = await post(digitsUrl(), GOOD_DIGITS);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.outputs?.map((o) => o.name)).toEqual(['logits', 'probabilities']);
  }

  beforeAll(async () => {
    server = await startTestServer({
      models: ['digits-mlp', 'multi-dtype', 'text-classifier', 'fp16-identity', 'every-type', 'bytes-identity'],
      prepare: (engine) => importSpecialModels(engine, dir, ['fp16-identity', 'every-type', 'bytes-identity']),
    });
  });
  afterAll(() => server?.close());

  it('malformed JSON → 400 saying so', async () => {
    const res = await send(digitsUrl(), {
      method: 'POST',
      body: '{"inputs": [{"name": "pixels", "datatype": "FP32", "shape": [1, 64], "data": [1, 2,',
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 400, /JSON/);
    const notObject = await post(digitsUrl(), [1, 2, 3]);
    expectError(notObject, 400, 'JSON object', '"inputs"');
    const empty = await send(digitsUrl(), { method: 'POST', body: '' });
    expectError(empty, 400, /empty/);
    await expectStillServing();
  });

  it('wrong datatype → 400 naming the input and the datatype expected', async () => {
    const res = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP64', shape: [1, 64], data: PIXELS }],
    });
    expectError(res, 400, "'pixels'", 'FP64', 'FP32');
    const unknown = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FLOAT', shape: [1, 64], data: PIXELS }],
    });
    expectError(unknown, 400, "'FLOAT'", 'FP32');
    const wrongValues = await post(url('/v2/models/multi-dtype/infer'), {
      inputs: [MULTI_INPUTS[0], MULTI_INPUTS[1], { ...MULTI_INPUTS[2], data: ['yes', 'no', 'yes', 'no'] }],
    });
    expectError(wrongValues, 400, "'flags'");
    await expectStillServing();
  });

  it('values out of range for the datatype → 400 naming the element and the range', async () => {
    const every = (type: string, datatype: string, values: unknown[]) =>
      post(url('/v2/models/every-type/infer'), {
        inputs: EVERY_TYPE.map((t) => ({
          name: `in_${t}`,
          datatype: t === type ? datatype : V2_DATATYPES[t],
          shape: [1, 3],
          data: t === type ? values : SAFE_VALUES[t],
        })),
      });
    expectError(await every('uint8', 'UINT8', [1, 256, 2]), 400, "'in_uint8'", '[1]', '256');
    expectError(await every('int8', 'INT8', [-129, 0, 0]), 400, "'in_int8'", '-129');
    expectError(await every('uint32', 'UINT32', [0, -1, 0]), 400, "'in_uint32'", '-1');
    expectError(await every('int32', 'INT32', [0, 0, 2 ** 31]), 400, "'in_int32'", '2147483648');
    expectError(await every('int64', 'INT64', [0, 2 ** 60, 0]), 400, "'in_int64'", '2^53', 'string');
    expectError(await every('int16', 'INT16', [0, 1.5, 0]), 400, "'in_int16'", '1.5');
    expectError(await every('string', 'BYTES', ['a', 5, 'b']), 400, "'in_string'");
    const float = await post(url('/v2/models/multi-dtype/infer'), {
      inputs: [{ ...MULTI_INPUTS[0], data: [1, 1e39, 0, 0] }, MULTI_INPUTS[1], MULTI_INPUTS[2]],
    });
    expectError(float, 400, "'x'", 'out of range', 'float32');
    const good = await every('uint8', 'UINT8', [0, 255, 1]);
    expect(good.status, JSON.stringify(good.json)).toBe(200);
  });

  it('shape and element count that disagree → 400 with both numbers', async () => {
    const count = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2, 64], data: PIXELS }],
    });
    expectError(count, 400, "'pixels'", '64', '128');
    const rank = await post(digitsUrl(), { inputs: [{ name: 'pixels', datatype: 'FP32', shape: [64], data: PIXELS }] });
    expectError(rank, 400, 'rank', '[1, 64]');
    const fixedDim = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2, 32], data: PIXELS }],
    });
    expectError(fixedDim, 400, 'dim 1', '64');
    const nested = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2, 64], data: [PIXELS] }],
    });
    expectError(nested, 400, "'pixels'");
    const sharedDim = await post(url('/v2/models/multi-dtype/infer'), {
      inputs: [MULTI_INPUTS[0], { ...MULTI_INPUTS[1], shape: [2, 1], data: [1, 2] }, MULTI_INPUTS[2]],
    });
    expectError(sharedDim, 400, "'scale'", '2', '1');
    await expectStillServing();
  });

  it('missing input → 400 naming it and its type', async () => {
    const res = await post(url('/v2/models/multi-dtype/infer'), { inputs: MULTI_INPUTS.slice(0, 2) });
    expectError(res, 400, 'missing input', "'flags'");
    const none = await post(digitsUrl(), { id: 'x' });
    expectError(none, 400, '"inputs"', "'pixels'");
    await expectStillServing();
  });

  it('extra input → 400 listing the inputs the model has', async () => {
    const res = await post(digitsUrl(), {
      inputs: [...GOOD_DIGITS.inputs, { name: 'pixel', datatype: 'FP32', shape: [1, 1], data: [0] }],
    });
    expectError(res, 400, "unknown input 'pixel'", 'pixels');
    const twice = await post(digitsUrl(), { inputs: [...GOOD_DIGITS.inputs, ...GOOD_DIGITS.inputs] });
    expectError(twice, 400, "'pixels'", 'twice');
    await expectStillServing();
  });

  it('unknown output name → 400 listing the outputs, with a suggestion', async () => {
    const res = await post(digitsUrl(), { ...GOOD_DIGITS, outputs: [{ name: 'logit' }] });
    expectError(res, 400, "unknown output 'logit'", 'logits', 'probabilities', "did you mean 'logits'");
    await expectStillServing();
  });

  it('binary sizes that do not add up → 400 with the byte counts', async () => {
    // binary_data_size disagrees with the shape.
    const request = binaryRequest({}, [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], bytes: f32(PIXELS) }]);
    const header = JSON.parse(request.body.subarray(0, request.headerLength).toString()) as {
      inputs: { parameters: { binary_data_size: number } }[];
    };
    header.inputs[0]!.parameters.binary_data_size = 200;
    const head = Buffer.from(JSON.stringify(header));
    const wrongSize = await postBinary(digitsUrl(), {
      body: Buffer.concat([head, request.body.subarray(request.headerLength)]),
      headerLength: head.length,
    });
    expectError(wrongSize, 400, 'binary_data_size', '200', '256');
    // The body carries more (or fewer) bytes than the inputs declare.
    const extra = await postBinary(digitsUrl(), {
      body: Buffer.concat([request.body, Buffer.alloc(12)]),
      headerLength: request.headerLength,
    });
    expectError(extra, 400, '268', '256');
    const short = await postBinary(digitsUrl(), {
      body: request.body.subarray(0, request.body.length - 4),
      headerLength: request.headerLength,
    });
    expectError(short, 400, '252', '256');
    // binary_data_size without any binary section.
    const noSection = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], parameters: { binary_data_size: 256 } }],
    });
    expectError(noSection, 400, 'Inference-Header-Content-Length');
    // Raw single-input form whose bytes are not whole rows.
    const raw = await send(digitsUrl(), {
      method: 'POST',
      body: Buffer.alloc(100),
      headers: { 'inference-header-content-length': '0' },
    });
    expectError(raw, 400, '100 bytes');
    await expectStillServing();
  });

  it('Inference-Header-Content-Length beyond the body → 400 with both lengths', async () => {
    const request = binaryRequest({}, [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], bytes: f32(PIXELS) }]);
    const res = await postBinary(digitsUrl(), { body: request.body, headerLength: request.body.length + 50 });
    expectError(
      res,
      400,
      'Inference-Header-Content-Length',
      String(request.body.length + 50),
      String(request.body.length),
    );
    await expectStillServing();
  });

  it('non-integer Inference-Header-Content-Length → 400 asking for a byte count', async () => {
    for (const value of ['abc', '1.5', '-3', '0x10']) {
      const res = await send(digitsUrl(), {
        method: 'POST',
        body: JSON.stringify(GOOD_DIGITS),
        headers: { 'inference-header-content-length': value },
      });
      expectError(res, 400, 'Inference-Header-Content-Length', `'${value}'`, 'non-negative integer');
    }
    await expectStillServing();
  });

  it('negative dims → 400', async () => {
    const res = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 64], data: PIXELS }],
    });
    expectError(res, 400, 'negative dim', "'pixels'");
    await expectStillServing();
  });

  it('huge shape numbers → 400 before anything is allocated', async () => {
    const huge = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1e12, 64], data: PIXELS }],
    });
    expectError(huge, 400, "'pixels'", 'elements');
    const overflow = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2 ** 40, 2 ** 40], data: PIXELS }],
    });
    expectError(overflow, 400, "'pixels'");
    const unsafe = await send(digitsUrl(), {
      method: 'POST',
      body: '{"inputs":[{"name":"pixels","datatype":"FP32","shape":[99999999999999999999,64],"data":[]}]}',
    });
    expectError(unsafe, 400, "'pixels'");
    const fractional = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1.5, 64], data: PIXELS }],
    });
    expectError(fractional, 400, 'whole numbers');
    const hugeBinary = await postBinary(
      digitsUrl(),
      binaryRequest({}, [{ name: 'pixels', datatype: 'FP32', shape: [2 ** 31, 64], bytes: f32(PIXELS) }]),
    );
    expect(hugeBinary.status).toBe(400);
    await expectStillServing();
  });

  it('empty tensors → 400 (onnxruntime crashes the process on text-classifier at sequence length 0)', async () => {
    const text = (shape: number[]) =>
      post(url('/v2/models/text-classifier/infer'), {
        inputs: [
          { name: 'input_ids', datatype: 'INT64', shape, data: [] },
          { name: 'attention_mask', datatype: 'INT64', shape, data: [] },
        ],
      });
    expectError(await text([1, 0]), 400, "'input_ids'", '[1, 0]', 'no elements');
    expectError(await text([0, 8]), 400, 'no elements');
    const emptyBatch = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [0, 64], data: [] }],
    });
    expectError(emptyBatch, 400, 'no elements');
    const emptyRaw = await send(digitsUrl(), {
      method: 'POST',
      body: Buffer.alloc(0),
      headers: { 'inference-header-content-length': '0' },
    });
    expectError(emptyRaw, 400, 'empty');
    await expectStillServing();
  });

  it('a raw single-input body for a model with several inputs → 400 asking for a JSON header', async () => {
    const res = await send(url('/v2/models/multi-dtype/infer'), {
      method: 'POST',
      body: Buffer.alloc(16),
      headers: { 'inference-header-content-length': '0' },
    });
    expectError(res, 400, '3 inputs', "'x'", 'JSON header');
    await expectStillServing();
  });

  it("values the model rejects while running → 500 with the runtime's reason, and the server carries on", async () => {
    const res = await post(url('/v2/models/text-classifier/infer'), {
      inputs: [
        { name: 'input_ids', datatype: 'INT64', shape: [1, 2], data: [5, 100_000] },
        { name: 'attention_mask', datatype: 'INT64', shape: [1, 2], data: [1, 1] },
      ],
    });
    expectError(res, 500, 'text-classifier', /out of data bounds|indices/);
    const good = await post(url('/v2/models/text-classifier/infer'), {
      inputs: [
        { name: 'input_ids', datatype: 'INT64', shape: [1, 2], data: [5, 6] },
        { name: 'attention_mask', datatype: 'INT64', shape: [1, 2], data: [1, 1] },
      ],
    });
    expect(good.status).toBe(200);
    await expectStillServing();
  });

  it('deep JSON nesting → 400 without exhausting the parser', async () => {
    const depth = 100_000;
    const body = `{"inputs":[{"name":"pixels","datatype":"FP32","shape":[1,64],"data":${'['.repeat(depth)}1${']'.repeat(depth)}}]}`;
    const res = await send(digitsUrl(), { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expectError(res, 400, /nested deeper than \d+/, 'flat');
    await expectStillServing();
  });

  it('a batch above max_batch_size → 400 naming the limit, as Triton', async () => {
    const rows = Array.from({ length: 33 }, () => Array.from({ length: 64 }, () => 0.5));
    const res = await post(digitsUrl(), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [33, 64], data: rows }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/batch of 33 rows exceeds max_batch_size 32 of 'digits-mlp'/);
    await expectStillServing();
  });

  it('BYTES with a NUL inside → 400, since onnxruntime-node would cut the string there', async () => {
    const inputs = [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['nul\u0000inside'] }];
    const res = await post(url('/v2/models/bytes-identity/infer'), { inputs });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/input 'text'.*NUL/);
    await expectStillServing();
  });

  it('FP16 in JSON → 400 pointing at the binary form', async () => {
    const res = await post(url('/v2/models/fp16-identity/infer'), {
      inputs: [{ name: 'x', datatype: 'FP16', shape: [1, 4], data: [1, 2, 3, 4] }],
    });
    expectError(res, 400, 'FP16', 'binary');
    const good = await postBinary(
      url('/v2/models/fp16-identity/infer'),
      binaryRequest({}, [
        {
          name: 'x',
          datatype: 'FP16',
          shape: [1, 4],
          bytes: new Uint8Array(Uint16Array.from([0x3c00, 0, 0, 0]).buffer),
        },
      ]),
    );
    expect(good.status).toBe(200);
  });

  it('bad request parameters → 400 naming the parameter', async () => {
    const timeout = await post(digitsUrl(), { ...GOOD_DIGITS, parameters: { timeout: 'soon' } });
    expectError(timeout, 400, 'timeout');
    const binary = await post(digitsUrl(), { ...GOOD_DIGITS, parameters: { binary_data_output: 'yes' } });
    expectError(binary, 400, 'binary_data_output', 'true or false');
    const id = await post(digitsUrl(), { ...GOOD_DIGITS, id: 42 });
    expectError(id, 400, '"id"', 'string');
    await expectStillServing();
  });

  it('unknown model → 404 listing the served models', async () => {
    const res = await post(url('/v2/models/digits-mpl/infer'), GOOD_DIGITS);
    expectError(res, 404, "'digits-mpl'", 'digits-mlp');
    const meta = await send(url('/v2/models/nope'), { method: 'GET' });
    expectError(meta, 404, "'nope'");
    const cfg = await send(url('/v2/models/nope/config'), { method: 'GET' });
    expectError(cfg, 404, "'nope'");
    const ready = await send(url('/v2/models/nope/ready'), { method: 'GET' });
    expect(ready.status).toBe(404);
    await expectStillServing();
  });

  it('unknown version → 404 listing the served versions', async () => {
    const res = await post(url('/v2/models/digits-mlp/versions/7/infer'), GOOD_DIGITS);
    expectError(res, 404, "'7'", 'served versions: 1');
    const notNumber = await post(url('/v2/models/digits-mlp/versions/latest/infer'), GOOD_DIGITS);
    expectError(notNumber, 404, "'latest'");
    const stats = await send(url('/v2/models/digits-mlp/versions/7/stats'), { method: 'GET' });
    expectError(stats, 404, "'7'");
    const meta = await send(url('/v2/models/digits-mlp/versions/2'), { method: 'GET' });
    expectError(meta, 404, "'2'");
    await expectStillServing();
  });

  it('unsupported Content-Encoding or a corrupt gzip body → 400', async () => {
    const br = await send(digitsUrl(), {
      method: 'POST',
      body: JSON.stringify(GOOD_DIGITS),
      headers: { 'content-encoding': 'br' },
    });
    expectError(br, 400, 'br', 'gzip');
    const corrupt = await send(digitsUrl(), {
      method: 'POST',
      body: Buffer.from('definitely not gzip'),
      headers: { 'content-encoding': 'gzip' },
    });
    expectError(corrupt, 400, 'gzip');
    await expectStillServing();
  });

  it('counts each bad request as a failure, not a success', async () => {
    const stats = await send(url('/v2/models/digits-mlp/versions/1/stats'), { method: 'GET' });
    const [stat] = (stats.json as { model_stats: { inference_stats: Record<string, { count: number }> }[] })
      .model_stats;
    expect(stat!.inference_stats.fail!.count).toBeGreaterThan(20);
    expect(stat!.inference_stats.success!.count).toBeGreaterThanOrEqual(15);
  });
});

describe('request body size limit', () => {
  let server: TestServer;
  const url = (path: string) => `${server.url}${path}`;
  const LIMIT = 4096;

  beforeAll(async () => {
    server = await startTestServer({ models: ['digits-mlp'], maxBodyBytes: LIMIT });
  });
  afterAll(() => server?.close());

  const good = () => post(url('/v2/models/digits-mlp/infer'), GOOD_DIGITS);

  it('answers 413 to an oversized body, naming the limit, and keeps serving', async () => {
    const big = {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [40, 64], data: Array.from({ length: 40 }, () => PIXELS) }],
    };
    expect(JSON.stringify(big).length).toBeGreaterThan(LIMIT);
    const res = await post(url('/v2/models/digits-mlp/infer'), big);
    expectError(res, 413, String(LIMIT));
    expect((await good()).status).toBe(200);
  });

  it('answers 413 to a large body sent without Content-Length (chunked)', async () => {
    const body = Buffer.alloc(3 * LIMIT, 0x20);
    const res = await rawRequest(url('/v2/models/digits-mlp/infer'), {
      method: 'POST',
      body,
      headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.json?.error).toContain(String(LIMIT));
    expect((await good()).status).toBe(200);
  });

  it('answers 413 to a small gzip body that inflates past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await send(url('/v2/models/digits-mlp/infer'), {
      method: 'POST',
      body: bomb,
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
    });
    expectError(res, 413, String(LIMIT));
    expect((await good()).status).toBe(200);
  });
});
