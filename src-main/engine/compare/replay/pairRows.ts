// One pair (baseline, candidate) over a replay: per output each row's |Δ| (max over the row's elements) and
// cosine similarity, each row's flip kind, and the explorer's top rows by |Δ| and by flips with their inputs
// and both versions' outputs. Everything per row is a typed array; only the explorer's rows are copied. What
// the summary needs of all rows (agreement, joint class counts, label flips, |Δ| sums) is tallied as chunks
// arrive, while the pools run the next ones, so the summary does not walk the rows again for it.
import type { ExplorerRow } from '../../../../src-shared/contract';
import type { RowBatch } from '../datasets/datasetRows';
import { NO_CLASS, type ClassCodes } from './classCodes';
import { DeltaTally } from './deltaTally';
import { JointCounts } from './jointCounts';
import type { ChunkOutput, NumberArray, VersionChunk } from './replayRows';
import { RunningSums } from './runningSums';
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
  /** Running figures of the rows' |Δ| (those not NaN), for its quantiles, mean and histogram. */
  tally: DeltaTally;
}

/** What the labels say of a pair's classification rows (both answered, labelled). */
export interface LabelTally {
  rows: number;
  bothRight: number;
  bothWrong: number;
  /** Baseline right, candidate wrong. */
  negative: number;
  positive: number;
  /** Per row in row order: candidate right − baseline right (−1, 0 or 1). */
  deltas: RunningSums;
}

/** An explorer row as kept while rows stream past: copies of its values, made into JSON only if it stays. */
interface ExplorerCapture {
  row: number;
  label: number | string | null;
  absDelta: number;
  flip: number;
  inputs: [string, Float64Array][];
  outputs: [NumberArray | null, NumberArray | null];
  json?: ExplorerRow;
}

type ExplorerItem = Ranked & { value: ExplorerCapture };

export class PairRows {
  readonly outputs: OutputRows[];
  readonly flips: Uint8Array;
  readonly byDelta: TopRows<ExplorerItem>;
  readonly byFlips: TopRows<ExplorerItem>;
  /** Rows both versions answered. */
  bothRows = 0;
  /** Classification pairs: class pairs, agreement per row (1/0, row order) and the labels' verdicts. */
  readonly joint: JointCounts | null;
  readonly agreement: RunningSums | null;
  readonly labelTally: LabelTally | null;
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
    this.outputs = outputs.map((output) => {
      const absDelta = new Float32Array(rows).fill(Number.NaN);
      return {
        output,
        elements: null,
        absDelta,
        cosineSum: 0,
        cosineMin: Number.POSITIVE_INFINITY,
        cosineRows: 0,
        skipped: null,
        tally: new DeltaTally(absDelta),
      };
    });
    this.deltaIndex = deltaOutput === null ? -1 : outputs.indexOf(deltaOutput);
    this.flips = new Uint8Array(rows);
    this.byDelta = new TopRows(explorerRows);
    this.byFlips = new TopRows(explorerRows);
    const classification = baseline.codes !== null && candidate.codes !== null;
    this.joint = classification ? new JointCounts() : null;
    this.agreement = classification ? new RunningSums(rows) : null;
    this.labelTally = classification
      ? { rows: 0, bothRight: 0, bothWrong: 0, negative: 0, positive: 0, deltas: new RunningSums(rows) }
      : null;
  }

  /** The explorer's rows, highest ranked first, by |Δ| or by flips. */
  explorerRows(sort: 'delta' | 'flips'): ExplorerRow[] {
    return (sort === 'delta' ? this.byDelta : this.byFlips).sorted().map((item) => this.explorerJson(item.value));
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
    const okA = this.baseline.ok;
    const okB = this.candidate.ok;
    const { joint, agreement, labelTally: tally } = this;
    const delta = this.deltaIndex >= 0 ? this.outputs[this.deltaIndex]!.absDelta : null;
    for (let r = 0; r < batch.count; r++) {
      const row = batch.start + r;
      if (okA[row] !== 1 || okB[row] !== 1) continue;
      this.bothRows++;
      let flip: number = FLIP.none;
      if (codesA && codesB && joint && agreement && tally) {
        const a = codesA[row]!;
        const b = codesB[row]!;
        joint.add(a, b);
        agreement.push(a === b ? 1 : 0);
        const label = labels ? labels[row]! : NO_CLASS;
        if (label !== NO_CLASS) {
          const rightA = a === label;
          const rightB = b === label;
          if (rightA && rightB) tally.bothRight++;
          else if (!rightA && !rightB) tally.bothWrong++;
          else if (rightA) tally.negative++;
          else tally.positive++;
          tally.rows++;
          tally.deltas.push((rightB ? 1 : 0) - (rightA ? 1 : 0));
        }
        if (a !== b) {
          if (label === NO_CLASS) flip = FLIP.changed;
          else if (a === label) flip = FLIP.negative;
          else if (b === label) flip = FLIP.positive;
          else flip = FLIP.changed;
        }
      }
      this.flips[row] = flip;
      const d = delta ? delta[row]! : 0;
      const rankDelta = Number.isNaN(d) ? -1 : d;
      const wantDelta = this.byDelta.accepts(rankDelta, 0, row);
      const wantFlip = flip !== FLIP.none && this.byFlips.accepts(flip, rankDelta, row);
      if (!wantDelta && !wantFlip) continue;
      const value = this.capture(batch, r, chunks, flip, Number.isNaN(d) ? 0 : d);
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
    const okA = this.baseline.ok;
    const okB = this.candidate.ok;
    const { absDelta, tally } = o;
    for (let r = 0; r < batch.count; r++) {
      const row = batch.start + r;
      if (okA[row] !== 1 || okB[row] !== 1) continue;
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
      absDelta[row] = max;
      tally.add(row);
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

  /** Copies of a row's inputs and the explorer output's values (typed copies: most rows later drop out). */
  private capture(
    batch: RowBatch,
    r: number,
    chunks: readonly VersionChunk[],
    flip: number,
    d: number,
  ): ExplorerCapture {
    const inputs: [string, Float64Array][] = [];
    for (const [name, values] of batch.inputs) {
      const size = values.length / batch.count;
      inputs.push([name, values.slice(r * size, (r + 1) * size)]);
    }
    const side = (index: number): NumberArray | null => {
      const output = this.deltaOutput ? chunks[index]!.outputs?.get(this.deltaOutput) : undefined;
      if (!output || Array.isArray(output.values)) return null;
      const size = output.rowSize;
      return output.values.slice(r * size, (r + 1) * size);
    };
    return {
      row: batch.start + r,
      label: batch.labels[r] ?? null,
      absDelta: d,
      flip,
      inputs,
      outputs: [side(this.baselineIndex), side(this.candidateIndex)],
    };
  }

  private explorerJson(c: ExplorerCapture): ExplorerRow {
    if (c.json) return c.json;
    const numbers = (values: ArrayLike<number>) => Array.from(values, (v) => (Number.isFinite(v) ? v : null));
    const side = (predictions: VersionPredictions, values: NumberArray | null) => ({
      ref: predictions.ref,
      prediction: predictions.codes ? this.classes.value(predictions.codes[c.row]!) : predictions.values![c.row]!,
      values: values ? numbers(values) : [],
    });
    c.json = {
      row: c.row,
      label: c.label,
      absDelta: c.absDelta,
      flip: FLIP_NAMES[c.flip]!,
      inputs: Object.fromEntries(c.inputs.map(([name, values]) => [name, numbers(values)])),
      outputs: [side(this.baseline, c.outputs[0]), side(this.candidate, c.outputs[1])],
    };
    return c.json;
  }
}
