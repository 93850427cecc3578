import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '../../../../src-main/engine/compare/stats/quantileSketch';
import { mulberry32 } from '../../../../src-shared/seededRandom';

function normals(n: number, seed: number, shift = 0): Float64Array {
  const random = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] = shift + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return out;
}

/** Largest |true rank of sketch.quantile(p) − p| over a grid of p. */
function maxRankError(sketch: QuantileSketch, data: Float64Array): number {
  const sorted = Float64Array.from(data).sort();
  let worst = 0;
  for (let p = 0.005; p < 1; p += 0.005) {
    const q = sketch.quantile(p);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= q) lo = mid + 1;
      else hi = mid;
    }
    worst = Math.max(worst, Math.abs(lo / sorted.length - p), Math.abs(sketch.cdf(q) - lo / sorted.length));
  }
  return worst;
}

describe('QuantileSketch', () => {
  it('answers a small sample exactly (nearest-rank quantiles, empirical cdf)', () => {
    const sketch = new QuantileSketch();
    sketch.addAll([5, 1, 4, 2, 3, 3]);
    expect(sketch.count).toBe(6);
    expect(sketch.quantile(0)).toBe(1);
    expect(sketch.quantile(1)).toBe(5);
    expect(sketch.quantile(0.5)).toBe(3);
    expect(sketch.quantile(0.34)).toBe(3);
    expect(sketch.quantile(0.33)).toBe(2);
    expect(sketch.cdf(3)).toBeCloseTo(4 / 6, 12);
    expect(sketch.cdf(0.5)).toBe(0);
    expect(sketch.cdf(2.5)).toBeCloseTo(2 / 6, 12);
    expect(sketch.cdf(9)).toBe(1);
  });

  it('skips NaN and is empty-safe', () => {
    const sketch = new QuantileSketch();
    expect(sketch.quantile(0.5)).toBeNaN();
    expect(sketch.cdf(0)).toBeNaN();
    sketch.addAll([Number.NaN, 2, Number.NaN]);
    expect(sketch.count).toBe(1);
    expect(sketch.quantile(0.5)).toBe(2);
    expect(() => sketch.quantile(1.5)).toThrow(/p must be in \[0, 1\]/);
  });

  it('keeps rank error under 1 % on 300 000 values in a few KB', () => {
    const data = normals(300_000, 7);
    const sketch = new QuantileSketch();
    sketch.addAll(data);
    expect(sketch.count).toBe(300_000);
    expect(maxRankError(sketch, data)).toBeLessThan(0.01);
    expect(Buffer.from(sketch.serialize(), 'base64').length).toBeLessThan(8_000);
    expect(sketch.quantile(0)).toBe(data.reduce((a, b) => Math.min(a, b)));
    expect(sketch.quantile(1)).toBe(data.reduce((a, b) => Math.max(a, b)));
  });

  it('merges sketches of parts into a sketch of the whole', () => {
    const data = normals(200_000, 11);
    const parts = [new QuantileSketch(), new QuantileSketch(), new QuantileSketch()];
    data.forEach((x, i) => parts[i % 3]!.add(x));
    const merged = new QuantileSketch();
    for (const part of parts) merged.merge(part);
    expect(merged.count).toBe(200_000);
    expect(maxRankError(merged, data)).toBeLessThan(0.01);
    // Merging left the parts alone.
    expect(parts[0]!.count).toBe(66_667);
  });

  it('merges disjoint ranges: the median falls between them', () => {
    const low = new QuantileSketch();
    const high = new QuantileSketch();
    for (let i = 0; i < 50_000; i++) {
      low.add(i / 50_000);
      high.add(10 + i / 50_000);
    }
    low.merge(high);
    expect(low.cdf(5)).toBeCloseTo(0.5, 2);
    expect(low.quantile(0.25)).toBeCloseTo(0.5, 1);
    expect(low.quantile(0.75)).toBeCloseTo(10.5, 1);
  });

  it('round-trips through base64 and answers the same', () => {
    const data = normals(50_000, 3, 2);
    const sketch = new QuantileSketch();
    sketch.addAll(data);
    const copy = QuantileSketch.deserialize(sketch.serialize());
    expect(copy.count).toBe(sketch.count);
    for (const p of [0, 0.01, 0.3, 0.5, 0.99, 1]) expect(copy.quantile(p)).toBe(sketch.quantile(p));
    expect(copy.cdf(2.1)).toBe(sketch.cdf(2.1));
    copy.add(100);
    expect(copy.count).toBe(50_001);
    expect(copy.quantile(1)).toBe(100);
  });

  it('refuses bytes that are not a sketch', () => {
    expect(() => QuantileSketch.deserialize('aGVsbG8=')).toThrow(/not a serialised sketch/);
    const good = new QuantileSketch();
    good.addAll([1, 2, 3]);
    const truncated = Buffer.from(good.serialize(), 'base64').subarray(0, 40).toString('base64');
    expect(() => QuantileSketch.deserialize(truncated)).toThrow(/truncated/);
  });
});
