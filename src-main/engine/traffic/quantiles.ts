// Summary quantiles of a sample (linear interpolation between order statistics, as numpy's default), used for
// latency and |Δ| in traffic windows.
import type { Quantiles } from './trafficTypes';

/** Sorts `values` in place (pass a copy you own); null for an empty sample. */
export function quantilesOf(values: Float64Array): Quantiles | null {
  const n = values.length;
  if (n === 0) return null;
  values.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const at = (q: number) => {
    const pos = (n - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return values[lo]! + (values[hi]! - values[lo]!) * (pos - lo);
  };
  return { count: n, mean: sum / n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: values[n - 1]! };
}

/** Up to `max` values spread evenly over `values` (all of them when there are few enough), order kept. */
export function spread(values: ArrayLike<number>, max: number): number[] {
  const n = values.length;
  if (n <= max) return Array.from(values);
  const out = new Array<number>(max);
  for (let i = 0; i < max; i++) out[i] = values[Math.floor((i * n) / max)]!;
  return out;
}
