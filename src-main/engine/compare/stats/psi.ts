// Population Stability Index: Σ (cur − ref) · ln(cur / ref) over bins cut at the reference's quantiles.
import { linearQuantile, openBinCounts } from './histogramCounts';

export interface PsiOptions {
  /** Number of quantile bins before ties merge them (default 10). */
  bins?: number;
  /** Share put in place of an empty bin's 0 so the log stays finite (default 1e-4, Evidently's floor). */
  epsilon?: number;
}

export interface PsiResult {
  value: number;
  /** The inner cut points: bins are (−∞, c0), [c0, c1), …, [c_last, +∞). */
  cuts: number[];
  referenceShares: number[];
  currentShares: number[];
}

export const DEFAULT_PSI_BINS = 10;
export const DEFAULT_PSI_EPSILON = 1e-4;

/**
 * Cuts at the reference's quantiles i/bins (i = 1 … bins−1, numpy's linear interpolation), duplicates dropped
 * (a tied reference gives fewer, wider bins). `sortedReference` must be ascending with no NaN.
 */
export function psiCuts(sortedReference: ArrayLike<number>, bins: number = DEFAULT_PSI_BINS): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = linearQuantile(sortedReference, i / bins);
    if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
  }
  return cuts;
}

/** PSI from bin counts on the same bins; an empty bin's share becomes epsilon. */
export function psiFromCounts(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  epsilon: number = DEFAULT_PSI_EPSILON,
): { value: number; referenceShares: number[]; currentShares: number[] } {
  const shares = (counts: ArrayLike<number>) => {
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i]!;
    return Array.from(counts, (c) => (c === 0 ? epsilon : c / total));
  };
  const referenceShares = shares(referenceCounts);
  const currentShares = shares(currentCounts);
  let value = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const r = referenceShares[i]!;
    const c = currentShares[i]!;
    value += (c - r) * Math.log(c / r);
  }
  return { value, referenceShares, currentShares };
}

/** PSI of two samples (NaN ignored). Throws when the reference has no values. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, options: PsiOptions = {}): PsiResult {
  const bins = options.bins ?? DEFAULT_PSI_BINS;
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`psi: bins must be an integer ≥ 2, got ${bins}`);
  const sorted = Float64Array.from(reference)
    .filter((x) => x === x)
    .sort();
  if (sorted.length === 0) throw new RangeError('psi: the reference has no values');
  const cuts = psiCuts(sorted, bins);
  const result = psiFromCounts(openBinCounts(sorted, cuts), openBinCounts(current, cuts), options.epsilon);
  return { ...result, cuts };
}
