// Turns what a comparison recorded into its results: per version accuracy (or MAE/RMSE) and latency, per pair
// agreement, κ, the flip matrix, McNemar, flips, |Δ| and distribution distance per output, paired latency,
// the explorer — every interval a seeded percentile bootstrap — and the conventions said in words. Most of it
// comes from what the recorder tallied while rows streamed past, so what is left here is O(blocks), not O(rows),
// but for one pass per compared output for its |Δ| quantiles (see DeltaTally).
import type {
  BootstrapSettings,
  Estimate,
  FlipMatrix,
  OutputDelta,
  PairResult,
  VersionResult,
} from '../../../../src-shared/contract';
import { bootstrapMeansCI, type MeanSample } from '../stats/bootstrapCI';
import { MCNEMAR_EXACT_BELOW, mcnemar } from '../stats/mcnemar';
import { wassersteinDistance } from '../stats/wasserstein';
import type { ClassCodes } from './classCodes';
import { DISTANCE_SAMPLE_ROWS, type ComparisonRecorder, type OutputSample } from './comparisonRecorder';
import type { JointCounts } from './jointCounts';
import type { OutputRows, PairRows } from './pairRows';
import type { RunningSums } from './runningSums';
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
  estimate.resolve();
  return { versions, pairs, conventions: conventions(recorder, facts, bootstrap, matches) };
}

// ---------------------------------------------------------------------------------------------------------
// Intervals

/**
 * Means with percentile bootstrap intervals, paired by construction (the caller passes per-row differences).
 * Each mean's value is known at once; its bounds are filled in by resolve(), which resamples every mean over
 * the same number of items together (the seeded draws depend only on that number, so sharing them changes
 * nothing but the cost).
 */
class Estimator {
  private readonly pending = new Map<number, { estimate: Estimate; sample: MeanSample }[]>();

  constructor(private readonly settings: BootstrapSettings) {}

  /** mean(values) (or transform(mean)); null bounds below two values. */
  mean(values: Float64Array, transform?: (mean: number) => number): Estimate {
    const n = values.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i]!;
    if (n <= ROW_BOOTSTRAP_MAX) return this.defer(n, sum, { sums: values, counts: null, transform });
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
    return this.defer(n, sum, { sums, counts, transform });
  }

  /** The same for whole-number values kept as running sums (sums of whole numbers are exact in any order). */
  meanOf(series: RunningSums): Estimate {
    const n = series.length;
    const sum = series.total;
    if (n <= ROW_BOOTSTRAP_MAX) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = series.sum(i, i + 1);
      return this.defer(n, sum, { sums: values, counts: null });
    }
    const size = Math.ceil(n / BOOTSTRAP_BLOCKS);
    const blocks = Math.ceil(n / size);
    const sums = new Float64Array(blocks);
    const counts = new Float64Array(blocks);
    for (let b = 0; b < blocks; b++) {
      const from = b * size;
      const to = Math.min(n, from + size);
      sums[b] = series.sum(from, to);
      counts[b] = to - from;
    }
    return this.defer(n, sum, { sums, counts });
  }

  /** Fills in every pending interval. */
  resolve(): void {
    for (const group of this.pending.values()) {
      const intervals = bootstrapMeansCI(
        group.map((g) => g.sample),
        this.settings,
      );
      group.forEach((g, k) => {
        g.estimate.low = intervals[k]!.lower;
        g.estimate.high = intervals[k]!.upper;
      });
    }
    this.pending.clear();
  }

  private defer(n: number, sum: number, sample: MeanSample): Estimate {
    const value = sample.transform ? sample.transform(sum / n) : sum / n;
    const estimate: Estimate = { value, low: null, high: null };
    if (n < 2) return estimate;
    const items = sample.sums.length;
    const group = this.pending.get(items) ?? [];
    group.push({ estimate, sample });
    this.pending.set(items, group);
    return estimate;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Per version

/** Whether any label names a class some version predicts (else labels and predictions speak different codes). */
function labelsMatchPredictions(recorder: ComparisonRecorder): boolean {
  if (recorder.labelledRows === 0) return false;
  if (recorder.versions.some((v) => !v.codes)) return true;
  for (let code = 0; code < recorder.classes.names.length; code++) {
    if (recorder.hasLabel(code) && recorder.versions.some((v) => v.predicts(code))) return true;
  }
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
  if (v.correct) {
    labelledRows = v.correct.length;
    if (labelsMatch && labelledRows > 0) accuracy = estimate.meanOf(v.correct);
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
  const rows = pair.bothRows;

  let agreement: Estimate | null = null;
  let disagreements = 0;
  let kappa: number | null = null;
  let flipMatrix: FlipMatrix | null = null;
  let labels: PairResult['labels'] = null;
  let regressionLabels: PairResult['regressionLabels'] = null;
  if (pair.joint && pair.agreement && rows > 0) {
    disagreements = rows - pair.joint.agree;
    agreement = estimate.meanOf(pair.agreement);
    const k = pair.joint.kappa();
    kappa = Number.isFinite(k) ? k : null;
    flipMatrix = flipMatrixOf(pair.joint, recorder.classes);
    if (labelsMatch) labels = labelFigures(pair, estimate);
  } else if (a.values && b.values) {
    const deltas: number[] = [];
    for (let row = 0; row < a.ok.length; row++) {
      if (!a.ok[row] || !b.ok[row]) continue;
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
    .map((o) => outputDelta(recorder, pair, o));

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
      byDelta: pair.explorerRows('delta'),
      byFlips: pair.explorerRows('flips'),
    },
  };
}

function labelFigures(pair: PairRows, estimate: Estimator): PairResult['labels'] {
  const tally = pair.labelTally!;
  if (tally.rows === 0) return null;
  const { negative, positive } = tally;
  const test = mcnemar(negative, positive);
  const discordant = negative + positive;
  return {
    rows: tally.rows,
    bothRight: tally.bothRight,
    bothWrong: tally.bothWrong,
    negativeFlips: negative,
    positiveFlips: positive,
    accuracyDelta: estimate.meanOf(tally.deltas),
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

function flipMatrixOf(joint: JointCounts, classes: ClassCodes): FlipMatrix {
  const frequency = new Float64Array(classes.names.length);
  for (let code = 0; code < frequency.length; code++) {
    if (code < joint.rowTotals.length) frequency[code] = joint.rowTotals[code]! + joint.colTotals[code]!;
  }
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
  joint.forEachCell((a, b, count) => (flat[index[a]! * size + index[b]!]! += count));
  const counts = Array.from({ length: size }, (_, r) => Array.from(flat.subarray(r * size, (r + 1) * size)));
  return { classes: [...kept.map((c) => classes.names[c]!), ...(folded ? ['(other)'] : [])], counts, folded };
}

function outputDelta(recorder: ComparisonRecorder, pair: PairRows, o: OutputRows): OutputDelta {
  const { tally } = o;
  const figures = tally.figures([0.5, 0.99], DELTA_BINS);
  return {
    output: o.output,
    elements: o.elements!,
    rows: tally.rows,
    histogram: figures?.histogram ?? null,
    absDelta: figures
      ? { p50: figures.quantiles[0]!, p99: figures.quantiles[1]!, max: tally.max, mean: tally.sum / tally.rows }
      : null,
    cosine: o.cosineRows === 0 ? null : { mean: o.cosineSum / o.cosineRows, min: o.cosineMin, rows: o.cosineRows },
    distance: distanceOf(
      recorder.samples[pair.baselineIndex]!.get(o.output),
      recorder.samples[pair.candidateIndex]!.get(o.output),
    ),
  };
}

/** Bins of the |Δ| histogram (see DeltaTally). */
const DELTA_BINS = 24;

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
