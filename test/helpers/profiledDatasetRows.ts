// An in-memory DatasetRows whose features are profiled by the real profiler (FeatureStats), for drift tests:
// driftBetween reads its feature columns, driftAgainstProfile its profiles (sketches, frequencies).
import { readFileSync } from 'node:fs';
import { DatasetSchema, type Dataset } from '../../src-shared/contract';
import type { DatasetRows, RowBatch, RowSelection } from '../../src-main/engine/compare/datasets/datasetRows';
import { FeatureStats } from '../../src-main/engine/compare/datasets/featureStats';

export interface FixtureRow {
  inputs: Record<string, number | null | (number | null)[]>;
  label?: number | string | null;
}

/** Rows of a JSONL file (the fixtures in resources/data). */
export function readFixtureRows(path: string): FixtureRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FixtureRow);
}

interface Input {
  name: string;
  size: number;
  /** Row-major: rows × size. */
  values: Float64Array;
}

export class ProfiledDatasetRows implements DatasetRows {
  readonly dataset: Dataset;

  /** One scalar input per named column. */
  static fromColumns(name: string, columns: Record<string, Float64Array>): ProfiledDatasetRows {
    const inputs = Object.entries(columns).map(([input, values]) => ({ name: input, size: 1, values }));
    const rows = inputs[0]?.values.length ?? 0;
    return new ProfiledDatasetRows(name, inputs, new Array<null>(rows).fill(null));
  }

  static fromRows(name: string, rows: readonly FixtureRow[]): ProfiledDatasetRows {
    const first = rows[0];
    if (!first) throw new Error('ProfiledDatasetRows: no rows');
    const inputs = Object.entries(first.inputs).map(([input, sample]) => {
      const size = Array.isArray(sample) ? sample.length : 1;
      const values = new Float64Array(rows.length * size);
      rows.forEach((row, r) => {
        const v = row.inputs[input];
        const flat = Array.isArray(v) ? v : [v];
        if (flat.length !== size) throw new Error(`row ${r}: ${input} has ${flat.length} values, expected ${size}`);
        flat.forEach((x, i) => (values[r * size + i] = x === null || x === undefined ? Number.NaN : x));
      });
      return { name: input, size, values };
    });
    return new ProfiledDatasetRows(
      name,
      inputs,
      rows.map((row) => row.label ?? null),
    );
  }

  private constructor(
    name: string,
    private readonly inputs: Input[],
    private readonly labels: (number | string | null)[],
  ) {
    const rows = labels.length;
    const stats = new FeatureStats(inputs.reduce((n, input) => n + input.size, 0));
    const firsts: number[] = [];
    let first = 0;
    for (const input of inputs) {
      firsts.push(first);
      for (let r = 0; r < rows; r++) stats.addRow(input.values, r * input.size, input.size, first);
      first += input.size;
    }
    stats.beginSecondPass();
    inputs.forEach((input, k) => stats.addStoredRows(input.values, rows, input.size, firsts[k]!));
    const features = inputs.flatMap((input, k) =>
      Array.from({ length: input.size }, (_, i) =>
        stats.profile(firsts[k]! + i, {
          name: input.size === 1 ? input.name : `${input.name}[${i}]`,
          input: input.name,
          index: i,
          boolean: false,
        }),
      ),
    );
    this.dataset = DatasetSchema.parse({
      id: `memory-${name}`,
      name,
      format: 'jsonl',
      source: `memory:${name}`,
      sourceBytes: 0,
      sha256: '0'.repeat(64),
      rows,
      skippedRows: 0,
      skipped: [],
      inputs: inputs.map((input) => ({
        name: input.name,
        shape: input.size === 1 ? [] : [input.size],
        size: input.size,
      })),
      features,
      label: null,
      createdAt: new Date(0).toISOString(),
    });
  }

  async *batches(options: { batchRows?: number; from?: number; count?: number } = {}): AsyncIterable<RowBatch> {
    const from = options.from ?? 0;
    const end = Math.min(this.labels.length, from + (options.count ?? this.labels.length));
    const batchRows = options.batchRows ?? 256;
    for (let start = from; start < end; start += batchRows) {
      const count = Math.min(batchRows, end - start);
      const inputs = new Map(
        this.inputs.map((input) => [input.name, input.values.slice(start * input.size, (start + count) * input.size)]),
      );
      yield { start, count, inputs, labels: this.labels.slice(start, start + count) };
    }
  }

  /** Copied out of the row-major inputs, as a store reading them would. */
  async featureColumns(indices: readonly number[]): Promise<Float64Array[]> {
    const rows = this.labels.length;
    return indices.map((index) => {
      const feature = this.dataset.features[index];
      if (!feature) throw new Error(`no feature ${index}`);
      const input = this.inputs.find((i) => i.name === feature.input)!;
      const column = new Float64Array(rows);
      for (let r = 0; r < rows; r++) column[r] = input.values[r * input.size + feature.index]!;
      return column;
    });
  }

  async readRows(indices: readonly number[]): Promise<RowSelection> {
    const inputs = new Map(
      this.inputs.map((input) => {
        const out = new Float64Array(indices.length * input.size);
        indices.forEach((r, k) => out.set(input.values.subarray(r * input.size, (r + 1) * input.size), k * input.size));
        return [input.name, out];
      }),
    );
    return { indices: [...indices], inputs, labels: indices.map((r) => this.labels[r] ?? null) };
  }

  async close(): Promise<void> {}
}
