// Two-sample Kolmogorov–Smirnov test, two-sided, exactly as scipy 1.10's `ks_2samp(a, b)` with method='auto':
// exact lattice-path p-value when both samples have ≤ 10 000 values, else `kstwo.sf(D, round(m·n/(m+n)))`.
import { kolmogorovTwoSidedSf } from './kolmogorovDistribution';

export interface KsResult {
  /** sup |F_a − F_b| (on the exact branch scipy rounds it to the lattice, h / lcm(n_a, n_b)). */
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymp';
}

/** scipy's MAX_AUTO_N: 'auto' tries the exact distribution up to this many values per sample. */
const MAX_AUTO_N = 10_000;

/** numpy's round: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function sortedFinite(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

/** The largest ECDF gaps, F_a − F_b and F_b − F_a, over every observed value (both already sorted). */
export function ksGaps(a: Float64Array, b: Float64Array): { plus: number; minus: number } {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let plus = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  while (i < na || j < nb) {
    const x = j >= nb || (i < na && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < na && a[i]! <= x) i++;
    while (j < nb && b[j]! <= x) j++;
    // Same arithmetic as scipy (count/n − count/n), so the statistic matches to the last bit.
    const diff = i / na - j / nb;
    if (diff > plus) plus = diff;
    if (diff < min) min = diff;
  }
  return { plus, minus: Math.min(Math.max(-min, 0), 1) };
}

/** Pr(D ≥ h/n) for two samples of the same size n (scipy's _compute_prob_outside_square). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** Pr(D ≥ h/lcm) for sizes m ≠ n (scipy's _compute_outer_prob_inside_method, Viehmann's 1 − p recursion). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 < n0 ? [n0, m0] : [m0, n0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

/**
 * Two-sided two-sample KS test. NaN values are dropped (scipy would propagate them; missing values are counted
 * separately by the drift report). Throws when either sample has no values.
 */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = sortedFinite(a);
  const y = sortedFinite(b);
  if (x.length === 0 || y.length === 0) throw new RangeError('ks2samp: both samples need at least one value');
  const { plus, minus } = ksGaps(x, y);
  return ksFromGaps(plus, minus, x.length, y.length);
}

/** The test from the two one-sided gaps (see ksGaps) and the sample sizes: scipy's choice of method and p-value. */
export function ksFromGaps(plus: number, minus: number, n1: number, n2: number): KsResult {
  let d = minus > plus ? minus : plus;
  if (Math.max(n1, n2) <= MAX_AUTO_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (prob >= 0 && prob <= 1) return { statistic: d, pValue: prob, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  const p = kolmogorovTwoSidedSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymp' };
}
