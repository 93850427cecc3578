import { describe, expect, it } from 'vitest';
import { kneeRate } from '../../../../src-main/engine/loadtest/analysis/knee';
import { mm1P99Ms } from '../../../../src-main/engine/loadtest/analysis/mm1Simulation';

const curve = (rates: number[], latency: (rate: number) => number | null) =>
  rates.map((rate) => ({ rate, latencyMs: latency(rate) }));

describe('kneeRate (Kneedle)', () => {
  it('finds the corner of a hockey stick exactly', () => {
    const rates = Array.from({ length: 21 }, (_, i) => i * 5);
    expect(kneeRate(curve(rates, (r) => (r <= 50 ? 2 : 2 + (r - 50) * 10)))).toBe(50);
  });

  it('lands between a small fraction of μ and μ on the M/M/1 p99 curve', () => {
    const mu = 1000;
    const rates = Array.from({ length: 50 }, (_, i) => 10 + i * 20);
    const knee = kneeRate(curve(rates, (r) => mm1P99Ms(r, mu)))!;
    expect(knee).toBeGreaterThan(0.1 * mu);
    expect(knee).toBeLessThan(mu);
    // Where the curve visibly bends: p99 there is a few times its floor, far from the asymptote.
    expect(knee).toBeGreaterThan(0.7 * mu);
  });

  it('does not depend on the order of the points or on unevenly spaced rates', () => {
    const rates = [10, 20, 40, 80, 160, 320, 640, 720, 760, 800, 960];
    const points = curve(rates, (r) => mm1P99Ms(r, 1000));
    expect(kneeRate([...points].reverse())).toBe(kneeRate(points));
  });

  it('skips rates without a latency and averages a rate measured twice', () => {
    const points = [
      ...curve([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], (r) => (r <= 50 ? 1 : 1 + (r - 50))),
      { rate: 5, latencyMs: null },
      { rate: 50, latencyMs: 1 },
    ];
    expect(kneeRate(points)).toBe(50);
  });

  it('has no knee to find on too few points, a flat, a straight or a concave curve', () => {
    expect(kneeRate(curve([1, 2], (r) => r * r))).toBeNull();
    expect(kneeRate(curve([1, 2, 3, 4], () => 5))).toBeNull();
    expect(kneeRate(curve([1, 2, 3, 4], (r) => 2 * r))).toBeNull();
    expect(kneeRate(curve([1, 2, 3, 4, 5], (r) => Math.sqrt(r)))).toBeNull();
  });
});
