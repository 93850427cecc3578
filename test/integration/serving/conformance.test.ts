// End-to-end conformance of the data plane with the KServe V2 / Open Inference Protocol REST API and the Triton
// extensions it advertises, over real HTTP against the demo models and a few generated ones: every endpoint, every
// datatype, JSON and binary, compression, config, statistics, repository control and /metrics.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { model } from '../../helpers/paths';
import { rawRequest } from '../../helpers/rawHttp';
import {
  configure,
  encodeBytesElements,
  EVERY_TYPE,
  importSpecialModels,
  maxRelativeDifference,
  outputOf,
  releaseReferences,
  runReference,
  samples,
  seededFloats,
  V2_DATATYPES,
} from '../../helpers/servingFixtures';
import { tempDir } from '../../helpers/tempDir';
import { startTestServer, type TestServer } from '../../helpers/testServer';
import { binaryRequest, f32, get, post, postBinary, send, type V2Response } from '../../helpers/v2Client';

afterAll(releaseReferences);

type Json = Record<string, unknown>;

const digits = samples<{ pixels: number[] }>('digits_reference.jsonl', 4);
const cancer = samples<{ features: number[] }>('cancer_reference.jsonl', 3);
const texts = samples<{ input_ids: number[]; attention_mask: number[] }>('text_samples.jsonl', 3);
const multi = samples<{ x: number[]; scale: number[]; flags: boolean[] }>('multi_dtype_samples.jsonl', 6);
const slow = samples<{ x: number[] }>('slow_samples.jsonl', 1);

const fp32Tensor = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);
const int64Tensor = (values: number[], dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

/** Expects a 200 whose outputs are exactly `names`, in order. */
function expectOutputs(res: V2Response, names: string[]): void {
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  expect(res.json.outputs?.map((o) => o.name)).toEqual(names);
}

/** Every output of `res` matches onnxruntime's answer in values and shape (float rounding aside). */
function expectMatchesReference(res: V2Response, reference: Record<string, { dims: number[]; data: unknown[] }>) {
  for (const [name, want] of Object.entries(reference)) {
    const got = outputOf(res, name);
    expect(got.shape, name).toEqual(want.dims);
    expect(maxRelativeDifference(got.data, want.data), name).toBeLessThan(1e-5);
  }
}

// What multi-dtype computes, by hand: mask = flags AND x > 0; count = set mask entries per row;
// y = where(mask, x * float32(scale), 0) in float32.
function multiDtypeByHand(rows: { x: number[]; scale: number[]; flags: boolean[] }[]) {
  const mask = rows.flatMap((r) => r.x.map((x, i): number => (r.flags[i] && Math.fround(x) > 0 ? 1 : 0)));
  const count = rows.map((_, row) => mask.slice(row * 4, row * 4 + 4).reduce((a, b) => a + b, 0));
  const y = rows.flatMap((r, row) =>
    r.x.map((x, i) => (mask[row * 4 + i] ? Math.fround(Math.fround(x) * Math.fround(r.scale[0]!)) : 0)),
  );
  return { y, count, mask };
}

function multiDtypeJson(rows: { x: number[]; scale: number[]; flags: boolean[] }[]) {
  const n = rows.length;
  return [
    { name: 'x', datatype: 'FP32', shape: [n, 4], data: rows.flatMap((r) => r.x) },
    { name: 'scale', datatype: 'FP64', shape: [n, 1], data: rows.flatMap((r) => r.scale) },
    { name: 'flags', datatype: 'BOOL', shape: [n, 4], data: rows.flatMap((r) => r.flags) },
  ];
}

/** Rows that hit every case of the mask: negative x, zero x, flags off, and the samples file's rows. */
const MULTI_ROWS = [
  { x: [-1, 0, 2.5, 1e-3], scale: [2], flags: [true, true, true, true] },
  { x: [3, -0, 7.25, -4], scale: [-0.5], flags: [false, true, true, true] },
  ...multi.map((s) => s.inputs),
];

describe('the V2 data plane serving the demo models', () => {
  const dir = tempDir();
  let server: TestServer;
  const url = (path: string) => `${server.url}${path}`;

  beforeAll(async () => {
    server = await startTestServer({
      models: [
        'digits-mlp:1',
        'digits-mlp:2',
        'cancer-logreg',
        'text-classifier',
        'multi-dtype',
        'squeezenet1_1',
        'slow-matmul',
        'odd-names',
        'rank0-sum',
        'fixed-shape',
        'fp16-identity',
        'bytes-identity',
        'every-type',
      ],
      prepare(engine) {
        importSpecialModels(engine, dir);
        configure(engine, 'cancer-logreg', 1, { 'dynamicBatching.enabled': 'false' });
        configure(engine, 'multi-dtype', 1, { instances: '2' });
      },
    });
  });
  afterAll(() => server?.close());

  describe('health and server metadata', () => {
    it('answers live and ready', async () => {
      const live = await get(url('/v2/health/live'));
      expect(live.status).toBe(200);
      expect(live.json).toMatchObject({ live: true });
      const ready = await get(url('/v2/health/ready'));
      expect(ready.status).toBe(200);
      expect(ready.json).toMatchObject({ ready: true });
    });

    it('advertises exactly the extensions it implements', async () => {
      const res = await get(url('/v2'));
      expect(res.status).toBe(200);
      expect(res.json.name).toBe('slipway');
      expect(res.json.version).toMatch(/^\d+\.\d+\.\d+/);
      expect([...(res.json.extensions as string[])].sort()).toEqual(
        ['binary_tensor_data', 'model_configuration', 'model_repository', 'schedule_policy', 'statistics'].sort(),
      );
    });
  });

  describe('model metadata and readiness', () => {
    it('describes a model with every served version, and one version under /versions/{v}', async () => {
      const all = await get(url('/v2/models/digits-mlp'));
      expect(all.status).toBe(200);
      expect(all.json).toEqual({
        name: 'digits-mlp',
        versions: ['1', '2'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 64] }],
        outputs: [
          { name: 'logits', datatype: 'FP32', shape: [-1, 10] },
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 10] },
        ],
      });
      const one = await get(url('/v2/models/digits-mlp/versions/1'));
      expect(one.status).toBe(200);
      expect(one.json).toMatchObject({ name: 'digits-mlp', versions: ['1'] });
    });

    it('gives every datatype its V2 name and dynamic dims as -1', async () => {
      const md = await get(url('/v2/models/multi-dtype'));
      expect(md.json.inputs).toEqual([
        { name: 'x', datatype: 'FP32', shape: [-1, 4] },
        { name: 'scale', datatype: 'FP64', shape: [-1, 1] },
        { name: 'flags', datatype: 'BOOL', shape: [-1, 4] },
      ]);
      expect(md.json.outputs).toEqual([
        { name: 'y', datatype: 'FP32', shape: [-1, 4] },
        { name: 'count', datatype: 'INT32', shape: [-1] },
        { name: 'mask', datatype: 'UINT8', shape: [-1, 4] },
      ]);
      const text = await get(url('/v2/models/text-classifier'));
      expect(text.json.inputs).toEqual([
        { name: 'input_ids', datatype: 'INT64', shape: [-1, -1] },
        { name: 'attention_mask', datatype: 'INT64', shape: [-1, -1] },
      ]);
      const cancerMeta = await get(url('/v2/models/cancer-logreg'));
      expect(cancerMeta.json.outputs).toContainEqual({ name: 'label', datatype: 'INT64', shape: [-1] });
      expect((await get(url('/v2/models/fp16-identity'))).json.inputs).toEqual([
        { name: 'x', datatype: 'FP16', shape: [-1, 4] },
      ]);
      expect((await get(url('/v2/models/bytes-identity'))).json.outputs).toEqual([
        { name: 'echo', datatype: 'BYTES', shape: [-1] },
      ]);
      expect((await get(url('/v2/models/fixed-shape'))).json.inputs).toEqual([
        { name: 'x', datatype: 'FP32', shape: [1, 4] },
      ]);
      expect((await get(url('/v2/models/rank0-sum'))).json.outputs).toEqual([
        { name: 'total', datatype: 'FP32', shape: [] },
      ]);
      expect((await get(url('/v2/models/odd-names'))).json).toMatchObject({
        inputs: [{ name: 'input/0:x', datatype: 'FP32', shape: [-1, 3] }],
        outputs: [{ name: 'output/0:y', datatype: 'FP32', shape: [-1, 3] }],
      });
    });

    it('reports readiness per model and per version', async () => {
      for (const path of ['/v2/models/digits-mlp/ready', '/v2/models/digits-mlp/versions/1/ready']) {
        const res = await get(url(path));
        expect(res.status, path).toBe(200);
        expect(res.json).toMatchObject({ name: 'digits-mlp', ready: true });
      }
      expect((await get(url('/v2/models/digits-mlp/versions/2/ready'))).status).toBe(200);
    });
  });

  describe('infer, JSON', () => {
    it('takes nested and flat data alike, replies flat, and matches onnxruntime for digits-mlp', async () => {
      const rows = digits.slice(0, 3).map((s) => s.inputs.pixels);
      const nested = await post(url('/v2/models/digits-mlp/versions/1/infer'), {
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [3, 64], data: rows }],
      });
      const flat = await post(url('/v2/models/digits-mlp/versions/1/infer'), {
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [3, 64], data: rows.flat() }],
      });
      expectOutputs(nested, ['logits', 'probabilities']);
      expect(flat.json.outputs).toEqual(nested.json.outputs);
      const probs = outputOf(flat, 'probabilities');
      expect(probs).toMatchObject({ datatype: 'FP32', shape: [3, 10], binary: false });
      expect(probs.data.every((v) => typeof v === 'number')).toBe(true);
      for (let row = 0; row < 3; row++) {
        const sum = (probs.data.slice(row * 10, row * 10 + 10) as number[]).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
      const reference = await runReference(model('digits-mlp-v1.onnx'), { pixels: fp32Tensor(rows.flat(), [3, 64]) });
      expectMatchesReference(flat, reference);
    });

    it('echoes id only when sent, names the version that answered, and defaults to the highest version', async () => {
      const pixels = digits[0]!.inputs.pixels;
      const body = (id?: string) => ({
        ...(id === undefined ? {} : { id }),
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: pixels }],
      });
      const v1 = await post(url('/v2/models/digits-mlp/versions/1/infer'), body('req-1 ✓'));
      expect(v1.status).toBe(200);
      expect(v1.json).toMatchObject({ model_name: 'digits-mlp', model_version: '1', id: 'req-1 ✓' });
      const byDefault = await post(url('/v2/models/digits-mlp/infer'), body());
      expect(byDefault.json.model_version).toBe('2');
      expect(byDefault.json).not.toHaveProperty('id');
      // v1 and v2 are different networks: each version's own weights answer.
      const feeds = () => ({ pixels: fp32Tensor(pixels, [1, 64]) });
      expectMatchesReference(v1, await runReference(model('digits-mlp-v1.onnx'), feeds()));
      expectMatchesReference(byDefault, await runReference(model('digits-mlp-v2.onnx'), feeds()));
      expect(outputOf(v1, 'logits').data).not.toEqual(outputOf(byDefault, 'logits').data);
    });

    it("accepts Triton's timeout and priority request parameters and ignores unknown ones", async () => {
      const res = await post(url('/v2/models/digits-mlp/versions/1/infer'), {
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: digits[2]!.inputs.pixels }],
        parameters: { timeout: 10_000_000, priority: 1, sequence_id: 0, something_else: 'x' },
      });
      expectOutputs(res, ['logits', 'probabilities']);
    });

    it('returns only the outputs asked for, in the order asked', async () => {
      const inputs = [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: digits[1]!.inputs.pixels }];
      const reversed = await post(url('/v2/models/digits-mlp/infer'), {
        inputs,
        outputs: [{ name: 'probabilities' }, { name: 'logits' }],
      });
      expectOutputs(reversed, ['probabilities', 'logits']);
      const one = await post(url('/v2/models/digits-mlp/infer'), { inputs, outputs: [{ name: 'logits' }] });
      expectOutputs(one, ['logits']);
      expect(outputOf(one, 'logits').data).toEqual(outputOf(reversed, 'logits').data);
      const md = await post(url('/v2/models/multi-dtype/infer'), {
        inputs: multiDtypeJson(MULTI_ROWS.slice(0, 1)),
        outputs: [{ name: 'mask' }, { name: 'y' }],
      });
      expectOutputs(md, ['mask', 'y']);
    });

    it('computes multi-dtype exactly: BOOL, FP64 in; FP32, INT32, UINT8 out', async () => {
      const res = await post(url('/v2/models/multi-dtype/infer'), { inputs: multiDtypeJson(MULTI_ROWS) });
      expectOutputs(res, ['y', 'count', 'mask']);
      const n = MULTI_ROWS.length;
      const want = multiDtypeByHand(MULTI_ROWS);
      expect(outputOf(res, 'y')).toMatchObject({ datatype: 'FP32', shape: [n, 4], data: want.y });
      expect(outputOf(res, 'count')).toMatchObject({ datatype: 'INT32', shape: [n], data: want.count });
      expect(outputOf(res, 'mask')).toMatchObject({ datatype: 'UINT8', shape: [n, 4], data: want.mask });
      expect(want.count.slice(0, 2)).toEqual([2, 1]);
    });

    it('answers cancer-logreg with an INT64 label per row', async () => {
      const rows = cancer.map((s) => s.inputs.features);
      const res = await post(url('/v2/models/cancer-logreg/infer'), {
        inputs: [{ name: 'features', datatype: 'FP32', shape: [rows.length, 30], data: rows }],
      });
      expectOutputs(res, ['label', 'probabilities']);
      const label = outputOf(res, 'label');
      expect(label).toMatchObject({ datatype: 'INT64', shape: [3] });
      expect(label.data.every((v) => v === 0 || v === 1)).toBe(true);
      expectMatchesReference(
        res,
        await runReference(model('cancer-logreg-v1.onnx'), { features: fp32Tensor(rows.flat(), [3, 30]) }),
      );
    });

    it('feeds text-classifier two INT64 inputs at two different sequence lengths', async () => {
      for (const length of [32, 9]) {
        const ids = texts.map((t) => t.inputs.input_ids.slice(0, length));
        const mask = texts.map((t) => t.inputs.attention_mask.slice(0, length));
        const res = await post(url('/v2/models/text-classifier/infer'), {
          inputs: [
            { name: 'input_ids', datatype: 'INT64', shape: [3, length], data: ids },
            { name: 'attention_mask', datatype: 'INT64', shape: [3, length], data: mask.flat() },
          ],
        });
        expectOutputs(res, ['logits']);
        expect(outputOf(res, 'logits').shape).toEqual([3, 4]);
        const reference = await runReference(model('text-classifier.onnx'), {
          input_ids: int64Tensor(ids.flat(), [3, length]),
          attention_mask: int64Tensor(mask.flat(), [3, length]),
        });
        expectMatchesReference(res, reference);
      }
    });

    it('runs squeezenet1_1 and slow-matmul from JSON', async () => {
      const image = seededFloats(3 * 224 * 224, 11);
      const sq = await post(url('/v2/models/squeezenet1_1/infer'), {
        inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 3, 224, 224], data: image }],
      });
      expectOutputs(sq, ['logits']);
      expectMatchesReference(
        sq,
        await runReference(model('squeezenet1_1.onnx'), { image: fp32Tensor(image, [1, 3, 224, 224]) }),
      );
      const x = slow[0]!.inputs.x;
      const sm = await post(url('/v2/models/slow-matmul/infer'), {
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 512], data: x }],
      });
      expectOutputs(sm, ['y']);
      expectMatchesReference(sm, await runReference(model('slow-matmul.onnx'), { x: fp32Tensor(x, [1, 512]) }));
    });

    it("serves tensors whose names hold '/' and ':', in JSON and binary", async () => {
      const res = await post(url('/v2/models/odd-names/infer'), {
        inputs: [{ name: 'input/0:x', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, -6.5] }],
      });
      expectOutputs(res, ['output/0:y']);
      expect(outputOf(res, 'output/0:y')).toMatchObject({ shape: [2, 3], data: [1, 2, 3, 4, 5, -6.5] });
      const bin = await postBinary(
        url('/v2/models/odd-names/versions/1/infer'),
        binaryRequest({ outputs: [{ name: 'output/0:y', parameters: { binary_data: true } }] }, [
          { name: 'input/0:x', datatype: 'FP32', shape: [1, 3], bytes: f32([0.5, -0.25, 8]) },
        ]),
      );
      expect(outputOf(bin, 'output/0:y')).toMatchObject({ binary: true, shape: [1, 3], data: [0.5, -0.25, 8] });
    });

    it('carries NaN, ±Infinity and -0 through JSON (bare literals in, strings out)', async () => {
      const res = await send(url('/v2/models/odd-names/infer'), {
        method: 'POST',
        body: '{"inputs":[{"name":"input/0:x","datatype":"FP32","shape":[2,3],"data":[NaN,-Infinity,"Infinity",-0.0,1e-45,3.4028234663852886e38]}]}',
        headers: { 'content-type': 'application/json' },
      });
      expectOutputs(res, ['output/0:y']);
      const data = outputOf(res, 'output/0:y').data;
      expect(data.slice(0, 3)).toEqual(['NaN', '-Infinity', 'Infinity']);
      expect(Object.is(data[3], -0)).toBe(true);
      expect(data.slice(4)).toEqual([Math.fround(1e-45), Math.fround(3.4028234663852886e38)]);
    });

    it('returns a rank-0 output with shape [] in JSON and binary', async () => {
      const inputs = [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6.5] }];
      const res = await post(url('/v2/models/rank0-sum/infer'), { inputs });
      expectOutputs(res, ['total']);
      expect(res.json.outputs![0]).toEqual({ name: 'total', datatype: 'FP32', shape: [], data: [21.5] });
      const bin = await post(url('/v2/models/rank0-sum/infer'), { inputs, parameters: { binary_data_output: true } });
      expect(outputOf(bin, 'total')).toMatchObject({ binary: true, shape: [], data: [21.5] });
      expect(bin.binary.total!.length).toBe(4);
    });

    it('runs a model with no dynamic axes at its fixed shape', async () => {
      const res = await post(url('/v2/models/fixed-shape/infer'), {
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [[1, -2, 3, 0.125]] }],
      });
      expectOutputs(res, ['y']);
      expect(outputOf(res, 'y')).toMatchObject({ shape: [1, 4], data: [1, -2, 3, 0.125] });
    });

    it('maps BYTES to and from JSON strings', async () => {
      const strings = ['héllo wörld', '', 'with "quotes" and \\ and \n', '日本語'];
      const res = await post(url('/v2/models/bytes-identity/infer'), {
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [4], data: strings }],
      });
      expectOutputs(res, ['echo']);
      expect(outputOf(res, 'echo')).toMatchObject({ datatype: 'BYTES', shape: [4], data: strings, binary: false });
    });
  });

  describe('every datatype', () => {
    const V2 = V2_DATATYPES;
    const MAX_SAFE = Number.MAX_SAFE_INTEGER;
    /** Two rows per type, the extremes JSON numbers can carry exactly. */
    const VALUES: Record<(typeof EVERY_TYPE)[number], (number | boolean | string)[]> = {
      bool: [true, false, true, false, false, true],
      uint8: [0, 255, 7, 128, 1, 254],
      uint16: [0, 65535, 7, 32768, 1, 65534],
      uint32: [0, 4294967295, 7, 2147483648, 1, 4294967294],
      uint64: [0, MAX_SAFE, 7, 2 ** 32, 1, 2 ** 40 + 3],
      int8: [-128, 127, 0, -1, 1, 64],
      int16: [-32768, 32767, 0, -1, 1, 1000],
      int32: [-2147483648, 2147483647, 0, -1, 1, 123456789],
      int64: [-MAX_SAFE, MAX_SAFE, 0, -1, 1, -(2 ** 40)],
      float32: [1.5, -0.1, 3.4028234663852886e38, 1e-45, -2.5, 0.3],
      float64: [0.1, -1e300, 5e-324, Math.PI, -0.5, 1e-10],
      string: ['a', '', 'é ü', '{"json": true}', ' ', '\\'],
    };
    const exact = (t: (typeof EVERY_TYPE)[number]) =>
      t === 'float32' ? VALUES[t].map((v) => Math.fround(v as number)) : VALUES[t];

    it('describes each datatype by its V2 and Triton names', async () => {
      const meta = await get(url('/v2/models/every-type'));
      expect(meta.json.inputs).toEqual(EVERY_TYPE.map((t) => ({ name: `in_${t}`, datatype: V2[t], shape: [-1, 3] })));
      const config = await get(url('/v2/models/every-type/config'));
      expect((config.json.output as { data_type: string }[]).map((o) => o.data_type)).toEqual(
        EVERY_TYPE.map((t) => (t === 'string' ? 'TYPE_STRING' : `TYPE_${V2[t]}`)),
      );
    });

    it('round-trips every datatype through JSON exactly', async () => {
      const res = await post(url('/v2/models/every-type/infer'), {
        inputs: EVERY_TYPE.map((t) => ({ name: `in_${t}`, datatype: V2[t], shape: [2, 3], data: VALUES[t] })),
      });
      expectOutputs(
        res,
        EVERY_TYPE.map((t) => `out_${t}`),
      );
      for (const t of EVERY_TYPE) {
        expect(outputOf(res, `out_${t}`), t).toMatchObject({ datatype: V2[t], shape: [2, 3], data: exact(t) });
      }
    });

    it('round-trips every datatype through the binary section bit for bit', async () => {
      const bytes: Record<(typeof EVERY_TYPE)[number], Uint8Array> = {
        bool: Uint8Array.from([1, 0, 1, 0, 0, 1]),
        uint8: Uint8Array.from([0, 255, 7, 128, 1, 254]),
        uint16: new Uint8Array(Uint16Array.from([0, 65535, 7, 32768, 1, 65534]).buffer),
        uint32: new Uint8Array(Uint32Array.from([0, 4294967295, 7, 2147483648, 1, 4294967294]).buffer),
        uint64: new Uint8Array(BigUint64Array.from([0n, 2n ** 64n - 1n, 7n, 2n ** 63n, 1n, 2n ** 53n + 1n]).buffer),
        int8: new Uint8Array(Int8Array.from([-128, 127, 0, -1, 1, 64]).buffer),
        int16: new Uint8Array(Int16Array.from([-32768, 32767, 0, -1, 1, 1000]).buffer),
        int32: new Uint8Array(Int32Array.from([-2147483648, 2147483647, 0, -1, 1, 5]).buffer),
        int64: new Uint8Array(BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 1n, 2n ** 53n + 1n]).buffer),
        float32: new Uint8Array(Float32Array.from([1.5, -0, NaN, Infinity, -Infinity, 1e-45]).buffer),
        float64: new Uint8Array(Float64Array.from([0.1, -0, NaN, Infinity, 5e-324, Math.E]).buffer),
        string: encodeBytesElements(VALUES.string as string[]),
      };
      const res = await postBinary(
        url('/v2/models/every-type/infer'),
        binaryRequest(
          { parameters: { binary_data_output: true } },
          EVERY_TYPE.map((t) => ({ name: `in_${t}`, datatype: V2[t], shape: [2, 3], bytes: bytes[t] })),
        ),
      );
      expectOutputs(
        res,
        EVERY_TYPE.map((t) => `out_${t}`),
      );
      for (const t of EVERY_TYPE) {
        expect(res.binary[`out_${t}`]?.equals(Buffer.from(bytes[t])), t).toBe(true);
      }
    });

    it('writes INT64 and UINT64 beyond 2^53 as exact JSON numbers (sent as decimal strings)', async () => {
      const body = JSON.stringify({
        inputs: EVERY_TYPE.map((t) => ({
          name: `in_${t}`,
          datatype: V2[t],
          shape: [2, 3],
          data:
            t === 'int64'
              ? ['-9223372036854775808', '9223372036854775807', '9007199254740993', '0', '1', '-1']
              : t === 'uint64'
                ? ['18446744073709551615', '9007199254740993', '0', '1', '2', '3']
                : VALUES[t],
        })),
        outputs: [{ name: 'out_int64' }, { name: 'out_uint64' }],
      });
      const res = await rawRequest(url('/v2/models/every-type/infer'), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, res.body.toString()).toBe(200);
      const text = res.body.toString('utf8');
      expect(text).toContain('"data":[-9223372036854775808,9223372036854775807,9007199254740993,0,1,-1]');
      expect(text).toContain('"data":[18446744073709551615,9007199254740993,0,1,2,3]');
    });
  });

  describe('infer, Triton binary tensor data', () => {
    const pixels = digits.slice(0, 2).flatMap((s) => s.inputs.pixels);
    const jsonAnswer = () =>
      post(url('/v2/models/digits-mlp/versions/1/infer'), {
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2, 64], data: pixels }],
      });

    it('takes binary inputs and answers in JSON unless asked otherwise', async () => {
      const res = await postBinary(
        url('/v2/models/digits-mlp/versions/1/infer'),
        binaryRequest({ id: 'bin-1' }, [{ name: 'pixels', datatype: 'FP32', shape: [2, 64], bytes: f32(pixels) }]),
      );
      expectOutputs(res, ['logits', 'probabilities']);
      expect(res.json.id).toBe('bin-1');
      expect(res.headers.get('inference-header-content-length')).toBeNull();
      expect(res.json.outputs).toEqual((await jsonAnswer()).json.outputs);
    });

    it('puts only outputs with binary_data in the binary section, with binary_data_size', async () => {
      const res = await post(url('/v2/models/digits-mlp/versions/1/infer'), {
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2, 64], data: pixels }],
        outputs: [{ name: 'logits', parameters: { binary_data: true } }, { name: 'probabilities' }],
      });
      expectOutputs(res, ['logits', 'probabilities']);
      const headerLength = Number(res.headers.get('inference-header-content-length'));
      expect(headerLength).toBeGreaterThan(0);
      const [logits, probs] = res.json.outputs!;
      expect(logits).toEqual({
        name: 'logits',
        datatype: 'FP32',
        shape: [2, 10],
        parameters: { binary_data_size: 80 },
      });
      expect(probs!.data).toHaveLength(20);
      const reference = (await jsonAnswer()).json.outputs!;
      expect(outputOf(res, 'logits').data).toEqual(reference[0]!.data);
      expect(probs!.data).toEqual(reference[1]!.data);
    });

    it('honours request-level binary_data_output, with per-output binary_data overriding it', async () => {
      const request = binaryRequest({ parameters: { binary_data_output: true } }, [
        { name: 'pixels', datatype: 'FP32', shape: [2, 64], bytes: f32(pixels) },
      ]);
      const all = await postBinary(url('/v2/models/digits-mlp/versions/1/infer'), request);
      expectOutputs(all, ['logits', 'probabilities']);
      expect(outputOf(all, 'logits').binary).toBe(true);
      expect(outputOf(all, 'probabilities').binary).toBe(true);
      const reference = (await jsonAnswer()).json.outputs!;
      expect(outputOf(all, 'probabilities').data).toEqual(reference[1]!.data);

      const mixed = await post(url('/v2/models/digits-mlp/versions/1/infer'), {
        parameters: { binary_data_output: true },
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2, 64], data: pixels }],
        outputs: [{ name: 'logits' }, { name: 'probabilities', parameters: { binary_data: false } }],
      });
      expect(outputOf(mixed, 'logits').binary).toBe(true);
      expect(outputOf(mixed, 'probabilities')).toMatchObject({ binary: false, data: reference[1]!.data });
    });

    it('mixes JSON and binary inputs in one request', async () => {
      const rows = MULTI_ROWS.slice(0, 4);
      const n = rows.length;
      const request = binaryRequest(
        { inputs: [{ name: 'scale', datatype: 'FP64', shape: [n, 1], data: rows.flatMap((r) => r.scale) }] },
        [
          { name: 'x', datatype: 'FP32', shape: [n, 4], bytes: f32(rows.flatMap((r) => r.x)) },
          {
            name: 'flags',
            datatype: 'BOOL',
            shape: [n, 4],
            bytes: Uint8Array.from(rows.flatMap((r) => r.flags.map((f) => (f ? 1 : 0)))),
          },
        ],
      );
      const res = await postBinary(url('/v2/models/multi-dtype/infer'), request);
      expectOutputs(res, ['y', 'count', 'mask']);
      const want = multiDtypeByHand(rows);
      expect(outputOf(res, 'y').data).toEqual(want.y);
      expect(outputOf(res, 'count').data).toEqual(want.count);
      expect(outputOf(res, 'mask').data).toEqual(want.mask);
    });

    it('returns every datatype of multi-dtype in binary with the right byte sizes', async () => {
      const rows = MULTI_ROWS.slice(0, 3);
      const res = await post(url('/v2/models/multi-dtype/infer'), {
        inputs: multiDtypeJson(rows),
        parameters: { binary_data_output: true },
      });
      expectOutputs(res, ['y', 'count', 'mask']);
      expect(res.json.outputs!.map((o) => o.parameters?.binary_data_size)).toEqual([3 * 4 * 4, 3 * 4, 3 * 4]);
      const want = multiDtypeByHand(rows);
      expect(outputOf(res, 'y').data).toEqual(want.y);
      expect(outputOf(res, 'count').data).toEqual(want.count);
      expect(outputOf(res, 'mask').data).toEqual(want.mask);
    });

    it('accepts the raw single-input form (Inference-Header-Content-Length: 0)', async () => {
      const res = await send(url('/v2/models/digits-mlp/versions/1/infer'), {
        method: 'POST',
        body: Buffer.from(f32(pixels)),
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': '0' },
      });
      expectOutputs(res, ['logits', 'probabilities']);
      const reference = (await jsonAnswer()).json.outputs!;
      expect(outputOf(res, 'logits')).toMatchObject({ shape: [2, 10], data: reference[0]!.data });
      expect(outputOf(res, 'probabilities')).toMatchObject({ shape: [2, 10], data: reference[1]!.data });
    });

    it('takes FP16 in binary and always answers FP16 in binary, bit for bit', async () => {
      // 1, 2, -2, +Inf, 1/3 (rounded), -0, 65504 (max), the smallest subnormal.
      const halves = Uint16Array.from([0x3c00, 0x4000, 0xc000, 0x7c00, 0x3555, 0x8000, 0x7bff, 0x0001]);
      const res = await postBinary(
        url('/v2/models/fp16-identity/infer'),
        binaryRequest({}, [{ name: 'x', datatype: 'FP16', shape: [2, 4], bytes: new Uint8Array(halves.buffer) }]),
      );
      expectOutputs(res, ['y']);
      expect(res.json.outputs![0]).toEqual({
        name: 'y',
        datatype: 'FP16',
        shape: [2, 4],
        parameters: { binary_data_size: 16 },
      });
      expect(res.binary.y!.equals(Buffer.from(halves.buffer))).toBe(true);
    });

    it('sends and receives BYTES in Triton length-prefixed form', async () => {
      // NUL cannot be carried (onnxruntime-node cuts strings at it): the bad-inputs test checks it is refused.
      const strings = ['', 'a', 'ünïcödé', 'tab\tand\nnewline', 'x'.repeat(300)];
      const res = await postBinary(
        url('/v2/models/bytes-identity/infer'),
        binaryRequest({ parameters: { binary_data_output: true } }, [
          { name: 'text', datatype: 'BYTES', shape: [5], bytes: encodeBytesElements(strings) },
        ]),
      );
      expectOutputs(res, ['echo']);
      const echo = outputOf(res, 'echo');
      expect(echo).toMatchObject({ datatype: 'BYTES', shape: [5], binary: true, data: strings });
      expect(res.json.outputs![0]!.parameters?.binary_data_size).toBe(encodeBytesElements(strings).length);
    });
  });

  describe('content encoding', () => {
    const pixels = digits.slice(0, 4).flatMap((s) => s.inputs.pixels);
    const body = { inputs: [{ name: 'pixels', datatype: 'FP32', shape: [4, 64], data: pixels }] };

    it('inflates a gzip request body, JSON or binary', async () => {
      const plain = await post(url('/v2/models/digits-mlp/infer'), body);
      const gz = await send(
        url('/v2/models/digits-mlp/infer'),
        { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
        true,
      );
      expect(gz.status).toBe(200);
      expect(gz.json.outputs).toEqual(plain.json.outputs);
      const request = binaryRequest({}, [{ name: 'pixels', datatype: 'FP32', shape: [4, 64], bytes: f32(pixels) }]);
      const gzBinary = await send(
        url('/v2/models/digits-mlp/infer'),
        {
          method: 'POST',
          body: request.body,
          headers: { 'inference-header-content-length': String(request.headerLength) },
        },
        true,
      );
      expect(gzBinary.status).toBe(200);
      expect(gzBinary.json.outputs).toEqual(plain.json.outputs);
    });

    it('does not compress when gzip is refused (q=0)', async () => {
      const res = await rawRequest(url('/v2/models/digits-mlp/infer'), {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip;q=0, identity' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.json?.outputs).toHaveLength(2);
    });

    it('gzips a response for Accept-Encoding: gzip and not otherwise', async () => {
      const text = JSON.stringify(body);
      const headers = { 'content-type': 'application/json' };
      const zipped = await rawRequest(url('/v2/models/digits-mlp/infer'), {
        method: 'POST',
        body: text,
        headers: { ...headers, 'accept-encoding': 'gzip' },
      });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      const unzipped = JSON.parse(gunzipSync(zipped.body).toString('utf8')) as Json;
      const plain = await rawRequest(url('/v2/models/digits-mlp/infer'), { method: 'POST', body: text, headers });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(unzipped).toEqual(plain.json);
      expect(zipped.body.length).toBeLessThan(plain.body.length);
    });

    it('keeps Inference-Header-Content-Length about the uncompressed body when gzipping binary outputs', async () => {
      // 16 rows: 2 outputs × 16 × 10 FP32 is 1280 bytes of binary data, past the size below which replies are
      // sent uncompressed, so this reply is gzipped.
      const rows = 16;
      const many = Array.from({ length: rows }, (_, r) =>
        digits[r % digits.length]!.inputs.pixels.map((p) => p * (1 - r / 64)),
      );
      const manyBody = { inputs: [{ name: 'pixels', datatype: 'FP32', shape: [rows, 64], data: many.flat() }] };
      const zipped = await rawRequest(url('/v2/models/digits-mlp/versions/1/infer'), {
        method: 'POST',
        body: JSON.stringify({ ...manyBody, parameters: { binary_data_output: true } }),
        headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      const raw = gunzipSync(zipped.body);
      expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
      const headerLength = Number(zipped.headers['inference-header-content-length']);
      const header = JSON.parse(raw.subarray(0, headerLength).toString('utf8')) as {
        outputs: { name: string; shape: number[]; parameters: { binary_data_size: number } }[];
      };
      expect(header.outputs.map((o) => [o.name, o.shape, o.parameters.binary_data_size])).toEqual([
        ['logits', [rows, 10], rows * 10 * 4],
        ['probabilities', [rows, 10], rows * 10 * 4],
      ]);
      expect(raw.length - headerLength).toBe(2 * rows * 10 * 4);
      // The decoded binary values are the ones the same request answers in plain JSON.
      const plain = await post(url('/v2/models/digits-mlp/versions/1/infer'), manyBody);
      let offset = headerLength;
      for (const name of ['logits', 'probabilities']) {
        const bytes = raw.subarray(offset, offset + rows * 10 * 4);
        offset += bytes.length;
        const values = Array.from(
          new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
        );
        expect(values, name).toEqual(outputOf(plain, name).data);
      }
    });
  });

  describe('model configuration', () => {
    type Config = Json & {
      max_batch_size: number;
      input: { name: string; data_type: string; dims: number[] }[];
      output: { name: string; data_type: string; dims: number[] }[];
      instance_group: { kind: string; count: number }[];
    };
    const config = async (path: string) => {
      const res = await get(url(path));
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      return res.json as Config;
    };

    it('gives a batchable model max_batch_size, dims without the batch axis, and its dynamic batching', async () => {
      const c = await config('/v2/models/digits-mlp/versions/1/config');
      expect(c).toMatchObject({ name: 'digits-mlp', platform: 'onnxruntime_onnx', backend: 'onnxruntime' });
      expect(c.max_batch_size).toBe(32);
      expect(c.input).toMatchObject([{ name: 'pixels', data_type: 'TYPE_FP32', dims: [64] }]);
      expect(c.output).toMatchObject([
        { name: 'logits', data_type: 'TYPE_FP32', dims: [10] },
        { name: 'probabilities', data_type: 'TYPE_FP32', dims: [10] },
      ]);
      expect(c.dynamic_batching).toMatchObject({ max_queue_delay_microseconds: 0, preferred_batch_size: [] });
      expect(c.instance_group).toMatchObject([{ kind: 'KIND_CPU', count: 1 }]);
      expect((await config('/v2/models/digits-mlp/config')).max_batch_size).toBe(32);
    });

    it('reflects the real settings: instance count, every data type, batching off when turned off', async () => {
      const md = await config('/v2/models/multi-dtype/config');
      expect(md.instance_group).toMatchObject([{ kind: 'KIND_CPU', count: 2 }]);
      expect(md.input.map((i) => [i.name, i.data_type, i.dims])).toEqual([
        ['x', 'TYPE_FP32', [4]],
        ['scale', 'TYPE_FP64', [1]],
        ['flags', 'TYPE_BOOL', [4]],
      ]);
      expect(md.output.map((o) => [o.name, o.data_type, o.dims])).toEqual([
        ['y', 'TYPE_FP32', [4]],
        ['count', 'TYPE_INT32', []],
        ['mask', 'TYPE_UINT8', [4]],
      ]);
      expect(md.dynamic_batching).toBeDefined();
      // Turned off in the settings: still takes a batch from the client, but merges nothing.
      const off = await config('/v2/models/cancer-logreg/config');
      expect(off.max_batch_size).toBeGreaterThan(0);
      expect(off.output).toContainEqual(expect.objectContaining({ name: 'label', data_type: 'TYPE_INT64', dims: [] }));
      expect(off).not.toHaveProperty('dynamic_batching');
      // Kept off by the load-time check (batched results not bit-identical): no dynamic_batching either.
      const text = await config('/v2/models/text-classifier/config');
      expect(text.input).toMatchObject([
        { name: 'input_ids', data_type: 'TYPE_INT64', dims: [-1] },
        { name: 'attention_mask', data_type: 'TYPE_INT64', dims: [-1] },
      ]);
      expect(text).not.toHaveProperty('dynamic_batching');
    });

    it('gives a model without a batch axis max_batch_size 0 and full dims', async () => {
      const fixed = await config('/v2/models/fixed-shape/config');
      expect(fixed.max_batch_size).toBe(0);
      expect(fixed.input).toMatchObject([{ name: 'x', data_type: 'TYPE_FP32', dims: [1, 4] }]);
      expect(fixed.output).toMatchObject([{ name: 'y', dims: [1, 4] }]);
      expect(fixed).not.toHaveProperty('dynamic_batching');
      const rank0 = await config('/v2/models/rank0-sum/config');
      expect(rank0.max_batch_size).toBe(0);
      expect(rank0.input).toMatchObject([{ name: 'x', dims: [-1, 3] }]);
      expect(rank0.output).toMatchObject([{ name: 'total', dims: [] }]);
      expect(rank0).not.toHaveProperty('dynamic_batching');
      const types = await config('/v2/models/fp16-identity/config');
      expect(types.input[0]!.data_type).toBe('TYPE_FP16');
      expect((await config('/v2/models/bytes-identity/config')).input[0]!.data_type).toBe('TYPE_STRING');
    });
  });

  describe('statistics and metrics', () => {
    type Stat = { count: number; ns: number };
    type ModelStat = {
      name: string;
      version: string;
      last_inference: number;
      inference_count: number;
      execution_count: number;
      inference_stats: Record<string, Stat>;
      batch_stats: { batch_size: number; compute_input: Stat; compute_infer: Stat; compute_output: Stat }[];
    };
    const stats = async (path: string) => {
      const res = await get(url(path));
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      return (res.json as { model_stats: ModelStat[] }).model_stats;
    };
    const features = (n: number) => cancer.slice(0, n).map((s) => s.inputs.features);
    const inferCancer = (n: number) =>
      post(url('/v2/models/cancer-logreg/infer'), {
        inputs: [{ name: 'features', datatype: 'FP32', shape: [n, 30], data: features(n) }],
      });

    it("counts requests, rows and executions with Triton's field names", async () => {
      const [before] = await stats('/v2/models/cancer-logreg/versions/1/stats');
      expect(before).toMatchObject({ name: 'cancer-logreg', version: '1' });
      expect(Object.keys(before!.inference_stats).sort()).toEqual(
        [
          'success',
          'fail',
          'queue',
          'compute_input',
          'compute_infer',
          'compute_output',
          'cache_hit',
          'cache_miss',
        ].sort(),
      );
      const started = Date.now();
      expect((await inferCancer(1)).status).toBe(200);
      expect((await inferCancer(3)).status).toBe(200);
      const bad = await post(url('/v2/models/cancer-logreg/infer'), {
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 30], data: [1, 2] }],
      });
      expect(bad.status).toBe(400);

      const [after] = await stats('/v2/models/cancer-logreg/versions/1/stats');
      const delta = (key: string) => after!.inference_stats[key]!.count - before!.inference_stats[key]!.count;
      expect(delta('success')).toBe(2);
      expect(delta('fail')).toBe(1);
      expect(delta('queue')).toBe(2);
      expect(delta('compute_infer')).toBe(2);
      expect(after!.inference_count - before!.inference_count).toBe(4);
      expect(after!.execution_count - before!.execution_count).toBe(2);
      expect(after!.inference_stats.success!.ns).toBeGreaterThan(before!.inference_stats.success!.ns);
      expect(after!.last_inference).toBeGreaterThanOrEqual(started);
      expect(after!.last_inference).toBeLessThanOrEqual(Date.now());
      const sizes = after!.batch_stats.map((b) => b.batch_size);
      expect(sizes).toEqual(expect.arrayContaining([1, 3]));
      expect(after!.batch_stats.find((b) => b.batch_size === 3)!.compute_infer.count).toBeGreaterThanOrEqual(1);
    });

    it('lists every served version server-wide and per model', async () => {
      const everything = await stats('/v2/models/stats');
      const served = everything.map((s) => `${s.name}:${s.version}`);
      expect(served).toEqual(
        expect.arrayContaining(['digits-mlp:1', 'digits-mlp:2', 'cancer-logreg:1', 'multi-dtype:1', 'odd-names:1']),
      );
      expect(served).not.toContain('cancer-logreg:2');
      expect((await stats('/v2/models/digits-mlp/stats')).map((s) => s.version)).toEqual(['1', '2']);
    });

    it("exposes Triton's metrics with model and version labels, matching the statistics", async () => {
      expect((await inferCancer(2)).status).toBe(200);
      const [stat] = await stats('/v2/models/cancer-logreg/versions/1/stats');
      const res = await rawRequest(url('/metrics'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body.toString('utf8');
      const metric = (name: string, labels: Record<string, string>) => {
        const series = text
          .split('\n')
          .filter((line) => line.startsWith(`${name}{`))
          .find((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
        return series === undefined ? undefined : Number(series.slice(series.lastIndexOf(' ') + 1));
      };
      const labels = { model: 'cancer-logreg', version: '1' };
      expect(metric('nv_inference_request_success', labels)).toBe(stat!.inference_stats.success!.count);
      expect(metric('nv_inference_count', labels)).toBe(stat!.inference_count);
      expect(metric('nv_inference_exec_count', labels)).toBe(stat!.execution_count);
      const failures = ['OTHER', 'BACKEND', 'CANCELED', 'REJECTED'].map(
        (reason) => metric('nv_inference_request_failure', { ...labels, reason }) ?? 0,
      );
      expect(failures.reduce((a, b) => a + b, 0)).toBe(stat!.inference_stats.fail!.count);
      expect(metric('nv_inference_pending_request_count', labels)).toBe(0);
      for (const name of [
        'nv_inference_request_duration_us',
        'nv_inference_queue_duration_us',
        'nv_inference_compute_input_duration_us',
        'nv_inference_compute_infer_duration_us',
        'nv_inference_compute_output_duration_us',
      ]) {
        expect(metric(name, labels), name).toBeGreaterThanOrEqual(0);
      }
      expect(text).toMatch(/_bucket\{[^}]*le="/);
      expect(text).toContain('# TYPE nv_inference_request_success counter');
    });

    it.skipIf(!existsSync('/usr/bin/promtool'))('passes promtool check metrics (lint warnings allowed)', async () => {
      const res = await rawRequest(url('/metrics'));
      const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: res.body, encoding: 'utf8' });
      expect([0, 3], `${check.stdout}${check.stderr}`).toContain(check.status);
    });
  });

  describe('unknown paths and verbs', () => {
    it('answers 404 for an unknown path, naming it', async () => {
      const res = await get(url('/v2/nothing/here'));
      expect(res.status).toBe(404);
      expect(res.json.error).toContain('/v2/nothing/here');
      expect((await get(url('/v1/models/digits-mlp'))).status).toBe(404);
    });

    it('answers 405 for a wrong verb, naming the one to use', async () => {
      const getInfer = await get(url('/v2/models/digits-mlp/infer'));
      expect(getInfer.status).toBe(405);
      expect(getInfer.json.error).toMatch(/GET.*POST|POST.*GET/);
      // HTTP requires a 405 to say, in Allow, which methods the path takes.
      expect(getInfer.headers.get('allow')).toBe('POST');
      const postLive = await post(url('/v2/health/live'), {});
      expect(postLive.status).toBe(405);
      expect(postLive.json.error).toContain('GET');
      expect(postLive.headers.get('allow')).toBe('GET');
      const deleteModel = await send(url('/v2/models/digits-mlp'), { method: 'DELETE' });
      expect(deleteModel.status).toBe(405);
      expect(deleteModel.json.error).toContain('GET');
      expect(deleteModel.headers.get('allow')).toBe('GET');
      const putIndex = await send(url('/v2/repository/index'), { method: 'PUT' });
      expect(putIndex.status).toBe(405);
      expect(putIndex.headers.get('allow')).toBe('POST');
      // A 404 has no Allow: the path takes no method at all.
      expect((await get(url('/v2/nothing/here'))).headers.get('allow')).toBeNull();
    });
  });
});

describe('model repository over HTTP', () => {
  let server: TestServer;
  const url = (path: string) => `${server.url}${path}`;
  const infer = () =>
    post(url('/v2/models/digits-mlp/infer'), {
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: digits[0]!.inputs.pixels }],
    });
  type IndexEntry = { name: string; version: string; state: string; reason: string };
  const index = async (body?: Json) => {
    const res =
      body === undefined
        ? await send(url('/v2/repository/index'), { method: 'POST' })
        : await post(url('/v2/repository/index'), body);
    expect(res.status).toBe(200);
    return res.json as unknown as IndexEntry[];
  };

  beforeAll(async () => {
    server = await startTestServer({ models: ['digits-mlp', 'cancer-logreg'] });
  });
  afterAll(() => server?.close());

  it('indexes every library version with its state', async () => {
    const all = await index();
    expect(all).toContainEqual(expect.objectContaining({ name: 'digits-mlp', version: '1', state: 'READY' }));
    expect(all).toContainEqual(expect.objectContaining({ name: 'digits-mlp', version: '2', state: 'UNAVAILABLE' }));
    expect(all).toContainEqual(expect.objectContaining({ name: 'squeezenet1_1', version: '1', state: 'UNAVAILABLE' }));
    const ready = await index({ ready: true });
    expect(ready.map((e) => `${e.name}:${e.version}`).sort()).toEqual(['cancer-logreg:1', 'digits-mlp:1']);
  });

  it('unloads a model (404 after) and loads it again (answers again)', async () => {
    expect((await infer()).status).toBe(200);
    const unload = await post(url('/v2/repository/models/digits-mlp/unload'), {});
    expect(unload.status).toBe(200);

    const gone = await infer();
    expect(gone.status).toBe(404);
    expect(gone.json.error).toContain('digits-mlp');
    expect((await get(url('/v2/models/digits-mlp/ready'))).status).toBe(404);
    expect((await index()).find((e) => e.name === 'digits-mlp' && e.version === '1')?.state).toBe('UNAVAILABLE');
    const stats = (await get(url('/v2/models/stats'))).json as { model_stats: { name: string }[] };
    expect(stats.model_stats.map((s) => s.name)).not.toContain('digits-mlp');
    // Other models keep answering.
    expect((await get(url('/v2/models/cancer-logreg/ready'))).status).toBe(200);

    const load = await send(url('/v2/repository/models/digits-mlp/load'), { method: 'POST' });
    expect(load.status).toBe(200);
    const back = await infer();
    expect(back.status).toBe(200);
    expect(back.json.model_version).toBe('1');
    expect((await get(url('/v2/models/digits-mlp/ready'))).json).toMatchObject({ ready: true });
    expect((await index({ ready: true })).map((e) => e.name)).toContain('digits-mlp');
  });

  it('answers 404 when loading or unloading a model it does not know', async () => {
    const load = await post(url('/v2/repository/models/no-such-model/load'), {});
    expect(load.status).toBe(404);
    expect(load.json.error).toContain('no-such-model');
    expect((await post(url('/v2/repository/models/squeezenet1_1/unload'), {})).status).toBe(404);
  });
});

describe('dynamic batching over HTTP', () => {
  let server: TestServer;
  const url = (path: string) => `${server.url}${path}`;

  beforeAll(async () => {
    server = await startTestServer({
      models: ['digits-mlp:1'],
      // A short wait for more requests, so concurrent HTTP requests reliably meet in the queue.
      prepare: (engine) => configure(engine, 'digits-mlp', 1, { 'dynamicBatching.maxQueueDelayMicros': '3000' }),
    });
  });
  afterAll(() => server?.close());

  it('answers 48 concurrent requests bit-identically to running each alone, in batches larger than 1', async () => {
    const inputs = Array.from({ length: 48 }, (_, i) => seededFloats(64, 100 + i, 8));
    const request = (pixels: number[]) =>
      postBinary(
        url('/v2/models/digits-mlp/infer'),
        binaryRequest({ parameters: { binary_data_output: true } }, [
          { name: 'pixels', datatype: 'FP32', shape: [1, 64], bytes: f32(pixels) },
        ]),
      );
    const concurrent = await Promise.all(inputs.map(request));
    const alone: V2Response[] = [];
    for (const pixels of inputs) alone.push(await request(pixels));

    concurrent.forEach((res, i) => {
      expect(res.status).toBe(200);
      for (const name of ['logits', 'probabilities']) {
        const batched = res.binary[name]!;
        const single = alone[i]!.binary[name]!;
        expect(batched.length, `${name} #${i}`).toBe(40);
        expect(batched.equals(single), `request ${i}, output ${name}`).toBe(true);
      }
    });
    // Different inputs gave different answers: nothing was mixed up between requests.
    expect(new Set(concurrent.map((r) => r.binary.logits!.toString('hex'))).size).toBe(48);

    const stats = (await get(url('/v2/models/digits-mlp/versions/1/stats'))).json as {
      model_stats: { inference_count: number; execution_count: number; batch_stats: { batch_size: number }[] }[];
    };
    const [stat] = stats.model_stats;
    expect(stat!.inference_count).toBe(96);
    expect(stat!.execution_count).toBeLessThan(96);
    expect(Math.max(...stat!.batch_stats.map((b) => b.batch_size))).toBeGreaterThan(1);
  });
});
