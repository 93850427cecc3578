// Jensen–Shannon distance in base 2 (scipy.spatial.distance.jensenshannon), and the binning that turns two
// samples into the two distributions it compares (Evidently's convention).
import { histogramCounts, sturgesEdges } from './histogramCounts';

/** sqrt(JS divergence) in bits between two histograms on the same bins; each is normalised to sum 1. */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`jensenShannonDistance: ${p.length} bins against ${q.length}`);
  let sumP = 0;
  let sumQ = 0;
  for (let i = 0; i < p.length; i++) {
    sumP += p[i]!;
    sumQ += q[i]!;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sumP;
    const qi = q[i]! / sumQ;
    const m = (pi + qi) / 2;
    if (pi > 0) left += pi * Math.log(pi / m);
    if (qi > 0) right += qi * Math.log(qi / m);
  }
  const divergence = (left + right) / Math.LN2;
  return Math.sqrt(Math.max(divergence, 0) / 2);
}

export interface SampleBins {
  /** Numeric bins: edges (length = counts + 1); categorical: the distinct values, ascending. */
  edges: number[] | null;
  categories: number[] | null;
  reference: Float64Array;
  current: Float64Array;
}

/**
 * Evidently's get_binned_data without zero filling: a numeric sample with more than 20 distinct reference values
 * is cut into Sturges equal-width bins over the range of both samples together (numpy.histogram_bin_edges
 * 'sturges' on the concatenation); otherwise each distinct value of either sample is its own bin. Shares are
 * counts / sample size. NaN must have been removed.
 */
export function binSamples(reference: Float64Array, current: Float64Array, numeric: boolean): SampleBins {
  const distinctReference = new Set(reference);
  if (numeric && distinctReference.size > 20) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const sample of [reference, current]) {
      for (let i = 0; i < sample.length; i++) {
        const x = sample[i]!;
        if (x < min) min = x;
        if (x > max) max = x;
      }
    }
    const edges = sturgesEdges(min, max, reference.length + current.length);
    return {
      edges: Array.from(edges),
      categories: null,
      reference: histogramCounts(reference, edges),
      current: histogramCounts(current, edges),
    };
  }
  const categories = Array.from(new Set([...distinctReference, ...new Set(current)])).sort((a, b) => a - b);
  const index = new Map(categories.map((value, i) => [value, i]));
  const count = (sample: Float64Array) => {
    const counts = new Float64Array(categories.length);
    for (let i = 0; i < sample.length; i++) counts[index.get(sample[i]!)!]!++;
    return counts;
  };
  return { edges: null, categories, reference: count(reference), current: count(current) };
}

/** JS distance between two samples, binned as `binSamples` states. */
export function jensenShannonSamples(reference: Float64Array, current: Float64Array, numeric: boolean): number {
  const bins = binSamples(reference, current, numeric);
  return jensenShannonDistance(bins.reference, bins.current);
}
