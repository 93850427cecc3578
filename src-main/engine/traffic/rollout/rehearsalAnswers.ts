// What a rehearsal replays: each version's real answers to the dataset's rows (one prediction per row, read as
// the data plane reads it, and per row whether the versions agree and how far apart their outputs are), and
// each version's per-request latency, measured once through its session pool on single-row requests and kept,
// so later rehearsals resample the same measurement and decide the same way for the same seed.
import type { Dataset, LatencyProfileSummary, ModelSignature, ModelVersion } from '../../../../src-shared/contract';
import { ELEMENT_TYPE_INFO, isElementType } from '../../../../src-shared/elementTypes';
import type { DatasetRows, RowBatch } from '../../compare/datasets/datasetRows';
import { encodeRows } from '../../compare/replay/encodeRows';
import { planVersion, type VersionPlan } from '../../compare/replay/replayPlan';
import { SessionPool, type SessionPoolOptions } from '../../runtime/sessionPool';
import type { WireTensor } from '../../runtime/wireTensor';
import type { RolloutRepository } from '../../store/rolloutRepository';
import { UserError } from '../../userError';
import { compareAnswers } from '../compareAnswers';
import { predictionReaderFor, type PredictionReader } from '../predictionReader';

/** Single-row requests timed per version (after WARMUP_REQUESTS untimed ones), unless the time runs out. */
export const LATENCY_REQUESTS = 1000;
const WARMUP_REQUESTS = 50;
/** A slow model gets fewer requests: measuring stops after this long, once MIN_LATENCY_REQUESTS are timed. */
const MEASURE_BUDGET_MS = 15_000;
const MIN_LATENCY_REQUESTS = 100;
/** Rows replayed at most: requests cycle through them. */
export const MAX_REHEARSAL_ROWS = 20_000;
const BATCH_ROWS = 256;

export interface RehearsalVersion {
  version: ModelVersion;
  /** Pool settings from the version's serving settings (provider, intra-op threads). */
  pool: SessionPoolOptions;
}

export interface VersionAnswers {
  version: number;
  /** Per row: 1 when the version answered it. */
  ok: Uint8Array;
  /** Per row: the prediction (class index / label code, or value); NaN when there is none. */
  predictions: Float64Array;
  kind: 'class' | 'value' | null;
  /** Per-request latencies measured through the pool, ms, in the order measured. */
  latencyMs: Float64Array;
  profile: LatencyProfileSummary;
}

export interface RehearsalAnswers {
  rows: number;
  baseline: VersionAnswers;
  candidate: VersionAnswers;
  /** Per row: 1 when both predictions are the same (the data plane's rule for shadow pairs). */
  agree: Uint8Array;
  /** Per shared numeric output, per row: the largest |baseline − candidate| over the row's elements. */
  absDelta: Map<string, Float32Array>;
}

export interface AnswerOptions {
  remeasure: boolean;
  signal?: AbortSignal;
  onProgress?: (phase: 'measuring' | 'predicting', fraction: number, message: string) => void;
}

/** Tensor outputs onnxruntime-node hands back as numbers or strings (sequences and maps are left out). */
function readableOutputs(signature: ModelSignature): string[] {
  return signature.outputs
    .filter((t) => t.kind === 'tensor' && isElementType(t.elementType) && ELEMENT_TYPE_INFO[t.elementType])
    .map((t) => t.name);
}

function signatureOf(version: ModelVersion): ModelSignature {
  return { inputs: version.inspection.inputs, outputs: version.inspection.outputs };
}

export async function rehearsalAnswers(
  rows: DatasetRows,
  baseline: RehearsalVersion,
  candidate: RehearsalVersion,
  repository: RolloutRepository,
  options: AnswerOptions,
): Promise<RehearsalAnswers> {
  const dataset = rows.dataset;
  const count = Math.min(dataset.rows, MAX_REHEARSAL_ROWS);
  if (count === 0) throw new UserError('bad-input', `dataset ${dataset.name} has no rows to replay`);
  const sides = [baseline, candidate].map((side) => {
    const signature = signatureOf(side.version);
    const ref = `${side.version.model}:${side.version.version}`;
    return {
      side,
      ref,
      signature,
      plan: planVersion(ref, signature, dataset, BATCH_ROWS),
      outputs: readableOutputs(signature),
    };
  });
  const labelCodes = new Map<string, number>();
  const readers = sides.map((s) => predictionReaderFor(s.signature, labelCodes));

  const pools: SessionPool[] = [];
  try {
    for (const s of sides) {
      try {
        pools.push(await SessionPool.open(s.side.pool));
      } catch (error) {
        throw new UserError('unavailable', `${s.ref} could not be loaded: ${(error as Error).message}`);
      }
    }
    options.onProgress?.('measuring', 0, 'measuring latency on single-row requests');
    const latency = await latencyProfiles(
      sides.map((s, k) => ({ pool: pools[k]!, version: s.side.version, plan: s.plan, outputs: s.outputs })),
      rows,
      repository,
      options,
    );
    const answers = sides.map((s, k): VersionAnswers => ({
      version: s.side.version.version,
      ok: new Uint8Array(count),
      predictions: new Float64Array(count).fill(Number.NaN),
      kind: readers[k]!.kind,
      latencyMs: latency[k]!.samples,
      profile: latency[k]!.profile,
    }));
    const agree = new Uint8Array(count);
    const absDelta = new Map<string, Float32Array>();
    for await (const batch of rows.batches({ batchRows: BATCH_ROWS, count })) {
      if (options.signal?.aborted) throw new UserError('cancelled', 'the rehearsal was cancelled');
      const results = await Promise.all(sides.map((s, k) => runBatch(pools[k]!, s.plan, s.outputs, batch)));
      results.forEach((outputs, k) => readPredictions(outputs, readers[k]!, batch, answers[k]!));
      const [base, cand] = results;
      if (base && cand) pairBatch(batch, answers[0]!, answers[1]!, base, cand, agree, absDelta, count);
      options.onProgress?.('predicting', (batch.start + batch.count) / count, 'answering every row with both versions');
    }
    return { rows: count, baseline: answers[0]!, candidate: answers[1]!, agree, absDelta };
  } finally {
    await Promise.all(pools.map((p) => p.close().catch(() => {})));
  }
}

/** One batch through a pool; null when the version failed on it (its rows count as errors). */
async function runBatch(
  pool: SessionPool,
  plan: VersionPlan,
  outputs: string[],
  batch: RowBatch,
): Promise<WireTensor[] | null> {
  const parts: WireTensor[][] = [];
  try {
    for (let from = 0; from < batch.count; from += plan.batchRows) {
      const n = Math.min(plan.batchRows, batch.count - from);
      const inputs = requestFor(plan, batch, from, n);
      parts.push((await pool.run(inputs, outputs)).outputs.map((t) => trimRows(t, n, plan)));
    }
  } catch {
    return null;
  }
  return parts.length === 1 ? parts[0]! : joinParts(parts);
}

function requestFor(plan: VersionPlan, batch: RowBatch, from: number, n: number): WireTensor[] {
  return plan.inputs.map((input) =>
    encodeRows(input, batch.inputs.get(input.name)!, batch.start, from, n, plan.padded ? plan.batchRows : n),
  );
}

/** Drops the padding rows a fixed batch axis added. */
function trimRows(t: WireTensor, rows: number, plan: VersionPlan): WireTensor {
  if (!plan.padded || t.dims[0] === rows || !(t.data instanceof ArrayBuffer) || t.dims.length === 0) return t;
  const perRow = t.data.byteLength / t.dims[0]!;
  return { ...t, dims: [rows, ...t.dims.slice(1)], data: t.data.slice(0, perRow * rows) };
}

/** Requests of one batch put back together along the first axis. */
function joinParts(parts: WireTensor[][]): WireTensor[] {
  return parts[0]!.map((first) => {
    const all = parts.map((p) => p.find((t) => t.name === first.name)!);
    const rows = all.reduce((n, t) => n + (t.dims[0] ?? 0), 0);
    if (Array.isArray(first.data)) {
      return { ...first, dims: [rows, ...first.dims.slice(1)], data: all.flatMap((t) => t.data as string[]) };
    }
    const bytes = new Uint8Array(all.reduce((n, t) => n + (t.data as ArrayBuffer).byteLength, 0));
    let at = 0;
    for (const t of all) {
      bytes.set(new Uint8Array(t.data as ArrayBuffer), at);
      at += (t.data as ArrayBuffer).byteLength;
    }
    return { ...first, dims: [rows, ...first.dims.slice(1)], data: bytes.buffer };
  });
}

function readPredictions(
  outputs: WireTensor[] | null,
  reader: PredictionReader,
  batch: RowBatch,
  into: VersionAnswers,
): void {
  if (!outputs) return;
  if (reader.kind === null) {
    into.ok.fill(1, batch.start, batch.start + batch.count);
    return;
  }
  const predictions = reader.read(outputs);
  if (!predictions || predictions.length < batch.count) return;
  for (let r = 0; r < batch.count; r++) {
    const p = predictions[r]!;
    if (!Number.isFinite(p)) continue;
    into.ok[batch.start + r] = 1;
    into.predictions[batch.start + r] = p;
  }
}

function pairBatch(
  batch: RowBatch,
  base: VersionAnswers,
  cand: VersionAnswers,
  baseOutputs: WireTensor[],
  candOutputs: WireTensor[],
  agree: Uint8Array,
  absDelta: Map<string, Float32Array>,
  rows: number,
): void {
  for (let r = batch.start; r < batch.start + batch.count; r++) {
    const a = base.predictions[r]!;
    const b = cand.predictions[r]!;
    const same = base.kind === 'class' ? a === b : Math.fround(a) === Math.fround(b);
    agree[r] = base.ok[r] && cand.ok[r] && base.kind !== null && base.kind === cand.kind && same ? 1 : 0;
  }
  const pair = compareAnswers(
    { version: base.version, outputs: baseOutputs, predictions: null, kind: null },
    { version: cand.version, outputs: candOutputs, predictions: null, kind: null },
    0,
  );
  for (const [name, perRow] of Object.entries(pair.absDelta)) {
    let column = absDelta.get(name);
    if (!column) absDelta.set(name, (column = new Float32Array(rows).fill(Number.NaN)));
    for (let r = 0; r < batch.count && r < perRow.length; r++) column[batch.start + r] = perRow[r]!;
  }
}

interface Measured {
  pool: SessionPool;
  version: ModelVersion;
  plan: VersionPlan;
  outputs: string[];
}

/**
 * Each version's stored latency measurement for its file, provider and thread count, or a new one. Versions
 * measured together take turns request by request, so a busy moment of the machine hits both alike.
 */
async function latencyProfiles(
  versions: Measured[],
  rows: DatasetRows,
  repository: RolloutRepository,
  options: AnswerOptions,
): Promise<{ samples: Float64Array; profile: LatencyProfileSummary }[]> {
  const key = (m: Measured) => [m.version.sha256, m.pool.decision.actual, m.pool.intraOpThreads] as const;
  const stored = versions.map((m) => (options.remeasure ? undefined : repository.latencyProfile(...key(m))));
  const missing = versions.filter((_, k) => !stored[k]);
  const fresh = missing.length > 0 ? await measure(missing, rows, options.signal) : [];
  const measuredAt = new Date().toISOString();
  return versions.map((m, k) => {
    const kept = stored[k];
    const samples = kept?.samples ?? fresh[missing.indexOf(m)]!;
    if (!kept) repository.saveLatencyProfile(...key(m), samples, measuredAt);
    const sorted = Float64Array.from(samples).sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return {
      samples,
      profile: {
        version: m.version.version,
        requests: samples.length,
        p50Ms: at(0.5),
        p99Ms: at(0.99),
        meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
        provider: m.pool.decision.actual,
        measuredAt: kept?.measuredAt ?? measuredAt,
        reused: kept !== undefined,
      },
    };
  });
}

/** Round trips of single-row requests, one in flight at a time (a caller waiting for its answer). */
async function measure(
  versions: Measured[],
  rows: DatasetRows,
  signal: AbortSignal | undefined,
): Promise<Float64Array[]> {
  const rowCount = Math.min(rows.dataset.rows, LATENCY_REQUESTS);
  let batch: RowBatch | undefined;
  for await (const b of rows.batches({ batchRows: rowCount, count: rowCount })) batch ??= b;
  const samples = versions.map(() => new Float64Array(LATENCY_REQUESTS));
  const started = performance.now();
  let timed = 0;
  for (let i = -WARMUP_REQUESTS; i < LATENCY_REQUESTS; i++) {
    if (signal?.aborted) throw new UserError('cancelled', 'the rehearsal was cancelled');
    if (i >= MIN_LATENCY_REQUESTS && performance.now() - started > MEASURE_BUDGET_MS) break;
    const row = ((i % rowCount) + rowCount) % rowCount;
    for (let k = 0; k < versions.length; k++) {
      const { pool, plan, outputs } = versions[k]!;
      const inputs = requestFor(plan, batch!, row, 1);
      const t0 = performance.now();
      try {
        await pool.run(inputs, outputs);
      } catch (error) {
        throw new UserError('unavailable', `measuring latency: a request failed (${(error as Error).message})`);
      }
      if (i >= 0) samples[k]![i] = performance.now() - t0;
    }
    if (i >= 0) timed = i + 1;
  }
  return samples.map((s) => s.slice(0, timed));
}

/** Rows of a dataset a rehearsal replays (requests cycle through them). */
export function rehearsalRows(dataset: Dataset): number {
  return Math.min(dataset.rows, MAX_REHEARSAL_ROWS);
}
