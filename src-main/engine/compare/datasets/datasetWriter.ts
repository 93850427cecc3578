// Writes a dataset's rows into its (temp) folder as it is read: one file per input of row-major float64, and a
// float64 per row for the label. Readers fill the current row's slots, then commit it; statistics count only
// committed rows, so a bad row that is skipped leaves no trace. After the last row, a second pass over the
// stored values completes the profile.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetInput, FeatureProfile } from '../../../../src-shared/contract';
import { FeatureStats } from './featureStats';

/** Inputs with more elements than this in all are not profiled element by element (an image is not 150k features). */
export const MAX_PROFILED_FEATURES = 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

export interface InputSpec {
  name: string;
  /** Per-row shape (no batch axis). */
  shape: number[];
  size: number;
  /** The CSV columns that fill it, one per element (empty for JSONL). */
  columns: string[];
}

export const inputFileName = (k: number) => `input-${k}.f64`;
export const LABEL_FILE = 'labels.f64';

interface InputState {
  spec: InputSpec;
  fd: number;
  buffer: Float64Array;
  /** First feature index, or -1 when the input is not profiled. */
  firstFeature: number;
  /** Elements that came from boolean literals (committed rows). */
  booleans: number;
  /** Aggregates of an input that is not profiled element by element. */
  missing: number;
  min: number;
  max: number;
  whole: boolean;
}

export class DatasetWriter {
  /** Rows committed so far. */
  rows = 0;
  /** Index of the current row within the chunk buffers. */
  private slot = 0;
  private readonly chunkRows: number;
  private readonly inputs: InputState[];
  private readonly labelFd: number | null;
  private readonly labelBuffer: Float64Array | null;
  /** Per input: how many of the current row's values were boolean literals (readers add, commit keeps). */
  readonly rowBooleans: Uint32Array;
  private readonly stats: FeatureStats;
  private readonly hash: Hash | null;
  private closed = false;

  constructor(
    readonly folder: string,
    specs: readonly InputSpec[],
    hasLabel: boolean,
    options: { hash?: boolean } = {},
  ) {
    const rowValues = specs.reduce((n, s) => n + s.size, 0) + 1;
    this.chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / (8 * rowValues)));
    let features = 0;
    this.inputs = [];
    try {
      specs.forEach((spec, k) => {
        const profiled = features + spec.size <= MAX_PROFILED_FEATURES;
        this.inputs.push({
          spec,
          fd: openSync(join(folder, inputFileName(k)), 'wx'),
          buffer: new Float64Array(this.chunkRows * spec.size),
          firstFeature: profiled ? features : -1,
          booleans: 0,
          missing: 0,
          min: Infinity,
          max: -Infinity,
          whole: true,
        });
        if (profiled) features += spec.size;
      });
      this.labelFd = hasLabel ? openSync(join(folder, LABEL_FILE), 'wx') : null;
    } catch (error) {
      for (const input of this.inputs) closeSync(input.fd);
      throw error;
    }
    this.labelBuffer = hasLabel ? new Float64Array(this.chunkRows) : null;
    this.rowBooleans = new Uint32Array(specs.length);
    this.stats = new FeatureStats(features);
    this.hash = options.hash ? createHash('sha256') : null;
  }

  /** Input k's chunk buffer: the current row's values go at `offset(k)` … `offset(k) + size - 1`. */
  buffer(k: number): Float64Array {
    return this.inputs[k]!.buffer;
  }

  offset(k: number): number {
    return this.slot * this.inputs[k]!.spec.size;
  }

  /** Keeps the current row (its values already in the buffers) with its coded label. */
  commitRow(label: number): void {
    for (let k = 0; k < this.inputs.length; k++) {
      const input = this.inputs[k]!;
      const size = input.spec.size;
      const offset = this.slot * size;
      if (input.firstFeature >= 0) this.stats.addRow(input.buffer, offset, size, input.firstFeature);
      else aggregate(input, offset, size);
      input.booleans += this.rowBooleans[k]!;
      this.rowBooleans[k] = 0;
    }
    if (this.labelBuffer) this.labelBuffer[this.slot] = label;
    this.rows++;
    if (++this.slot === this.chunkRows) this.flush();
  }

  /** Forgets what a bad row wrote into the current slot. */
  discardRow(): void {
    this.rowBooleans.fill(0);
  }

  /** Writes what is buffered, fsyncs and closes the files. */
  finish(): void {
    this.flush();
    for (const input of this.inputs) fsyncSync(input.fd);
    if (this.labelFd !== null) fsyncSync(this.labelFd);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const input of this.inputs) closeSync(input.fd);
    if (this.labelFd !== null) closeSync(this.labelFd);
  }

  /** sha256 of everything written, when asked for at construction. */
  digest(): string {
    return this.hash ? this.hash.digest('hex') : '';
  }

  /** Bytes of the stored inputs a second pass reads (profiled inputs only). */
  get profileBytes(): number {
    return this.inputs.reduce((n, i) => (i.firstFeature >= 0 ? n + this.rows * i.spec.size * 8 : n), 0);
  }

  /**
   * Pass 2 over the stored files: feeds each profiled input's values to the sketches and histograms, a chunk
   * at a time; yields the bytes done after each chunk so a caller can report progress, yield, or stop.
   */
  *profileStored(): Generator<number> {
    this.stats.beginSecondPass();
    let done = 0;
    for (let k = 0; k < this.inputs.length; k++) {
      const input = this.inputs[k]!;
      const size = input.spec.size;
      if (input.firstFeature < 0 || size === 0) continue;
      const rowsPerChunk = Math.max(1, Math.floor(READ_CHUNK_BYTES / (8 * size)));
      const values = new Float64Array(rowsPerChunk * size);
      const bytes = new Uint8Array(values.buffer);
      const fd = openSync(join(this.folder, inputFileName(k)), 'r');
      try {
        for (let row = 0; row < this.rows; row += rowsPerChunk) {
          const rows = Math.min(rowsPerChunk, this.rows - row);
          readFully(fd, bytes, rows * size * 8, row * size * 8);
          this.stats.addStoredRows(values, rows, size, input.firstFeature);
          done += rows * size * 8;
          yield done;
        }
      } finally {
        closeSync(fd);
      }
    }
  }

  /** The inputs as the dataset records them (after the last row). */
  datasetInputs(): DatasetInput[] {
    return this.inputs.map((input) => {
      const { spec } = input;
      let { missing, min, max, whole } = input;
      if (input.firstFeature >= 0) {
        for (let i = 0; i < spec.size; i++) {
          const f = input.firstFeature + i;
          missing += this.stats.missing[f]!;
          if (this.stats.count[f]! > 0) {
            min = Math.min(min, this.stats.min[f]!);
            max = Math.max(max, this.stats.max[f]!);
            whole &&= this.stats.whole[f] === 1;
          }
        }
      }
      const present = this.rows * spec.size - missing;
      return {
        name: spec.name,
        shape: spec.shape,
        size: spec.size,
        boolean: present > 0 && input.booleans === present,
        integer: present > 0 && whole,
        min: present > 0 ? min : null,
        max: present > 0 ? max : null,
        missing,
        profiled: input.firstFeature >= 0,
        columns: spec.columns,
      };
    });
  }

  /** Every profiled feature's profile (after profileStored has run to its end). */
  features(): FeatureProfile[] {
    const inputs = this.datasetInputs();
    const profiles: FeatureProfile[] = [];
    this.inputs.forEach((input, k) => {
      if (input.firstFeature < 0) return;
      const { spec } = input;
      for (let i = 0; i < spec.size; i++) {
        profiles.push(
          this.stats.profile(input.firstFeature + i, {
            name: spec.columns[i] ?? featureName(spec, i),
            input: spec.name,
            index: i,
            boolean: inputs[k]!.boolean,
          }),
        );
      }
    });
    return profiles;
  }

  private flush(): void {
    if (this.slot === 0) return;
    for (const input of this.inputs) this.write(input.fd, input.buffer, this.slot * input.spec.size);
    if (this.labelFd !== null) this.write(this.labelFd, this.labelBuffer!, this.slot);
    this.slot = 0;
  }

  private write(fd: number, values: Float64Array, count: number): void {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, count * 8);
    this.hash?.update(bytes);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  }
}

/** `input[i]` (i the flat element index), `input` alone for a scalar input. */
export function featureName(spec: Pick<InputSpec, 'name' | 'shape'>, flat: number): string {
  return spec.shape.length === 0 ? spec.name : `${spec.name}[${flat}]`;
}

function aggregate(input: InputState, offset: number, size: number): void {
  const values = input.buffer;
  for (let i = offset; i < offset + size; i++) {
    const v = values[i]!;
    if (v !== v) {
      input.missing++;
      continue;
    }
    if (v < input.min) input.min = v;
    if (v > input.max) input.max = v;
    if (input.whole && !Number.isInteger(v)) input.whole = false;
  }
}

/** Reads exactly `length` bytes at `position` (the file was written by this process, so they are there). */
export function readFully(fd: number, into: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of a dataset file at byte ${position + done}`);
    done += n;
  }
}
