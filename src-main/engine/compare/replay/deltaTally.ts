// Running figures of one pair output's per-row |Δ| (non-negative float32 values) as rows stream past: count,
// sum, largest, smallest above zero, and counts by the top 16 bits of each value (an order-preserving bucket,
// since the bits of a non-negative float rise with its value). From them the summary gets the exact p50/p99 and
// the log-binned histogram with one pass that only picks out the few buckets it must look inside — no sort.
import { linearQuantile } from '../stats/histogramCounts';

const BUCKET_SHIFT = 16;
const BUCKETS = 1 << (32 - BUCKET_SHIFT);

export interface DeltaFigures {
  /** linearQuantile of the sorted values at each asked p (numpy's linear interpolation). */
  quantiles: number[];
  /** [0, lo) then log-spaced up to the max (lo: the smallest positive value, at least max·1e-6). */
  histogram: { edges: number[]; counts: number[] };
}

export class DeltaTally {
  rows = 0;
  /** Sum in row order (as a loop over the rows would add them). */
  sum = 0;
  max = Number.NEGATIVE_INFINITY;
  minPositive = Number.POSITIVE_INFINITY;
  private readonly buckets = new Uint32Array(BUCKETS);
  private readonly bits: Uint32Array;

  /** `values`: the per-row |Δ|, NaN where a row has none; the tally reads them back by row. */
  constructor(private readonly values: Float32Array) {
    this.bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  }

  /** Counts values[row] (once it is stored; NaN is left out). */
  add(row: number): void {
    const v = this.values[row]!;
    if (v !== v) return;
    this.rows++;
    this.sum += v;
    if (v > this.max) this.max = v;
    if (v > 0 && v < this.minPositive) this.minPositive = v;
    this.buckets[this.bits[row]! >>> BUCKET_SHIFT]!++;
  }

  /** The quantiles at `ps` and the histogram with `bins` bins; null without values. */
  figures(ps: readonly number[], bins: number): DeltaFigures | null {
    const n = this.rows;
    if (n === 0) return null;
    const edges = this.edges(bins);
    // Order statistics the quantiles interpolate between, as linearQuantile picks them.
    const ranks: number[] = [];
    for (const p of ps) {
      const position = p * (n - 1);
      const below = Math.floor(position);
      ranks.push(below, Math.min(below + 1, n - 1));
    }
    // Each inner edge's bucket: values in lower buckets are below it, in higher ones at or above it.
    const edgeBuckets = edges.slice(1, -1).map((e) => bucketOfFirstAtLeast(e));
    const first = 0;
    const last = bucketOf(this.max);
    // Walk the buckets once: which holds each rank (and how many values precede it), bin counts of the rest.
    const wanted = new Uint8Array(BUCKETS);
    const rankBucket = new Int32Array(ranks.length).fill(-1);
    const before = new Float64Array(ranks.length);
    const counts = new Array<number>(edges.length - 1).fill(0);
    let seen = 0;
    let bin = 0;
    let nextEdge = 0;
    for (let b = first; b <= last; b++) {
      const count = this.buckets[b]!;
      while (nextEdge < edgeBuckets.length && edgeBuckets[nextEdge]! < b) {
        nextEdge++;
        bin++;
      }
      if (count === 0) continue;
      for (let k = 0; k < ranks.length; k++) {
        if (rankBucket[k] === -1 && ranks[k]! < seen + count) {
          rankBucket[k] = b;
          before[k] = seen;
          wanted[b] = 1;
        }
      }
      if (nextEdge < edgeBuckets.length && edgeBuckets[nextEdge] === b) wanted[b] = 2;
      else counts[bin]! += count;
      seen += count;
    }
    // One pass over the rows for the values in the buckets the walk must look inside.
    const inside = new Map<number, number[]>();
    for (let b = first; b <= last; b++) if (wanted[b]) inside.set(b, []);
    const { values, bits } = this;
    for (let row = 0; row < values.length; row++) {
      const b = bits[row]! >>> BUCKET_SHIFT;
      if (wanted[b] === 0) continue;
      const v = values[row]!;
      if (v === v) inside.get(b)!.push(v);
    }
    // Values in a bucket an edge falls in go to their bin one by one (the last bin whose lower edge they reach).
    for (const [b, list] of inside) {
      if (wanted[b] !== 2) continue;
      for (const v of list) {
        let lo = 0;
        let hi = counts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (v >= edges[mid]!) lo = mid;
          else hi = mid - 1;
        }
        counts[lo]!++;
      }
    }
    const sorted = new Map<number, Float32Array>();
    const valueAt = (k: number): number => {
      const b = rankBucket[k]!;
      let list = sorted.get(b);
      if (!list) {
        list = Float32Array.from(inside.get(b)!).sort();
        sorted.set(b, list);
      }
      return list[ranks[k]! - before[k]!]!;
    };
    const quantiles = ps.map((p, i) => {
      const position = p * (n - 1);
      const below = Math.floor(position);
      // linearQuantile on just the two values, at p = the fraction: the same picks and the same arithmetic.
      return linearQuantile([valueAt(2 * i), valueAt(2 * i + 1)], position - below);
    });
    return { quantiles, histogram: { edges, counts } };
  }

  private edges(bins: number): number[] {
    const max = this.max;
    if (!(max > 0)) return [0, 0];
    let lo = max * 1e-6;
    if (this.minPositive !== Number.POSITIVE_INFINITY) lo = Math.max(lo, this.minPositive);
    const edges = [0];
    if (lo < max) {
      const ratio = Math.pow(max / lo, 1 / (bins - 1));
      for (let k = 0; k < bins - 1; k++) edges.push(lo * Math.pow(ratio, k));
    }
    edges.push(max);
    return edges;
  }
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The bucket of a non-negative float32 value. */
function bucketOf(value: number): number {
  scratch[0] = value;
  return scratchBits[0]! >>> BUCKET_SHIFT;
}

/** The bucket of the smallest float32 at or above `value` (a float32 v is ≥ value exactly when it is ≥ that one). */
function bucketOfFirstAtLeast(value: number): number {
  scratch[0] = value;
  if (scratch[0]! < value) scratchBits[0]!++;
  return scratchBits[0]! >>> BUCKET_SHIFT;
}
