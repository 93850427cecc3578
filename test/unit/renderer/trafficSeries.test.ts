// The live charts on the Serve page: metrics ticks (one a second, one entry per served version) become the
// columns uPlot draws, over the last five minutes, for all served models or one model's versions.
import { describe, expect, it } from 'vitest';
import { MetricsTickSchema, type MetricsTick } from '../../../src-shared/contract';
import { WINDOW_SECONDS, trafficSeries } from '../../../src-renderer/src/serve/trafficSeries';

type VersionTick = MetricsTick['versions'][number];

const version = (model: string, v: number, stats: Partial<VersionTick> = {}): VersionTick => ({
  model,
  version: v,
  requests: 0,
  errors: 0,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  queueDepth: 0,
  ...stats,
});

const T0 = 1_700_000_000_000;
const tick = (second: number, ...versions: VersionTick[]): MetricsTick =>
  MetricsTickSchema.parse({ t: T0 + second * 1000, versions });

describe('trafficSeries', () => {
  it('has no columns before the first tick', () => {
    expect(trafficSeries([], null)).toEqual({
      t: [],
      requestsPerSecond: [],
      p50: [],
      p95: [],
      p99: [],
      errorPercent: [],
      queueDepth: [],
    });
  });

  it('plots one row per tick with the time in seconds', () => {
    const series = trafficSeries(
      [
        tick(0, version('digits', 1, { requests: 10, p50Ms: 2, p95Ms: 5, p99Ms: 9, queueDepth: 3 })),
        tick(1, version('digits', 1, { requests: 20, errors: 5, p50Ms: 3, p95Ms: 6, p99Ms: 12 })),
      ],
      null,
    );
    expect(series).toEqual({
      t: [T0 / 1000, T0 / 1000 + 1],
      requestsPerSecond: [10, 20],
      p50: [2, 3],
      p95: [5, 6],
      p99: [9, 12],
      errorPercent: [0, 25],
      queueDepth: [3, 0],
    });
  });

  it('leaves a gap in latency and error rate for a second without requests, and draws 0 req/s', () => {
    const series = trafficSeries([tick(0, version('digits', 1, { queueDepth: 2 })), tick(1)], null);
    expect(series.requestsPerSecond).toEqual([0, 0]);
    expect(series.p50).toEqual([null, null]);
    expect(series.p95).toEqual([null, null]);
    expect(series.p99).toEqual([null, null]);
    expect(series.errorPercent).toEqual([null, null]);
    expect(series.queueDepth).toEqual([2, 0]);
  });

  it('shows 100% errors and no latency for a second where every request failed', () => {
    const series = trafficSeries([tick(0, version('digits', 1, { requests: 4, errors: 4 }))], null);
    expect(series.errorPercent).toEqual([100]);
    expect(series.p50).toEqual([null]);
  });

  it(`keeps the last ${WINDOW_SECONDS} seconds, measured back from the newest tick`, () => {
    expect(WINDOW_SECONDS).toBe(300);
    const ticks = Array.from({ length: 400 }, (_, s) => tick(s, version('digits', 1, { requests: s })));
    const series = trafficSeries(ticks, null);
    expect(series.t).toHaveLength(300);
    expect(series.t[0]).toBe(T0 / 1000 + 100);
    expect(series.t.at(-1)).toBe(T0 / 1000 + 399);
    expect(series.requestsPerSecond[0]).toBe(100);

    // The window follows the newest tick even across a pause in the ticks; a tick exactly 300 s old is out.
    const paused = trafficSeries([tick(0), tick(10), tick(11), tick(305), tick(310)], null);
    expect(paused.t).toEqual([T0 / 1000 + 11, T0 / 1000 + 305, T0 / 1000 + 310]);
  });

  describe('for all served models', () => {
    const ticks = [
      tick(
        0,
        version('digits', 1, { requests: 30, errors: 0, p50Ms: 2, p95Ms: 4, p99Ms: 6, queueDepth: 1 }),
        version('digits', 2, { requests: 10, errors: 0, p50Ms: 10, p95Ms: 20, p99Ms: 40, queueDepth: 2 }),
        version('cancer', 1, { requests: 10, errors: 10, queueDepth: 4 }),
      ),
    ];

    it('sums requests, errors and queue depth over every version', () => {
      const series = trafficSeries(ticks, null);
      expect(series.requestsPerSecond).toEqual([50]);
      expect(series.errorPercent).toEqual([20]);
      expect(series.queueDepth).toEqual([7]);
    });

    it('weights p50 by successful requests and takes the worst version for p95 and p99', () => {
      const series = trafficSeries(ticks, null);
      // (2 ms × 30 + 10 ms × 10) / 40 successes; cancer has no successes, so no say in p50.
      expect(series.p50).toEqual([4]);
      expect(series.p95).toEqual([20]);
      expect(series.p99).toEqual([40]);
    });
  });

  describe('for one model', () => {
    const ticks = [
      tick(
        0,
        version('digits', 1, { requests: 8, errors: 2, p50Ms: 1, p95Ms: 3, p99Ms: 5, queueDepth: 1 }),
        version('digits', 2, { requests: 4, p50Ms: 4, p95Ms: 2, p99Ms: 9, queueDepth: 1 }),
        version('cancer', 1, { requests: 100, errors: 50, p50Ms: 50, p95Ms: 80, p99Ms: 99, queueDepth: 9 }),
      ),
      tick(1, version('cancer', 1, { requests: 5, p50Ms: 7, p95Ms: 8, p99Ms: 9 })),
    ];

    it("combines only that model's versions", () => {
      expect(trafficSeries(ticks, 'digits')).toEqual({
        t: [T0 / 1000, T0 / 1000 + 1],
        requestsPerSecond: [12, 0],
        // (1 ms × 6 successes + 4 ms × 4) / 10
        p50: [2.2, null],
        p95: [3, null],
        p99: [9, null],
        errorPercent: [(2 / 12) * 100, null],
        queueDepth: [2, 0],
      });
    });

    it('keeps a row for every second, even one where the model was not served', () => {
      const cancer = trafficSeries(ticks, 'cancer');
      expect(cancer.requestsPerSecond).toEqual([100, 5]);
      expect(cancer.errorPercent).toEqual([50, 0]);
      expect(cancer.p50).toEqual([50, 7]);
      expect(trafficSeries(ticks, 'squeezenet').requestsPerSecond).toEqual([0, 0]);
      expect(trafficSeries(ticks, 'squeezenet').p99).toEqual([null, null]);
    });
  });

  it('lets a version with successes but no reported p50 add nothing to p50', () => {
    const series = trafficSeries(
      [
        tick(
          0,
          version('digits', 1, { requests: 5, p50Ms: 8, p95Ms: 9, p99Ms: 10 }),
          version('digits', 2, { requests: 50, p50Ms: null, p95Ms: null, p99Ms: null }),
        ),
      ],
      null,
    );
    expect(series.p50).toEqual([8]);
    expect(series.p95).toEqual([9]);
    expect(series.p99).toEqual([10]);
    expect(series.requestsPerSecond).toEqual([55]);
  });

  it('draws every column with one value per time', () => {
    const ticks = Array.from({ length: 20 }, (_, s) =>
      tick(s, version('digits', 1, { requests: s % 3, p50Ms: s % 3 ? 1 : null })),
    );
    const series = trafficSeries(ticks, 'digits');
    for (const column of Object.values(series)) expect(column).toHaveLength(20);
  });
});
