// Paired replay: reads a dataset in large runs of rows, cuts them into chunks and runs every chunk through every
// version's session pool (each in its own request size), a few chunks in flight so the workers never wait on
// this thread; hands each chunk's outputs, in row order, to the caller, who keeps what it needs and lets the
// rest go — while the pools work on the chunks after it.
import type { ElementType } from '../../../../src-shared/elementTypes';
import { fromFloat16Array } from '../../runtime/float16';
import type { PoolRunResult } from '../../runtime/sessionPool';
import { elementView } from '../../runtime/tensorCodec';
import type { WireTensor } from '../../runtime/wireTensor';
import { UserError } from '../../userError';
import type { DatasetRows, RowBatch } from '../datasets/datasetRows';
import { encodeRows } from './encodeRows';
import { outputRowSize, type VersionPlan } from './replayPlan';

/** What replay needs of a session pool. */
export interface InferencePool {
  run(inputs: WireTensor[], outputs?: string[]): Promise<PoolRunResult>;
}

export interface ReplayVersion {
  ref: string;
  pool: InferencePool;
  plan: VersionPlan;
  /** Tensor outputs to fetch. */
  outputs: string[];
}

/** Numbers as an output's own typed array (64-bit integers and float16 become float64). */
export type NumberArray =
  Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** One output of one version for a chunk: `rows × rowSize` values, row-major. */
export interface ChunkOutput {
  type: ElementType;
  rowSize: number;
  /** Numbers for numeric outputs (bool as 0/1), read in place where the type allows; strings for string outputs. */
  values: NumberArray | string[];
}

export interface VersionChunk {
  /** Output name → values; null when the version failed on the chunk. */
  outputs: Map<string, ChunkOutput> | null;
  /** session.run() time of the chunk's requests, summed. */
  computeMs: number;
  error: string | null;
}

export interface ReplayChunk {
  batch: RowBatch;
  /** One per version, in the order given. */
  versions: VersionChunk[];
}

export interface ReplayOptions {
  /** Rows read and sent together (each version splits them into its own request size). */
  chunkRows: number;
  from?: number;
  count?: number;
  /** Chunks in flight at once (default 4). */
  depth?: number;
  signal?: AbortSignal;
  /** Each chunk once every version answered it, in row order. */
  onChunk?: (chunk: ReplayChunk) => void;
}

export interface ReplaySummary {
  rows: number;
  chunks: number;
  wallMs: number;
}

/** Rows read from the dataset at once are about this many bytes (a whole number of chunks, at least one). */
export const READ_BYTES = 4 * 1024 * 1024;
/** Chunks in flight at once unless told otherwise: each pool always has the next requests waiting. */
export const DEFAULT_REPLAY_DEPTH = 4;

export function cancelledError(): UserError {
  return new UserError('cancelled', 'the comparison was cancelled');
}

export async function replayRows(
  rows: DatasetRows,
  versions: readonly ReplayVersion[],
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const depth = Math.max(1, options.depth ?? DEFAULT_REPLAY_DEPTH);
  const started = performance.now();
  const pending = new Map<number, Promise<ReplayChunk>>();
  let next = 0;
  let delivered = 0;
  let rowsDone = 0;
  const deliver = async () => {
    const chunk = await pending.get(delivered)!;
    pending.delete(delivered++);
    rowsDone += chunk.batch.count;
    options.onChunk?.(chunk);
  };
  const chunkRows = Math.max(1, Math.floor(options.chunkRows));
  const rowBytes = rows.dataset.inputs.reduce((sum, input) => sum + input.size * 8, 8);
  const readRows = chunkRows * Math.max(1, Math.floor(READ_BYTES / (rowBytes * chunkRows)));
  try {
    reading: for await (const run of rows.batches({ batchRows: readRows, from: options.from, count: options.count })) {
      for (let at = 0; at < run.count; at += chunkRows) {
        if (options.signal?.aborted) break reading;
        pending.set(next++, runChunk(sliceBatch(run, at, Math.min(chunkRows, run.count - at)), versions));
        if (pending.size >= depth) await deliver();
      }
    }
    while (pending.size > 0 && !options.signal?.aborted) await deliver();
  } finally {
    // Whatever is still in flight finishes before the caller closes the pools.
    await Promise.allSettled(pending.values());
  }
  if (options.signal?.aborted) throw cancelledError();
  return { rows: rowsDone, chunks: delivered, wallMs: performance.now() - started };
}

/** Rows [at, at + count) of a batch as a batch of their own (views into its arrays, no copies). */
function sliceBatch(batch: RowBatch, at: number, count: number): RowBatch {
  if (at === 0 && count === batch.count) return batch;
  const inputs = new Map<string, Float64Array>();
  for (const [name, values] of batch.inputs) {
    const size = values.length / batch.count;
    inputs.set(name, values.subarray(at * size, (at + count) * size));
  }
  return { start: batch.start + at, count, inputs, labels: batch.labels.slice(at, at + count) };
}

function runChunk(batch: RowBatch, versions: readonly ReplayVersion[]): Promise<ReplayChunk> {
  // Every version's tensors are made before any is sent (sending hands the buffers over): versions that take
  // the same tensor get copies of one encoding, cheaper than casting again.
  const encoded = new Map<string, WireTensor>();
  const requests = versions.map((v) => {
    try {
      return encodeVersion(batch, v, encoded);
    } catch (error) {
      return error as Error;
    }
  });
  return Promise.all(versions.map((v, k) => runVersion(batch, v, requests[k]!))).then((results) => ({
    batch,
    versions: results,
  }));
}

/** The chunk as this version's requests: one list of input tensors per request. */
function encodeVersion(batch: RowBatch, version: ReplayVersion, encoded: Map<string, WireTensor>): WireTensor[][] {
  const { plan } = version;
  const requests: WireTensor[][] = [];
  for (let from = 0; from < batch.count; from += plan.batchRows) {
    const count = Math.min(plan.batchRows, batch.count - from);
    const padTo = plan.padded ? plan.batchRows : count;
    requests.push(
      plan.inputs.map((input) => {
        const key = `${input.name}|${input.type}|${input.batched}|${from}|${count}|${padTo}`;
        const done = encoded.get(key);
        if (done) return { ...done, dims: [...done.dims], data: (done.data as ArrayBuffer).slice(0) };
        const values = batch.inputs.get(input.name);
        if (!values) throw new Error(`the dataset's batch has no input '${input.name}'`);
        const tensor = encodeRows(input, values, batch.start, from, count, padTo);
        encoded.set(key, tensor);
        return tensor;
      }),
    );
  }
  return requests;
}

async function runVersion(
  batch: RowBatch,
  version: ReplayVersion,
  prepared: WireTensor[][] | Error,
): Promise<VersionChunk> {
  if (prepared instanceof Error) return { outputs: null, computeMs: 0, error: prepared.message };
  const requests = prepared.map((tensors) => version.pool.run(tensors, version.outputs));
  const settled = await Promise.allSettled(requests);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) return { outputs: null, computeMs: 0, error: String((failed.reason as Error)?.message ?? failed.reason) };
  const results = settled.map((s) => (s as PromiseFulfilledResult<PoolRunResult>).value);
  try {
    return {
      outputs: joinOutputs(version, results, batch.count),
      computeMs: results.reduce((sum, r) => sum + r.computeMs, 0),
      error: null,
    };
  } catch (error) {
    return { outputs: null, computeMs: 0, error: (error as Error).message };
  }
}

/** Each output's requests put back together as one chunk of `rows` rows (padding dropped). */
function joinOutputs(
  version: ReplayVersion,
  results: readonly PoolRunResult[],
  rows: number,
): Map<string, ChunkOutput> {
  const { plan } = version;
  const out = new Map<string, ChunkOutput>();
  for (const name of version.outputs) {
    let joined: ChunkOutput | undefined;
    let at = 0;
    results.forEach((result, k) => {
      const tensor = result.outputs.find((t) => t.name === name);
      if (!tensor) throw new Error(`${version.ref} returned no output '${name}'`);
      const count = Math.min(plan.batchRows, rows - k * plan.batchRows);
      const sent = plan.padded ? plan.batchRows : count;
      const rowSize = plan.inputs.every((i) => i.batched)
        ? outputRowSize(tensor.dims, sent)
        : tensor.dims.reduce((n, d) => n * d, 1);
      if (rowSize === null) {
        throw new Error(
          `${version.ref} output '${name}' has shape [${tensor.dims.join(', ')}] for ${sent} rows: its first dim is not the batch`,
        );
      }
      const values = numbers(tensor);
      const used = count * rowSize;
      if (!joined) {
        const whole = results.length === 1 && values.length === used;
        joined = {
          type: tensor.type,
          rowSize,
          values: whole
            ? values
            : Array.isArray(values)
              ? new Array<string>(rows * rowSize)
              : new Float64Array(rows * rowSize),
        };
        if (whole) {
          at += used;
          return;
        }
      } else if (joined.rowSize !== rowSize) {
        throw new Error(
          `${version.ref} output '${name}' changed size between requests (${joined.rowSize} → ${rowSize})`,
        );
      }
      if (Array.isArray(values)) {
        for (let i = 0; i < used; i++) (joined.values as string[])[at + i] = values[i]!;
      } else {
        (joined.values as Float64Array).set(values.subarray(0, used), at);
      }
      at += used;
    });
    if (joined) out.set(name, joined);
  }
  return out;
}

/** An output's elements as numbers, in place where JS reads them as numbers already (or strings). */
function numbers(t: WireTensor): NumberArray | string[] {
  const view = elementView(t);
  if (Array.isArray(view)) return view;
  if (t.type === 'float16') return fromFloat16Array(view as Uint16Array);
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) {
    const out = new Float64Array(view.length);
    for (let i = 0; i < view.length; i++) out[i] = Number(view[i]!);
    return out;
  }
  return view as NumberArray;
}
