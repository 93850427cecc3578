// Counting values into bins, with numpy's edge conventions so results match numpy/scipy to the last bit.

/**
 * numpy.histogram(values, edges) for explicit edges: bin i holds edges[i] ≤ x < edges[i+1], the last bin also
 * holds x = edges[last]; values outside [edges[0], edges[last]] and NaN are not counted.
 */
export function histogramCounts(values: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(Math.max(bins, 0));
  if (bins <= 0) return counts;
  const first = edges[0]!;
  const last = edges[bins]!;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!(x >= first && x <= last)) continue;
    counts[x === last ? bins - 1 : upperBound(edges, x) - 1]!++;
  }
  return counts;
}

/**
 * Counts into bins with open outer ends: bin 0 is (−∞, cuts[0]), bin i is [cuts[i−1], cuts[i]), the last is
 * [cuts[last], +∞). NaN is not counted. Returns cuts.length + 1 counts.
 */
export function openBinCounts(values: ArrayLike<number>, cuts: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(cuts.length + 1);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x === x) counts[upperBound(cuts, x)]!++;
  }
  return counts;
}

/** Index of the first element > x in an ascending array (numpy searchsorted side='right'). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** numpy.linspace(start, stop, count) for count ≥ 2: start + i·step, the last set to stop exactly. */
export function linspace(start: number, stop: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const step = (stop - start) / (count - 1);
  for (let i = 0; i < count; i++) out[i] = step === 0 ? (i / (count - 1)) * (stop - start) + start : i * step + start;
  out[count - 1] = stop;
  return out;
}

/**
 * numpy.histogram_bin_edges(values, bins='sturges'): ceil(log2(n) + 1) equal-width bins over [min, max]
 * (widened by 0.5 each side when min = max). NaN must have been removed.
 */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const bins = Math.max(1, Math.ceil(Math.log2(n) + 1));
  return linspace(lo, hi, bins + 1);
}

/** numpy.quantile(sorted, p) with the default 'linear' method (Hyndman–Fan type 7) on ascending values. */
export function linearQuantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = p * (n - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  const fraction = position - below;
  const a = sorted[below]!;
  const b = sorted[above]!;
  // numpy's _lerp: a + (b − a)·t, or b − (b − a)·(1 − t) when t ≥ 0.5 (keeps it monotone).
  const diff = b - a;
  return fraction >= 0.5 ? b - diff * (1 - fraction) : a + diff * fraction;
}
