// The class labels a model carries in its metadata_props, matched to its classification output, for Triton's
// labels file. Only a real list counts: a description such as "0..9" or "topic 0..3" is not one.
import type { ModelInspection, TensorSignature } from '../../../../src-shared/contract';

/** Metadata keys that hold class labels, in the order they are tried. */
export const LABEL_METADATA_KEYS = ['labels', 'class_labels', 'classes', 'class_names', 'names'] as const;

export interface ModelLabels {
  /** The output whose last dimension has one entry per label. */
  output: string;
  labels: string[];
}

const FLOAT_TYPES = new Set(['float32', 'float64', 'float16']);

/**
 * The entries of a metadata value, in class order, or null when it is not a list:
 * - a JSON array of strings, or a JSON object {"0": "cat", "1": "dog"};
 * - a Python dict as Ultralytics writes it, {0: 'person', 1: 'bicycle'};
 * - a newline-separated list, else a comma-separated one; entries may carry their index ("0=malignant,1=benign",
 *   "0: cat"), in which case the indices must be exactly 0..n-1.
 */
export function parseLabelList(value: string): string[] | null {
  const text = value.trim();
  if (text.startsWith('[') || text.startsWith('{')) return parseStructured(text);
  const parts = (text.includes('\n') ? text.split(/\r?\n/) : text.split(',')).map((p) => p.trim());
  if (parts.length < 2 || parts.some((p) => p === '')) return null;
  const indexed = parts.map((p) => /^(\d+)\s*[=:]\s*(.+)$/.exec(p));
  if (indexed.every((m) => m !== null)) {
    return byIndex(indexed.map((m) => [Number(m![1]), m![2]!.trim()] as const));
  }
  return parts;
}

function parseStructured(text: string): string[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return parsePythonDict(text);
  }
  if (Array.isArray(parsed)) {
    return parsed.every((entry): entry is string => typeof entry === 'string') ? parsed : null;
  }
  if (parsed !== null && typeof parsed === 'object') {
    const entries = Object.entries(parsed);
    if (!entries.every(([key, label]) => /^\d+$/.test(key) && typeof label === 'string')) return null;
    return byIndex(entries.map(([key, label]) => [Number(key), label as string] as const));
  }
  return null;
}

function parsePythonDict(text: string): string[] | null {
  const body = /^\{(.*)\}$/s.exec(text)?.[1];
  if (body === undefined) return null;
  const entry = /\s*(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(?:,|$)/y;
  const pairs: (readonly [number, string])[] = [];
  let at = 0;
  while (body.slice(at).trim() !== '') {
    entry.lastIndex = at;
    const match = entry.exec(body);
    if (match === null) return null;
    pairs.push([Number(match[1]), (match[2] ?? match[3]!).replace(/\\(.)/g, '$1')]);
    at = entry.lastIndex;
  }
  return byIndex(pairs);
}

/** Labels ordered by index, or null unless the indices are exactly 0..n-1. */
function byIndex(pairs: readonly (readonly [number, string])[]): string[] | null {
  const labels: string[] = [];
  for (const [index, label] of pairs) {
    if (index >= pairs.length || labels[index] !== undefined) return null;
    labels[index] = label;
  }
  return labels.length === pairs.length ? labels : null;
}

function lastDim(tensor: TensorSignature): number | null {
  const last = tensor.shape?.at(-1);
  return typeof last === 'number' ? last : null;
}

export function modelLabels(inspection: ModelInspection): ModelLabels | null {
  const metadata = new Map(Object.entries(inspection.metadata).map(([key, value]) => [key.toLowerCase(), value]));
  for (const key of LABEL_METADATA_KEYS) {
    const value = metadata.get(key);
    if (value === undefined) continue;
    const labels = parseLabelList(value);
    // A labels file has one label per line, so a label must be one non-empty line.
    if (labels === null || labels.length < 2 || labels.some((l) => l.trim() === '' || /[\r\n]/.test(l))) continue;
    const outputs = inspection.outputs.filter(
      (o) => o.kind === 'tensor' && FLOAT_TYPES.has(o.elementType) && lastDim(o) === labels.length,
    );
    // Two outputs of that width (logits and probabilities) leave it unclear which one the labels belong to.
    if (outputs.length === 1) return { output: outputs[0]!.name, labels: labels.map((l) => l.trim()) };
  }
  return null;
}
