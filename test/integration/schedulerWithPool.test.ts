// Dynamic batching on a real session pool: concurrent requests merged into batches must get exactly the bytes
// they would get running alone, and the load-time check must tell a model that batches exactly from one
// that does not.
import { afterAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../src-main/engine/runtime/sessionPool';
import { makeSyntheticInputs } from '../../src-main/engine/runtime/syntheticInputs';
import type { WireTensor } from '../../src-main/engine/runtime/wireTensor';
import { checkBatchEquivalence } from '../../src-main/engine/serving/batchEquivalence';
import { InferenceScheduler, type SchedulerExecution } from '../../src-main/engine/serving/inferenceScheduler';
import { model } from '../helpers/paths';

const pools: SessionPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});
async function openPool(file: string): Promise<SessionPool> {
  const pool = await SessionPool.open({ modelPath: model(file), provider: 'cpu', instances: 1, intraOpThreads: 1 });
  pools.push(pool);
  return pool;
}

/** The pool and the scheduler take ownership of what they are given, so every run gets its own copy. */
const copy = (tensors: readonly WireTensor[]): WireTensor[] =>
  tensors.map((t) => ({ ...t, dims: [...t.dims], data: (t.data as ArrayBuffer).slice(0) }));
const bytes = (t: WireTensor) => Buffer.from(t.data as ArrayBuffer);

describe('InferenceScheduler on a SessionPool', () => {
  it('answers 64 concurrent requests in batches, each bit-identical to running it alone', async () => {
    const pool = await openPool('digits-mlp-v1.onnx');
    const requests = Array.from({ length: 64 }, (_, i) => ({
      inputs: makeSyntheticInputs(pool.signature.inputs, {
        fill: 'random',
        seed: 1000 + i,
        dims: { batch: 1 + (i % 3) },
      }).tensors,
      // Every fourth asks for one output only: those batch among themselves, never with the rest.
      outputs: i % 4 === 3 ? ['probabilities'] : undefined,
    }));
    const alone: WireTensor[][] = [];
    for (const r of requests) alone.push((await pool.run(copy(r.inputs), r.outputs)).outputs);

    const executions: SchedulerExecution[] = [];
    const scheduler = new InferenceScheduler({
      pool,
      signature: pool.signature,
      batching: { enabled: true, maxBatchSize: 32, maxQueueDelayMicros: 2_000, preferredBatchSizes: [] },
      maxQueueLength: 128,
      priorityLevels: 1,
      defaultPriority: 1,
      onExecution: (e) => executions.push(e),
    });
    const results = await Promise.all(
      requests.map((r) => scheduler.submit({ inputs: copy(r.inputs), outputs: r.outputs })),
    );

    results.forEach((result, i) => {
      const expected = alone[i]!;
      expect(result.outputs.map((o) => o.name).sort()).toEqual(expected.map((o) => o.name).sort());
      for (const e of expected) {
        const got = result.outputs.find((o) => o.name === e.name)!;
        expect(got.dims).toEqual(e.dims);
        expect(bytes(got).equals(bytes(e)), `request ${i}, output '${e.name}'`).toBe(true);
      }
    });
    expect(executions.some((e) => e.requests > 1 && e.batchSize > 1)).toBe(true);
    expect(executions.reduce((n, e) => n + e.requests, 0)).toBe(64);
    expect(executions.length).toBeLessThan(64);
    expect(Math.max(...executions.map((e) => e.batchSize))).toBeLessThanOrEqual(32);
    expect(results.filter((r) => r.batchSize > 1).length).toBeGreaterThan(1);
    await scheduler.drain();
    expect(scheduler.stats()).toMatchObject({ queued: 0, executing: 0 });
  });
});

describe('checkBatchEquivalence on real models', () => {
  it('finds digits-mlp bit-identical batched and single', async () => {
    const pool = await openPool('digits-mlp-v1.onnx');
    const check = await checkBatchEquivalence(pool, pool.signature, { sizes: [2, 3, 8] });
    expect(check).toEqual({
      identical: true,
      detail: 'batched outputs are bit-identical to single runs at batch 2, 3, 8',
    });
  });

  it('finds slow-matmul not bit-identical, and says by how much', async () => {
    const pool = await openPool('slow-matmul.onnx');
    const check = await checkBatchEquivalence(pool, pool.signature, { sizes: [2, 3, 8, 16] });
    expect(check.identical).toBe(false);
    expect(check.detail).toMatch(
      /^batched outputs differ from single runs: max \|Δ\| \d\.\de-\d+ in 'y' at batch \d+$/,
    );
  });
});
