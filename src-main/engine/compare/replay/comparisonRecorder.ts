// Everything a comparison keeps while rows stream past: each version's predictions, each pair's per-row
// figures and explorer rows, the labels as class codes or values, and a systematic sample of each compared
// output's values for the distribution distance. Memory grows with rows only by a few typed arrays.
import type { PredictionChoice } from '../../../../src-shared/contract';
import { ClassCodes, NO_CLASS } from './classCodes';
import { PairRows } from './pairRows';
import type { ReplayChunk } from './replayRows';
import { VersionPredictions } from './versionPredictions';

/** Rows sampled (every k-th answered row) for the distribution distance of each output. */
export const DISTANCE_SAMPLE_ROWS = 5_000;
/** Outputs with more elements per row are compared as one pooled distribution, on fewer rows. */
export const PER_ELEMENT_MAX = 64;
const POOLED_MAX_VALUES = 1_000_000;

export interface RecorderVersion {
  ref: string;
  prediction: PredictionChoice;
}

export interface RecorderPair {
  candidate: number;
  /** Numeric outputs both versions have. */
  outputs: string[];
  /** Outputs not compared, and why (only in one version, not numeric). */
  skipped: { output: string; reason: string }[];
  deltaOutput: string | null;
}

export interface RecorderSetup {
  rows: number;
  versions: readonly RecorderVersion[];
  pairs: readonly RecorderPair[];
  explorerRows: number;
  /** Outputs to sample for the distribution distance (those some pair compares). */
  distanceOutputs: readonly string[];
}

/** Sampled values of one output of one version: per element (or pooled), growing as rows are sampled. */
export interface OutputSample {
  elements: number;
  pooled: boolean;
  /** Per element (one array when pooled): the sampled values. */
  columns: Float64Array[];
  length: number;
}

export class ComparisonRecorder {
  readonly classes = new ClassCodes();
  readonly versions: VersionPredictions[];
  readonly pairs: PairRows[];
  /** Label per row: a class code (classification) and a number (regression), or NO_CLASS / NaN. */
  readonly labelCodes: Int32Array;
  readonly labelValues: Float64Array;
  labelledRows = 0;
  /** Per version, per distance output: the sample. */
  readonly samples: Map<string, OutputSample>[];
  private readonly sampleStride: number;
  private sampleCapacity: number;
  private chunkIndex = 0;
  /** Flags by class code: 1 when some row's label is that class. */
  private labelSeen = new Uint8Array(16);

  constructor(readonly setup: RecorderSetup) {
    const { rows } = setup;
    this.versions = setup.versions.map((v) => new VersionPredictions(v.ref, v.prediction, rows, this.classes));
    this.pairs = setup.pairs.map(
      (p) =>
        new PairRows(
          this.versions[0]!,
          this.versions[p.candidate]!,
          0,
          p.candidate,
          p.outputs,
          p.deltaOutput,
          rows,
          setup.explorerRows,
          this.classes,
        ),
    );
    this.labelCodes = new Int32Array(rows).fill(NO_CLASS);
    this.labelValues = new Float64Array(rows).fill(Number.NaN);
    this.samples = setup.versions.map(() => new Map());
    this.sampleStride = Math.max(1, Math.ceil(rows / DISTANCE_SAMPLE_ROWS));
    this.sampleCapacity = Math.ceil(rows / this.sampleStride);
  }

  get chunks(): number {
    return this.chunkIndex;
  }

  /** Takes one replayed chunk (chunks arrive in row order). */
  add(chunk: ReplayChunk): void {
    const { batch } = chunk;
    const index = this.chunkIndex++;
    chunk.versions.forEach((v, k) => this.versions[k]!.add(index, batch.start, batch.count, v));
    for (let r = 0; r < batch.count; r++) {
      const label = batch.labels[r];
      if (label === null || label === undefined || (typeof label === 'number' && !Number.isFinite(label))) continue;
      const row = batch.start + r;
      const code = this.classes.codeOf(label);
      this.labelCodes[row] = code;
      this.markLabel(code);
      const value = typeof label === 'number' ? label : Number(label);
      if (Number.isFinite(value) && (typeof label === 'number' || label.trim() !== '')) this.labelValues[row] = value;
      this.labelledRows++;
    }
    for (const v of this.versions) v.scoreLabels(batch.start, batch.count, this.labelCodes);
    for (const pair of this.pairs) pair.add(batch, chunk.versions, this.labelCodes);
    this.sample(chunk);
  }

  /** Whether some row's label is class `code`. */
  hasLabel(code: number): boolean {
    return code >= 0 && code < this.labelSeen.length && this.labelSeen[code] === 1;
  }

  private markLabel(code: number): void {
    if (code >= this.labelSeen.length) {
      const grown = new Uint8Array(Math.max(code + 1, 2 * this.labelSeen.length));
      grown.set(this.labelSeen);
      this.labelSeen = grown;
    }
    this.labelSeen[code] = 1;
  }

  /** Every k-th row that every version answered, for each distance output. */
  private sample(chunk: ReplayChunk): void {
    if (this.setup.distanceOutputs.length === 0) return;
    const { batch } = chunk;
    const stride = this.sampleStride;
    const firstRow = Math.ceil(batch.start / stride) * stride;
    for (let row = firstRow; row < batch.start + batch.count; row += stride) {
      if (!this.versions.every((v) => v.ok[row] === 1)) continue;
      const r = row - batch.start;
      chunk.versions.forEach((v, k) => {
        for (const name of this.setup.distanceOutputs) {
          const output = v.outputs?.get(name);
          if (!output || Array.isArray(output.values)) continue;
          const sample = this.sampleOf(k, name, output.rowSize);
          if (!sample || sample.elements !== output.rowSize) continue;
          const values = output.values;
          const at = r * output.rowSize;
          if (sample.pooled) {
            const column = sample.columns[0]!;
            if (sample.length + output.rowSize > column.length) continue;
            column.set(values.subarray(at, at + output.rowSize), sample.length);
            sample.length += output.rowSize;
          } else {
            if (sample.length >= sample.columns[0]!.length) continue;
            for (let e = 0; e < output.rowSize; e++) sample.columns[e]![sample.length] = values[at + e]!;
            sample.length++;
          }
        }
      });
    }
  }

  private sampleOf(version: number, name: string, elements: number): OutputSample | undefined {
    const map = this.samples[version]!;
    let sample = map.get(name);
    if (!sample && elements > 0) {
      const pooled = elements > PER_ELEMENT_MAX;
      sample = pooled
        ? {
            elements,
            pooled,
            columns: [new Float64Array(Math.min(this.sampleCapacity * elements, POOLED_MAX_VALUES))],
            length: 0,
          }
        : {
            elements,
            pooled,
            columns: Array.from({ length: elements }, () => new Float64Array(this.sampleCapacity)),
            length: 0,
          };
      map.set(name, sample);
    }
    return sample;
  }
}
