// McNemar's test on the discordant pairs of two paired classifiers (statsmodels' mcnemar conventions).
import { binomialHalfCdf, chiSquareSf } from './distributions';

export interface McNemarResult {
  /** Exact: min(b, c); chi-square: (|b − c| − 1)² / (b + c). */
  statistic: number;
  pValue: number;
  exact: boolean;
}

/** Below this many discordant pairs the exact binomial test is used. */
export const MCNEMAR_EXACT_BELOW = 25;

/**
 * b = rows right in A and wrong in B, c = the reverse. With b + c < 25 the exact two-sided binomial test
 * (p = min(1, 2·Pr(X ≤ min(b, c))), X ~ Bin(b + c, ½)); otherwise chi-square with 1 degree of freedom and
 * Edwards' continuity correction. No discordant pairs: statistic 0, p = 1.
 */
export function mcnemar(b: number, c: number): McNemarResult {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0)) {
    throw new RangeError(`mcnemar: b and c must be counts (non-negative integers), got ${b} and ${c}`);
  }
  const n = b + c;
  if (n < MCNEMAR_EXACT_BELOW) {
    const statistic = Math.min(b, c);
    return { statistic, pValue: n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(statistic, n)), exact: true };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { statistic, pValue: chiSquareSf(statistic, 1), exact: false };
}
