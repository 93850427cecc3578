// Synthetic inputs: repeatable per seed, shaped by the dims the user binds, valued so ids and masks are valid.
import { describe, expect, it } from 'vitest';
import type { TensorSignature } from '../../../src-shared/contract/modelInspection';
import { fromFloat16Bits } from '../../../src-main/engine/runtime/float16';
import { makeSyntheticInputs } from '../../../src-main/engine/runtime/syntheticInputs';
import { decodeOutputFlat } from '../../../src-main/engine/runtime/tensorCodec';
import { TensorCodecError } from '../../../src-main/engine/runtime/tensorCodecError';
import type { WireTensor } from '../../../src-main/engine/runtime/wireTensor';
import { sig } from '../../helpers/signatures';
import { thrown } from '../../helpers/thrown';

const text = [sig('input_ids', 'int64', ['batch', 'sequence']), sig('attention_mask', 'int64', ['batch', 'sequence'])];
const mixed = [
  sig('x', 'float32', ['batch', 4]),
  sig('scale', 'float64', ['batch', 1]),
  sig('flags', 'bool', ['batch', 4]),
  sig('h', 'float16', ['batch', 4]),
  sig('ids', 'int32', ['batch', 8]),
  sig('tokens', 'string', ['batch']),
];

const bytes = (tensors: WireTensor[]) =>
  tensors.map((t) => (t.data instanceof ArrayBuffer ? Array.from(new Uint8Array(t.data)) : t.data));

const errorOf = (fn: () => unknown) => thrown(fn, TensorCodecError);

describe('makeSyntheticInputs', () => {
  it('gives the same bytes for the same seed and different bytes for another', () => {
    const a = makeSyntheticInputs(mixed, { fill: 'random', seed: 42, dims: { batch: 4 } });
    const b = makeSyntheticInputs(mixed, { fill: 'random', seed: 42, dims: { batch: 4 } });
    const c = makeSyntheticInputs(mixed, { fill: 'random', seed: 43, dims: { batch: 4 } });
    expect(bytes(a.tensors)).toEqual(bytes(b.tensors));
    expect(bytes(a.tensors)[0]).not.toEqual(bytes(c.tensors)[0]);
    expect(bytes(a.tensors)[4]).not.toEqual(bytes(c.tensors)[4]);
    expect(bytes(makeSyntheticInputs(mixed, { fill: 'random' }).tensors)).toEqual(
      bytes(makeSyntheticInputs(mixed, { fill: 'random', seed: 0 }).tensors),
    );
  });

  it('binds symbolic dims from the caller and reports the defaults it applied', () => {
    const bound = makeSyntheticInputs(text, { fill: 'random', dims: { batch: 8, sequence: 32 } });
    expect(bound.tensors.map((t) => t.dims)).toEqual([
      [8, 32],
      [8, 32],
    ]);
    expect(bound.appliedDims).toEqual({});

    const partly = makeSyntheticInputs(text, { fill: 'random', dims: { batch: 2 }, defaultDim: 5 });
    expect(partly.tensors.map((t) => t.dims)).toEqual([
      [2, 5],
      [2, 5],
    ]);
    expect(partly.appliedDims).toEqual({ sequence: 5 });

    const unnamed = makeSyntheticInputs([sig('x', 'float32', [null, 3])], { fill: 'zeros' });
    expect(unnamed.tensors[0]?.dims).toEqual([1, 3]);
    expect(unnamed.appliedDims).toEqual({ 'x dim 0': 1 });
  });

  it('rejects a dim the model does not have, naming the ones it does', () => {
    expect(errorOf(() => makeSyntheticInputs(text, { fill: 'random', dims: { seqence: 8 } })).message).toBe(
      "unknown dim 'seqence'; the model's symbolic dims are: batch, sequence (did you mean 'sequence'?)",
    );
    expect(
      errorOf(() => makeSyntheticInputs([sig('x', 'float32', [1, 4])], { fill: 'random', dims: { batch: 2 } })).message,
    ).toBe("unknown dim 'batch'; the model has no symbolic dims");
    expect(errorOf(() => makeSyntheticInputs(text, { fill: 'random', dims: { batch: -1 } })).message).toBe(
      "dim 'batch' must be a non-negative integer, got -1",
    );
    expect(errorOf(() => makeSyntheticInputs(text, { fill: 'random', defaultDim: 1.5 })).message).toBe(
      'defaultDim must be a non-negative integer, got 1.5',
    );
  });

  it('keeps values in sensible ranges per type', () => {
    const { tensors } = makeSyntheticInputs(mixed, { fill: 'random', seed: 3, dims: { batch: 64 } });
    const [x, scale, flags, h, ids, tokens] = tensors.map((t) => decodeOutputFlat(t).data);
    for (const floats of [x, scale]) {
      expect(floats?.every((v) => typeof v === 'number' && v >= 0 && v < 1)).toBe(true);
      expect(new Set(floats).size).toBeGreaterThan(10);
    }
    const halves = Array.from(new Uint16Array(tensors[3]?.data as ArrayBuffer), fromFloat16Bits);
    expect(halves.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(h?.length).toBe(256);
    expect(new Set(flags)).toEqual(new Set([true, false]));
    expect(ids?.every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 9)).toBe(true);
    expect(new Set(ids).size).toBe(10);
    expect(tokens?.every((v) => typeof v === 'string' && /^text-\d$/.test(v))).toBe(true);
  });

  it('fills integer and bool masks with 1s so attention masks select every token', () => {
    for (const fill of ['random', 'zeros'] as const) {
      const { tensors } = makeSyntheticInputs([...text, sig('pad_mask', 'bool', [2])], {
        fill,
        dims: { batch: 2, sequence: 6 },
      });
      expect(decodeOutputFlat(tensors[1] as WireTensor).data).toEqual(new Array(12).fill(1));
      expect(decodeOutputFlat(tensors[2] as WireTensor).data).toEqual([true, true]);
    }
    const ids = decodeOutputFlat(
      makeSyntheticInputs(text, { fill: 'random', dims: { sequence: 32 } }).tensors[0] as WireTensor,
    );
    expect(new Set(ids.data).size).toBeGreaterThan(1);
  });

  it('fills zeros when asked', () => {
    const { tensors } = makeSyntheticInputs(mixed, { fill: 'zeros', dims: { batch: 2 } });
    for (const t of tensors.slice(0, 5)) expect((bytes([t])[0] as number[]).every((b) => b === 0)).toBe(true);
    expect(tensors[5]?.data).toEqual(['', '']);
  });

  it('refuses inputs it cannot build', () => {
    const seq: TensorSignature = { name: 'history', kind: 'sequence', elementType: 'sequence(float32)', shape: null };
    expect(errorOf(() => makeSyntheticInputs([seq], { fill: 'random' })).message).toBe(
      "input 'history' is a sequence (sequence(float32)); Slipway can only feed tensor inputs",
    );
    expect(errorOf(() => makeSyntheticInputs([sig('w', 'bfloat16', [2])], { fill: 'random' })).message).toBe(
      "input 'w' has element type bfloat16, which onnxruntime-node cannot feed from JavaScript",
    );
    expect(errorOf(() => makeSyntheticInputs([sig('x', 'float32', null)], { fill: 'random' })).message).toBe(
      "input 'x' has no declared rank, so its shape cannot be made up; give it a value",
    );
  });
});
