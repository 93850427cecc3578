// Cohen's kappa between two raters' class labels (sklearn.metrics.cohen_kappa_score, unweighted).

/**
 * κ = (p_o − p_e) / (1 − p_e) with p_o the share of rows where a and b agree and p_e the agreement expected from
 * their label frequencies. NaN when p_e = 1 (both give one and the same label to every row: κ is undefined).
 */
export function cohenKappa(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) throw new RangeError(`cohenKappa: ${a.length} labels against ${b.length}`);
  const n = a.length;
  if (n === 0) throw new RangeError('cohenKappa: no labels');
  const countsA = new Map<number, number>();
  const countsB = new Map<number, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) agree++;
    countsA.set(x, (countsA.get(x) ?? 0) + 1);
    countsB.set(y, (countsB.get(y) ?? 0) + 1);
  }
  let expected = 0;
  for (const [label, count] of countsA) expected += count * (countsB.get(label) ?? 0);
  const pe = expected / (n * n);
  const po = agree / n;
  return pe === 1 ? Number.NaN : (po - pe) / (1 - pe);
}
