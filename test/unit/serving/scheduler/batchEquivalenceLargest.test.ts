// The equivalence check at the largest batch a version may merge: a model that rounds differently only in big
// batches must be caught there, for about the cost of one big run rather than one single run per row.
import { describe, expect, it } from 'vitest';
import type { PoolRunResult } from '../../../../src-main/engine/runtime/sessionPool';
import type { WireTensor } from '../../../../src-main/engine/runtime/wireTensor';
import { checkBatchEquivalence } from '../../../../src-main/engine/serving/batchEquivalence';
import { signatureOf } from './fakePool';

/** y = 2x row by row, except that batches above `from` rows add `skew` to every value (a shape-picked kernel). */
function poolDifferingAbove(from: number, skew = 2 ** -20) {
  const runs: { rows: number; firstValues: number[] }[] = [];
  return {
    runs,
    async run(inputs: WireTensor[]): Promise<PoolRunResult> {
      const x = inputs[0]!;
      const rows = x.dims[0]!;
      const values = new Float32Array(x.data as ArrayBuffer);
      runs.push({ rows, firstValues: Array.from(values.subarray(0, 2)) });
      const y = values.map((v) => v * 2 + (rows > from ? skew : 0));
      return {
        outputs: [{ name: 'y', type: 'float32', dims: [...x.dims], data: y.buffer }],
        computeMs: 0,
        queueMs: 0,
        instance: 0,
      };
    },
  };
}

describe('checkBatchEquivalence at a large batch size', () => {
  it('finds a difference that shows only above 8 rows, at the largest size', async () => {
    const pool = poolDifferingAbove(8);
    const check = await checkBatchEquivalence(pool, signatureOf(), { sizes: [2, 3, 8, 32] });
    expect(check).toEqual({
      identical: false,
      detail: "batched outputs differ from single runs: max |Δ| 9.5e-7 in 'y' at batch 32",
    });
  });

  it('runs 8 distinct rows alone and repeats them in turn to fill a batch of 32', async () => {
    const pool = poolDifferingAbove(Number.POSITIVE_INFINITY);
    const check = await checkBatchEquivalence(pool, signatureOf(), { sizes: [2, 3, 8, 32] });
    expect(check).toEqual({
      identical: true,
      detail: 'batched outputs are bit-identical to single runs at batch 2, 3, 8, 32',
    });
    expect(pool.runs.map((r) => r.rows)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 8, 32]);
    const distinct = new Set(pool.runs.slice(0, 8).map((r) => r.firstValues.join()));
    expect(distinct.size).toBe(8);
  });

  it('compares each repeated row with the single run of the row it repeats', async () => {
    // Row 4 of the batch is row 1 again, so it is compared with row 1's single run.
    const pool = poolDifferingAbove(Number.POSITIVE_INFINITY);
    const check = await checkBatchEquivalence(pool, signatureOf(), { sizes: [12], distinctRows: 3 });
    expect(check.identical).toBe(true);
    expect(pool.runs.map((r) => r.rows)).toEqual([1, 1, 1, 12]);
  });
});
