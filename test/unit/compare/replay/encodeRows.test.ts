// Dataset rows (float64) cast to each input's element type: floats rounded, integers only when whole and in
// range, a short batch padded for models with a fixed batch size.
import { describe, expect, it } from 'vitest';
import { encodeRows } from '../../../../src-main/engine/compare/replay/encodeRows';
import type { InputPlan } from '../../../../src-main/engine/compare/replay/replayPlan';

const plan = (type: InputPlan['type'], rowShape = [2]): InputPlan => ({
  name: 'x',
  type,
  rowShape,
  rowSize: rowShape.reduce((a, b) => a * b, 1),
  batched: true,
});

describe('encodeRows', () => {
  it('casts to float32 with the batch axis first, from any row offset', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5.5, 6]);
    const t = encodeRows(plan('float32'), values, 100, 1, 2);
    expect(t.dims).toEqual([2, 2]);
    expect(Array.from(new Float32Array(t.data as ArrayBuffer))).toEqual([3, 4, 5.5, 6]);
  });

  it('casts whole numbers to int64 and refuses a fraction or a missing value with the row', () => {
    const t = encodeRows(plan('int64'), Float64Array.from([1, -2]), 0, 0, 1);
    expect(Array.from(new BigInt64Array(t.data as ArrayBuffer))).toEqual([1n, -2n]);
    expect(() => encodeRows(plan('int64'), Float64Array.from([1, 2, 3, 2.5]), 10, 0, 2)).toThrow(
      /row 11, input 'x' element 1: 2.5 cannot be fed as int64/,
    );
    expect(() => encodeRows(plan('uint8'), Float64Array.from([1, Number.NaN]), 0, 0, 1)).toThrow(/a missing value/);
    expect(() => encodeRows(plan('uint8'), Float64Array.from([1, 256]), 0, 0, 1)).toThrow(/0\.\.255/);
  });

  it('pads a short batch to a fixed size with copies of its last row', () => {
    const t = encodeRows(plan('float64'), Float64Array.from([1, 2, 3, 4]), 0, 0, 2, 4);
    expect(t.dims).toEqual([4, 2]);
    expect(Array.from(new Float64Array(t.data as ArrayBuffer))).toEqual([1, 2, 3, 4, 3, 4, 3, 4]);
  });

  it('feeds an input without a batch axis one row with its own shape', () => {
    const t = encodeRows({ ...plan('float32', [2, 2]), batched: false }, Float64Array.from([1, 2, 3, 4]), 0, 0, 1);
    expect(t.dims).toEqual([2, 2]);
  });
});
