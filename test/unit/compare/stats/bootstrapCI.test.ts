import { describe, expect, it } from 'vitest';
import { bootstrapCI, bootstrapIndicesCI } from '../../../../src-main/engine/compare/stats/bootstrapCI';
import { mulberry32 } from '../../../../src-shared/seededRandom';

const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;

describe('bootstrapCI (percentile, seeded)', () => {
  const random = mulberry32(5);
  const values = Float64Array.from({ length: 400 }, () => (random() < 0.7 ? 1 : 0));

  it('brackets the estimate with about the normal-theory width for a proportion', () => {
    const ci = bootstrapCI(values, mean, { iterations: 2000, confidence: 0.95, seed: 3 });
    const p = mean(values);
    expect(ci.estimate).toBe(p);
    expect(ci.lower).toBeLessThan(p);
    expect(ci.upper).toBeGreaterThan(p);
    const normalWidth = 2 * 1.96 * Math.sqrt((p * (1 - p)) / values.length);
    expect(ci.upper - ci.lower).toBeGreaterThan(0.8 * normalWidth);
    expect(ci.upper - ci.lower).toBeLessThan(1.2 * normalWidth);
  });

  it('repeats exactly with the same seed and moves with another', () => {
    const a = bootstrapCI(values, mean, { iterations: 300, seed: 9 });
    const b = bootstrapCI(values, mean, { iterations: 300, seed: 9 });
    const c = bootstrapCI(values, mean, { iterations: 300, seed: 10 });
    expect(b).toEqual(a);
    expect(c.lower === a.lower && c.upper === a.upper).toBe(false);
  });

  it('resamples pairs together through indices (a paired difference has a narrower interval)', () => {
    const n = 300;
    const r = mulberry32(8);
    const shared = Float64Array.from({ length: n }, () => r());
    const a = shared.map((x) => x + 0.05 * r());
    const b = shared.map((x) => x + 0.05 * r());
    const paired = bootstrapIndicesCI(
      n,
      (idx) => {
        let s = 0;
        for (const i of idx) s += a[i]! - b[i]!;
        return s / idx.length;
      },
      { seed: 1 },
    );
    expect(paired.upper - paired.lower).toBeLessThan(0.02);
  });

  it('refuses an empty sample and a confidence outside (0, 1)', () => {
    expect(() => bootstrapCI(new Float64Array(0), mean)).toThrow(/at least one row/);
    expect(() => bootstrapCI(values, mean, { confidence: 95 })).toThrow(/confidence must be in \(0, 1\)/);
  });
});
