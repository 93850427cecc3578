import { describe, expect, it } from 'vitest';
import {
  bootstrapCI,
  bootstrapIndicesCI,
  bootstrapMeansCI,
} from '../../../../src-main/engine/compare/stats/bootstrapCI';
import { mulberry32, mulberry32Indices } from '../../../../src-shared/seededRandom';

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

describe('bootstrapMeansCI (several means, one set of draws)', () => {
  const random = mulberry32(11);
  const rows = 300;
  const a = Float64Array.from({ length: rows }, () => (random() < 0.8 ? 1 : 0));
  const b = Float64Array.from({ length: rows }, () => random() * 3 - 1);

  it('draws what mulberry32 draws, across calls', () => {
    const draw = mulberry32Indices(5);
    const reference = mulberry32(5);
    const out = new Uint32Array(7);
    for (let call = 0; call < 3; call++) {
      draw(out, 13);
      expect(Array.from(out)).toEqual(Array.from({ length: 7 }, () => Math.floor(reference() * 13)));
    }
  });

  it('gives each row mean exactly the interval bootstrapCI gives it alone', () => {
    const options = { iterations: 400, confidence: 0.9, seed: 4 };
    const [ia, ib, ic] = bootstrapMeansCI(
      [
        { sums: a, counts: null },
        { sums: b, counts: null },
        { sums: b, counts: null, transform: (m) => m * m },
      ],
      options,
    );
    const alone = (values: Float64Array, f: (m: number) => number) => {
      const ci = bootstrapCI(values, (s) => f(mean(s)), options);
      return { lower: ci.lower, upper: ci.upper };
    };
    expect(ia).toEqual(alone(a, (m) => m));
    expect(ib).toEqual(alone(b, (m) => m));
    expect(ic).toEqual(alone(b, (m) => m * m));
  });

  it('gives block means (Σ sums / Σ counts) exactly what bootstrapIndicesCI gives them', () => {
    const sums = Float64Array.from({ length: 40 }, () => Math.floor(random() * 20));
    const counts = Float64Array.from({ length: 40 }, () => 20 + Math.floor(random() * 3));
    const options = { iterations: 300, seed: 2 };
    const [ci] = bootstrapMeansCI([{ sums, counts }], options);
    const alone = bootstrapIndicesCI(
      40,
      (idx) => {
        let s = 0;
        let c = 0;
        for (let i = 0; i < idx.length; i++) {
          s += sums[idx[i]!]!;
          c += counts[idx[i]!]!;
        }
        return s / c;
      },
      options,
    );
    expect(ci).toEqual({ lower: alone.lower, upper: alone.upper });
  });

  it('refuses samples of different sizes', () => {
    expect(() =>
      bootstrapMeansCI([
        { sums: a, counts: null },
        { sums: a.subarray(1), counts: null },
      ]),
    ).toThrow(/same number of items/);
  });
});
