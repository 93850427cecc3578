// Mann–Whitney U rank test on two independent samples, exactly as scipy 1.10's `mannwhitneyu(x, y,
// use_continuity=True, alternative, method='auto')`: the exact null distribution when a sample has ≤ 8 values
// and nothing ties, else the normal approximation with tie and continuity corrections. Kayenta's judge uses it.
import { normalSf } from './distributions';

export type MannWhitneyAlternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyResult {
  /** U of the first sample (scipy's `statistic`): pairs (x, y) with x > y, ties counting ½. */
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
  /** The standardised statistic of the asymptotic branch; null on the exact one. */
  z: number | null;
  n1: number;
  n2: number;
}

/** scipy's 'auto': exact only when a sample has at most this many values and no value ties. */
const EXACT_MAX_N = 8;

/**
 * Tests whether x is stochastically greater ('greater'), less ('less') or different ('two-sided') than y.
 * NaN values are dropped (scipy would propagate them); both samples need at least one value.
 */
export function mannWhitneyU(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: MannWhitneyAlternative = 'two-sided',
): MannWhitneyResult {
  const a = finite(x);
  const b = finite(y);
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU: each sample needs at least one value');
  const { r1, tieTerm } = rankSums(a, b);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;
  const exact = !(n1 > EXACT_MAX_N && n2 > EXACT_MAX_N) && tieTerm === 0;
  let p: number;
  let z: number | null = null;
  if (exact) {
    p = exactSf(Math.trunc(u), n1, n2);
  } else {
    const n = n1 + n2;
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    z = (u - (n1 * n2) / 2 - 0.5) / s;
    p = normalSf(z);
  }
  return {
    statistic: u1,
    pValue: Math.min(1, Math.max(0, p * factor)),
    method: exact ? 'exact' : 'asymptotic',
    z,
    n1,
    n2,
  };
}

function finite(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) out[n++] = v;
  }
  return out.subarray(0, n);
}

/** The first sample's rank sum (average ranks over ties, as rankdata) and Σ(t³ − t) over tied groups. */
function rankSums(a: Float64Array, b: Float64Array): { r1: number; tieTerm: number } {
  const n1 = a.length;
  const n = n1 + b.length;
  const values = new Float64Array(n);
  values.set(a);
  values.set(b, n1);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => values[i]! - values[j]!);
  let r1 = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const t = end - start;
    // Ranks start + 1 … end share their average.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (order[k]! < n1) r1 += rank;
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }
  return { r1, tieTerm };
}

/**
 * Pr(U ≥ k) under the null for sizes m, n: by symmetry the cdf at m·n − k (scipy's _MWU.sf), from the counts
 * of arrangements with each U (the recurrence f(m, n, k) = f(m − 1, n, k − n) + f(m, n − 1, k)).
 */
function exactSf(k: number, m: number, n: number): number {
  const top = m * n;
  const upTo = top - k;
  if (upTo < 0) return 0;
  // counts[j][u]: arrangements of j first-sample values among the n second-sample values with U = u, built
  // up one second-sample value at a time (the same numbers as the recurrence, without recursion).
  let counts: Float64Array[] = Array.from({ length: m + 1 }, () => {
    const row = new Float64Array(top + 1);
    row[0] = 1;
    return row;
  });
  // With i second-sample values, f(j, i, ·) for every j ≤ m.
  for (let i = 1; i <= n; i++) {
    const next = Array.from({ length: m + 1 }, () => new Float64Array(top + 1));
    next[0]![0] = 1;
    for (let j = 1; j <= m; j++) {
      const row = next[j]!;
      const left = next[j - 1]!;
      const up = counts[j]!;
      for (let u = 0; u <= j * i; u++) row[u] = up[u]! + (u >= i ? left[u - i]! : 0);
    }
    counts = next;
  }
  const pmf = counts[m]!;
  let total = 0;
  for (let u = 0; u <= top; u++) total += pmf[u]!;
  let sum = 0;
  for (let u = 0; u <= Math.min(upTo, top); u++) sum += pmf[u]! / total;
  return sum;
}
