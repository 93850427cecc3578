// Reads a stored dataset back (DatasetRows): batches are byte ranges of each input's row-major float64 file read
// straight into fresh Float64Arrays (no parsing, nothing per value; the next batch is read while the caller
// works on this one); feature columns are read in large chunks and de-interleaved; rows by index in runs.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../../../../src-shared/contract';
import type { DatasetLayout, StoredDataset } from '../../store/datasetRepository';
import { UserError } from '../../userError';
import type { DatasetRows, RowBatch, RowSelection } from './datasetRows';

export const DEFAULT_BATCH_ROWS = 1024;
const COLUMN_CHUNK_BYTES = 16 * 1024 * 1024;
/** Rows picked this close together are read in one go (reading a few extra rows beats another read). */
const RUN_GAP_ROWS = 16;

type Label = number | string | null;

export class StoredDatasetRows implements DatasetRows {
  private closed = false;

  private constructor(
    readonly dataset: Dataset,
    private readonly layout: DatasetLayout,
    private readonly files: FileHandle[],
    private readonly labelFile: FileHandle | null,
  ) {}

  /** Opens every file of a stored dataset and checks each holds exactly its rows. */
  static async open(folder: string, stored: StoredDataset): Promise<StoredDatasetRows> {
    const { dataset, layout } = stored;
    const handles: FileHandle[] = [];
    try {
      for (let k = 0; k < dataset.inputs.length; k++) {
        handles.push(
          await openChecked(folder, layout.inputFiles[k]!, dataset.rows * dataset.inputs[k]!.size * 8, dataset),
        );
      }
      const labels = layout.labelFile ? await openChecked(folder, layout.labelFile, dataset.rows * 8, dataset) : null;
      return new StoredDatasetRows(dataset, layout, handles, labels);
    } catch (error) {
      await Promise.allSettled(handles.map((h) => h.close()));
      throw error;
    }
  }

  async *batches(options: { batchRows?: number; from?: number; count?: number } = {}): AsyncIterable<RowBatch> {
    const rows = this.dataset.rows;
    const from = Math.max(0, Math.floor(options.from ?? 0));
    const end = Math.min(rows, from + Math.max(0, Math.floor(options.count ?? rows)));
    const size = Math.max(1, Math.floor(options.batchRows ?? DEFAULT_BATCH_ROWS));
    if (from >= end) return;
    let pending: Promise<RowBatch> | null = this.readBatch(from, Math.min(size, end - from));
    try {
      let start = from;
      while (pending) {
        const batch: RowBatch = await pending;
        start += batch.count;
        // Read ahead: the next batch comes off the disk while the caller works on this one.
        pending = start < end ? this.readBatch(start, Math.min(size, end - start)) : null;
        yield batch;
      }
    } finally {
      // A caller that stops early leaves a read in flight; its outcome no longer matters.
      pending?.catch(() => {});
    }
  }

  async featureColumns(indices: readonly number[]): Promise<Float64Array[]> {
    this.checkOpen();
    const { rows, features, inputs } = this.dataset;
    const columns = indices.map(() => new Float64Array(rows));
    const byInput = new Map<number, { element: number; column: number }[]>();
    indices.forEach((index, column) => {
      const feature = features[index];
      if (!Number.isInteger(index) || !feature) {
        throw new UserError(
          'bad-input',
          `dataset ${this.dataset.name} has no feature ${index} (it has ${features.length})`,
        );
      }
      const k = inputs.findIndex((i) => i.name === feature.input);
      const list = byInput.get(k) ?? [];
      list.push({ element: feature.index, column });
      byInput.set(k, list);
    });
    for (const [k, wanted] of byInput) {
      const size = inputs[k]!.size;
      const chunkRows = Math.max(1, Math.floor(COLUMN_CHUNK_BYTES / (8 * size)));
      const chunk = new Float64Array(Math.min(rows, chunkRows) * size);
      for (let row = 0; row < rows; row += chunkRows) {
        const count = Math.min(chunkRows, rows - row);
        await readExactly(this.files[k]!, chunk, count * size, row * size * 8);
        for (const { element, column } of wanted) {
          const out = columns[column]!;
          for (let r = 0, at = element; r < count; r++, at += size) out[row + r] = chunk[at]!;
        }
      }
    }
    return columns;
  }

  async readRows(indices: readonly number[]): Promise<RowSelection> {
    this.checkOpen();
    const { rows, inputs } = this.dataset;
    for (const index of indices) {
      if (!Number.isInteger(index) || index < 0 || index >= rows) {
        throw new UserError('bad-input', `row ${index} is not in dataset ${this.dataset.name} (rows 0..${rows - 1})`);
      }
    }
    const n = indices.length;
    const out = new Map(inputs.map((input) => [input.name, new Float64Array(n * input.size)]));
    const labels: Label[] = new Array<Label>(n).fill(null);
    // Sorted positions grouped into runs of nearby rows: one read per run and input.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => indices[a]! - indices[b]!);
    for (let i = 0; i < n;) {
      const first = indices[order[i]!]!;
      let j = i + 1;
      while (
        j < n &&
        indices[order[j]!]! - indices[order[j - 1]!]! <= RUN_GAP_ROWS &&
        indices[order[j]!]! - first < DEFAULT_BATCH_ROWS
      ) {
        j++;
      }
      const last = indices[order[j - 1]!]!;
      const batch = await this.readBatch(first, last - first + 1);
      for (let p = i; p < j; p++) {
        const target = order[p]!;
        const row = indices[target]! - first;
        for (const input of inputs) {
          const values = batch.inputs.get(input.name)!;
          out.get(input.name)!.set(values.subarray(row * input.size, (row + 1) * input.size), target * input.size);
        }
        labels[target] = batch.labels[row] ?? null;
      }
      i = j;
    }
    return { indices: [...indices], inputs: out, labels };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.files, ...(this.labelFile ? [this.labelFile] : [])].map((h) => h.close()));
  }

  private async readBatch(start: number, count: number): Promise<RowBatch> {
    this.checkOpen();
    const inputs = new Map<string, Float64Array>();
    const reads = this.dataset.inputs.map(async (input, k) => {
      const values = new Float64Array(count * input.size);
      await readExactly(this.files[k]!, values, values.length, start * input.size * 8);
      inputs.set(input.name, values);
    });
    const labels = this.readLabels(start, count);
    await Promise.all(reads);
    // Map order follows the dataset's inputs, whatever order the reads finished in.
    const ordered = new Map(this.dataset.inputs.map((i) => [i.name, inputs.get(i.name)!]));
    return { start, count, inputs: ordered, labels: await labels };
  }

  private async readLabels(start: number, count: number): Promise<Label[]> {
    if (!this.labelFile) return new Array<Label>(count).fill(null);
    const coded = new Float64Array(count);
    await readExactly(this.labelFile, coded, count, start * 8);
    const labels = new Array<Label>(count);
    const names = this.layout.labelType === 'string' ? this.layout.labelValues : null;
    for (let i = 0; i < count; i++) {
      const v = coded[i]!;
      labels[i] = v !== v ? null : names ? names[v]! : v;
    }
    return labels;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`dataset ${this.dataset.name} was closed`);
  }
}

async function openChecked(folder: string, file: string, bytes: number, dataset: Dataset): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(join(folder, file), 'r');
  } catch (error) {
    throw new UserError(
      'unavailable',
      `dataset ${dataset.name} is damaged: ${file} cannot be opened (${(error as NodeJS.ErrnoException).code}); remove it and import it again`,
    );
  }
  const size = (await handle.stat()).size;
  if (size !== bytes) {
    await handle.close();
    throw new UserError(
      'unavailable',
      `dataset ${dataset.name} is damaged: ${file} holds ${size} bytes, expected ${bytes}; remove it and import it again`,
    );
  }
  return handle;
}

/** Fills `values[0 .. count)` from the file at `position` (a short read would mean a damaged file). */
async function readExactly(handle: FileHandle, values: Float64Array, count: number, position: number): Promise<void> {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, count * 8);
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of a dataset file at byte ${position + done}`);
    done += bytesRead;
  }
}
