// The pure side of "Try it": symbolic dims of a signature, a JSON template, reading pasted JSON, which sample
// files fit a model, showing long tensors briefly, and spotting a probabilities output to rank as top-k.
import type { SampleFile, TensorSignature, TensorValue } from '../../../src-shared/contract';
import { formatShape } from '../../../src-shared/shapes';

/** Symbolic dim names across the inputs, in order of first use. */
export function symbolicDims(inputs: TensorSignature[]): string[] {
  const names: string[] = [];
  for (const input of inputs)
    for (const d of input.shape ?? []) if (typeof d === 'string' && !names.includes(d)) names.push(d);
  return names;
}

/** The shape an input is fed with once symbolic dims are bound ("?" where the model leaves a dim unnamed). */
export function boundShape(shape: TensorSignature['shape'], dims: Record<string, number>): string {
  if (shape === null) return formatShape(null);
  return formatShape(shape.map((d) => (typeof d === 'string' ? (dims[d] ?? d) : d)));
}

/** Inputs small enough to show as a filled-in template; bigger ones get an empty array to paste into. */
const TEMPLATE_MAX_ELEMENTS = 256;

function zeros(shape: number[], elementType: string): unknown {
  const [first, ...rest] = shape;
  if (first === undefined) return elementType === 'bool' ? false : elementType === 'string' ? '' : 0;
  return Array.from({ length: first }, () => zeros(rest, elementType));
}

/** `{"<input>": nested array}` with every symbolic or unknown dim as 1 (batch included). */
export function jsonTemplate(inputs: TensorSignature[]): string {
  const lines = inputs.map((input) => {
    const shape = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    const count = shape.reduce((n, d) => n * d, 1);
    const value = input.shape !== null && count <= TEMPLATE_MAX_ELEMENTS ? zeros(shape, input.elementType) : [];
    return `  ${JSON.stringify(input.name)}: ${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}`;
}

export type Parsed = { ok: true; values: Record<string, unknown> } | { ok: false; error: string };

/** Pasted text as input values: it must be JSON, an object, and name only inputs the model has. */
export function parsePastedValues(text: string, inputs: TensorSignature[]): Parsed {
  if (text.trim() === '') return { ok: false, error: 'Paste JSON: the box is empty; expected {"<input>": [...]}.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Paste JSON: not valid JSON (${reason}).` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, error: 'Paste JSON: expected an object {"<input>": nested array}, one key per input.' };
  const names = inputs.map((i) => i.name);
  const unknown = Object.keys(parsed).filter((k) => !names.includes(k));
  if (unknown.length > 0)
    return {
      ok: false,
      error: `Paste JSON: the model has no input ${unknown.map((k) => `'${k}'`).join(', ')}; its inputs are ${names
        .map((n) => `'${n}'`)
        .join(', ')}.`,
    };
  return { ok: true, values: parsed as Record<string, unknown> };
}

/** Sample files whose rows carry exactly the model's inputs. */
export function fittingSamples(samples: SampleFile[], inputs: TensorSignature[]): SampleFile[] {
  const names = inputs.map((i) => i.name).sort();
  return samples.filter(
    (s) => s.inputs.length === names.length && [...s.inputs].sort().every((n, i) => n === names[i]),
  );
}

/** A sample row's inputs carry one sample; the model takes a batch, so each gets a leading axis of 1. */
export function batchOfOne(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, [value]]));
}

export const VALUES_SHOWN = 20;

/** The first `limit` elements of a nested array in row-major order. */
export function firstValues(data: unknown, limit = VALUES_SHOWN): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown) => {
    if (out.length >= limit) return;
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(data);
  return out;
}

export function elementCountOf(shape: number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function formatValue(value: unknown, elementType: string): string {
  if (typeof value === 'number') {
    if (elementType.startsWith('float')) {
      if (Number.isInteger(value)) return String(value);
      const abs = Math.abs(value);
      return abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(5)));
    }
    return String(value);
  }
  if (typeof value === 'string') return elementType === 'string' ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

export interface RankedClass {
  index: number;
  probability: number;
}

export interface TopK {
  /** Which batch row is ranked (the first). */
  row: number;
  rows: number;
  classes: RankedClass[];
}

const isFloat = (t: string) => t === 'float32' || t === 'float64' || t === 'float16';
const looksLikeDistribution = (values: number[]) =>
  values.length >= 2 && values.every((p) => p >= 0 && p <= 1) && Math.abs(values.reduce((a, b) => a + b, 0) - 1) < 1e-3;

/**
 * Top-k for an output that holds class probabilities: one named like "probabilities" (or "probs", "softmax"), or
 * any float [1, N] output whose row is a distribution. Null for anything else.
 */
export function topK(output: TensorValue, k = 5): TopK | null {
  if (!isFloat(output.elementType) || output.shape.length !== 2) return null;
  const [rows = 0, classes = 0] = output.shape;
  if (rows < 1 || classes < 2 || !Array.isArray(output.data)) return null;
  const first = output.data[0];
  if (!Array.isArray(first) || !first.every((v): v is number => typeof v === 'number')) return null;
  const named = /prob|softmax/i.test(output.name);
  if (!(named ? first.every((p) => p >= 0 && p <= 1) : rows === 1 && looksLikeDistribution(first))) return null;
  const ranked = first
    .map((probability, index) => ({ index, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
  return { row: 0, rows, classes: ranked };
}
