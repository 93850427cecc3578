// One side of a drift test: its present values sorted, with a weight per value when it stands for many (a quantile
// sketch's compacted values, a profile's category counts), and the operations every test needs, weight-aware.
// With unit weights every operation does the same arithmetic as the scipy-matched functions in ../stats.
import type { FeatureProfile } from '../../../../src-shared/contract';
import { linearQuantile, upperBound } from '../stats/histogramCounts';
import { populationStd } from '../stats/wasserstein';
import { QuantileSketch } from '../stats/quantileSketch';

export interface DriftSample {
  /** Present values, ascending. */
  sorted: Float64Array;
  /** Weight of each value (null: every value counts once). */
  weights: Float64Array | null;
  /** Present values the sample stands for (Σ weights). */
  count: number;
  missing: number;
  /** True when the values are a sketch's summary rather than every value. */
  approximate: boolean;
  /** Population std (ddof 0) when known exactly (a profile's std), else computed from the values. */
  std?: number;
}

/** Every value of a column; NaN counts as missing. */
export function sampleFromValues(values: ArrayLike<number>): DriftSample {
  const present = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) present[n++] = v;
  }
  const sorted = (n === values.length ? present : present.slice(0, n)).sort();
  return { sorted, weights: null, count: n, missing: values.length - n, approximate: false };
}

/** A quantile sketch's stored values with their weights: ranks within the sketch's error. */
export function sampleFromSketch(sketch: QuantileSketch, missing = 0): DriftSample {
  const { values, weights } = sketch.weightedValues();
  const exact = weights.every((w) => w === 1);
  return { sorted: values, weights: exact ? null : weights, count: sketch.count, missing, approximate: !exact };
}

/**
 * A stored profile as a reference: categorical features from their exact frequencies (approximate only when
 * rare values were summed into "(other)"), numeric ones from the quantile sketch; std from the profile (exact).
 */
export function sampleFromProfile(profile: FeatureProfile): DriftSample {
  const std =
    profile.std !== null && profile.count > 1 ? profile.std * Math.sqrt((profile.count - 1) / profile.count) : 0;
  if (profile.kind === 'categorical' && profile.frequencies) {
    const entries: [number, number][] = [];
    let dropped = false;
    for (const { value, count } of profile.frequencies) {
      const v = value === 'true' ? 1 : value === 'false' ? 0 : Number(value);
      if (value === '' || Number.isNaN(v)) dropped = true;
      else entries.push([v, count]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const sorted = Float64Array.from(entries, (e) => e[0]);
    const weights = Float64Array.from(entries, (e) => e[1]);
    const count = weights.reduce((a, b) => a + b, 0);
    return { sorted, weights, count, missing: profile.missing, approximate: dropped, std };
  }
  const sample = sampleFromSketch(QuantileSketch.deserialize(profile.sketch), profile.missing);
  return { ...sample, std };
}

function weightAt(sample: DriftSample, i: number): number {
  return sample.weights ? sample.weights[i]! : 1;
}

/**
 * Calls `visit(v, ca, cb)` at each distinct value v of either side, ascending, with the weight each side has
 * below v (`ca`, `cb`), then once more at +∞ with the totals. Unit weights take a fast path: this walk is most of
 * drift's cost on large data.
 */
function walkMerged(a: DriftSample, b: DriftSample, visit: (v: number, ca: number, cb: number) => void): void {
  const x = a.sorted;
  const y = b.sorted;
  const wa = a.weights;
  const wb = b.weights;
  const nx = x.length;
  const ny = y.length;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  while (i < nx || j < ny) {
    const v = j >= ny || (i < nx && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    visit(v, ca, cb);
    if (wa) while (i < nx && x[i]! <= v) ca += wa[i++]!;
    else {
      while (i < nx && x[i]! <= v) i++;
      ca = i;
    }
    if (wb) while (j < ny && y[j]! <= v) cb += wb[j++]!;
    else {
      while (j < ny && y[j]! <= v) j++;
      cb = j;
    }
  }
  visit(Number.POSITIVE_INFINITY, ca, cb);
}

/** sup (F_a − F_b) and sup (F_b − F_a) (clipped to [0, 1]) over every value of either side, as ksGaps. */
export function ecdfGaps(a: DriftSample, b: DriftSample): { plus: number; minus: number } {
  let plus = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let first = true;
  const na = a.count;
  const nb = b.count;
  // A visit sees the CDFs at the previous value (below v): the first one (nothing counted yet) is skipped.
  walkMerged(a, b, (_v, ca, cb) => {
    if (first) {
      first = false;
      return;
    }
    const diff = ca / na - cb / nb;
    if (diff > plus) plus = diff;
    if (diff < min) min = diff;
  });
  return { plus, minus: Math.min(Math.max(-min, 0), 1) };
}

/** ∫ |F_a − F_b|, as wassersteinDistance. */
export function wasserstein(a: DriftSample, b: DriftSample): number {
  let total = 0;
  let previous = Math.min(a.sorted[0]!, b.sorted[0]!);
  const na = a.count;
  const nb = b.count;
  walkMerged(a, b, (v, ca, cb) => {
    if (v === Number.POSITIVE_INFINITY) return;
    total += Math.abs(ca / na - cb / nb) * (v - previous);
    previous = v;
  });
  return total;
}

/** Population std (ddof 0): the profile's when given, else from the (weighted) values. */
export function sampleStd(sample: DriftSample): number {
  if (sample.std !== undefined) return sample.std;
  if (!sample.weights) return populationStd(sample.sorted);
  let mean = 0;
  for (let i = 0; i < sample.sorted.length; i++) mean += sample.sorted[i]! * sample.weights[i]!;
  mean /= sample.count;
  let squares = 0;
  for (let i = 0; i < sample.sorted.length; i++) squares += sample.weights[i]! * (sample.sorted[i]! - mean) ** 2;
  return Math.sqrt(squares / sample.count);
}

/** numpy's linear quantile for unit weights; the weighted inverse CDF otherwise. */
export function sampleQuantile(sample: DriftSample, p: number): number {
  if (!sample.weights) return linearQuantile(sample.sorted, p);
  const target = p * sample.count;
  let cumulative = 0;
  for (let i = 0; i < sample.sorted.length; i++) {
    cumulative += sample.weights[i]!;
    if (cumulative >= target) return sample.sorted[i]!;
  }
  return sample.sorted[sample.sorted.length - 1]!;
}

/** Weight in each bin of (−∞, c0), [c0, c1), …, [c_last, +∞). */
export function openBinWeights(sample: DriftSample, cuts: readonly number[]): Float64Array {
  const counts = new Float64Array(cuts.length + 1);
  for (let i = 0; i < sample.sorted.length; i++) counts[upperBound(cuts, sample.sorted[i]!)]! += weightAt(sample, i);
  return counts;
}

/** Weight in each numpy.histogram bin of `edges` (last bin closed; values outside are not counted). */
export function edgeBinWeights(sample: DriftSample, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const first = edges[0]!;
  const last = edges[bins]!;
  for (let i = 0; i < sample.sorted.length; i++) {
    const x = sample.sorted[i]!;
    if (!(x >= first && x <= last)) continue;
    counts[x === last ? bins - 1 : upperBound(edges, x) - 1]! += weightAt(sample, i);
  }
  return counts;
}

/** Distinct values (ascending) and their weights. */
export function distinctWeights(sample: DriftSample): { values: number[]; weights: number[] } {
  const values: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < sample.sorted.length; i++) {
    const v = sample.sorted[i]!;
    if (values.length > 0 && values[values.length - 1] === v) weights[weights.length - 1]! += weightAt(sample, i);
    else {
      values.push(v);
      weights.push(weightAt(sample, i));
    }
  }
  return { values, weights };
}

/** Distinct values of one side, counting at most `cap`. */
export function distinctCount(sample: DriftSample, cap: number): number {
  const x = sample.sorted;
  let distinct = x.length > 0 ? 1 : 0;
  for (let i = 1; i < x.length && distinct < cap; i++) if (x[i] !== x[i - 1]) distinct++;
  return distinct;
}

/** Distinct values in the union of both sides, counting at most `cap`. */
export function distinctUnion(a: DriftSample, b: DriftSample, cap: number): number {
  const x = a.sorted;
  const y = b.sorted;
  let i = 0;
  let j = 0;
  let distinct = 0;
  while ((i < x.length || j < y.length) && distinct < cap) {
    const v = j >= y.length || (i < x.length && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    distinct++;
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
  }
  return distinct;
}

/** The same values with `shift` added (order is kept, so the copy stays sorted; the std is unchanged). */
export function shiftedSample(sample: DriftSample, shift: number): DriftSample {
  const sorted = new Float64Array(sample.sorted.length);
  for (let i = 0; i < sorted.length; i++) sorted[i] = sample.sorted[i]! + shift;
  return { ...sample, sorted };
}
