// Datasets held in memory for tests of replay, comparison and drift: JSONL fixture rows (`{"inputs": {...},
// "label": ..}`) read into float64 columns and served through the DatasetRows interface the dataset store
// implements, with a plain per-element feature list (no sketches) so featureColumns works.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Dataset, DatasetInput, FeatureProfile } from '../../src-shared/contract';
import type { DatasetRows, RowBatch } from '../../src-main/engine/compare/datasets/datasetRows';
import type { ComparisonDatasets } from '../../src-main/engine/compare/replay/comparisonDatasets';
import { UserError } from '../../src-main/engine/userError';

export interface MemoryRows {
  inputs: { name: string; shape: number[]; values: number[][] }[];
  labels: (number | string | null)[];
}

/** Parses a JSONL fixture: every row's inputs flattened, its label or null. */
export function readJsonlRows(path: string): MemoryRows {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const rows = lines.map((l) => JSON.parse(l) as { inputs: Record<string, unknown>; label?: number | string | null });
  const names = Object.keys(rows[0]?.inputs ?? {});
  return {
    inputs: names.map((name) => {
      const first = rows[0]!.inputs[name];
      const shape = shapeOf(first);
      return { name, shape, values: rows.map((r) => flat(r.inputs[name])) };
    }),
    labels: rows.map((r) => (r.label === undefined ? null : r.label)),
  };
}

function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flat(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(flat);
  if (value === null) return [Number.NaN];
  return [typeof value === 'boolean' ? Number(value) : Number(value)];
}

/** An in-memory dataset; `rows` repeats the file's rows cyclically up to that many. */
export function memoryDataset(
  source: MemoryRows,
  options: { name: string; id?: string; rows?: number; derivedFrom?: string | null },
): { dataset: Dataset; columns: Float64Array[]; labels: (number | string | null)[] } {
  const n = options.rows ?? source.labels.length;
  const base = source.labels.length;
  const columns = source.inputs.map((input) => {
    const size = input.shape.reduce((a, b) => a * b, 1);
    const out = new Float64Array(n * size);
    for (let r = 0; r < n; r++) out.set(input.values[r % base]!, r * size);
    return out;
  });
  const labels = Array.from({ length: n }, (_, r) => source.labels[r % base] ?? null);
  const inputs: DatasetInput[] = source.inputs.map((input, k) => {
    const values = columns[k]!;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let missing = 0;
    let integer = true;
    for (const v of values) {
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (!Number.isInteger(v)) integer = false;
    }
    return {
      name: input.name,
      shape: input.shape,
      size: input.shape.reduce((a, b) => a * b, 1),
      boolean: false,
      integer,
      min: Number.isFinite(min) ? min : null,
      max: Number.isFinite(max) ? max : null,
      missing,
      profiled: true,
      columns: [],
    };
  });
  const features: FeatureProfile[] = inputs.flatMap((input, k) =>
    Array.from({ length: input.size }, (_, index) => featureOf(input, index, columns[k]!, n)),
  );
  const classLabels = labels.filter((l) => l !== null);
  const dataset: Dataset = {
    id: options.id ?? `mem-${options.name}`,
    name: options.name,
    format: 'jsonl',
    source: `${options.name}.jsonl`,
    sourceBytes: 0,
    sha256: '0'.repeat(64),
    rows: n,
    skippedRows: 0,
    skipped: [],
    inputs,
    features,
    label:
      classLabels.length === 0
        ? null
        : { source: 'label', kind: 'class', count: classLabels.length, missing: n - classLabels.length, classes: null },
    createdAt: new Date(0).toISOString(),
    derivedFrom: options.derivedFrom ?? null,
  };
  return { dataset, columns, labels };
}

function featureOf(input: DatasetInput, index: number, values: Float64Array, rows: number): FeatureProfile {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integer = true;
  for (let r = 0; r < rows; r++) {
    const v = values[r * input.size + index]!;
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (!Number.isInteger(v)) integer = false;
  }
  const mean = count > 0 ? sum / count : null;
  let squares = 0;
  for (let r = 0; r < rows; r++) {
    const v = values[r * input.size + index]!;
    if (!Number.isNaN(v)) squares += (v - mean!) ** 2;
  }
  return {
    name: input.shape.length === 0 ? input.name : `${input.name}[${index}]`,
    input: input.name,
    index,
    kind: 'numeric',
    count,
    missing: rows - count,
    min: count > 0 ? min : null,
    max: count > 0 ? max : null,
    mean,
    std: count > 1 ? Math.sqrt(squares / (count - 1)) : null,
    quantiles: [],
    sketch: '',
    histogram: null,
    frequencies: null,
    integer,
  };
}

/** DatasetRows over columns in memory. `closed` counts close() calls (tests check readers are released). */
export class MemoryDatasetRows implements DatasetRows {
  closed = 0;

  constructor(
    readonly dataset: Dataset,
    private readonly columns: Float64Array[],
    private readonly labels: (number | string | null)[],
  ) {}

  async *batches(options: { batchRows?: number; from?: number; count?: number } = {}): AsyncIterable<RowBatch> {
    const size = options.batchRows ?? 1024;
    const from = options.from ?? 0;
    const end = Math.min(this.dataset.rows, from + (options.count ?? this.dataset.rows));
    for (let start = from; start < end; start += size) {
      const count = Math.min(size, end - start);
      const inputs = new Map<string, Float64Array>();
      this.dataset.inputs.forEach((input, k) => {
        inputs.set(input.name, this.columns[k]!.slice(start * input.size, (start + count) * input.size));
      });
      yield { start, count, inputs, labels: this.labels.slice(start, start + count) };
    }
  }

  async featureColumns(indices: readonly number[]): Promise<Float64Array[]> {
    return indices.map((i) => {
      const feature = this.dataset.features[i]!;
      const k = this.dataset.inputs.findIndex((input) => input.name === feature.input);
      const input = this.dataset.inputs[k]!;
      const out = new Float64Array(this.dataset.rows);
      for (let r = 0; r < out.length; r++) out[r] = this.columns[k]![r * input.size + feature.index]!;
      return out;
    });
  }

  async readRows(indices: readonly number[]): Promise<Omit<RowBatch, 'start' | 'count'> & { indices: number[] }> {
    const inputs = new Map<string, Float64Array>();
    this.dataset.inputs.forEach((input, k) => {
      const out = new Float64Array(indices.length * input.size);
      indices.forEach((row, i) =>
        out.set(this.columns[k]!.subarray(row * input.size, (row + 1) * input.size), i * input.size),
      );
      inputs.set(input.name, out);
    });
    return { indices: [...indices], inputs, labels: indices.map((row) => this.labels[row] ?? null) };
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

/** A JSONL fixture (or parsed rows) as DatasetRows, its rows repeated cyclically up to `rows` when given. */
export function memoryDatasetRows(
  source: string | MemoryRows,
  options: { name?: string; rows?: number } = {},
): MemoryDatasetRows {
  const rows = typeof source === 'string' ? readJsonlRows(source) : source;
  const name = options.name ?? (typeof source === 'string' ? basename(source, extname(source)) : 'memory');
  const entry = memoryDataset(rows, { name, rows: options.rows });
  return new MemoryDatasetRows(entry.dataset, entry.columns, entry.labels);
}

/** A dataset library in memory: fixtures by name, opened as MemoryDatasetRows, subsets cut by row index. */
export class MemoryDatasets implements ComparisonDatasets {
  private readonly stored = new Map<
    string,
    { dataset: Dataset; columns: Float64Array[]; labels: (number | string | null)[] }
  >();
  readonly opened: MemoryDatasetRows[] = [];

  /** Adds a JSONL fixture (named after the file unless `name` is given). */
  addFile(path: string, options: { name?: string; rows?: number } = {}): Dataset {
    const name = options.name ?? basename(path, extname(path));
    const entry = memoryDataset(readJsonlRows(path), { name, rows: options.rows });
    this.stored.set(name, entry);
    return entry.dataset;
  }

  get(nameOrId: string): Dataset | undefined {
    return this.find(nameOrId)?.dataset;
  }

  open(nameOrId: string): DatasetRows {
    const entry = this.find(nameOrId);
    if (!entry) throw new UserError('not-found', `no dataset '${nameOrId}'`);
    const rows = new MemoryDatasetRows(entry.dataset, entry.columns, entry.labels);
    this.opened.push(rows);
    return rows;
  }

  deriveSubset(source: string, rowIndices: readonly number[], newName: string, derivedFrom: string): Dataset {
    const entry = this.find(source);
    if (!entry) throw new UserError('not-found', `no dataset '${source}'`);
    const picked: MemoryRows = {
      inputs: entry.dataset.inputs.map((input, k) => ({
        name: input.name,
        shape: input.shape,
        values: rowIndices.map((r) => Array.from(entry.columns[k]!.subarray(r * input.size, (r + 1) * input.size))),
      })),
      labels: rowIndices.map((r) => entry.labels[r] ?? null),
    };
    const derived = memoryDataset(picked, { name: newName, derivedFrom });
    this.stored.set(newName, derived);
    return derived.dataset;
  }

  private find(nameOrId: string) {
    for (const entry of this.stored.values()) {
      if (entry.dataset.name === nameOrId || entry.dataset.id === nameOrId) return entry;
    }
    return undefined;
  }
}
