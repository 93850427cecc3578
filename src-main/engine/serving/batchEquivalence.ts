// Checks, with seeded synthetic rows, that a model's batched outputs are bit-identical to running each row
// alone. onnxruntime picks kernels by shape, so some models (e.g. a large MatMul) round differently in a batch;
// dynamic batching is only switched on for a model that passes, since a response must not depend on its company.
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract/modelInspection';
import type { SessionPool } from '../runtime/sessionPool';
import { makeSyntheticInputs } from '../runtime/syntheticInputs';
import { elementView } from '../runtime/tensorCodec';
import type { WireTensor } from '../runtime/wireTensor';
import { batchAxis } from './batchAxis';
import { mergeInputs, splitOutputs } from './mergeBatch';

export interface BatchEquivalenceOptions {
  /** Batch sizes to try, e.g. [2, 3, maxBatchSize]; deduplicated, sizes below 2 ignored. */
  sizes: number[];
  /** Seed of the synthetic rows (default 0). */
  seed?: number;
  /**
   * Sizes tried for the inputs' dynamic dims other than the batch axis, one round each (default [4, 16]).
   * Whether a batch rounds differently depends on them too: text-classifier is identical at sequence 4 and
   * not at 8 or 16. A model without such dims is checked once.
   */
  otherDims?: number[];
  /**
   * Distinct rows made and run alone (default 8); a larger batch repeats them in turn. Kernels are picked by
   * shape, not values, so repeats still show whether a size rounds differently, and checking a batch of
   * maxBatchSize costs one run of it rather than maxBatchSize single runs.
   */
  distinctRows?: number;
}

export interface BatchEquivalence {
  identical: boolean;
  detail: string;
}

/** Copies, since the pool takes ownership of what it is given and rows are reused across sizes. */
const copyTensors = (tensors: readonly WireTensor[]): WireTensor[] =>
  tensors.map((t) => ({ ...t, dims: [...t.dims], data: Array.isArray(t.data) ? [...t.data] : t.data.slice(0) }));

export async function checkBatchEquivalence(
  pool: Pick<SessionPool, 'run'>,
  signature: ModelSignature,
  opts: BatchEquivalenceOptions,
): Promise<BatchEquivalence> {
  const axis = batchAxis(signature);
  if (!axis.batchable) return { identical: false, detail: `the model cannot batch: ${axis.reason}` };
  const sizes = [...new Set(opts.sizes.filter((s) => Number.isSafeInteger(s) && s >= 2))].sort((a, b) => a - b);
  if (sizes.length === 0) return { identical: true, detail: 'no batch size of 2 or more to check' };

  // Each row is made with the batch axis pinned to 1, so the other dynamic dims can take a size of their own.
  const rowInputs = signature.inputs.map((t) => ({ ...t, shape: [1, ...(t.shape ?? []).slice(1)] }));
  const hasOtherDynamicDims = rowInputs.some((t) => t.shape.some((d) => typeof d !== 'number'));
  const otherDims = hasOtherDynamicDims ? [...new Set(opts.otherDims ?? [4, 16])] : [1];
  const distinct = Math.max(1, Math.min(sizes[sizes.length - 1]!, opts.distinctRows ?? 8));
  for (const other of otherDims) {
    const difference = await compareRound(pool, rowInputs, sizes, { seed: opts.seed ?? 0, otherDims: other, distinct });
    if (difference) {
      const where = hasOtherDynamicDims ? ` (other dynamic dims ${other})` : '';
      return { identical: false, detail: `${difference}${where}` };
    }
  }
  return {
    identical: true,
    detail:
      `batched outputs are bit-identical to single runs at batch ${sizes.join(', ')}` +
      (hasOtherDynamicDims ? ` with other dynamic dims ${otherDims.join(', ')}` : ''),
  };
}

/** One round at one size of the other dims: the first difference found, or undefined when all match. */
async function compareRound(
  pool: Pick<SessionPool, 'run'>,
  rowInputs: TensorSignature[],
  sizes: readonly number[],
  round: { seed: number; otherDims: number; distinct: number },
): Promise<string | undefined> {
  const { seed, otherDims, distinct } = round;
  const rows: WireTensor[][] = [];
  const singles: WireTensor[][] = [];
  try {
    for (let r = 0; r < distinct; r++) {
      rows.push(makeSyntheticInputs(rowInputs, { fill: 'random', seed: seed + r, defaultDim: otherDims }).tensors);
    }
    // One at a time, so the check adds little load to a pool that may already be serving.
    for (const row of rows) singles.push((await pool.run(copyTensors(row))).outputs);
  } catch (error) {
    return `single-row runs failed: ${(error as Error).message}`;
  }
  for (const size of sizes) {
    let sliced: WireTensor[][];
    try {
      const batchRows = Array.from({ length: size }, (_, r) => copyTensors(rows[r % distinct]!));
      const batch = await pool.run(mergeInputs(batchRows));
      sliced = splitOutputs(batch.outputs, new Array<number>(size).fill(1));
    } catch (error) {
      return `a run at batch ${size} failed: ${(error as Error).message}`;
    }
    for (let r = 0; r < size; r++) {
      const difference = compareOutputs(sliced[r]!, singles[r % distinct]!);
      if (difference) return `batched outputs differ from single runs: ${difference} at batch ${size}`;
    }
  }
  return undefined;
}

/** How a batched row's outputs differ from the single run's, or undefined when every byte matches. */
function compareOutputs(batched: readonly WireTensor[], single: readonly WireTensor[]): string | undefined {
  for (const alone of single) {
    const inBatch = batched.find((t) => t.name === alone.name);
    if (!inBatch) return `'${alone.name}' is missing`;
    if (inBatch.type !== alone.type || inBatch.dims.join() !== alone.dims.join()) {
      return `'${alone.name}' is ${inBatch.type} [${inBatch.dims.join(', ')}] batched but ${alone.type} [${alone.dims.join(', ')}] alone`;
    }
    if (alone.type === 'string') {
      const a = alone.data as string[];
      const b = inBatch.data as string[];
      const differing = a.filter((s, i) => s !== b[i]).length;
      if (differing > 0) return `${differing} strings of '${alone.name}'`;
      continue;
    }
    if (Buffer.from(alone.data as ArrayBuffer).equals(Buffer.from(inBatch.data as ArrayBuffer))) continue;
    return describeDifference(alone, inBatch);
  }
  return undefined;
}

function describeDifference(alone: WireTensor, inBatch: WireTensor): string {
  const a = elementView(alone);
  const b = elementView(inBatch);
  if (alone.type === 'float32' || alone.type === 'float64') {
    let max = 0;
    for (let i = 0; i < a.length; i++) {
      const delta = Math.abs((a[i] as number) - (b[i] as number));
      // NaN against a number, or NaN payloads that differ, still differ in bytes: report it as such.
      max = Number.isNaN(delta) ? Number.NaN : Math.max(max, delta);
      if (Number.isNaN(max)) break;
    }
    if (!Number.isNaN(max) && max > 0) return `max |Δ| ${max.toPrecision(2)} in '${alone.name}'`;
  }
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differing++;
  return `${differing} of ${a.length} elements of '${alone.name}'`;
}
