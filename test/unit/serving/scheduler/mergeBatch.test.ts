// Stacking requests into one batch and slicing the outputs back: byte-exact for every dtype, and keys that
// keep apart requests which must never share a batch.
import { describe, expect, it } from 'vitest';
import { batchKey, mergeInputs, rowsOf, splitOutputs } from '../../../../src-main/engine/serving/mergeBatch';
import type { WireTensor } from '../../../../src-main/engine/runtime/wireTensor';
import { floats, rows } from './fakePool';

const int64 = (name: string, values: bigint[][]): WireTensor => ({
  name,
  type: 'int64',
  dims: [values.length, values[0]?.length ?? 0],
  data: BigInt64Array.from(values.flat()).buffer,
});
const strings = (name: string, values: string[][]): WireTensor => ({
  name,
  type: 'string',
  dims: [values.length, values[0]?.length ?? 0],
  data: values.flat(),
});

describe('rowsOf and batchKey', () => {
  it('counts rows along the first axis, and gives none to a request that cannot be sliced again', () => {
    expect(
      rowsOf([
        rows([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ]),
    ).toBe(3);
    expect(
      rowsOf([
        rows([[1, 2]]),
        rows(
          [
            [1, 2],
            [3, 4],
          ],
          'z',
        ),
      ]),
    ).toBeUndefined();
    expect(rowsOf([{ name: 's', type: 'float32', dims: [], data: new ArrayBuffer(4) }])).toBeUndefined();
    expect(
      batchKey([
        rows([[1, 2]]),
        rows(
          [
            [1, 2],
            [3, 4],
          ],
          'z',
        ),
      ]),
    ).toBeUndefined();
  });

  it('is equal exactly when two requests can share a batch', () => {
    const key = batchKey([rows([[1, 2]])]);
    expect(
      batchKey([
        rows([
          [7, 8],
          [9, 10],
          [11, 12],
        ]),
      ]),
    ).toBe(key); // rows may differ
    expect(batchKey([rows([[1, 2, 3]])])).not.toBe(key); // a non-batch dim differs
    expect(batchKey([rows([[1, 2]], 'x2')])).not.toBe(key); // another input
    expect(batchKey([{ ...rows([[1, 2]]), type: 'int32' }])).not.toBe(key); // another dtype
    expect(batchKey([rows([[1, 2]])], ['y'])).not.toBe(key); // other outputs asked for
    expect(batchKey([rows([[1, 2]])], ['y'])).toBe(batchKey([rows([[3, 4]])], ['y']));
    expect(batchKey([rows([[1, 2]])], ['a', 'b'])).not.toBe(batchKey([rows([[1, 2]])], ['b', 'a']));
  });
});

describe('mergeInputs and splitOutputs', () => {
  it('concatenates each input along axis 0, byte for byte, for numbers, 64-bit integers and strings', () => {
    const merged = mergeInputs([
      [rows([[1, 2]]), int64('ids', [[1n, 2n, 3n]]), strings('text', [['a']])],
      [
        rows([
          [3, 4],
          [5, 6],
        ]),
        int64('ids', [
          [4n, 5n, 6n],
          [-7n, 2n ** 62n, 9n],
        ]),
        strings('text', [['b'], ['ç']]),
      ],
    ]);
    expect(merged.map((t) => [t.name, t.dims])).toEqual([
      ['x', [3, 2]],
      ['ids', [3, 3]],
      ['text', [3, 1]],
    ]);
    expect(floats(merged[0]!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(new BigInt64Array(merged[1]!.data as ArrayBuffer))).toEqual([
      1n,
      2n,
      3n,
      4n,
      5n,
      6n,
      -7n,
      2n ** 62n,
      9n,
    ]);
    expect(merged[2]!.data).toEqual(['a', 'b', 'ç']);
  });

  it('slices outputs back by each request’s rows into buffers of their own', () => {
    const outputs = [
      rows(
        [
          [1, 1],
          [2, 2],
          [3, 3],
          [4, 4],
        ],
        'y',
      ),
      strings('label', [['a'], ['b'], ['c'], ['d']]),
    ];
    const [first, second, empty] = splitOutputs(outputs, [1, 3, 0]);
    expect(first!.map((t) => t.dims)).toEqual([
      [1, 2],
      [1, 1],
    ]);
    expect(floats(first![0]!)).toEqual([1, 1]);
    expect(floats(second![0]!)).toEqual([2, 2, 3, 3, 4, 4]);
    expect(second![1]!.data).toEqual(['b', 'c', 'd']);
    expect(empty![0]!.dims).toEqual([0, 2]);
    expect((empty![0]!.data as ArrayBuffer).byteLength).toBe(0);
    expect(first![0]!.data).not.toBe(outputs[0]!.data);
  });

  it('refuses to slice an output whose first dim is not the batch’s rows', () => {
    expect(() =>
      splitOutputs(
        [
          rows(
            [
              [1, 1],
              [2, 2],
            ],
            'y',
          ),
        ],
        [1, 2],
      ),
    ).toThrow("output 'y' has shape [2, 2] for a batch of 3 rows; its first dim must be the batch");
    expect(() => splitOutputs([{ name: 'n', type: 'int64', dims: [], data: new ArrayBuffer(8) }], [1, 1])).toThrow(
      /output 'n' has shape \[\]/,
    );
  });
});
