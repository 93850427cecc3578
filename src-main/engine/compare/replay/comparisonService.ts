// Comparisons as jobs: start() checks everything a user can get wrong (versions, datasets, fit, prediction
// output) before any inference and stores the comparison; it then runs in the background, one at a time
// (later ones queue), replaying the dataset (and the reference) through every version's pool, and stores
// the results with the per-row figures the explorer exports. Cancelled or failed runs keep no results.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  ComparisonConfigSchema,
  ExplorerExportRequestSchema,
  type Comparison,
  type ComparisonConfig,
  type ComparisonConfigInput,
  type ComparisonProgress,
  type ComparisonResults,
  type ComparisonSummary,
  type Dataset,
  type DriftReport,
  type ExplorerExportRequest,
  type ModelSignature,
  type ModelVersion,
  type PredictionChoice,
  type PredictionDrift,
  type TensorSignature,
} from '../../../../src-shared/contract';
import { ELEMENT_TYPE_INFO, isElementType } from '../../../../src-shared/elementTypes';
import type { Engine } from '../../engine';
import { parseModelRef } from '../../library/modelName';
import { SessionPool, type SessionPoolOptions } from '../../runtime/sessionPool';
import { UserError } from '../../userError';
import type { DatasetRows } from '../datasets/datasetRows';
import { fitDataset } from '../datasets/fitDataset';
import { driftBetween } from '../drift/driftBetween';
import { featureDrift } from '../drift/featureDrift';
import { renderComparisonHtml, comparisonJson } from '../report/comparisonReport';
import { choosePrediction } from './choosePrediction';
import { ClassCodes } from './classCodes';
import type { ComparisonDatasets } from './comparisonDatasets';
import { ComparisonRecorder, type RecorderPair } from './comparisonRecorder';
import { FLIP } from './pairRows';
import { automaticBatchRows, planVersion, type VersionPlan } from './replayPlan';
import { cancelledError, replayRows, type ReplayVersion } from './replayRows';
import { summarizeComparison, type VersionFacts } from './summarizeComparison';
import { VersionPredictions } from './versionPredictions';

export interface ComparisonServiceOptions {
  /** The dataset library (default: the engine's). */
  datasets?: ComparisonDatasets;
  /** Every comparison on each change of state or progress (a few times a second at most). */
  onChange?: (comparison: Comparison) => void;
  /** Pool instances per version (default 1) and intra-op threads (default: cores / versions). */
  instances?: number;
  intraOpThreads?: number;
}

export interface StartOptions {
  /** This comparison's progress (a few times a second at most) and its end. */
  onProgress?: (progress: ComparisonProgress, comparison: Comparison) => void;
}

export type ComparisonReportFormat = 'html' | 'json';

export interface ComparisonReportFile {
  body: string;
  contentType: string;
  fileName: string;
}

/** One version as start() settled it. */
interface PreparedVersion {
  ref: string;
  version: ModelVersion;
  signature: ModelSignature;
  prediction: PredictionChoice;
  plan: VersionPlan;
  /** Tensor outputs to fetch. */
  outputs: string[];
}

interface Prepared {
  config: ComparisonConfig;
  dataset: DatasetRows;
  reference: DatasetRows | null;
  versions: PreparedVersion[];
  pairs: RecorderPair[];
  chunkRows: number;
}

interface Active {
  cancel(): void;
  done: Promise<Comparison>;
}

const PROGRESS_EVERY_MS = 200;

type Outcome = Parameters<Engine['comparisons']['finish']>[1];

export class ComparisonService {
  private readonly active = new Map<string, Active>();
  /** Comparisons run one after another, each after the last one's sessions closed: each uses every core. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly options: ComparisonServiceOptions = {},
  ) {}

  private get datasets(): ComparisonDatasets {
    return this.options.datasets ?? this.engine.datasets;
  }

  /**
   * Checks the config, the versions, the datasets and that they fit every version, and which output is each
   * version's prediction — a UserError for anything wrong, before any inference — then stores the comparison
   * (queued, or running when nothing else is) and returns it while it runs in the background.
   */
  async start(input: ComparisonConfigInput, options: StartOptions = {}): Promise<Comparison> {
    const prepared = await this.prepare(input);
    const config = prepared.config;
    const comparison: Comparison = {
      id: newComparisonId(),
      name: config.name?.trim() || `${config.versions.join(' vs ')} on ${prepared.dataset.dataset.name}`,
      createdAt: new Date().toISOString(),
      finishedAt: null,
      state: this.active.size === 0 ? 'running' : 'queued',
      config,
      progress: {
        phase: 'checking',
        rowsDone: 0,
        rowsTotal: prepared.dataset.dataset.rows + (prepared.reference?.dataset.rows ?? 0),
        fraction: 0,
        message: 'checked; waiting to start',
      },
      datasetId: prepared.dataset.dataset.id,
      datasetName: prepared.dataset.dataset.name,
      referenceName: prepared.reference?.dataset.name ?? null,
      results: null,
      error: null,
    };
    try {
      this.engine.comparisons.insert(comparison);
    } catch (error) {
      await closeRows(prepared);
      throw error;
    }
    const run = new ComparisonRun(this.engine, comparison, prepared, this.options, options.onProgress);
    const executed = this.queue.then(() => run.execute());
    // A queued comparison that is cancelled ends at once, not when the one ahead of it has finished.
    const done = Promise.race([executed, run.cancelledWhileQueued]).finally(() => this.active.delete(comparison.id));
    // The next comparison starts once this one's sessions are closed: each uses every core.
    this.queue = executed.catch(() => {}).then(() => run.released);
    this.active.set(comparison.id, { cancel: () => run.cancel(), done });
    this.options.onChange?.(comparison);
    return comparison;
  }

  /** Stops a comparison: it ends as cancelled with no results (a queued one at once, without starting). */
  cancel(id: string): Comparison {
    const comparison = this.get(id);
    this.active.get(id)?.cancel();
    return comparison;
  }

  /** Resolves when the comparison has ended (at once for one that already has). */
  async wait(id: string): Promise<Comparison> {
    const active = this.active.get(id);
    return active ? active.done : this.get(id);
  }

  /** Stored comparisons, newest first, without their results. */
  list(): ComparisonSummary[] {
    return this.engine.comparisons.list();
  }

  get(id: string): Comparison {
    const comparison = this.engine.comparisons.get(id);
    if (!comparison) {
      throw new UserError('not-found', `no comparison '${id}'; list them with \`slipway compare runs\``);
    }
    return comparison;
  }

  /** Deletes a comparison and its per-row figures (a running one is cancelled first). */
  async remove(id: string): Promise<void> {
    this.get(id);
    const active = this.active.get(id);
    if (active) {
      active.cancel();
      await active.done.catch(() => {});
    }
    this.engine.comparisons.delete(id);
  }

  /**
   * The explorer's rows as a new dataset: the pair's rows sorted by |Δ| (largest first) or by flips (negative
   * flips first, then positive, then other changed predictions; ties by |Δ|), at most `limit` of them.
   */
  async exportRows(id: string, request: ExplorerExportRequest): Promise<Dataset> {
    const parsed = ExplorerExportRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError('bad-input', `invalid export: ${issue.path.join('.') || 'request'}: ${issue.message}`);
    }
    const { sort, limit, name, pair } = parsed.data;
    const comparison = this.get(id);
    if (comparison.state !== 'succeeded' || !comparison.results) {
      throw new UserError('conflict', `comparison ${id} is ${comparison.state}: only a finished comparison has rows`);
    }
    const pairs = comparison.results.pairs;
    if (pair >= pairs.length) {
      throw new UserError('bad-input', `comparison ${id} has ${pairs.length} pair(s); pair ${pair} does not exist`);
    }
    const stored = this.engine.comparisons.pairRows(id, pair);
    if (!stored) throw new UserError('not-found', `comparison ${id} kept no per-row figures for pair ${pair}`);
    if (sort === 'flips' && !pairs[pair]!.flipMatrix) {
      throw new UserError('bad-input', 'these versions predict regression values: there are no flips, sort by delta');
    }
    const rows = rankRows(stored.absDelta, stored.flips, sort).slice(0, limit);
    if (rows.length === 0) {
      throw new UserError(
        'bad-input',
        sort === 'flips' ? 'no row changed its prediction: nothing to export' : 'no rows',
      );
    }
    const p = pairs[pair]!;
    const derivedFrom = `comparison ${id} (${p.baseline} vs ${p.candidate}, top ${rows.length} by ${sort})`;
    return this.datasets.deriveSubset(comparison.datasetId, rows, name, derivedFrom);
  }

  report(id: string, format: ComparisonReportFormat): ComparisonReportFile {
    const comparison = this.get(id);
    const fileName = `slipway-compare-${id}.${format}`;
    if (format === 'html') {
      return { body: renderComparisonHtml(comparison), contentType: 'text/html; charset=utf-8', fileName };
    }
    if (format === 'json') {
      return { body: comparisonJson(comparison), contentType: 'application/json; charset=utf-8', fileName };
    }
    throw new UserError('bad-input', `unknown report format '${String(format)}': expected html or json`);
  }

  /** Cancels every comparison and waits for them to end (before the engine closes). */
  async close(): Promise<void> {
    const all = [...this.active.values()];
    for (const a of all) a.cancel();
    await Promise.all(all.map((a) => a.done.catch(() => {})));
    // The last run's sessions may still be closing after its result was stored.
    await this.queue;
  }

  // -------------------------------------------------------------------------------------------------------

  private async prepare(input: ComparisonConfigInput): Promise<Prepared> {
    const parsed = ComparisonConfigSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.map(String).join('.');
      throw new UserError('bad-input', `invalid comparison: ${where ? `${where}: ` : ''}${issue.message}`);
    }
    const config = parsed.data;
    const library = this.engine.library;
    const versions = config.versions.map((ref) => {
      const parsedRef = parseModelRef(ref);
      return { ref, version: library.get(parsedRef) };
    });
    const datasets = this.datasets;
    const dataset = await datasets.open(config.dataset);
    let reference: DatasetRows | null = null;
    try {
      if (config.reference !== null) reference = await datasets.open(config.reference);
      const prepared: PreparedVersion[] = [];
      const automatic = automaticBatchRows(
        versions.map((v) => v.version),
        reference ? [dataset.dataset, reference.dataset] : [dataset.dataset],
      );
      for (const { ref, version } of versions) {
        const signature: ModelSignature = { inputs: version.inspection.inputs, outputs: version.inspection.outputs };
        for (const rows of reference ? [dataset, reference] : [dataset]) checkFit(rows.dataset, ref, signature);
        const prediction = choosePrediction(signature, config.prediction);
        const plan = planVersion(ref, signature, dataset.dataset, config.batchSize, automatic);
        if (reference) planVersion(ref, signature, reference.dataset, config.batchSize, automatic);
        prepared.push({ ref, version, signature, prediction, plan, outputs: readableOutputs(signature) });
      }
      const fixed = Math.max(...prepared.map((v) => (v.plan.padded ? v.plan.batchRows : 1)));
      return {
        config,
        dataset,
        reference,
        versions: prepared,
        pairs: prepared.slice(1).map((_, k) => pairOutputs(prepared[0]!, prepared[k + 1]!, k + 1)),
        chunkRows: Math.max(config.batchSize ?? automatic, fixed),
      };
    } catch (error) {
      await dataset.close().catch(() => {});
      await reference?.close().catch(() => {});
      throw error;
    }
  }
}

/**
 * How a comparison opens each version's pool (bench/compare.mjs opens its pure-inference baseline the same way):
 * the cores shared among the versions, the version's provider, and no idle spin — replay keeps requests queued
 * for every instance, so a worker that polls for the next one only takes CPU from the thread that feeds it.
 */
export function comparisonPoolOptions(
  engine: Engine,
  version: ModelVersion,
  versions: number,
  options: Pick<ComparisonServiceOptions, 'instances' | 'intraOpThreads'> = {},
): SessionPoolOptions {
  return {
    modelPath: engine.library.filePath(version),
    instances: options.instances ?? 1,
    intraOpThreads: options.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / versions)),
    provider: engine.servingConfig.effective(version).settings.provider,
    weightBytes: version.inspection.parameterBytes,
    spinMicros: 0,
  };
}

/** Refuses a dataset that does not fit a version, naming every problem (warnings do not stop it). */
function checkFit(dataset: Dataset, ref: string, signature: ModelSignature): void {
  const fit = fitDataset(dataset, signature);
  if (fit.fits) return;
  const problems = fit.problems.filter((p) => p.severity !== 'warning').map((p) => p.message);
  throw new UserError('bad-input', `dataset ${dataset.name} does not fit ${ref}: ${problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------------
// One comparison in the background

class ComparisonRun {
  private readonly abort = new AbortController();
  private progress: ComparisonProgress;
  private lastPublished = 0;
  /** Resolves when this run's sessions are closed (after its result is stored). */
  released: Promise<void> = Promise.resolve();
  private started = false;
  private endQueued: { resolve(c: Comparison): void; reject(e: unknown): void } | null = null;
  /** Settles, stored as cancelled, if the run is cancelled before it starts; else never. */
  readonly cancelledWhileQueued = new Promise<Comparison>((resolve, reject) => (this.endQueued = { resolve, reject }));

  constructor(
    private readonly engine: Engine,
    private comparison: Comparison,
    private readonly prepared: Prepared,
    private readonly options: ComparisonServiceOptions,
    private readonly onProgress: StartOptions['onProgress'],
  ) {
    this.progress = comparison.progress;
  }

  cancel(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    if (this.started) return;
    const end = this.endQueued!;
    closeRows(this.prepared)
      .then(() => this.settle(this.cancelledOutcome()))
      .then(end.resolve, end.reject);
  }

  async execute(): Promise<Comparison> {
    // Cancelled while queued: already stored as cancelled (see cancel).
    if (this.abort.signal.aborted) return this.cancelledWhileQueued;
    this.started = true;
    const started = performance.now();
    const pools: SessionPool[] = [];
    let outcome: Outcome;
    try {
      this.report('loading', 0, 'starting a session for each version', true);
      const startStarted = performance.now();
      const { versions, dataset, reference } = this.prepared;
      const opened = await Promise.allSettled(
        versions.map((v) =>
          SessionPool.open(comparisonPoolOptions(this.engine, v.version, versions.length, this.options)),
        ),
      );
      for (const o of opened) if (o.status === 'fulfilled') pools.push(o.value);
      const unloaded = opened.findIndex((o) => o.status === 'rejected');
      if (unloaded >= 0) {
        const why = (opened[unloaded] as PromiseRejectedResult).reason as Error;
        throw new Error(`${versions[unloaded]!.ref} could not be loaded: ${why.message}`);
      }
      const startMs = performance.now() - startStarted;
      if (this.abort.signal.aborted) throw cancelledError();
      const replayVersions: ReplayVersion[] = versions.map((v, k) => ({
        ref: v.ref,
        pool: pools[k]!,
        plan: v.plan,
        outputs: v.outputs,
      }));

      const recorder = new ComparisonRecorder({
        rows: dataset.dataset.rows,
        versions: versions.map((v) => ({ ref: v.ref, prediction: v.prediction })),
        pairs: this.prepared.pairs,
        explorerRows: this.prepared.config.explorerRows,
        distanceOutputs: [...new Set(this.prepared.pairs.flatMap((p) => p.outputs))],
      });
      const replayStarted = performance.now();
      await replayRows(dataset, replayVersions, {
        chunkRows: this.prepared.chunkRows,
        signal: this.abort.signal,
        onChunk: (chunk) => {
          recorder.add(chunk);
          this.report('replay', chunk.batch.start + chunk.batch.count, 'replaying rows through every version');
        },
      });
      let referencePredictions: VersionPredictions[] | null = null;
      if (reference) {
        referencePredictions = await this.replayReference(reference, replayVersions, recorder.classes);
      }
      const replayMs = performance.now() - replayStarted;
      const providers = pools.map((p) => p.decision.actual);

      this.report('statistics', this.progress.rowsTotal, 'computing statistics', true);
      const statsStarted = performance.now();
      const facts: VersionFacts[] = versions.map((v, k) => ({
        ref: v.ref,
        model: v.version.model,
        version: v.version.version,
        provider: providers[k]!,
        batchReason: v.plan.batchReason,
      }));
      const summary = summarizeComparison(recorder, facts, this.prepared.config.bootstrap);
      const statisticsMs = performance.now() - statsStarted;
      const driftStarted = performance.now();
      let predictionDrift: PredictionDrift[] | null = null;
      let inputDrift: DriftReport | null = null;
      if (reference && referencePredictions) {
        this.report('drift', this.progress.rowsTotal, 'measuring drift against the reference', true);
        predictionDrift = recorder.versions.map((v, k) =>
          predictionDriftOf(v, referencePredictions![k]!, recorder.classes),
        );
        inputDrift = await driftBetween(reference, dataset, {}, { signal: this.abort.signal });
      }
      if (this.abort.signal.aborted) throw cancelledError();
      const results: ComparisonResults = {
        conventions: summary.conventions,
        datasetRows: dataset.dataset.rows,
        labelledRows: recorder.labelledRows,
        batchSize: this.prepared.chunkRows,
        versions: summary.versions,
        pairs: summary.pairs,
        predictionDrift,
        inputDrift,
        timing: {
          totalMs: performance.now() - started,
          replayMs,
          statisticsMs,
          driftMs: performance.now() - driftStarted,
          startMs,
        },
      };
      const failed = summary.versions.find((v) => v.rows === 0 && v.errors > 0);
      if (failed) {
        throw new Error(`${failed.ref} answered no row: ${failed.errorSamples[0]?.message ?? 'every request failed'}`);
      }
      outcome = {
        state: 'succeeded',
        progress: { ...this.progress, phase: 'done', fraction: 1, message: 'done' },
        results,
        error: null,
        finishedAt: new Date().toISOString(),
        pairRows: recorder.pairs.map((p) => ({ absDelta: p.explorerDelta(), flips: p.flips })),
      };
    } catch (error) {
      outcome = this.abort.signal.aborted
        ? this.cancelledOutcome()
        : {
            state: 'failed',
            progress: { ...this.progress, message: 'failed' },
            results: null,
            error: error instanceof Error ? error.message : String(error),
            finishedAt: new Date().toISOString(),
          };
    } finally {
      await closeRows(this.prepared);
    }
    // The sessions wind down once the result is stored (the next comparison waits for them: see released).
    try {
      return this.settle(outcome);
    } finally {
      this.released = Promise.all(pools.map((p) => p.close().catch(() => {}))).then(() => {});
    }
  }

  private cancelledOutcome(): Outcome {
    return {
      state: 'cancelled',
      progress: { ...this.progress, message: 'cancelled' },
      results: null,
      error: null,
      finishedAt: new Date().toISOString(),
    };
  }

  /** Stores how the run ended and tells whoever listens. */
  private settle(outcome: Outcome): Comparison {
    const repo = this.engine.comparisons;
    repo.finish(this.comparison.id, outcome);
    this.comparison = repo.get(this.comparison.id) ?? {
      ...this.comparison,
      state: outcome.state,
      progress: outcome.progress,
      results: outcome.results,
      error: outcome.error,
      finishedAt: outcome.finishedAt,
    };
    this.onProgress?.(this.comparison.progress, this.comparison);
    this.options.onChange?.(this.comparison);
    return this.comparison;
  }

  private async replayReference(
    reference: DatasetRows,
    versions: readonly ReplayVersion[],
    classes: ClassCodes,
  ): Promise<VersionPredictions[]> {
    const rows = reference.dataset.rows;
    const base = this.prepared.dataset.dataset.rows;
    const predictions = this.prepared.versions.map((v) => new VersionPredictions(v.ref, v.prediction, rows, classes));
    let chunk = 0;
    await replayRows(reference, versions, {
      chunkRows: this.prepared.chunkRows,
      signal: this.abort.signal,
      onChunk: ({ batch, versions: chunks }) => {
        const index = chunk++;
        chunks.forEach((c, k) => predictions[k]!.add(index, batch.start, batch.count, c));
        this.report('reference', base + batch.start + batch.count, 'replaying the reference rows');
      },
    });
    return predictions;
  }

  private report(phase: ComparisonProgress['phase'], rowsDone: number, message: string, force = false): void {
    const total = this.progress.rowsTotal;
    // Replay is most of the work; statistics and drift share the last few percent.
    const fraction = phase === 'statistics' || phase === 'drift' ? 0.97 : total > 0 ? (0.95 * rowsDone) / total : 0;
    this.progress = { phase, rowsDone, rowsTotal: total, fraction: Math.min(1, fraction), message };
    const now = performance.now();
    if (!force && now - this.lastPublished < PROGRESS_EVERY_MS) return;
    this.lastPublished = now;
    this.engine.comparisons.setProgress(this.comparison.id, 'running', this.progress);
    this.comparison = { ...this.comparison, state: 'running', progress: this.progress };
    this.onProgress?.(this.progress, this.comparison);
    this.options.onChange?.(this.comparison);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** A version's predictions on the reference against those on the dataset, as one feature (NaN: unanswered). */
function predictionDriftOf(
  current: VersionPredictions,
  reference: VersionPredictions,
  classes: ClassCodes,
): PredictionDrift {
  const column = (v: VersionPredictions) => {
    const out = new Float64Array(v.ok.length);
    for (let row = 0; row < out.length; row++) {
      out[row] = !v.ok[row] ? Number.NaN : v.codes ? classValue(v.codes[row]!) : v.values![row]!;
    }
    return out;
  };
  // Classes that are numbers (digits 0-9, labels 0/1) are tested as themselves, so the overlay names them.
  const numeric = classes.names.every((_, code) => typeof classes.value(code) === 'number');
  const classValue = (code: number) => (numeric ? (classes.value(code) as number) : code);
  const kind = current.codes ? 'categorical' : 'numeric';
  return {
    ref: current.ref,
    kind,
    referenceRows: reference.answered,
    currentRows: current.answered,
    drift: featureDrift(column(reference), column(current), kind, {}, `${current.ref} prediction`),
  };
}

async function closeRows(prepared: Pick<Prepared, 'dataset' | 'reference'>): Promise<void> {
  await prepared.dataset.close().catch(() => {});
  await prepared.reference?.close().catch(() => {});
}

function newComparisonId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `cmp-${t}-${randomBytes(3).toString('hex')}`;
}

function isNumeric(t: TensorSignature): boolean {
  if (t.kind !== 'tensor' || !isElementType(t.elementType)) return false;
  return ELEMENT_TYPE_INFO[t.elementType].kind !== 'string';
}

/** Tensor outputs onnxruntime-node can hand back (sequences and maps are left out). */
function readableOutputs(signature: ModelSignature): string[] {
  return signature.outputs.filter((t) => t.kind === 'tensor' && isElementType(t.elementType)).map((t) => t.name);
}

const SCORE_NAMES = [/prob/i, /logit/i, /score/i];

/** The numeric outputs both versions have, and which ranks the explorer. */
function pairOutputs(baseline: PreparedVersion, candidate: PreparedVersion, index: number): RecorderPair {
  const inCandidate = new Map(candidate.signature.outputs.map((t) => [t.name, t]));
  const outputs: string[] = [];
  const skipped: { output: string; reason: string }[] = [];
  for (const t of baseline.signature.outputs) {
    const other = inCandidate.get(t.name);
    if (!other) skipped.push({ output: t.name, reason: `only ${baseline.ref} has it` });
    else if (!isNumeric(t) || !isNumeric(other))
      skipped.push({ output: t.name, reason: `${t.elementType}: not numbers` });
    else outputs.push(t.name);
  }
  const inBaseline = new Set(baseline.signature.outputs.map((t) => t.name));
  for (const t of candidate.signature.outputs) {
    if (!inBaseline.has(t.name)) skipped.push({ output: t.name, reason: `only ${candidate.ref} has it` });
  }
  const own = baseline.prediction.rule !== 'label' ? baseline.prediction.output : null;
  const deltaOutput =
    (own && outputs.includes(own) ? own : undefined) ??
    SCORE_NAMES.map((re) => outputs.find((o) => re.test(o))).find((o) => o !== undefined) ??
    outputs[0] ??
    null;
  return { candidate: index, outputs, skipped, deltaOutput };
}

/** Row indices ranked for export: by |Δ| (largest first), or changed predictions by flip kind then |Δ|. */
export function rankRows(absDelta: Float32Array, flips: Uint8Array, sort: 'delta' | 'flips'): number[] {
  const rows: number[] = [];
  for (let row = 0; row < absDelta.length; row++) {
    if (Number.isNaN(absDelta[row]!)) continue;
    if (sort === 'flips' && flips[row] === FLIP.none) continue;
    rows.push(row);
  }
  const byDelta = (a: number, b: number) => absDelta[b]! - absDelta[a]! || a - b;
  return rows.sort(sort === 'delta' ? byDelta : (a, b) => flips[b]! - flips[a]! || byDelta(a, b));
}
