// Percentile bootstrap confidence intervals with a seeded PRNG, so a report's intervals repeat exactly.
import { mulberry32 } from '../../../../src-shared/seededRandom';
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
  const iterations = options.iterations ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`bootstrap: need at least one row, got ${n}`);
  if (!(Number.isInteger(iterations) && iterations > 0)) {
    throw new RangeError(`bootstrap: iterations must be a positive integer, got ${iterations}`);
  }
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
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
