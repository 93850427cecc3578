// Percentile bootstrap confidence intervals with a seeded PRNG, so a report's intervals repeat exactly.
import { mulberry32, mulberry32Indices } from '../../../../src-shared/seededRandom';
import { linearQuantile } from './histogramCounts';

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  iterations?: number;
  /** Two-sided coverage (default 0.95). */
  confidence?: number;
  /** PRNG seed (default 1). */
  seed?: number;
}

export interface ConfidenceInterval {
  /** The statistic on the full sample. */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  iterations: number;
}

/**
 * Resamples row indices 0..n−1 with replacement and evaluates `statistic` on each; the interval is the
 * (1 − confidence)/2 and (1 + confidence)/2 quantiles (numpy's linear interpolation) of those values. Use
 * this form for paired data (the same indices pick both sides of a pair). Non-finite resample values are dropped.
 */
export function bootstrapIndicesCI(
  n: number,
  statistic: (indices: Uint32Array) => number,
  options: BootstrapOptions = {},
): ConfidenceInterval {
  const { iterations, confidence } = checkedSettings(n, options);
  const random = mulberry32(options.seed ?? 1);
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const estimate = statistic(all);
  const values = new Float64Array(iterations);
  const indices = new Uint32Array(n);
  let kept = 0;
  for (let r = 0; r < iterations; r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    const value = statistic(indices);
    if (Number.isFinite(value)) values[kept++] = value;
  }
  const sorted = values.subarray(0, kept).sort();
  const alpha = (1 - confidence) / 2;
  return {
    estimate,
    lower: linearQuantile(sorted, alpha),
    upper: linearQuantile(sorted, 1 - alpha),
    confidence,
    iterations,
  };
}

/** The percentile bootstrap of `statistic` over resamples of `values`. */
export function bootstrapCI(
  values: Float64Array,
  statistic: (sample: Float64Array) => number,
  options: BootstrapOptions = {},
): ConfidenceInterval {
  const sample = new Float64Array(values.length);
  return bootstrapIndicesCI(
    values.length,
    (indices) => {
      if (indices.length === values.length && isIdentity(indices)) return statistic(values);
      for (let i = 0; i < indices.length; i++) sample[i] = values[indices[i]!]!;
      return statistic(sample);
    },
    options,
  );
}

function isIdentity(indices: Uint32Array): boolean {
  for (let i = 0; i < indices.length; i++) if (indices[i] !== i) return false;
  return true;
}

/** One statistic for bootstrapMeansCI: per item (a row, or a block of rows) the sum of its values and its rows. */
export interface MeanSample {
  sums: Float64Array;
  /** Rows per item; null when every item is one row. */
  counts: Float64Array | null;
  /** Applied to each resample's mean (Σ sums / Σ counts of the resampled items); default: the mean itself. */
  transform?: (mean: number) => number;
}

/**
 * The percentile bootstrap of several means over the same number of items at once. The seeded draws depend
 * only on the seed and the item count, so one resample serves every sample: each interval is exactly what
 * bootstrapIndicesCI gives for that sample alone (same draws, same order of additions), for one set of draws.
 */
export function bootstrapMeansCI(
  samples: readonly MeanSample[],
  options: BootstrapOptions = {},
): { lower: number; upper: number }[] {
  if (samples.length === 0) return [];
  const n = samples[0]!.sums.length;
  for (const s of samples) {
    if (s.sums.length !== n || (s.counts && s.counts.length !== n)) {
      throw new RangeError('bootstrap: every sample of one resampling needs the same number of items');
    }
  }
  const { iterations, confidence } = checkedSettings(n, options);
  const draw = mulberry32Indices(options.seed ?? 1);
  const k = samples.length;
  const values = samples.map(() => new Float64Array(iterations));
  const kept = new Int32Array(k);
  const drawn = new Uint32Array(n);
  for (let r = 0; r < iterations; r++) {
    draw(drawn, n);
    for (let s = 0; s < k; s++) {
      const { sums, counts, transform } = samples[s]!;
      let sum = 0;
      let rows = n;
      if (counts) {
        rows = 0;
        for (let i = 0; i < n; i++) {
          const j = drawn[i]!;
          sum += sums[j]!;
          rows += counts[j]!;
        }
      } else {
        for (let i = 0; i < n; i++) sum += sums[drawn[i]!]!;
      }
      const value = transform ? transform(sum / rows) : sum / rows;
      if (Number.isFinite(value)) values[s]![kept[s]!++] = value;
    }
  }
  const alpha = (1 - confidence) / 2;
  return values.map((v, s) => {
    const sorted = v.subarray(0, kept[s]!).sort();
    return { lower: linearQuantile(sorted, alpha), upper: linearQuantile(sorted, 1 - alpha) };
  });
}

/** Iterations and confidence with their defaults, refusing no rows, a bad iteration count or confidence. */
function checkedSettings(n: number, options: BootstrapOptions): { iterations: number; confidence: number } {
  const iterations = options.iterations ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`bootstrap: need at least one row, got ${n}`);
  if (!(Number.isInteger(iterations) && iterations > 0)) {
    throw new RangeError(`bootstrap: iterations must be a positive integer, got ${iterations}`);
  }
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
  return { iterations, confidence };
}
