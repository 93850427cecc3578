// How the rest of the engine reads a stored dataset: rows in batches (replay) and feature columns (drift),
// without holding the whole dataset in memory. The dataset store implements it.
import type { Dataset } from '../../../../src-shared/contract';

/** A run of consecutive rows: for each input, `count × size` float64 values, row-major; labels per row. */
export interface RowBatch {
  /** Index of the first row in the dataset. */
  start: number;
  count: number;
  /** Input name → values (count × the input's per-row size), row after row. NaN marks a missing value. */
  inputs: Map<string, Float64Array>;
  /** Per-row label: a number, a class name, or null where the row has none. */
  labels: (number | string | null)[];
}

/** Rows picked by index (in the order asked), laid out as in a RowBatch. */
export interface RowSelection {
  indices: number[];
  inputs: Map<string, Float64Array>;
  labels: (number | string | null)[];
}

export interface DatasetRows {
  readonly dataset: Dataset;
  /** Rows [from, from + count) in batches of at most `batchRows`, in order. */
  batches(options?: { batchRows?: number; from?: number; count?: number }): AsyncIterable<RowBatch>;
  /** Feature columns by index into `dataset.features`: every row's value (NaN where missing), in row order. */
  featureColumns(indices: readonly number[]): Promise<Float64Array[]>;
  /** Rows by index, in the order given (repeats allowed): what the disagreement explorer shows and exports. */
  readRows(indices: readonly number[]): Promise<RowSelection>;
  close(): Promise<void>;
}
