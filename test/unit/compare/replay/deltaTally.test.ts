// DeltaTally's quantiles and histogram against the sort-based definition (numpy's linear quantile on the
// sorted values; each value in the last bin whose lower edge it reaches), bit for bit.
import { describe, expect, it } from 'vitest';
import { DeltaTally } from '../../../../src-main/engine/compare/replay/deltaTally';
import { linearQuantile } from '../../../../src-main/engine/compare/stats/histogramCounts';
import { mulberry32 } from '../../../../src-shared/seededRandom';

const BINS = 24;

/** The figures by sorting, as the comparison summary computed them before DeltaTally. */
function bySorting(values: Float32Array): { p50: number; p99: number; edges: number[]; counts: number[] } {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  const max = sorted[sorted.length - 1]!;
  let edges = [0, 0];
  let counts = [sorted.length];
  if (max > 0) {
    let lo = max * 1e-6;
    const positive = sorted.find((v) => v > 0);
    if (positive !== undefined) lo = Math.max(lo, positive);
    edges = [0];
    if (lo < max) {
      const ratio = Math.pow(max / lo, 1 / (BINS - 1));
      for (let k = 0; k < BINS - 1; k++) edges.push(lo * Math.pow(ratio, k));
    }
    edges.push(max);
    counts = new Array<number>(edges.length - 1).fill(0);
    let bin = 0;
    for (const v of sorted) {
      while (bin < counts.length - 1 && v >= edges[bin + 1]!) bin++;
      counts[bin]!++;
    }
  }
  return { p50: linearQuantile(sorted, 0.5), p99: linearQuantile(sorted, 0.99), edges, counts };
}

function tallied(values: Float32Array) {
  const tally = new DeltaTally(values);
  for (let row = 0; row < values.length; row++) tally.add(row);
  const figures = tally.figures([0.5, 0.99], BINS)!;
  return { p50: figures.quantiles[0], p99: figures.quantiles[1], ...figures.histogram };
}

describe('DeltaTally', () => {
  const random = mulberry32(3);
  const cases: [string, Float32Array][] = [
    ['skewed, spread over many octaves', Float32Array.from({ length: 20_000 }, () => random() ** 8)],
    ['with unanswered rows (NaN)', Float32Array.from({ length: 5_000 }, () => (random() < 0.1 ? NaN : random()))],
    ['few distinct values, many ties', Float32Array.from({ length: 3_000 }, () => Math.floor(random() * 4) / 8)],
    ['zeros and a few positives', Float32Array.from({ length: 1_000 }, (_, i) => (i % 97 === 0 ? random() : 0))],
    ['all zeros', new Float32Array(500)],
    ['one value', Float32Array.from([0.25])],
    ['an infinite |Δ|', Float32Array.from({ length: 200 }, (_, i) => (i === 7 ? Infinity : random()))],
    ['values on the edges', Float32Array.from([1e-6, 1e-3, 1e-3, 0.5, 1, 1, 0, 2e-6, 1e-6])],
  ];
  for (const [name, values] of cases) {
    it(`matches the sorted definition: ${name}`, () => {
      expect(tallied(values)).toEqual(bySorting(values));
    });
  }

  it('keeps count, row-order sum, max and smallest positive, and has no figures without values', () => {
    const values = Float32Array.from([NaN, 0.5, 0, 0.25, NaN]);
    const tally = new DeltaTally(values);
    for (let row = 0; row < values.length; row++) tally.add(row);
    expect([tally.rows, tally.sum, tally.max, tally.minPositive]).toEqual([3, 0.75, 0.5, 0.25]);
    expect(new DeltaTally(Float32Array.from([NaN])).figures([0.5], BINS)).toBeNull();
  });
});
