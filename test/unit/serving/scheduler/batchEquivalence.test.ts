// The load-time check that decides whether batching may be switched on: it must notice a model whose batched
// rows differ from single runs by a single bit, say where, and stop at the first difference.
import { describe, expect, it } from 'vitest';
import type { PoolRunResult } from '../../../../src-main/engine/runtime/sessionPool';
import type { WireTensor } from '../../../../src-main/engine/runtime/wireTensor';
import { checkBatchEquivalence } from '../../../../src-main/engine/serving/batchEquivalence';
import { signatureOf } from './fakePool';

/** A model computing y = 2x row by row; `skew` changes what a batch of more than one row returns. */
function modelPool(skew?: (value: number) => number) {
  const batches: number[][] = [];
  return {
    batches,
    async run(inputs: WireTensor[]): Promise<PoolRunResult> {
      const x = inputs[0]!;
      batches.push(x.dims);
      const rowsInBatch = x.dims[0]!;
      const y = new Float32Array(x.data as ArrayBuffer).map((v) => (rowsInBatch > 1 && skew ? skew(v * 2) : v * 2));
      return {
        outputs: [{ name: 'y', type: 'float32', dims: [...x.dims], data: y.buffer }],
        computeMs: 0,
        queueMs: 0,
        instance: 0,
      };
    },
  };
}

describe('checkBatchEquivalence', () => {
  it('says identical when each batched row matches its single run byte for byte', async () => {
    const pool = modelPool();
    const check = await checkBatchEquivalence(pool, signatureOf(), { sizes: [2, 3, 3, 8, 1] });
    expect(check).toEqual({
      identical: true,
      detail: 'batched outputs are bit-identical to single runs at batch 2, 3, 8',
    });
    // 8 single rows, then one run per distinct size
    expect(pool.batches.map((d) => d[0])).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 8]);
  });

  it('reports the largest difference and the batch size, and stops at the first differing size', async () => {
    const pool = modelPool((v) => v + 2 ** -20);
    const check = await checkBatchEquivalence(pool, signatureOf(), { sizes: [2, 3, 8] });
    expect(check.identical).toBe(false);
    expect(check.detail).toBe("batched outputs differ from single runs: max |Δ| 9.5e-7 in 'y' at batch 2");
    expect(pool.batches.filter((d) => d[0]! > 1)).toHaveLength(1);
  });

  it('catches a difference of sign alone (-0 vs 0), which no |Δ| shows', async () => {
    const zeros = {
      async run(inputs: WireTensor[]): Promise<PoolRunResult> {
        const n = inputs[0]!.dims[0]!;
        const y = new Float32Array(n * 2).fill(n > 1 ? -0 : 0);
        return {
          outputs: [{ name: 'y', type: 'float32', dims: [n, 2], data: y.buffer }],
          computeMs: 0,
          queueMs: 0,
          instance: 0,
        };
      },
    };
    expect(await checkBatchEquivalence(zeros, signatureOf(), { sizes: [2] })).toEqual({
      identical: false,
      detail: "batched outputs differ from single runs: 2 of 2 elements of 'y' at batch 2",
    });
  });

  it('tries the other dynamic dims at several sizes, since rounding can depend on them', async () => {
    const pool = modelPool();
    const check = await checkBatchEquivalence(pool, signatureOf(['sequence']), { sizes: [2] });
    expect(check.detail).toBe(
      'batched outputs are bit-identical to single runs at batch 2 with other dynamic dims 4, 16',
    );
    expect(new Set(pool.batches.map((d) => d[1]))).toEqual(new Set([4, 16]));

    const skewedAt16 = modelPool();
    const run = skewedAt16.run.bind(skewedAt16);
    const pool16 = {
      run: async (inputs: WireTensor[]) => {
        const result = await run(inputs);
        if (inputs[0]!.dims[1] === 16 && inputs[0]!.dims[0]! > 1)
          new Float32Array(result.outputs[0]!.data as ArrayBuffer)[3]! += 1;
        return result;
      },
    };
    const differs = await checkBatchEquivalence(pool16, signatureOf(['sequence']), { sizes: [2] });
    expect(differs).toEqual({
      identical: false,
      detail: "batched outputs differ from single runs: max |Δ| 1.0 in 'y' at batch 2 (other dynamic dims 16)",
    });
  });

  it('says a model without a shared dynamic first axis cannot batch, without running it', async () => {
    const pool = modelPool();
    const check = await checkBatchEquivalence(pool, signatureOf([2], 1), { sizes: [2] });
    expect(check).toEqual({ identical: false, detail: "the model cannot batch: input 'x' has a fixed first dim 1" });
    expect(pool.batches).toHaveLength(0);
  });

  it('reports a run that fails instead of throwing', async () => {
    const failing = { run: () => Promise.reject(new Error('boom')) };
    expect(await checkBatchEquivalence(failing, signatureOf(), { sizes: [2] })).toEqual({
      identical: false,
      detail: 'single-row runs failed: boom',
    });
  });
});
