// Each gate's verdict on hand-made traffic windows: threshold, inconclusive band, skipped when unmeasurable,
// and the statistical judges (Mann–Whitney on latency, significance plus effect size on p99 and predictions).
import { describe, expect, it } from 'vitest';
import { RolloutGateSchema, type RolloutGateInput } from '../../../../src-shared/contract';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import {
  judgeGate,
  quantileInterval,
  statusOf,
  type GateInputs,
} from '../../../../src-main/engine/traffic/rollout/judgeGates';
import { quantilesOf } from '../../../../src-main/engine/traffic/quantiles';
import type { ShadowComparisonWindow, VersionTrafficWindow } from '../../../../src-main/engine/traffic/trafficTypes';

function window(
  version: number,
  opts: { requests?: number; errors?: number; latencies?: number[]; predictions?: number[]; kind?: 'class' | 'value' },
): VersionTrafficWindow {
  const latencies = opts.latencies ?? [];
  const requests = opts.requests ?? latencies.length;
  const errors = opts.errors ?? 0;
  return {
    version,
    role: 'live',
    requests,
    ok: requests - errors,
    errors,
    rejected: 0,
    errorRate: requests > 0 ? errors / requests : null,
    errorsByReason: errors > 0 ? { BACKEND: errors } : {},
    pinned: 0,
    latency: quantilesOf(Float64Array.from(latencies)),
    latencySamplesMs: latencies,
    predictions: opts.predictions ?? [],
    predictionKind: opts.kind ?? (opts.predictions ? 'class' : null),
    samplesTruncated: false,
  } as VersionTrafficWindow;
}

function lognormal(seed: number, n: number, median: number, sigma = 0.3): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  });
}

function classes(seed: number, n: number, weights: number[]): number[] {
  const random = mulberry32(seed);
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    let x = random() * total;
    for (let c = 0; c < weights.length; c++) if ((x -= weights[c]!) < 0) return c;
    return weights.length - 1;
  });
}

const gate = (input: RolloutGateInput) => RolloutGateSchema.parse(input);
const inputs = (over: Partial<GateInputs>): GateInputs => ({
  stepKind: 'weights',
  candidate: null,
  baseline: null,
  pairs: null,
  ...over,
});

describe('statusOf: threshold and inconclusive band', () => {
  it('fails at the threshold, is inconclusive within the band on the passing side, passes beyond it', () => {
    expect(statusOf(0.02, 0.02, 0.01, 'above')).toBe('fail');
    expect(statusOf(0.015, 0.02, 0.01, 'above')).toBe('inconclusive');
    expect(statusOf(0.01, 0.02, 0.01, 'above')).toBe('inconclusive');
    expect(statusOf(0.009, 0.02, 0.01, 'above')).toBe('pass');
    expect(statusOf(0.89, 0.9, 0.03, 'below')).toBe('fail');
    expect(statusOf(0.9, 0.9, 0.03, 'below')).toBe('inconclusive');
    expect(statusOf(0.93, 0.9, 0.03, 'below')).toBe('pass');
  });
});

describe('error gates', () => {
  it('errorRate: 5 % fails a 2 % gate, 1.5 % is inconclusive, 0 passes, with the counts', () => {
    const g = gate({ kind: 'errorRate' });
    const fail = judgeGate(g, inputs({ candidate: window(2, { requests: 200, errors: 10 }) }));
    expect(fail).toMatchObject({
      status: 'fail',
      value: 0.05,
      numbers: { candidateRequests: 200, candidateErrors: 10 },
    });
    expect(fail.message).toMatch(/5\.00 % \(10 of 200\)/);
    expect(judgeGate(g, inputs({ candidate: window(2, { requests: 200, errors: 3 }) })).status).toBe('inconclusive');
    expect(judgeGate(g, inputs({ candidate: window(2, { requests: 200 }) })).status).toBe('pass');
    expect(judgeGate(g, inputs({})).status).toBe('inconclusive');
  });

  it('errorRateDelta compares with the baseline and is skipped without baseline traffic', () => {
    const g = gate({ kind: 'errorRateDelta', threshold: 0.02, band: 0 });
    const candidate = window(2, { requests: 100, errors: 4 });
    expect(judgeGate(g, inputs({ candidate, baseline: window(1, { requests: 1000, errors: 30 }) })).status).toBe(
      'pass',
    );
    const fail = judgeGate(g, inputs({ candidate, baseline: window(1, { requests: 1000, errors: 10 }) }));
    expect(fail.status).toBe('fail');
    expect(fail.value).toBeCloseTo(0.03, 12);
    expect(judgeGate(g, inputs({ candidate })).status).toBe('skipped');
  });
});

describe('latency gates', () => {
  const baseline = window(1, { latencies: lognormal(1, 2000, 2) });

  it('Mann–Whitney: a 3× slower candidate fails, with p and both medians', () => {
    const r = judgeGate(
      gate({ kind: 'latencyMannWhitney' }),
      inputs({ baseline, candidate: window(2, { latencies: lognormal(2, 200, 6) }) }),
    );
    expect(r.status).toBe('fail');
    expect(r.value).toBeGreaterThan(2.5);
    expect(r.numbers.pValue).toBeLessThan(1e-20);
    expect(r.numbers.candidateMedianMs).toBeGreaterThan(5);
  });

  it('Mann–Whitney: a significant but small slowdown passes (Kayenta: the effect must exceed the tolerance)', () => {
    const r = judgeGate(
      gate({ kind: 'latencyMannWhitney' }),
      inputs({ baseline, candidate: window(2, { latencies: lognormal(3, 2000, 2.2) }) }),
    );
    expect(r.numbers.pValue).toBeLessThan(0.01);
    expect(r.value).toBeLessThan(1.3);
    expect(r.status).toBe('pass');
  });

  it('Mann–Whitney: 1.4× is in the band (inconclusive); the same latency is no evidence at all', () => {
    const slower = judgeGate(
      gate({ kind: 'latencyMannWhitney' }),
      inputs({ baseline, candidate: window(2, { latencies: lognormal(4, 1000, 2.8) }) }),
    );
    expect(slower.status).toBe('inconclusive');
    const same = judgeGate(
      gate({ kind: 'latencyMannWhitney' }),
      inputs({ baseline, candidate: window(2, { latencies: lognormal(5, 500, 2) }) }),
    );
    expect(same.status).toBe('pass');
    expect(same.numbers.pValue).toBeGreaterThan(0.01);
  });

  it('p99 ratio: judged only when the p99 intervals are apart; too few samples are inconclusive', () => {
    const g = gate({ kind: 'latencyP99Ratio' });
    const slow = judgeGate(g, inputs({ baseline, candidate: window(2, { latencies: lognormal(6, 1000, 6) }) }));
    expect(slow.status).toBe('fail');
    expect(slow.numbers.candidateP99LowMs!).toBeGreaterThan(slow.numbers.baselineP99HighMs!);
    const same = judgeGate(g, inputs({ baseline, candidate: window(2, { latencies: lognormal(7, 300, 2) }) }));
    expect(same.status).toBe('pass');
    expect(same.message).toMatch(/overlap/);
    const few = judgeGate(g, inputs({ baseline, candidate: window(2, { latencies: lognormal(8, 50, 6) }) }));
    expect(few.status).toBe('inconclusive');
    expect(judgeGate(g, inputs({ candidate: window(2, { latencies: lognormal(8, 500, 6) }) })).status).toBe('skipped');
  });

  it('quantileInterval brackets the quantile with order statistics, open beyond the sample', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const { low, high } = quantileInterval(values, 0.99);
    expect(low).toBeLessThan(990);
    expect(high).toBeGreaterThan(990);
    expect(quantileInterval([1, 2, 3], 0.99).high).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('output gates', () => {
  const pairs = (rows: number, agreeing: number): ShadowComparisonWindow => ({
    liveVersion: 1,
    shadowVersion: 2,
    pairs: rows,
    rows,
    agreeingRows: agreeing,
    agreement: rows > 0 ? agreeing / rows : null,
    absDelta: {},
  });

  it('agreement is measured on shadow pairs only: below the threshold fails, within the band is inconclusive', () => {
    const g = gate({ kind: 'agreement' });
    expect(judgeGate(g, inputs({ stepKind: 'shadow', pairs: pairs(200, 170) })).status).toBe('fail');
    expect(judgeGate(g, inputs({ stepKind: 'shadow', pairs: pairs(200, 182) })).status).toBe('inconclusive');
    expect(judgeGate(g, inputs({ stepKind: 'shadow', pairs: pairs(200, 195) })).status).toBe('pass');
    expect(judgeGate(g, inputs({ stepKind: 'shadow', pairs: pairs(10, 10) })).status).toBe('inconclusive');
    expect(judgeGate(g, inputs({ stepKind: 'weights', pairs: pairs(200, 100) })).status).toBe('skipped');
  });

  it('outputDrift: a class pushed onto 20 % of rows fails; a large sample of a tiny shift is significant but passes', () => {
    const g = gate({ kind: 'outputDrift' });
    const even = Array.from({ length: 10 }, () => 1);
    const baseline = window(1, { requests: 4000, predictions: classes(1, 4000, even) });
    const skewed = judgeGate(
      g,
      inputs({
        baseline,
        candidate: window(2, { requests: 300, predictions: classes(2, 300, [...even.slice(0, 9), 3.5]) }),
      }),
    );
    expect(skewed.status).toBe('fail');
    expect(skewed.numbers.pValue).toBeLessThan(0.001);
    const big = window(1, { requests: 40000, predictions: classes(11, 40000, even) });
    const tiny = judgeGate(
      g,
      inputs({
        baseline: big,
        candidate: window(2, { requests: 40000, predictions: classes(3, 40000, [...even.slice(0, 9), 1.2]) }),
      }),
    );
    expect(tiny.numbers.pValue).toBeLessThan(0.001);
    expect(tiny.value).toBeLessThan(0.07);
    expect(tiny.status).toBe('pass');
    const same = judgeGate(
      g,
      inputs({ baseline, candidate: window(2, { requests: 300, predictions: classes(4, 300, even) }) }),
    );
    expect(same.status).toBe('pass');
    expect(
      judgeGate(g, inputs({ baseline, candidate: window(2, { requests: 10, predictions: classes(5, 10, even) }) }))
        .status,
    ).toBe('inconclusive');
  });

  it('outputDrift on values uses KS and the Wasserstein distance in baseline standard deviations', () => {
    const g = gate({ kind: 'outputDrift' });
    const baseline = window(1, { requests: 2000, predictions: lognormal(9, 2000, 1, 0.5), kind: 'value' });
    const shifted = judgeGate(
      g,
      inputs({
        baseline,
        candidate: window(2, { requests: 500, predictions: lognormal(10, 500, 1.6, 0.5), kind: 'value' }),
      }),
    );
    expect(shifted.status).toBe('fail');
    expect(shifted.message).toMatch(/ks p = .*Wasserstein/);
  });
});
