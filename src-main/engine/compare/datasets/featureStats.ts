// Per-feature statistics of a dataset being written. Pass 1 (as rows arrive): count, missing, min/max, Welford
// mean and variance, whether every value is whole, and the first distinct values for the categorical rule.
// Pass 2 (over the stored values, once min and max are known): the quantile sketch and the histogram.
import type { FeatureProfile } from '../../../../src-shared/contract';
import { QuantileSketch } from '../stats/quantileSketch';

/** A feature is categorical when its input holds booleans, or its values are whole with at most this many distinct. */
export const CATEGORICAL_MAX_DISTINCT = 10;
export const HISTOGRAM_BINS = 20;
export const PROFILE_QUANTILES = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1] as const;

export interface FeatureNaming {
  name: string;
  input: string;
  index: number;
  /** The input's values came from JSON booleans. */
  boolean: boolean;
}

export class FeatureStats {
  readonly count: Float64Array;
  readonly missing: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  /** 1 while every value seen is whole. */
  readonly whole: Uint8Array;
  /** Distinct values seen so far (up to CATEGORICAL_MAX_DISTINCT per feature) and their counts; -1 once over. */
  private readonly distinct: Float64Array;
  private readonly distinctCounts: Float64Array;
  private readonly nDistinct: Int8Array;
  private sketches: QuantileSketch[] = [];
  private histograms: Float64Array | null = null;

  constructor(readonly features: number) {
    this.count = new Float64Array(features);
    this.missing = new Float64Array(features);
    this.min = new Float64Array(features).fill(Infinity);
    this.max = new Float64Array(features).fill(-Infinity);
    this.mean = new Float64Array(features);
    this.m2 = new Float64Array(features);
    this.whole = new Uint8Array(features).fill(1);
    this.distinct = new Float64Array(features * CATEGORICAL_MAX_DISTINCT);
    this.distinctCounts = new Float64Array(features * CATEGORICAL_MAX_DISTINCT);
    this.nDistinct = new Int8Array(features);
  }

  /** Pass 1: `size` values of one row, from `values[offset]`, are features `first` … `first + size - 1`. */
  addRow(values: Float64Array, offset: number, size: number, first: number): void {
    for (let i = 0; i < size; i++) {
      const v = values[offset + i]!;
      const f = first + i;
      if (v !== v) {
        this.missing[f]!++;
        continue;
      }
      const n = ++this.count[f]!;
      if (v < this.min[f]!) this.min[f] = v;
      if (v > this.max[f]!) this.max[f] = v;
      const delta = v - this.mean[f]!;
      this.mean[f]! += delta / n;
      this.m2[f]! += delta * (v - this.mean[f]!);
      if (this.whole[f] === 1 && !Number.isInteger(v)) this.whole[f] = 0;
      const seen = this.nDistinct[f]!;
      if (seen >= 0) this.countDistinct(f, v, seen);
    }
  }

  private countDistinct(f: number, v: number, seen: number): void {
    if (this.whole[f] === 0) {
      this.nDistinct[f] = -1;
      return;
    }
    const base = f * CATEGORICAL_MAX_DISTINCT;
    for (let j = 0; j < seen; j++) {
      if (this.distinct[base + j] === v) {
        this.distinctCounts[base + j]!++;
        return;
      }
    }
    if (seen === CATEGORICAL_MAX_DISTINCT) {
      this.nDistinct[f] = -1;
      return;
    }
    this.distinct[base + seen] = v;
    this.distinctCounts[base + seen] = 1;
    this.nDistinct[f] = seen + 1;
  }

  /** Pass 2 starts: one sketch and one histogram per feature. */
  beginSecondPass(): void {
    this.sketches = Array.from({ length: this.features }, () => new QuantileSketch());
    this.histograms = new Float64Array(this.features * HISTOGRAM_BINS);
  }

  /** Pass 2: `rows` stored rows of one input (`size` values each, row-major) whose first feature is `first`. */
  addStoredRows(values: Float64Array, rows: number, size: number, first: number): void {
    const histograms = this.histograms!;
    for (let i = 0; i < size; i++) {
      const f = first + i;
      const sketch = this.sketches[f]!;
      const lo = this.min[f]!;
      const span = this.max[f]! - lo;
      const base = f * HISTOGRAM_BINS;
      for (let r = 0, at = i; r < rows; r++, at += size) {
        const v = values[at]!;
        if (v !== v) continue;
        sketch.add(v);
        const bin = span > 0 ? Math.min(HISTOGRAM_BINS - 1, Math.floor(((v - lo) / span) * HISTOGRAM_BINS)) : 0;
        histograms[base + bin]!++;
      }
    }
  }

  /** Categorical: whole values with at most CATEGORICAL_MAX_DISTINCT distinct ones (a boolean input's 0/1 always are). */
  isCategorical(f: number): boolean {
    return this.nDistinct[f]! > 0;
  }

  profile(f: number, naming: FeatureNaming): FeatureProfile {
    const count = this.count[f]!;
    const present = count > 0;
    const categorical = this.isCategorical(f);
    const sketch = this.sketches[f] ?? new QuantileSketch();
    return {
      name: naming.name,
      input: naming.input,
      index: naming.index,
      kind: categorical ? 'categorical' : 'numeric',
      count,
      missing: this.missing[f]!,
      min: present ? this.min[f]! : null,
      max: present ? this.max[f]! : null,
      mean: present ? this.mean[f]! : null,
      std: count > 1 ? Math.sqrt(this.m2[f]! / (count - 1)) : null,
      quantiles: present ? PROFILE_QUANTILES.map((p) => ({ p, value: sketch.quantile(p) })) : [],
      sketch: sketch.serialize(),
      histogram: present && !categorical ? this.histogram(f) : null,
      frequencies: categorical ? this.frequencies(f, naming.boolean) : null,
      integer: present && this.whole[f] === 1,
    };
  }

  private histogram(f: number): { edges: number[]; counts: number[] } {
    const lo = this.min[f]!;
    const hi = this.max[f]!;
    const counts = Array.from(this.histograms!.subarray(f * HISTOGRAM_BINS, (f + 1) * HISTOGRAM_BINS));
    // A constant feature has one bin holding every value.
    if (hi === lo) return { edges: [lo, hi], counts: [counts[0]!] };
    const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, j) =>
      j === HISTOGRAM_BINS ? hi : lo + ((hi - lo) * j) / HISTOGRAM_BINS,
    );
    return { edges, counts };
  }

  private frequencies(f: number, boolean: boolean): { value: string; count: number }[] {
    const base = f * CATEGORICAL_MAX_DISTINCT;
    // Booleans are stored as 0/1, so a boolean input's features always have their distinct values listed.
    const entries: { value: number; count: number }[] = [];
    for (let j = 0; j < this.nDistinct[f]!; j++) {
      entries.push({ value: this.distinct[base + j]!, count: this.distinctCounts[base + j]! });
    }
    entries.sort((a, b) => b.count - a.count || a.value - b.value);
    return entries.map((e) => ({
      value: boolean && (e.value === 0 || e.value === 1) ? String(e.value === 1) : String(e.value),
      count: e.count,
    }));
  }
}
