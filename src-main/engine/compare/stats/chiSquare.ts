// Pearson's chi-square for categoricals: goodness of fit of the current counts against the reference's frequencies
// (Evidently's convention, scipy.stats.chisquare), or homogeneity of the two samples when the reference lacks a
// category the current has (scipy.stats.chi2_contingency without continuity correction).
import { chiSquareSf } from './distributions';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  degreesOfFreedom: number;
  /** 'fit': expected from the reference's frequencies; 'homogeneity': the 2 × k table of both samples. */
  method: 'fit' | 'homogeneity';
}

/**
 * Counts per category, same order in both; categories absent from both are ignored. Evidently's goodness of fit
 * when every current category occurs in the reference. Otherwise its expected count would be 0 (χ² = ∞: one stray
 * value would be certain drift), so the reference is treated as the sample it is: the test of homogeneity.
 */
export function chiSquare(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): ChiSquareResult {
  for (let i = 0; i < referenceCounts.length; i++) {
    if (referenceCounts[i] === 0 && currentCounts[i]! > 0) return chiSquareHomogeneity(referenceCounts, currentCounts);
  }
  return chiSquareFit(referenceCounts, currentCounts);
}

/** Goodness of fit: expected = reference count × n_current / n_reference (Evidently), as scipy.stats.chisquare. */
export function chiSquareFit(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): ChiSquareResult {
  if (referenceCounts.length !== currentCounts.length) {
    throw new RangeError(`chiSquare: ${referenceCounts.length} reference categories against ${currentCounts.length}`);
  }
  const { nReference, nCurrent } = sampleSizes(referenceCounts, currentCounts);
  const scale = nCurrent / nReference;
  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const observed = currentCounts[i]!;
    const expected = referenceCounts[i]! * scale;
    if (expected === 0 && observed === 0) continue;
    categories++;
    statistic += expected === 0 ? Number.POSITIVE_INFINITY : (observed - expected) ** 2 / expected;
  }
  const degreesOfFreedom = categories - 1;
  const pValue = degreesOfFreedom < 1 ? 1 : chiSquareSf(statistic, degreesOfFreedom);
  return { statistic, pValue, degreesOfFreedom, method: 'fit' };
}

/** Pearson's test of homogeneity on the 2 × k table (reference, current), as chi2_contingency(correction=False). */
export function chiSquareHomogeneity(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): ChiSquareResult {
  const { nReference, nCurrent } = sampleSizes(referenceCounts, currentCounts);
  const total = nReference + nCurrent;
  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const column = referenceCounts[i]! + currentCounts[i]!;
    if (column === 0) continue;
    categories++;
    const expectedReference = (nReference * column) / total;
    const expectedCurrent = (nCurrent * column) / total;
    statistic += (referenceCounts[i]! - expectedReference) ** 2 / expectedReference;
    statistic += (currentCounts[i]! - expectedCurrent) ** 2 / expectedCurrent;
  }
  const degreesOfFreedom = categories - 1;
  const pValue = degreesOfFreedom < 1 ? 1 : chiSquareSf(statistic, degreesOfFreedom);
  return { statistic, pValue, degreesOfFreedom, method: 'homogeneity' };
}

/** Each side's total count; a side with none cannot be tested. */
function sampleSizes(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): { nReference: number; nCurrent: number } {
  let nReference = 0;
  let nCurrent = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    nReference += referenceCounts[i]!;
    nCurrent += currentCounts[i]!;
  }
  if (nReference === 0 || nCurrent === 0) throw new RangeError('chiSquare: both samples need values');
  return { nReference, nCurrent };
}
