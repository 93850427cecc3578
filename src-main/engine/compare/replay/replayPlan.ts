// How one version takes a dataset's rows: each model input's element type and per-row shape, and how many
// rows go in one request (a dynamic batch axis takes the requested batch, a fixed one its own size, padded).
import type { Dataset, ModelSignature } from '../../../../src-shared/contract';
import { ELEMENT_TYPE_INFO, isElementType, type ElementType } from '../../../../src-shared/elementTypes';
import { formatShape } from '../../../../src-shared/shapes';
import { batchAxis } from '../../serving/batchAxis';
import { UserError } from '../../userError';

export const DEFAULT_BATCH_ROWS = 256;
/**
 * Models this small compute a row in about a microsecond, less than a request's fixed cost (the hand-off to the
 * worker, the session call): they get larger requests, up to about REQUEST_BYTES of input and MAX_ROWS rows, as
 * long as the dataset still makes MIN_REQUESTS of them (each a paired latency sample). Measured on digits-mlp
 * (bench/compare.mjs, 100 000 rows): 256 → 2048 rows per request halves the pure inference time.
 */
const SMALL_MODEL_BYTES = 1024 * 1024;
const REQUEST_BYTES = 1024 * 1024;
const MAX_ROWS = 4096;
const MIN_REQUESTS = 32;

/** Rows per request when the config leaves it open and the batch axis is dynamic (see SMALL_MODEL_BYTES). */
export function automaticBatchRows(
  versions: readonly { inspection: { parameterBytes: number } }[],
  datasets: readonly Dataset[],
): number {
  const weights = Math.max(0, ...versions.map((v) => v.inspection.parameterBytes));
  if (versions.length === 0 || !(weights <= SMALL_MODEL_BYTES)) return DEFAULT_BATCH_ROWS;
  // Inputs as float32 (the usual feed; wider types only make requests smaller than this allows).
  const rowBytes = Math.max(1, ...datasets.map((d) => d.inputs.reduce((n, input) => n + input.size * 4, 0)));
  const rows = Math.max(0, ...datasets.map((d) => d.rows));
  let batch = DEFAULT_BATCH_ROWS;
  while (2 * batch <= MAX_ROWS && 2 * batch * rowBytes <= REQUEST_BYTES && 2 * batch * MIN_REQUESTS <= rows) {
    batch *= 2;
  }
  return batch;
}

export interface InputPlan {
  name: string;
  type: ElementType;
  /** Per-row shape as the dataset stores it (no batch axis). */
  rowShape: number[];
  rowSize: number;
  /** False when the model input has no batch axis: each request is one row, fed with the row's own shape. */
  batched: boolean;
}

export interface VersionPlan {
  /** Rows per request. */
  batchRows: number;
  /** True when the batch size is fixed by the model: a last short batch is padded with copies of its last row. */
  padded: boolean;
  inputs: InputPlan[];
  /** What decided the batch size, for the conventions. */
  batchReason: string;
}

export function planVersion(
  ref: string,
  signature: ModelSignature,
  dataset: Dataset,
  requestedBatch: number | null,
  automaticRows: number = DEFAULT_BATCH_ROWS,
): VersionPlan {
  const inputs = signature.inputs.map((sig): InputPlan => {
    const stored = dataset.inputs.find((i) => i.name === sig.name);
    if (!stored)
      throw new UserError('bad-input', `${ref} needs input '${sig.name}', which dataset ${dataset.name} lacks`);
    if (sig.kind !== 'tensor' || !isElementType(sig.elementType) || sig.elementType === 'string') {
      throw new UserError(
        'bad-input',
        `${ref} input '${sig.name}' is ${sig.elementType}; a replayed dataset holds numbers, so it cannot feed it`,
      );
    }
    const rank = sig.shape?.length ?? stored.shape.length + 1;
    const batched = rank === stored.shape.length + 1;
    if (!batched && rank !== stored.shape.length) {
      throw new UserError(
        'bad-input',
        `${ref} input '${sig.name}' has shape ${formatShape(sig.shape)}; dataset ${dataset.name} holds ${formatShape(stored.shape)} per row`,
      );
    }
    return { name: sig.name, type: sig.elementType, rowShape: [...stored.shape], rowSize: stored.size, batched };
  });

  if (inputs.some((i) => !i.batched)) {
    return { batchRows: 1, padded: false, inputs, batchReason: 'an input has no batch axis: one row per request' };
  }
  const axis = batchAxis(signature);
  if (axis.batchable) {
    const rows = requestedBatch ?? automaticRows;
    const why = requestedBatch ? ' (as asked)' : rows > DEFAULT_BATCH_ROWS ? ' (larger for a small model)' : '';
    return {
      batchRows: rows,
      padded: false,
      inputs,
      batchReason: `dynamic batch axis: ${rows} rows per request${why}`,
    };
  }
  const firsts = new Set(signature.inputs.map((s) => s.shape?.[0]));
  const fixed = firsts.size === 1 ? [...firsts][0] : undefined;
  if (typeof fixed === 'number' && fixed >= 1) {
    return {
      batchRows: fixed,
      padded: fixed > 1,
      inputs,
      batchReason: `fixed batch dim ${fixed}: ${fixed} row${fixed === 1 ? '' : 's'} per request${fixed > 1 ? ', the last padded' : ''}`,
    };
  }
  return {
    batchRows: 1,
    padded: false,
    inputs,
    batchReason: `one row per request (${axis.reason ?? 'no shared batch axis'})`,
  };
}

/** Elements per row of an output, from a tensor of `rows` rows; null when its first dim is not the rows. */
export function outputRowSize(dims: readonly number[], rows: number): number | null {
  if (dims.length === 0 || dims[0] !== rows) return null;
  let n = 1;
  for (let d = 1; d < dims.length; d++) n *= dims[d]!;
  return n;
}

export const isIntegerType = (t: ElementType) => ELEMENT_TYPE_INFO[t].kind === 'int';
