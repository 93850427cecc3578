// Wasserstein-1 distance between two samples (scipy.stats.wasserstein_distance), and Evidently's normalised form.

/** ∫ |F_u − F_v| over the real line, from the two empirical CDFs. NaN must have been removed. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = Float64Array.from(u).sort();
  const b = Float64Array.from(v).sort();
  if (a.length === 0 || b.length === 0) throw new RangeError('wassersteinDistance: both samples need values');
  let i = 0;
  let j = 0;
  let total = 0;
  let previous = Math.min(a[0]!, b[0]!);
  // Walk the merged order: between consecutive values both CDFs are constant.
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    total += Math.abs(i / a.length - j / b.length) * (x - previous);
    previous = x;
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
  }
  return total;
}

/** Population standard deviation (ddof = 0, as numpy.std). */
export function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / values.length);
}

/** The reference std below which Evidently stops normalising (so a constant reference does not divide by 0). */
export const WASSERSTEIN_MIN_NORM = 0.001;

/** wasserstein_distance(ref, cur) / max(std(ref, ddof=0), 0.001), as Evidently's wasserstein test. */
export function wassersteinNormalized(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return wassersteinDistance(reference, current) / Math.max(populationStd(reference), WASSERSTEIN_MIN_NORM);
}
