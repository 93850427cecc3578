import { describe, expect, it } from 'vitest';
import { decodeHistogram, mergeHistograms, percentilesOf } from '../../../../src-main/engine/loadtest/latencyHistogram';
import { bucketsOf, countAbove } from '../../../../src-main/engine/loadtest/analysis/histogramBuckets';
import {
  errorRate,
  runSpectrum,
  sliceWindow,
  successfulRate,
  summarizeRun,
} from '../../../../src-main/engine/loadtest/analysis/summarizeRun';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { exactPercentile, histogramOf, logNormalMs, storedInterval } from './fixtures';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('histogram merge and re-slice', () => {
  it('two seconds merged give the percentiles of all their values together', () => {
    const first = range(1, 100);
    const second = range(101, 200);
    const summary = summarizeRun(
      [storedInterval(0, { corrected: first }), storedInterval(1, { corrected: second })],
      2,
    );
    const all = [...first, ...second];
    // Identical to recording all the values in one histogram; the max is its bucket's top after a round trip.
    const direct = percentilesOf(histogramOf(all));
    expect({ ...summary.corrected, max: null }).toEqual({ ...direct, max: null });
    expect(Math.abs(summary.corrected.max! - direct.max!) / direct.max!).toBeLessThan(0.001);
    for (const [p, got] of [
      [50, summary.corrected.p50],
      [90, summary.corrected.p90],
      [99, summary.corrected.p99],
    ] as const)
      expect(Math.abs(got! - exactPercentile(all, p)) / exactPercentile(all, p)).toBeLessThan(0.001);
    expect(summary.corrected.count).toBe(200);
  });

  it('never averages per-second percentiles: a fast and a slow second merge to the slow tail', () => {
    const fast = storedInterval(0, { corrected: Array(100).fill(1) });
    const slow = storedInterval(1, { corrected: Array(100).fill(100) });
    const summary = summarizeRun([fast, slow], 2);
    expect(summary.corrected.p50).toBeCloseTo(1, 2);
    expect(summary.corrected.p99).toBeCloseTo(100, 0);
    // The average of the per-second p99s would be ~50.5 ms: nothing any request saw.
    expect(summary.corrected.p99).not.toBeCloseTo((fast.interval.corrected.p99! + slow.interval.corrected.p99!) / 2, 0);
  });

  it('a window slice equals the merge of its seconds, for each measure', () => {
    const random = mulberry32(7);
    const intervals = range(0, 5).map((s) =>
      storedInterval(s, {
        corrected: logNormalMs(200, 5 + s * 3, 0.6, random),
        uncorrected: logNormalMs(200, 4 + s, 0.4, random),
        sendLag: logNormalMs(200, 0.05 * (s + 1), 1, random),
      }),
    );
    const slice = sliceWindow(intervals, 2, 5);
    const inside = intervals.slice(2, 5);
    expect(slice.seconds).toBe(3);
    expect(slice.corrected).toEqual(percentilesOf(mergeHistograms(inside.map((s) => decodeHistogram(s.corrected)))));
    expect(slice.uncorrected).toEqual(
      percentilesOf(mergeHistograms(inside.map((s) => decodeHistogram(s.uncorrected)))),
    );
    expect(slice.sendLag).toEqual(percentilesOf(mergeHistograms(inside.map((s) => decodeHistogram(s.sendLag)))));
    expect(slice.offered).toBe(600);
    expect(slice.statuses).toEqual({ ok: 600 });
    // Re-slicing the whole run gives the run's own figures.
    const whole = sliceWindow(intervals, 0, 6);
    expect(whole.corrected).toEqual(summarizeRun(intervals, 6).corrected);
  });

  it('an empty window has null percentiles and zero counts', () => {
    const slice = sliceWindow([storedInterval(0, { corrected: [1, 2, 3] })], 5, 10);
    expect(slice.seconds).toBe(0);
    expect(slice.corrected).toEqual({ count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null });
  });

  it('reads buckets exactly below 2 ms, so "more than 1 ms late" is exact', () => {
    const h = histogramOf([0.2, 0.999, 1, 1.001, 1.5, 30]);
    expect(countAbove(h, 1000)).toBe(3);
    expect(bucketsOf(h).reduce((n, b) => n + b.count, 0)).toBe(6);
    expect(
      bucketsOf(h)
        .map((b) => b.valueUs)
        .slice(0, 4),
    ).toEqual([200, 999, 1000, 1001]);
  });
});

describe('summarizeRun', () => {
  const tenSeconds = range(0, 9).map((s) =>
    storedInterval(s, {
      corrected: Array(95).fill(2 + s),
      offered: 100,
      completed: 95,
      statuses: { ok: 90, shed: 3, 'http:500': 2 },
      sendLag: [...Array(99).fill(0.2), s === 0 ? 1.5 : 0.3],
    }),
  );

  it('totals, offered and achieved rates, and statuses summed over the seconds', () => {
    const s = summarizeRun(tenSeconds, 10);
    expect(s.requests).toBe(1000);
    expect(s.durationSeconds).toBe(10);
    expect(s.offeredRate).toBe(100);
    expect(s.achievedRate).toBe(95);
    expect(s.statuses).toEqual({ ok: 900, shed: 30, 'http:500': 20 });
    expect(errorRate(s.statuses)).toBeCloseTo(50 / 950, 12);
    expect(successfulRate(s)).toBe(90);
    expect(s.capacity).toBeUndefined();
  });

  it('late-send share counts sends over 1 ms late in the merged send-lag histogram', () => {
    const s = summarizeRun(tenSeconds, 10);
    expect(s.lateSendShare).toBeCloseTo(1 / 1000, 12);
    expect(s.generatorBound).toBe(false);
  });

  it('marks the run generator-bound only above 1 % late sends (exactly 1 ms is on time)', () => {
    const lag = (late: number, onTime: number, lateMs = 1.2) => [
      ...Array(late).fill(lateMs),
      ...Array(onTime).fill(0.4),
    ];
    const run = (sendLag: number[]) => summarizeRun([storedInterval(0, { corrected: [1], sendLag })], 1);
    expect(run(lag(10, 990)).lateSendShare).toBe(0.01);
    expect(run(lag(10, 990)).generatorBound).toBe(false);
    expect(run(lag(11, 989)).generatorBound).toBe(true);
    expect(run(lag(50, 950, 1)).lateSendShare).toBe(0);
  });

  it('rates are 0 for a run without a positive duration, and an empty run has null percentiles', () => {
    const s = summarizeRun([], 0);
    expect(s).toMatchObject({ requests: 0, offeredRate: 0, achievedRate: 0, lateSendShare: 0, generatorBound: false });
    expect(s.corrected.p99).toBeNull();
    expect(summarizeRun(tenSeconds, 0).offeredRate).toBe(0);
  });

  it('corrected and uncorrected stay apart: a stall shows only in the corrected figures', () => {
    // 10 s at 100 req/s; at second 5 the server stalls 500 ms, so the requests due during the stall waited.
    const intervals = range(0, 9).map((s) => {
      const uncorrected = Array(100).fill(2);
      const corrected = s === 5 ? uncorrected.map((u, k) => (k < 50 ? u + 500 - k * 10 : u)) : uncorrected;
      return storedInterval(s, { corrected, uncorrected });
    });
    const s = summarizeRun(intervals, 10);
    expect(s.uncorrected.p99).toBeCloseTo(2, 1);
    expect(s.corrected.p99!).toBeGreaterThan(200);
  });
});

describe('runSpectrum', () => {
  it('gives corrected and uncorrected latency at the same percentiles, rising to the max', () => {
    const random = mulberry32(3);
    const intervals = range(0, 3).map((s) => {
      const uncorrected = logNormalMs(500, 5, 0.5, random);
      return storedInterval(s, { uncorrected, corrected: uncorrected.map((u, k) => u + (k % 10 === 0 ? 20 : 0.5)) });
    });
    const spectrum = runSpectrum(intervals);
    expect(spectrum[0]!.percentile).toBe(0);
    expect(spectrum.at(-2)!.percentile).toBe(99.999);
    expect(spectrum.at(-1)!.percentile).toBe(100);
    const summary = summarizeRun(intervals, 4);
    expect(spectrum.at(-1)!.correctedMs).toBeCloseTo(summary.corrected.max!, 2);
    expect(spectrum.at(-1)!.uncorrectedMs).toBeCloseTo(summary.uncorrected.max!, 2);
    expect(spectrum.find((p) => p.percentile === 50)!.correctedMs).toBeCloseTo(summary.corrected.p50!, 2);
    for (let i = 1; i < spectrum.length; i++) {
      expect(spectrum[i]!.correctedMs).toBeGreaterThanOrEqual(spectrum[i - 1]!.correctedMs);
      expect(spectrum[i]!.uncorrectedMs).toBeGreaterThanOrEqual(spectrum[i - 1]!.uncorrectedMs);
      expect(spectrum[i]!.correctedMs).toBeGreaterThanOrEqual(spectrum[i]!.uncorrectedMs);
    }
  });

  it('is empty for a run where nothing finished', () => {
    expect(runSpectrum([storedInterval(0, { corrected: [], offered: 10 })])).toEqual([]);
  });
});
