// Paired replay with stand-in pools: every row reaches every version in its own request size (padding
// dropped), chunks arrive in row order, a failing version is reported without stopping the others, and the
// recorded figures (flips, agreement, McNemar, |Δ|, cosine, explorer) follow from designed predictions.
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../../src-shared/contract';
import type { PoolRunResult } from '../../../../src-main/engine/runtime/sessionPool';
import type { WireTensor } from '../../../../src-main/engine/runtime/wireTensor';
import { ComparisonRecorder } from '../../../../src-main/engine/compare/replay/comparisonRecorder';
import { planVersion } from '../../../../src-main/engine/compare/replay/replayPlan';
import {
  replayRows,
  type InferencePool,
  type ReplayChunk,
} from '../../../../src-main/engine/compare/replay/replayRows';
import { summarizeComparison } from '../../../../src-main/engine/compare/replay/summarizeComparison';
import { memoryDataset, MemoryDatasetRows } from '../../../helpers/memoryDatasetRows';
import { sig } from '../../../helpers/signatures';

const ROWS = 100;
/** Each row: x = [row, label]; labels cycle 0, 1, 2. */
function dataset(rows = ROWS): MemoryDatasetRows {
  const values = Array.from({ length: rows }, (_, r) => [r, r % 3]);
  const { dataset, columns, labels } = memoryDataset(
    { inputs: [{ name: 'x', shape: [2], values }], labels: values.map((v) => v[1]!) },
    { name: 'designed' },
  );
  return new MemoryDatasetRows(dataset, columns, labels);
}

const signature = (batch: string | number): ModelSignature => ({
  inputs: [sig('x', 'float32', [batch, 2])],
  outputs: [sig('scores', 'float32', [batch, 3])],
});

/** A pool whose model predicts the label, except on `wrong` rows where it predicts the next class. */
class DesignedPool implements InferencePool {
  readonly batchSizes: number[] = [];
  constructor(
    private readonly wrong: (row: number) => boolean,
    private readonly failRow?: number,
  ) {}
  async run(inputs: WireTensor[]): Promise<PoolRunResult> {
    const x = new Float32Array(inputs[0]!.data as ArrayBuffer);
    const n = inputs[0]!.dims[0]!;
    this.batchSizes.push(n);
    const scores = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const row = x[2 * i]!;
      if (row === this.failRow) throw new Error(`cannot run row ${row}`);
      const label = x[2 * i + 1]!;
      scores[i * 3 + ((label + (this.wrong(row) ? 1 : 0)) % 3)] = 1;
    }
    return {
      outputs: [{ name: 'scores', type: 'float32', dims: [n, 3], data: scores.buffer }],
      computeMs: n * 0.01,
      queueMs: 0,
      instance: 0,
    };
  }
}

describe('replayRows', () => {
  it('sends each version its own request size, drops padding and delivers chunks in row order', async () => {
    const rows = dataset();
    const dynamic = new DesignedPool(() => false);
    const single = new DesignedPool(() => false);
    const fixed4 = new DesignedPool(() => false);
    const plans = [
      planVersion('a:1', signature('batch'), rows.dataset, 32),
      planVersion('b:1', signature(1), rows.dataset, 32),
      planVersion('c:1', signature(4), rows.dataset, 32),
    ];
    expect(plans.map((p) => [p.batchRows, p.padded])).toEqual([
      [32, false],
      [1, false],
      [4, true],
    ]);
    const chunks: ReplayChunk[] = [];
    const summary = await replayRows(
      rows,
      [dynamic, single, fixed4].map((pool, k) => ({ ref: `v${k}`, pool, plan: plans[k]!, outputs: ['scores'] })),
      { chunkRows: 30, onChunk: (c) => chunks.push(c), depth: 3 },
    );
    expect(summary.rows).toBe(ROWS);
    expect(chunks.map((c) => c.batch.start)).toEqual([0, 30, 60, 90]);
    expect(dynamic.batchSizes).toEqual([30, 30, 30, 10]);
    expect(single.batchSizes.every((n) => n === 1)).toBe(true);
    expect(fixed4.batchSizes.every((n) => n === 4)).toBe(true);
    const last = chunks[3]!.versions[2]!;
    expect(last.error).toBeNull();
    expect(last.outputs!.get('scores')!.values).toHaveLength(10 * 3);
    expect(last.computeMs).toBeCloseTo(3 * 4 * 0.01, 9);
  });

  it('reports a failing version per chunk and goes on with the others', async () => {
    const rows = dataset();
    const plan = planVersion('a:1', signature('batch'), rows.dataset, 25);
    const chunks: ReplayChunk[] = [];
    await replayRows(
      rows,
      [
        { ref: 'a', pool: new DesignedPool(() => false), plan, outputs: ['scores'] },
        { ref: 'b', pool: new DesignedPool(() => false, 60), plan, outputs: ['scores'] },
      ],
      { chunkRows: 25, onChunk: (c) => chunks.push(c) },
    );
    expect(chunks.map((c) => c.versions[1]!.error)).toEqual([null, null, 'cannot run row 60', null]);
    expect(chunks[2]!.versions[0]!.error).toBeNull();
  });

  it('stops reading when cancelled and waits for what is in flight', async () => {
    const rows = dataset(10_000);
    const plan = planVersion('a:1', signature('batch'), rows.dataset, 10);
    const controller = new AbortController();
    let delivered = 0;
    const run = replayRows(rows, [{ ref: 'a', pool: new DesignedPool(() => false), plan, outputs: ['scores'] }], {
      chunkRows: 10,
      signal: controller.signal,
      onChunk: () => {
        if (++delivered === 3) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(delivered).toBeLessThan(10);
  });
});

describe('recorded figures', () => {
  it('follow from designed predictions: flips, agreement, McNemar, |Δ|, cosine and the explorer', async () => {
    const rows = dataset();
    const plan = planVersion('a:1', signature('batch'), rows.dataset, 16);
    // A is wrong on rows 0-9, B on rows 5-19: B fixes 0-4 (positive), breaks 10-19 (negative), 5-9 both wrong alike.
    const versions = [
      { ref: 'a:1', pool: new DesignedPool((r) => r < 10), plan, outputs: ['scores'] },
      { ref: 'b:1', pool: new DesignedPool((r) => r >= 5 && r < 20), plan, outputs: ['scores'] },
    ];
    const prediction = { output: 'scores', rule: 'argmax' as const, source: 'inferred' as const, reason: 'test' };
    const recorder = new ComparisonRecorder({
      rows: ROWS,
      versions: versions.map((v) => ({ ref: v.ref, prediction })),
      pairs: [{ candidate: 1, outputs: ['scores'], skipped: [], deltaOutput: 'scores' }],
      explorerRows: 8,
      distanceOutputs: ['scores'],
    });
    await replayRows(rows, versions, { chunkRows: 16, onChunk: (c) => recorder.add(c) });
    const facts = versions.map((v) => ({
      ref: v.ref,
      model: v.ref.split(':')[0]!,
      version: 1,
      provider: 'cpu',
      batchReason: 'test',
    }));
    const { versions: results, pairs } = summarizeComparison(recorder, facts, {
      iterations: 200,
      confidence: 0.95,
      seed: 1,
    });
    expect(results.map((v) => v.accuracy!.value)).toEqual([0.9, 0.85]);
    const pair = pairs[0]!;
    expect(pair.agreement!.value).toBeCloseTo(0.85, 12);
    expect(pair.disagreements).toBe(15);
    expect(pair.labels).toMatchObject({ negativeFlips: 10, positiveFlips: 5, bothWrong: 5, bothRight: 80, rows: 100 });
    expect(pair.labels!.mcnemar).toMatchObject({ b: 10, c: 5, exact: true });
    expect(pair.labels!.mcnemar.pValue).toBeCloseTo(0.3017578125, 10); // 2·P(X ≤ 5), X ~ Bin(15, ½)
    expect(pair.labels!.accuracyDelta.value).toBeCloseTo(-0.05, 12);
    expect(pair.flipMatrix!.counts.flat().reduce((a, b) => a + b, 0)).toBe(100);
    const scores = pair.outputs[0]!;
    expect(scores.absDelta).toMatchObject({ max: 1, p50: 0 });
    expect(scores.absDelta!.mean).toBeCloseTo(0.15, 12);
    expect(scores.cosine).toMatchObject({ min: 0, rows: 100 });
    expect(scores.cosine!.mean).toBeCloseTo(0.85, 12);
    // Negative flips rank first in the explorer, then positive flips.
    const byFlips = pair.explorer.byFlips;
    expect(byFlips).toHaveLength(8);
    expect(byFlips.every((r) => r.flip === 'negative' && r.row >= 10 && r.row < 20)).toBe(true);
    expect(byFlips[0]!.inputs['x']).toEqual([byFlips[0]!.row, byFlips[0]!.row % 3]);
    expect(recorder.pairs[0]!.flips.filter((f) => f === 3)).toHaveLength(10);
    expect(results[0]!.latency.meanMs).toBeCloseTo(0.01, 9);
  });
});
