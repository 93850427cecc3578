// Two-proportion z-test for a binary feature, as Evidently's "z" test: pooled variance, two-sided.
import { normalSf } from './distributions';

export interface ZTestResult {
  statistic: number;
  pValue: number;
}

/**
 * z = (p_ref − p_cur) / sqrt(P(1 − P)(1/n_ref + 1/n_cur)) with P the pooled share, p = 2·Pr(Z > |z|)
 * (Evidently writes 2·(1 − Φ(|z|)); the survival form keeps small p-values exact). When both samples hold a
 * single, identical value the test has nothing to compare: z = 0, p = 1.
 */
export function proportionsZTest(
  referencePositives: number,
  referenceCount: number,
  currentPositives: number,
  currentCount: number,
): ZTestResult {
  if (!(referenceCount > 0 && currentCount > 0)) throw new RangeError('proportionsZTest: both samples need values');
  const p1 = referencePositives / referenceCount;
  const p2 = currentPositives / currentCount;
  const pooled = (p1 * referenceCount + p2 * currentCount) / (referenceCount + currentCount);
  const variance = pooled * (1 - pooled) * (1 / referenceCount + 1 / currentCount);
  if (variance === 0) return { statistic: 0, pValue: 1 };
  const statistic = (p1 - p2) / Math.sqrt(variance);
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(statistic))) };
}
