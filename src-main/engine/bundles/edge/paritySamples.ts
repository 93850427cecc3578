// Picks the inputs the edge parity check runs through both models: real rows (the reference dataset, a sample
// file) when they fit the model, else seeded synthetic rows whose integers stay meaningful (token ids, masks).
import type { ModelSignature, TensorSignature } from '../../../../src-shared/contract';
import { isElementType, type ElementType } from '../../../../src-shared/elementTypes';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { batchAxis } from '../../serving/batchAxis';
import { TensorCodecError } from '../../runtime/tensorCodecError';
import { UserError } from '../../userError';
import { encodeSample } from './encodeSample';

export const DEFAULT_PARITY_SAMPLES = 32;
/** Size of every dynamic dim but the batch axis in synthetic samples (sequence length, image side, ...). */
export const SYNTHETIC_DYNAMIC_DIM = 16;

export interface ParitySamplesInput {
  signature: ModelSignature;
  /** Candidate rows: `{ <input>: nested value }`, or sample-file lines `{ inputs: {...}, label }`. */
  rows?: Record<string, unknown>[];
  /** Where the rows came from, for samplesFrom (e.g. "reference dataset digits_reference"). */
  rowsFrom?: string;
  count?: number;
  /** Seeds both the choice of rows and synthetic values (default 0). */
  seed?: number;
}

export interface ParitySamples {
  samples: Record<string, unknown>[];
  samplesFrom: string;
}

type Json = number | string | boolean | Json[];

/** A row's inputs: sample files wrap them in `inputs` (unless the model has an input called that). */
function rowInputs(signature: ModelSignature, row: Record<string, unknown>): Record<string, unknown> {
  const wrapped = row['inputs'];
  const named = signature.inputs.some((s) => s.name === 'inputs');
  if (!named && typeof wrapped === 'object' && wrapped !== null && !Array.isArray(wrapped)) {
    return wrapped as Record<string, unknown>;
  }
  return row;
}

/** Why a row does not fit the signature, or null when it encodes as a request. */
function misfit(signature: ModelSignature, inputs: Record<string, unknown>): string | null {
  try {
    encodeSample(signature, inputs);
    return null;
  } catch (error) {
    if (error instanceof TensorCodecError) return error.message;
    throw error;
  }
}

/** Indices 0..n-1 in a seeded order (Fisher-Yates). */
function shuffled(n: number, next: () => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

function pickRows(
  input: ParitySamplesInput,
  count: number,
  seed: number,
): { samples: Record<string, unknown>[]; skipped: number; why: string | null } {
  const rows = input.rows ?? [];
  const order = shuffled(rows.length, mulberry32(seed ^ 0x5eed));
  const chosen: number[] = [];
  let skipped = 0;
  let why: string | null = null;
  for (const index of order) {
    if (chosen.length >= count) break;
    // Rows that keep failing while none fits mean the rows are for another model: stop looking.
    if (chosen.length === 0 && skipped >= count) break;
    const row = rows[index];
    const problem =
      typeof row === 'object' && row !== null && !Array.isArray(row)
        ? misfit(input.signature, rowInputs(input.signature, row))
        : 'a row must be an object of inputs';
    if (problem === null) chosen.push(index);
    else {
      skipped++;
      why ??= `row ${index + 1}: ${problem}`;
    }
  }
  // File order reads better in a report and keeps the samples independent of how they were drawn.
  chosen.sort((a, b) => a - b);
  return { samples: chosen.map((i) => rowInputs(input.signature, rows[i] as Record<string, unknown>)), skipped, why };
}

/** Row shape of a synthetic sample: the batch axis dropped when the model has one, other dynamic dims fixed. */
function syntheticShape(sig: TensorSignature, batched: boolean): number[] {
  if (sig.shape === null) {
    throw new UserError(
      'bad-input',
      `input '${sig.name}' has no declared rank, so parity inputs cannot be made up; give sample rows`,
    );
  }
  const dims = batched ? sig.shape.slice(1) : sig.shape;
  return dims.map((d) => (typeof d === 'number' ? d : SYNTHETIC_DYNAMIC_DIM));
}

/**
 * Nested values of one input. Floats uniform in [-1, 1) (signs exercise Relu and friends); integers 0..9, which
 * are valid token ids and class indices for any vocabulary; bools fair coin flips; strings "text-0".."text-9".
 * An integer or bool input whose name contains "mask" is a padded prefix of ones along its last axis, at least
 * one long, as tokenisers write attention masks, so models that average over the mask never divide by zero.
 */
function syntheticValue(type: ElementType, name: string, shape: readonly number[], next: () => number): Json {
  const isMask = /mask/i.test(name) && type !== 'string' && !type.startsWith('float');
  const leaf = (): Json => {
    if (type === 'string') return `text-${Math.floor(next() * 10)}`;
    if (type === 'bool') return next() < 0.5;
    if (type.startsWith('float')) return next() * 2 - 1;
    return Math.floor(next() * 10);
  };
  const build = (depth: number): Json => {
    if (depth === shape.length) return leaf();
    const size = shape[depth] as number;
    if (isMask && depth === shape.length - 1) {
      const ones = size === 0 ? 0 : 1 + Math.floor(next() * size);
      return Array.from({ length: size }, (_, i) => (type === 'bool' ? i < ones : i < ones ? 1 : 0));
    }
    return Array.from({ length: size }, () => build(depth + 1));
  };
  return build(0);
}

function synthesize(signature: ModelSignature, count: number, seed: number): Record<string, unknown>[] {
  const batched = batchAxis(signature).batchable;
  const next = mulberry32(seed);
  const plan = signature.inputs.map((sig) => {
    if (sig.kind !== 'tensor' || !isElementType(sig.elementType)) {
      throw new UserError(
        'bad-input',
        `input '${sig.name}' is ${sig.elementType}, which parity inputs cannot be made up for; give sample rows`,
      );
    }
    return { name: sig.name, type: sig.elementType, shape: syntheticShape(sig, batched) };
  });
  return Array.from({ length: count }, () =>
    Object.fromEntries(plan.map((p) => [p.name, syntheticValue(p.type, p.name, p.shape, next)])),
  );
}

/**
 * `count` samples (default 32) for the parity check: rows that fit the signature, drawn in a seeded order and
 * kept in file order, else synthetic rows. samplesFrom says which, how many rows were skipped and why.
 */
export function paritySamples(input: ParitySamplesInput): ParitySamples {
  const count = input.count ?? DEFAULT_PARITY_SAMPLES;
  const seed = input.seed ?? 0;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new UserError('bad-input', `the parity check needs at least one sample, got count ${String(count)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new UserError('bad-input', `seed must be an integer, got ${String(seed)}`);
  const from = input.rowsFrom ?? 'the given rows';
  const rows = input.rows ?? [];
  let fallback = '';
  if (rows.length > 0) {
    const picked = pickRows(input, count, seed);
    if (picked.samples.length > 0) {
      const skipped = picked.skipped > 0 ? `; ${picked.skipped} rows skipped that do not fit (${picked.why})` : '';
      return {
        samples: picked.samples,
        samplesFrom: `${picked.samples.length} of ${rows.length} rows of ${from}${skipped}`,
      };
    }
    fallback = ` (no row of ${from} fits the model: ${picked.why})`;
  }
  const samples = synthesize(input.signature, count, seed);
  return { samples, samplesFrom: `${count} synthetic samples (seed ${seed})${fallback}` };
}
