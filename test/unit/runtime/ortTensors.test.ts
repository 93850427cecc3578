// WireTensor <-> onnxruntime Tensor: every element type survives encode -> ort -> wire -> decode, buffers are
// exactly the element bytes (so they transfer), and real models fed through the codec give the right answers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fromOrtTensor, toOrtTensor } from '../../../src-main/engine/runtime/ortTensors';
import { makeSyntheticInputs } from '../../../src-main/engine/runtime/syntheticInputs';
import {
  decodeOutput,
  encodeInput,
  encodeInputs,
  type NestedTensorData,
} from '../../../src-main/engine/runtime/tensorCodec';
import type { WireTensor } from '../../../src-main/engine/runtime/wireTensor';
import { sig } from '../../helpers/signatures';

const resource = (path: string) => fileURLToPath(new URL(`../../../resources/${path}`, import.meta.url));

function readJsonl(path: string): { inputs: Record<string, unknown>; label?: number }[] {
  return readFileSync(resource(path), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { inputs: Record<string, unknown>; label?: number });
}

async function run(session: ort.InferenceSession, tensors: WireTensor[]): Promise<Record<string, WireTensor>> {
  const feeds = Object.fromEntries(tensors.map((t) => [t.name, toOrtTensor(t)]));
  const results = await session.run(feeds);
  return Object.fromEntries(Object.entries(results).map(([name, tensor]) => [name, fromOrtTensor(name, tensor)]));
}

const ROUND_TRIPS: [string, NestedTensorData][] = [
  [
    'float32',
    [
      [0.1, -2.5, 1e-3],
      ['NaN', 'Infinity', '-Infinity'],
    ],
  ],
  ['float64', [[0.1, 1e300, -5e-324]]],
  ['float16', [[0.1, 65504, 6e-8, -1, 'NaN', '-Infinity']]],
  ['int8', [[-128, 0, 127]]],
  ['int16', [[-32768, 1, 32767]]],
  ['int32', [[-2147483648, 7, 2147483647]]],
  ['int64', [['-9223372036854775808', -9007199254740991, 0, '9007199254740993', '9223372036854775807']]],
  ['uint8', [[0, 128, 255]]],
  ['uint16', [[0, 1, 65535]]],
  ['uint32', [[0, 1, 4294967295]]],
  ['uint64', [[0, 9007199254740991, '18446744073709551615']]],
  ['bool', [[true, false, true]]],
  ['string', [['', 'hello', 'wörld ✓']]],
];

describe('toOrtTensor / fromOrtTensor', () => {
  it.each(ROUND_TRIPS)('%s round-trips encode -> ort -> wire -> decode', (type, value) => {
    const wire = encodeInput(sig('v', type, ['batch', null]), value);
    const tensor = toOrtTensor(wire);
    expect(tensor.type).toBe(type);
    expect(tensor.dims).toEqual(wire.dims);
    const back = fromOrtTensor('v', tensor);
    expect(back.type).toBe(type);
    expect(decodeOutput(back)).toEqual({ name: 'v', elementType: type, shape: wire.dims, data: value });
  });

  it('hands onnxruntime the typed arrays it expects, over the wire buffer', () => {
    // Half bits in a Uint16Array (onnxruntime wraps them in a Float16Array where the runtime has one).
    const halfWire = encodeInput(sig('h', 'float16', [1]), [1]);
    const half = toOrtTensor(halfWire).data as Uint16Array;
    expect([half.BYTES_PER_ELEMENT, half.buffer]).toEqual([2, halfWire.data]);
    expect(new Uint16Array(half.buffer)[0]).toBe(0x3c00);
    expect(toOrtTensor(encodeInput(sig('b', 'bool', [1]), [true])).data).toBeInstanceOf(Uint8Array);
    const wire = encodeInput(sig('i', 'int64', [1]), [3]);
    const ids = toOrtTensor(wire);
    expect(ids.data).toBeInstanceOf(BigInt64Array);
    expect((ids.data as BigInt64Array).buffer).toBe(wire.data);
  });

  it('copies a view into a larger buffer down to exactly its own bytes', () => {
    const backing = new Float32Array([9, 1, 2, 3, 4, 9]);
    const view = backing.subarray(1, 5);
    const wire = fromOrtTensor('y', new ort.Tensor('float32', view, [2, 2]));
    expect(wire.data).toBeInstanceOf(ArrayBuffer);
    expect((wire.data as ArrayBuffer).byteLength).toBe(16);
    expect(Array.from(new Float32Array(wire.data as ArrayBuffer))).toEqual([1, 2, 3, 4]);
    backing[1] = 100;
    expect(new Float32Array(wire.data as ArrayBuffer)[0]).toBe(1);
  });

  it('reuses a buffer the tensor spans exactly', () => {
    const data = new Int32Array([1, 2, 3]);
    expect(fromOrtTensor('c', new ort.Tensor('int32', data, [3])).data).toBe(data.buffer);
  });
});

describe('real models through the codec', () => {
  it('multi-dtype: y, count and mask match the graph computed by hand', async () => {
    const session = await ort.InferenceSession.create(resource('models/multi-dtype.onnx'));
    const inputs = [
      sig('x', 'float32', ['batch', 4]),
      sig('scale', 'float64', ['batch', 1]),
      sig('flags', 'bool', ['batch', 4]),
    ];
    expect(session.inputMetadata.map((m) => (m.isTensor ? [m.name, m.type, m.shape] : m.name))).toEqual(
      inputs.map((i) => [i.name, i.elementType, i.shape]),
    );
    const rows = readJsonl('data/multi_dtype_samples.jsonl');
    const x = rows.map((r) => r.inputs.x as number[]);
    const scale = rows.map((r) => r.inputs.scale as number[]);
    const flags = rows.map((r) => r.inputs.flags as boolean[]);

    const outputs = await run(session, encodeInputs(inputs, { x, scale, flags }));
    const y = decodeOutput(outputs.y as WireTensor);
    const count = decodeOutput(outputs.count as WireTensor);
    const mask = decodeOutput(outputs.mask as WireTensor);
    expect([y.elementType, count.elementType, mask.elementType]).toEqual(['float32', 'int32', 'uint8']);
    expect([y.shape, count.shape, mask.shape]).toEqual([[32, 4], [32], [32, 4]]);

    const expectedMask = x.map((row, b) => row.map((v, j) => (flags[b]?.[j] && Math.fround(v) > 0 ? 1 : 0)));
    const expectedCount = expectedMask.map((row) => row.reduce<number>((a, m) => a + m, 0));
    const expectedY = x.map((row, b) =>
      row.map((v, j) =>
        expectedMask[b]?.[j] ? Math.fround(Math.fround(v) * Math.fround(scale[b]?.[0] as number)) : 0,
      ),
    );
    expect(mask.data).toEqual(expectedMask);
    expect(count.data).toEqual(expectedCount);
    // Decoded float32 is the shortest decimal for the same bits, so compare as float32.
    expect((y.data as number[][]).map((row) => row.map((v) => Math.fround(v)))).toEqual(expectedY);
    expect(expectedCount.some((c) => c > 0) && expectedCount.some((c) => c < 4)).toBe(true);

    // Output buffers leave onnxruntime as plain ArrayBuffers a worker can transfer.
    const buffer = outputs.y?.data as ArrayBuffer;
    const moved = structuredClone(buffer, { transfer: [buffer] });
    expect(moved.byteLength).toBe(32 * 4 * 4);
    expect(buffer.byteLength).toBe(0);
  });

  it('text-classifier: int64 ids and masks give the documented accuracy', async () => {
    const session = await ort.InferenceSession.create(resource('models/text-classifier.onnx'));
    const inputs = [
      sig('input_ids', 'int64', ['batch', 'sequence']),
      sig('attention_mask', 'int64', ['batch', 'sequence']),
    ];
    const rows = readJsonl('data/text_samples.jsonl');
    const outputs = await run(
      session,
      encodeInputs(inputs, {
        input_ids: rows.map((r) => r.inputs.input_ids),
        attention_mask: rows.map((r) => r.inputs.attention_mask),
      }),
    );
    const logits = decodeOutput(outputs.logits as WireTensor);
    expect(logits.shape).toEqual([256, 4]);
    const predicted = (logits.data as number[][]).map((row) => row.indexOf(Math.max(...row)));
    const correct = predicted.filter((p, i) => p === rows[i]?.label).length;
    expect(correct / rows.length).toBeGreaterThan(0.8); // README: 0.8398 in onnxruntime-node
  });

  it('text-classifier: synthetic inputs with bound dims run and give finite logits', async () => {
    const session = await ort.InferenceSession.create(resource('models/text-classifier.onnx'));
    const inputs = [
      sig('input_ids', 'int64', ['batch', 'sequence']),
      sig('attention_mask', 'int64', ['batch', 'sequence']),
    ];
    const { tensors, appliedDims } = makeSyntheticInputs(inputs, {
      fill: 'random',
      seed: 7,
      dims: { batch: 8, sequence: 32 },
    });
    expect(appliedDims).toEqual({});
    const logits = decodeOutput((await run(session, tensors)).logits as WireTensor);
    expect(logits.shape).toEqual([8, 4]);
    expect((logits.data as unknown[][]).flat().every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });

  it('multi-dtype: synthetic zeros run with the default batch of 1', async () => {
    const session = await ort.InferenceSession.create(resource('models/multi-dtype.onnx'));
    const inputs = [
      sig('x', 'float32', ['batch', 4]),
      sig('scale', 'float64', ['batch', 1]),
      sig('flags', 'bool', ['batch', 4]),
    ];
    const { tensors, appliedDims } = makeSyntheticInputs(inputs, { fill: 'zeros' });
    expect(appliedDims).toEqual({ batch: 1 });
    const outputs = await run(session, tensors);
    expect(decodeOutput(outputs.count as WireTensor).data).toEqual([0]);
    expect(decodeOutput(outputs.y as WireTensor).data).toEqual([[0, 0, 0, 0]]);
  });
});
