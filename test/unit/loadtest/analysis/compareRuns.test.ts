import { describe, expect, it } from 'vitest';
import type { LoadRun } from '../../../../src-shared/contract';
import type { StoredInterval } from '../../../../src-main/engine/store/loadTestRepository';
import { compareRuns, p99Verdict } from '../../../../src-main/engine/loadtest/analysis/compareRuns';
import { summarizeRun } from '../../../../src-main/engine/loadtest/analysis/summarizeRun';
import { logNormalRun, storedInterval } from './fixtures';

function run(
  id: string,
  intervals: StoredInterval[],
  withSummary = true,
): { run: LoadRun; intervals: StoredInterval[] } {
  return {
    run: {
      id,
      name: `run ${id}`,
      createdAt: '2025-01-01T00:00:00.000Z',
      state: 'succeeded',
      config: {
        target: { kind: 'runtime', model: 'm' },
        inputs: { kind: 'synthetic', fill: 'random', dims: {}, seed: 0, variants: 16 },
        protocol: 'json',
        timeoutMs: 30_000,
        connections: 128,
      },
      targetLabel: 'm:1',
      ...(withSummary ? { summary: summarizeRun(intervals, intervals.length) } : {}),
    },
    intervals,
  };
}

// 30 seconds of 300 requests each, log-normal around 10 ms: p99 from 9 000 values per run.
const baseline = run('a', logNormalRun(30, 300, 1));
const sameDistribution = run('b', logNormalRun(30, 300, 2));
const slower = run('c', logNormalRun(30, 300, 3, 1.3));
const faster = run('d', logNormalRun(30, 300, 4, 0.7));

describe('compareRuns', () => {
  it('finds no clear difference between two runs drawn from the same distribution', () => {
    const comparison = compareRuns([baseline, sameDistribution]);
    const delta = comparison.deltas[1]!;
    expect(delta.p99RatioLow!).toBeLessThan(1);
    expect(delta.p99RatioHigh!).toBeGreaterThan(1);
    expect(delta.verdict).toMatch(/^no clear difference in p99 \(95 % CI −?\+?[\d.]+ – [−+]?[\d.]+ %\)$/);
  });

  it('calls a clearly slower run slower, with an interval that excludes 1', () => {
    const delta = compareRuns([baseline, slower]).deltas[1]!;
    expect(delta.p99Ratio!).toBeGreaterThan(1.2);
    expect(delta.p99Ratio!).toBeLessThan(1.4);
    expect(delta.p99RatioLow!).toBeGreaterThan(1);
    expect(delta.p99RatioLow!).toBeLessThan(delta.p99Ratio!);
    expect(delta.p99RatioHigh!).toBeGreaterThan(delta.p99Ratio!);
    expect(delta.verdict).toMatch(/^p99 \d+ % higher \(95 % CI \d+–\d+ %\): slower$/);
  });

  it('calls a clearly faster run faster', () => {
    const delta = compareRuns([baseline, faster]).deltas[1]!;
    expect(delta.p99RatioHigh!).toBeLessThan(1);
    expect(delta.verdict).toMatch(/^p99 \d+ % lower \(95 % CI \d+–\d+ %\): faster$/);
  });

  it('is deterministic for a seed, and the seed is what varies the interval', () => {
    const runs = [baseline, sameDistribution, slower];
    expect(compareRuns(runs, { seed: 5 })).toEqual(compareRuns(runs, { seed: 5 }));
    const other = compareRuns(runs, { seed: 6 }).deltas[2]!;
    const first = compareRuns(runs, { seed: 5 }).deltas[2]!;
    expect(other.p99Ratio).toBe(first.p99Ratio);
    expect(other.p99RatioLow).not.toBe(first.p99RatioLow);
  });

  it('takes the point ratio from the merged histograms, and lists the baseline as ×1', () => {
    const comparison = compareRuns([baseline, slower], { resamples: 50 });
    const p99 = (r: typeof baseline) => summarizeRun(r.intervals, 30).corrected.p99!;
    expect(comparison.deltas[1]!.p99Ratio!).toBeCloseTo(p99(slower) / p99(baseline), 9);
    expect(comparison.deltas[0]).toMatchObject({ id: 'a', p99Ratio: 1, errorRateDelta: 0, verdict: 'baseline' });
    expect(comparison.runs.map((r) => r.id)).toEqual(['a', 'c']);
    expect(comparison.runs[0]!.summary).toEqual(baseline.run.summary);
  });

  it('reports throughput and error deltas, and summarizes runs stored without a summary', () => {
    const errors = run(
      'e',
      logNormalRun(30, 300, 2).map((s) => ({
        ...s,
        interval: { ...s.interval, completed: 240, statuses: { ok: 228, shed: 12 } },
      })),
      false,
    );
    const delta = compareRuns([baseline, errors], { resamples: 100 }).deltas[1]!;
    expect(delta.errorRateDelta).toBeCloseTo(0.05, 12);
    expect(delta.achievedRateRatio).toBeCloseTo(0.8, 12);
    expect(delta.verdict).toContain('error rate +5 points');
    expect(delta.verdict).toContain('achieved rate 20 % lower');
  });

  it('has nothing to compare when a run has no answers', () => {
    const empty = run('z', [storedInterval(0, { corrected: [], offered: 100 })]);
    const delta = compareRuns([baseline, empty], { resamples: 10 }).deltas[1]!;
    expect(delta).toMatchObject({ p99Ratio: null, p99RatioLow: null, p99RatioHigh: null });
    expect(delta.verdict).toContain('no p99 to compare');
  });
});

describe('p99Verdict', () => {
  it('words the three outcomes with the interval', () => {
    expect(p99Verdict(1.38, 1.3, 1.47)).toBe('p99 38 % higher (95 % CI 30–47 %): slower');
    expect(p99Verdict(0.8, 0.75, 0.86)).toBe('p99 20 % lower (95 % CI 14–25 %): faster');
    expect(p99Verdict(1.01, 0.96, 1.06)).toBe('no clear difference in p99 (95 % CI −4 – +6 %)');
    expect(p99Verdict(1.001, 0.998, 1.004)).toBe('no clear difference in p99 (95 % CI −0.2 – +0.4 %)');
  });
});
