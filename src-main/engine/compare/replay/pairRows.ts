// One pair (baseline, candidate) over a replay: per output each row's |Δ| (max over the row's elements) and
// cosine similarity, each row's flip kind, and the explorer's top rows by |Δ| and by flips with their inputs
// and both versions' outputs. Everything per row is a typed array; only the explorer's rows are copied.
import type { ExplorerRow } from '../../../../src-shared/contract';
import type { RowBatch } from '../datasets/datasetRows';
import { NO_CLASS, type ClassCodes } from './classCodes';
import type { ChunkOutput, VersionChunk } from './replayRows';
import { TopRows, type Ranked } from './topRows';
import type { VersionPredictions } from './versionPredictions';

/** Flip kinds as stored per row (and ranked by the explorer's flips sort, highest first). */
export const FLIP = { none: 0, changed: 1, positive: 2, negative: 3 } as const;
const FLIP_NAMES = ['none', 'changed', 'positive', 'negative'] as const;

export interface OutputRows {
  output: string;
  /** Elements per row, known from the first answered chunk. */
  elements: number | null;
  absDelta: Float32Array;
  cosineSum: number;
  cosineMin: number;
  cosineRows: number;
  /** Set when the output cannot be compared after all (a different size in the two versions). */
  skipped: string | null;
}

type ExplorerItem = Ranked & { value: ExplorerRow };

export class PairRows {
  readonly outputs: OutputRows[];
  readonly flips: Uint8Array;
  readonly byDelta: TopRows<ExplorerItem>;
  readonly byFlips: TopRows<ExplorerItem>;
  private readonly deltaIndex: number;

  constructor(
    readonly baseline: VersionPredictions,
    readonly candidate: VersionPredictions,
    readonly baselineIndex: number,
    readonly candidateIndex: number,
    outputs: readonly string[],
    /** The output whose |Δ| ranks the explorer (one of `outputs`), or null when none is compared. */
    readonly deltaOutput: string | null,
    rows: number,
    explorerRows: number,
    private readonly classes: ClassCodes,
  ) {
    this.outputs = outputs.map((output) => ({
      output,
      elements: null,
      absDelta: new Float32Array(rows).fill(Number.NaN),
      cosineSum: 0,
      cosineMin: Number.POSITIVE_INFINITY,
      cosineRows: 0,
      skipped: null,
    }));
    this.deltaIndex = deltaOutput === null ? -1 : outputs.indexOf(deltaOutput);
    this.flips = new Uint8Array(rows);
    this.byDelta = new TopRows(explorerRows);
    this.byFlips = new TopRows(explorerRows);
  }

  /** Per-row |Δ| of the explorer's output (zeros when none is compared, NaN where a version failed). */
  explorerDelta(): Float32Array {
    if (this.deltaIndex >= 0) return this.outputs[this.deltaIndex]!.absDelta;
    const zeros = new Float32Array(this.flips.length);
    for (let row = 0; row < zeros.length; row++) if (!this.bothOk(row)) zeros[row] = Number.NaN;
    return zeros;
  }

  bothOk(row: number): boolean {
    return this.baseline.ok[row] === 1 && this.candidate.ok[row] === 1;
  }

  add(batch: RowBatch, chunks: readonly VersionChunk[], labels: Int32Array | null): void {
    const a = chunks[this.baselineIndex]!.outputs;
    const b = chunks[this.candidateIndex]!.outputs;
    if (!a || !b) return;
    for (const o of this.outputs) this.addOutput(o, batch, a.get(o.output), b.get(o.output));
    const codesA = this.baseline.codes;
    const codesB = this.candidate.codes;
    const delta = this.deltaIndex >= 0 ? this.outputs[this.deltaIndex]!.absDelta : null;
    for (let r = 0; r < batch.count; r++) {
      const row = batch.start + r;
      if (!this.bothOk(row)) continue;
      let flip: number = FLIP.none;
      if (codesA && codesB && codesA[row] !== codesB[row]) {
        const label = labels ? labels[row]! : NO_CLASS;
        if (label === NO_CLASS) flip = FLIP.changed;
        else if (codesA[row] === label) flip = FLIP.negative;
        else if (codesB[row] === label) flip = FLIP.positive;
        else flip = FLIP.changed;
      }
      this.flips[row] = flip;
      const d = delta ? delta[row]! : 0;
      const rankDelta = Number.isNaN(d) ? -1 : d;
      const wantDelta = this.byDelta.accepts(rankDelta, 0, row);
      const wantFlip = flip !== FLIP.none && this.byFlips.accepts(flip, rankDelta, row);
      if (!wantDelta && !wantFlip) continue;
      const value = this.explorerRow(batch, r, chunks, flip, Number.isNaN(d) ? 0 : d);
      if (wantDelta) this.byDelta.offer({ rank: rankDelta, tie: 0, row, value });
      if (wantFlip) this.byFlips.offer({ rank: flip, tie: rankDelta, row, value });
    }
  }

  private addOutput(o: OutputRows, batch: RowBatch, a: ChunkOutput | undefined, b: ChunkOutput | undefined): void {
    if (o.skipped || !a || !b) return;
    if (Array.isArray(a.values) || Array.isArray(b.values)) {
      o.skipped = 'holds strings: compared only as predictions';
      return;
    }
    if (a.rowSize !== b.rowSize) {
      o.skipped = `${a.rowSize} values per row in the baseline, ${b.rowSize} in the candidate`;
      return;
    }
    const size = a.rowSize;
    o.elements ??= size;
    const va = a.values;
    const vb = b.values;
    for (let r = 0; r < batch.count; r++) {
      const row = batch.start + r;
      if (!this.bothOk(row)) continue;
      let max = 0;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0, at = r * size; i < size; i++, at++) {
        const x = va[at]!;
        const y = vb[at]!;
        const d = Math.abs(y - x);
        if (d > max || Number.isNaN(d)) max = d;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      o.absDelta[row] = max;
      if (size >= 2 && na > 0 && nb > 0) {
        const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)));
        if (Number.isFinite(cos)) {
          o.cosineSum += cos;
          if (cos < o.cosineMin) o.cosineMin = cos;
          o.cosineRows++;
        }
      }
    }
  }

  private explorerRow(
    batch: RowBatch,
    r: number,
    chunks: readonly VersionChunk[],
    flip: number,
    d: number,
  ): ExplorerRow {
    const row = batch.start + r;
    const inputs: Record<string, (number | null)[]> = {};
    for (const [name, values] of batch.inputs) {
      const size = values.length / batch.count;
      inputs[name] = Array.from(values.subarray(r * size, (r + 1) * size), (v) => (Number.isFinite(v) ? v : null));
    }
    const side = (predictions: VersionPredictions, index: number) => {
      const output = this.deltaOutput ? chunks[index]!.outputs?.get(this.deltaOutput) : undefined;
      let values: (number | null)[] = [];
      if (output && !Array.isArray(output.values)) {
        const size = output.rowSize;
        values = Array.from(output.values.subarray(r * size, (r + 1) * size), (v) => (Number.isFinite(v) ? v : null));
      }
      const prediction = predictions.codes ? this.classes.value(predictions.codes[row]!) : predictions.values![row]!;
      return { ref: predictions.ref, prediction, values };
    };
    return {
      row,
      label: batch.labels[r] ?? null,
      absDelta: d,
      flip: FLIP_NAMES[flip]!,
      inputs,
      outputs: [side(this.baseline, this.baselineIndex), side(this.candidate, this.candidateIndex)],
    };
  }
}
