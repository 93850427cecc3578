// Turns what a comparison recorded into its results: per version accuracy (or MAE/RMSE) and latency, per pair
// agreement, κ, the flip matrix, McNemar, flips, |Δ| and distribution distance per output, paired latency,
// the explorer — every interval a seeded percentile bootstrap — and the conventions said in words.
import type {
  BootstrapSettings,
  Estimate,
  FlipMatrix,
  OutputDelta,
  PairResult,
  VersionResult,
} from '../../../../src-shared/contract';
import { bootstrapCI, bootstrapIndicesCI } from '../stats/bootstrapCI';
import { cohenKappa } from '../stats/cohenKappa';
import { linearQuantile } from '../stats/histogramCounts';
import { MCNEMAR_EXACT_BELOW, mcnemar } from '../stats/mcnemar';
import { wassersteinDistance } from '../stats/wasserstein';
import { NO_CLASS, type ClassCodes } from './classCodes';
import { DISTANCE_SAMPLE_ROWS, type ComparisonRecorder, type OutputSample } from './comparisonRecorder';
import type { PairRows } from './pairRows';
import type { VersionPredictions } from './versionPredictions';

/** Up to this many rows the bootstrap resamples rows; above, blocks of consecutive rows (see blockCount). */
export const ROW_BOOTSTRAP_MAX = 10_000;
/** Blocks the bootstrap resamples for larger samples: each resample costs O(blocks), not O(rows). */
export const BOOTSTRAP_BLOCKS = 500;
/** Flip matrices wider than this fold their rarest classes into "(other)". */
export const FLIP_MATRIX_MAX_CLASSES = 20;

export interface VersionFacts {
  ref: string;
  model: string;
  version: number;
  provider: string;
  batchReason: string;
}

export interface SummaryParts {
  versions: VersionResult[];
  pairs: PairResult[];
  conventions: string[];
}

export function summarizeComparison(
  recorder: ComparisonRecorder,
  facts: readonly VersionFacts[],
  bootstrap: BootstrapSettings,
): SummaryParts {
  const estimate = new Estimator(bootstrap);
  const matches = labelsMatchPredictions(recorder);
  const versions = recorder.versions.map((v, k) => versionResult(recorder, v, facts[k]!, estimate, matches));
  const pairs = recorder.pairs.map((p) => pairResult(recorder, p, estimate, matches));
  return { versions, pairs, conventions: conventions(recorder, facts, bootstrap, matches) };
}

// ---------------------------------------------------------------------------------------------------------
// Intervals

/** Means with percentile bootstrap intervals, paired by construction (the caller passes per-row differences). */
class Estimator {
  constructor(private readonly settings: BootstrapSettings) {}

  /** mean(values) (or transform(mean)) with its interval; null bounds below two values. */
  mean(values: Float64Array, transform: (mean: number) => number = (m) => m): Estimate {
    const n = values.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i]!;
    const value = transform(sum / n);
    if (n < 2) return { value, low: null, high: null };
    const options = this.settings;
    if (n <= ROW_BOOTSTRAP_MAX) {
      const ci = bootstrapCI(values, (s) => transform(meanOf(s)), options);
      return { value, low: ci.lower, high: ci.upper };
    }
    // Non-overlapping blocks of consecutive rows: the statistic over resampled blocks is Σ sums / Σ counts.
    const size = Math.ceil(n / BOOTSTRAP_BLOCKS);
    const blocks = Math.ceil(n / size);
    const sums = new Float64Array(blocks);
    const counts = new Float64Array(blocks);
    for (let i = 0; i < n; i++) {
      const b = Math.floor(i / size);
      sums[b]! += values[i]!;
      counts[b]!++;
    }
    const ci = bootstrapIndicesCI(
      blocks,
      (idx) => {
        let s = 0;
        let c = 0;
        for (let i = 0; i < idx.length; i++) {
          s += sums[idx[i]!]!;
          c += counts[idx[i]!]!;
        }
        return transform(s / c);
      },
      options,
    );
    return { value, low: ci.lower, high: ci.upper };
  }
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

// ---------------------------------------------------------------------------------------------------------
// Per version

/** Whether any label names a class some version predicts (else labels and predictions speak different codes). */
function labelsMatchPredictions(recorder: ComparisonRecorder): boolean {
  if (recorder.labelledRows === 0) return false;
  const predicted = new Uint8Array(recorder.classes.names.length);
  for (const v of recorder.versions) {
    if (!v.codes) return true;
    for (let row = 0; row < v.codes.length; row++) if (v.ok[row]) predicted[v.codes[row]!] = 1;
  }
  for (const code of recorder.labelCodes) if (code !== NO_CLASS && predicted[code]) return true;
  return false;
}

function versionResult(
  recorder: ComparisonRecorder,
  v: VersionPredictions,
  facts: VersionFacts,
  estimate: Estimator,
  labelsMatch: boolean,
): VersionResult {
  let accuracy: Estimate | null = null;
  let mae: Estimate | null = null;
  let rmse: Estimate | null = null;
  let labelledRows = 0;
  if (v.codes) {
    const correct = new Float64Array(v.ok.length);
    for (let row = 0; row < v.ok.length; row++) {
      const label = recorder.labelCodes[row]!;
      if (!v.ok[row] || label === NO_CLASS) continue;
      correct[labelledRows++] = v.codes[row] === label ? 1 : 0;
    }
    if (labelsMatch && labelledRows > 0) accuracy = estimate.mean(correct.subarray(0, labelledRows));
  } else {
    const abs: number[] = [];
    const squares: number[] = [];
    for (let row = 0; row < v.ok.length; row++) {
      const label = recorder.labelValues[row]!;
      if (!v.ok[row] || Number.isNaN(label)) continue;
      const error = v.values![row]! - label;
      abs.push(Math.abs(error));
      squares.push(error * error);
    }
    labelledRows = abs.length;
    if (abs.length > 0) {
      mae = estimate.mean(Float64Array.from(abs));
      rmse = estimate.mean(Float64Array.from(squares), Math.sqrt);
    }
  }
  return {
    ref: facts.ref,
    model: facts.model,
    version: facts.version,
    provider: facts.provider,
    prediction: v.prediction,
    rows: v.answered,
    errors: v.errors,
    errorSamples: v.errorSamples,
    labelledRows,
    accuracy,
    mae,
    rmse,
    latency: latencyOf(v),
  };
}

function latencyOf(v: VersionPredictions): VersionResult['latency'] {
  const { perRowMs, rows } = v.latency();
  if (perRowMs.length === 0) return { p50Ms: null, p99Ms: null, meanMs: null, batches: 0 };
  let total = 0;
  let count = 0;
  for (let i = 0; i < perRowMs.length; i++) {
    total += perRowMs[i]! * rows[i]!;
    count += rows[i]!;
  }
  return {
    p50Ms: weightedQuantile(perRowMs, rows, 0.5),
    p99Ms: weightedQuantile(perRowMs, rows, 0.99),
    meanMs: total / count,
    batches: perRowMs.length,
  };
}

/** The value below which a share p of the weight lies (each chunk's rows share its per-row time). */
function weightedQuantile(values: Float64Array, weights: Float64Array, p: number): number {
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (const w of weights) total += w;
  let seen = 0;
  for (const i of order) {
    seen += weights[i]!;
    if (seen >= p * total) return values[i]!;
  }
  return values[order.at(-1)!]!;
}

// ---------------------------------------------------------------------------------------------------------
// Per pair

function pairResult(
  recorder: ComparisonRecorder,
  pair: PairRows,
  estimate: Estimator,
  labelsMatch: boolean,
): PairResult {
  const a = pair.baseline;
  const b = pair.candidate;
  const all = new Int32Array(a.ok.length);
  let rows = 0;
  for (let row = 0; row < a.ok.length; row++) if (a.ok[row] && b.ok[row]) all[rows++] = row;
  const both = all.subarray(0, rows);

  let agreement: Estimate | null = null;
  let disagreements = 0;
  let kappa: number | null = null;
  let flipMatrix: FlipMatrix | null = null;
  let labels: PairResult['labels'] = null;
  let regressionLabels: PairResult['regressionLabels'] = null;
  if (a.codes && b.codes && rows > 0) {
    const codesA = new Int32Array(rows);
    const codesB = new Int32Array(rows);
    const agree = new Float64Array(rows);
    both.forEach((row, i) => {
      codesA[i] = a.codes![row]!;
      codesB[i] = b.codes![row]!;
      agree[i] = codesA[i] === codesB[i] ? 1 : 0;
      if (!agree[i]) disagreements++;
    });
    agreement = estimate.mean(agree);
    const k = cohenKappa(codesA, codesB);
    kappa = Number.isFinite(k) ? k : null;
    flipMatrix = flipMatrixOf(codesA, codesB, recorder.classes);
    if (labelsMatch) labels = labelFigures(recorder, pair, both, estimate);
  } else if (a.values && b.values) {
    const deltas: number[] = [];
    for (const row of both) {
      const label = recorder.labelValues[row]!;
      if (Number.isNaN(label)) continue;
      deltas.push(Math.abs(b.values[row]! - label) - Math.abs(a.values[row]! - label));
    }
    if (deltas.length > 0) {
      regressionLabels = { rows: deltas.length, absErrorDelta: estimate.mean(Float64Array.from(deltas)) };
    }
  }

  const skippedOutputs = [
    ...recorder.setup.pairs[recorder.pairs.indexOf(pair)]!.skipped,
    ...pair.outputs.flatMap((o) => (o.skipped ? [{ output: o.output, reason: o.skipped }] : [])),
  ];
  const outputs = pair.outputs
    .filter((o) => !o.skipped && o.elements !== null)
    .map((o) => outputDelta(recorder, pair, o.output, o.elements!, o.absDelta, o));

  return {
    baseline: a.ref,
    candidate: b.ref,
    rows,
    agreement,
    disagreements,
    kappa,
    flipMatrix,
    outputs,
    skippedOutputs,
    labels,
    regressionLabels,
    latencyDelta: latencyDelta(a, b, estimate),
    explorer: {
      deltaOutput: pair.deltaOutput ?? '',
      byDelta: pair.byDelta.sorted().map((i) => i.value),
      byFlips: pair.byFlips.sorted().map((i) => i.value),
    },
  };
}

function labelFigures(
  recorder: ComparisonRecorder,
  pair: PairRows,
  both: Int32Array,
  estimate: Estimator,
): PairResult['labels'] {
  const a = pair.baseline.codes!;
  const b = pair.candidate.codes!;
  let bothRight = 0;
  let bothWrong = 0;
  let negative = 0;
  let positive = 0;
  const deltas = new Float64Array(both.length);
  let n = 0;
  for (const row of both) {
    const label = recorder.labelCodes[row]!;
    if (label === NO_CLASS) continue;
    const rightA = a[row] === label;
    const rightB = b[row] === label;
    if (rightA && rightB) bothRight++;
    else if (!rightA && !rightB) bothWrong++;
    else if (rightA) negative++;
    else positive++;
    deltas[n++] = (rightB ? 1 : 0) - (rightA ? 1 : 0);
  }
  if (n === 0) return null;
  const test = mcnemar(negative, positive);
  const discordant = negative + positive;
  return {
    rows: n,
    bothRight,
    bothWrong,
    negativeFlips: negative,
    positiveFlips: positive,
    accuracyDelta: estimate.mean(deltas.subarray(0, n)),
    mcnemar: {
      b: negative,
      c: positive,
      statistic: test.statistic,
      pValue: test.pValue,
      exact: test.exact,
      variant: test.exact
        ? `exact two-sided binomial, ${discordant} discordant pairs < ${MCNEMAR_EXACT_BELOW}`
        : `chi-square (1 df) with continuity correction, ${discordant} discordant pairs`,
    },
  };
}

function flipMatrixOf(a: Int32Array, b: Int32Array, classes: ClassCodes): FlipMatrix {
  const frequency = new Float64Array(classes.names.length);
  for (const codes of [a, b]) for (let i = 0; i < codes.length; i++) frequency[codes[i]!]!++;
  let kept: number[] = [];
  frequency.forEach((n, code) => n > 0 && kept.push(code));
  const folded = kept.length > FLIP_MATRIX_MAX_CLASSES;
  if (folded) {
    kept = kept.sort((x, y) => frequency[y]! - frequency[x]!).slice(0, FLIP_MATRIX_MAX_CLASSES - 1);
  }
  const numeric = kept.every((c) => typeof classes.value(c) === 'number');
  kept.sort((x, y) =>
    numeric
      ? (classes.value(x) as number) - (classes.value(y) as number)
      : classes.names[x]!.localeCompare(classes.names[y]!),
  );
  const size = kept.length + (folded ? 1 : 0);
  const index = new Int32Array(classes.names.length).fill(size - 1);
  kept.forEach((code, i) => (index[code] = i));
  const flat = new Float64Array(size * size);
  for (let i = 0; i < a.length; i++) flat[index[a[i]!]! * size + index[b[i]!]!]!++;
  const counts = Array.from({ length: size }, (_, r) => Array.from(flat.subarray(r * size, (r + 1) * size)));
  return { classes: [...kept.map((c) => classes.names[c]!), ...(folded ? ['(other)'] : [])], counts, folded };
}

function outputDelta(
  recorder: ComparisonRecorder,
  pair: PairRows,
  output: string,
  elements: number,
  absDelta: Float32Array,
  cosine: { cosineSum: number; cosineMin: number; cosineRows: number },
): OutputDelta {
  let n = 0;
  let sum = 0;
  const finite = new Float32Array(absDelta.length);
  for (let i = 0; i < absDelta.length; i++) {
    const d = absDelta[i]!;
    if (Number.isNaN(d)) continue;
    finite[n++] = d;
    sum += d;
  }
  const sorted = finite.subarray(0, n).sort();
  return {
    output,
    elements,
    rows: n,
    histogram: n === 0 ? null : deltaHistogram(sorted),
    absDelta:
      n === 0
        ? null
        : {
            p50: linearQuantile(sorted, 0.5),
            p99: linearQuantile(sorted, 0.99),
            max: sorted[n - 1]!,
            mean: sum / n,
          },
    cosine:
      cosine.cosineRows === 0
        ? null
        : { mean: cosine.cosineSum / cosine.cosineRows, min: cosine.cosineMin, rows: cosine.cosineRows },
    distance: distanceOf(
      recorder.samples[pair.baselineIndex]!.get(output),
      recorder.samples[pair.candidateIndex]!.get(output),
    ),
  };
}

const DELTA_BINS = 24;

/** Bins for a skewed, non-negative sample: [0, lo) then log-spaced up to the max (lo: the smallest positive value, at least max·1e-6). */
function deltaHistogram(sorted: Float32Array): { edges: number[]; counts: number[] } {
  const max = sorted[sorted.length - 1]!;
  if (!(max > 0)) return { edges: [0, 0], counts: [sorted.length] };
  let lo = max * 1e-6;
  for (const v of sorted) {
    if (v > 0) {
      lo = Math.max(lo, v);
      break;
    }
  }
  const edges = [0];
  if (lo < max) {
    const ratio = Math.pow(max / lo, 1 / (DELTA_BINS - 1));
    for (let k = 0; k < DELTA_BINS - 1; k++) edges.push(lo * Math.pow(ratio, k));
  }
  edges.push(max);
  const counts = new Array<number>(edges.length - 1).fill(0);
  let bin = 0;
  for (const v of sorted) {
    while (bin < counts.length - 1 && v >= edges[bin + 1]!) bin++;
    counts[bin]!++;
  }
  return { edges, counts };
}

function distanceOf(a: OutputSample | undefined, b: OutputSample | undefined): OutputDelta['distance'] {
  if (!a || !b || a.length === 0 || b.length === 0 || a.elements !== b.elements) return null;
  if (a.pooled) {
    const d = wassersteinDistance(a.columns[0]!.subarray(0, a.length), b.columns[0]!.subarray(0, b.length));
    return { metric: 'wasserstein-1', basis: 'pooled', mean: d, max: d, maxElement: null };
  }
  let total = 0;
  let max = -1;
  let maxElement = 0;
  for (let e = 0; e < a.elements; e++) {
    const d = wassersteinDistance(a.columns[e]!.subarray(0, a.length), b.columns[e]!.subarray(0, b.length));
    total += d;
    if (d > max) {
      max = d;
      maxElement = e;
    }
  }
  return { metric: 'wasserstein-1', basis: 'per-element', mean: total / a.elements, max, maxElement };
}

function latencyDelta(a: VersionPredictions, b: VersionPredictions, estimate: Estimator): PairResult['latencyDelta'] {
  const deltas: number[] = [];
  let sumA = 0;
  let sumB = 0;
  for (const [chunk, msA] of a.chunkLatency) {
    const msB = b.chunkLatency.get(chunk);
    if (msB === undefined) continue;
    deltas.push(msB - msA);
    sumA += msA;
    sumB += msB;
  }
  if (deltas.length === 0) return null;
  // The ratio of the same paired chunk means the delta is taken over, so the two never disagree in sign.
  return { meanMs: estimate.mean(Float64Array.from(deltas)), ratio: sumA > 0 ? sumB / sumA : null };
}

// ---------------------------------------------------------------------------------------------------------
// Conventions

function conventions(
  recorder: ComparisonRecorder,
  facts: readonly VersionFacts[],
  bootstrap: BootstrapSettings,
  labelsMatch: boolean,
): string[] {
  const rows = recorder.setup.rows;
  const pct = `${Math.round(bootstrap.confidence * 1000) / 10} %`;
  const out = recorder.versions.map(
    (v, k) =>
      `${v.ref} predicts with ${v.prediction.rule} (${v.prediction.source}): ${v.prediction.reason}; ${facts[k]!.batchReason}.`,
  );
  const stride = Math.max(1, Math.ceil(rows / DISTANCE_SAMPLE_ROWS));
  out.push(
    `Baseline: ${recorder.versions[0]!.ref}; every other version is paired with it on the rows both answered.`,
    'Agreement: share of those rows where both predict the same class; κ: Cohen’s kappa (unweighted) on the same rows.',
    `Intervals: ${pct} percentile bootstrap, ${bootstrap.iterations} resamples, seed ${bootstrap.seed}; ` +
      (rows > ROW_BOOTSTRAP_MAX
        ? `resampling ${BOOTSTRAP_BLOCKS} blocks of ${Math.ceil(rows / BOOTSTRAP_BLOCKS)} consecutive rows (more than ${ROW_BOOTSTRAP_MAX} rows)`
        : 'resampling rows') +
      '; paired figures resample the same rows for both versions.',
    'Flips: negative = baseline right and candidate wrong; positive = the reverse. McNemar on those discordant pairs: ' +
      `exact two-sided binomial below ${MCNEMAR_EXACT_BELOW} pairs, else chi-square (1 df) with continuity correction.`,
    '|Δ| per output: per row, the largest |candidate − baseline| over the row’s elements; p50/p99 with linear interpolation.',
    `Distribution distance: Wasserstein-1 between the two versions’ values, per element (pooled above 64 elements), ` +
      (stride === 1
        ? 'on every row that every version answered.'
        : `on every ${stride}th row that every version answered.`),
    'Latency per row: a request’s session.run() time in its worker divided by its rows; versions run at the same ' +
      'time on the same cores, so each includes the others’ contention. Deltas are paired by chunk of rows.',
  );
  if (recorder.labelledRows > 0 && !labelsMatch && recorder.versions.some((v) => v.codes)) {
    out.push('The labels never name a class the versions predict, so no accuracy is reported: check the label column.');
  }
  return out;
}
