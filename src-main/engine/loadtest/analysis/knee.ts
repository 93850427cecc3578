// The knee of a latency-vs-rate curve by Kneedle (Satopää et al., 2011): the point of maximum curvature, found
// as the point farthest below the chord once both axes are normalised to [0, 1].

export interface KneePoint {
  /** Offered rate (requests/s). */
  rate: number;
  /** The latency at that rate (p99, ms); null where nothing finished, which is left out. */
  latencyMs: number | null;
}

/**
 * The rate at the knee, or null when there is none to find: fewer than 3 distinct rates, latency flat, or a
 * curve that never bends upwards (linear or concave). Latency against load is convex and increasing, so the
 * knee is the maximum of x − y on the normalised curve — Kneedle's y − x after its flip for convex curves.
 */
export function kneeRate(points: readonly KneePoint[]): number | null {
  // One latency per rate (the mean where a rate was measured twice), in rate order.
  const byRate = new Map<number, number[]>();
  for (const p of points) {
    if (p.latencyMs === null || !Number.isFinite(p.latencyMs) || !Number.isFinite(p.rate)) continue;
    const list = byRate.get(p.rate) ?? [];
    list.push(p.latencyMs);
    byRate.set(p.rate, list);
  }
  const curve = [...byRate.entries()]
    .map(([rate, ys]) => ({ x: rate, y: ys.reduce((a, b) => a + b, 0) / ys.length }))
    .sort((a, b) => a.x - b.x);
  if (curve.length < 3) return null;
  const xs = curve.map((p) => p.x);
  const ys = curve.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 === y0) return null;
  let best: number | null = null;
  // Rounding can lift a straight line a hair above its chord; that is not a bend.
  let bestDifference = 1e-9;
  for (const p of curve) {
    const difference = (p.x - x0) / (x1 - x0) - (p.y - y0) / (y1 - y0);
    if (difference > bestDifference) {
      bestDifference = difference;
      best = p.x;
    }
  }
  return best;
}
