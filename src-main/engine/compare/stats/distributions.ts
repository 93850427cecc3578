// Tail probabilities the tests need, from @stdlib (ports of Boost/cephes), computed as survival functions so
// small p-values keep their relative precision (1 − cdf would round them away).
import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';

/** Pr(X > x) for X ~ χ²(df): the regularised upper incomplete gamma Q(df/2, x/2), as scipy's chi2.sf. */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return gammainc(x / 2, df / 2, true, true);
}

/** Pr(Z > z) for a standard normal Z, as scipy's norm.sf. */
export function normalSf(z: number): number {
  return erfc(z / Math.SQRT2) / 2;
}

/** Pr(X ≤ k) for X ~ Binomial(n, 1/2), summed term by term (C(n, i)/2^n; meant for the small n of McNemar's exact branch). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let term = 2 ** -n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return Math.min(1, sum);
}
