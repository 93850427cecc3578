// One version's per-row predictions over a replay, kept as typed arrays indexed by row: a class code (label
// or argmax) or a regression value, whether the row was answered, and each chunk's per-row compute time; and,
// as labels arrive, whether each labelled row was right (running sums the summary's accuracy reads).
import type { PredictionChoice } from '../../../../src-shared/contract';
import { ClassCodes, NO_CLASS } from './classCodes';
import type { ChunkOutput, NumberArray, VersionChunk } from './replayRows';
import { RunningSums } from './runningSums';

const ERROR_SAMPLES = 5;

export class VersionPredictions {
  /** 1 where the version answered the row with a usable prediction. */
  readonly ok: Uint8Array;
  /** Class code per row (classification), NO_CLASS where unanswered. */
  readonly codes: Int32Array | null;
  /** Value per row (regression), NaN where unanswered. */
  readonly values: Float64Array | null;
  answered = 0;
  errors = 0;
  readonly errorSamples: { row: number; message: string }[] = [];
  /** Per answered chunk: per-row compute ms and its rows (chunks are indexed like the replay's). */
  private latencyMs: number[] = [];
  private latencyRows: number[] = [];
  readonly chunkLatency = new Map<number, number>();
  /** Classification: per answered, labelled row in row order, 1 when the prediction is the label. */
  readonly correct: RunningSums | null;
  /** Flags by class code: 1 when some answered row predicts it. */
  private predictedCodes = new Uint8Array(16);
  /** Argmax: the class code of each element index, once seen (-1 before). */
  private argmaxCodes = new Int32Array(0);

  constructor(
    readonly ref: string,
    readonly prediction: PredictionChoice,
    rows: number,
    private readonly classes: ClassCodes,
  ) {
    this.ok = new Uint8Array(rows);
    const regression = prediction.rule === 'regression';
    this.codes = regression ? null : new Int32Array(rows).fill(NO_CLASS);
    this.values = regression ? new Float64Array(rows).fill(Number.NaN) : null;
    this.correct = regression ? null : new RunningSums(rows);
  }

  /** Whether some answered row predicts class `code`. */
  predicts(code: number): boolean {
    return code >= 0 && code < this.predictedCodes.length && this.predictedCodes[code] === 1;
  }

  /** Scores the chunk's answered rows that have a label (call once per chunk, after add and the labels). */
  scoreLabels(start: number, count: number, labelCodes: Int32Array): void {
    const codes = this.codes;
    const correct = this.correct;
    if (!codes || !correct) return;
    const ok = this.ok;
    for (let row = start, end = start + count; row < end; row++) {
      const label = labelCodes[row]!;
      if (ok[row] === 1 && label !== NO_CLASS) correct.push(codes[row] === label ? 1 : 0);
    }
  }

  /** Reads the predictions of a chunk of `count` rows from dataset row `start`. */
  add(chunkIndex: number, start: number, count: number, chunk: VersionChunk): void {
    const output = chunk.outputs?.get(this.prediction.output);
    if (!chunk.outputs || !output) {
      this.fail(start, count, chunk.error ?? `no output '${this.prediction.output}'`);
      return;
    }
    const problem = this.shapeProblem(output);
    if (problem) {
      this.fail(start, count, problem);
      return;
    }
    const { bad, firstBad } =
      this.prediction.rule === 'argmax' ? this.readArgmax(output, start, count) : this.readEach(output, start, count);
    if (bad > 0) this.fail(firstBad, bad, `output '${this.prediction.output}' is not a finite number`);
    this.latencyMs.push(chunk.computeMs / count);
    this.latencyRows.push(count);
    this.chunkLatency.set(chunkIndex, chunk.computeMs / count);
  }

  /** Per-row compute ms of every answered chunk, with the rows each stands for. */
  latency(): { perRowMs: Float64Array; rows: Float64Array } {
    return { perRowMs: Float64Array.from(this.latencyMs), rows: Float64Array.from(this.latencyRows) };
  }

  private shapeProblem(output: ChunkOutput): string | null {
    if (this.prediction.rule === 'argmax') {
      if (Array.isArray(output.values)) return `output '${this.prediction.output}' holds strings: argmax needs numbers`;
      return output.rowSize >= 2
        ? null
        : `output '${this.prediction.output}' has ${output.rowSize} value per row: argmax needs 2 or more`;
    }
    if (output.rowSize !== 1) {
      return `output '${this.prediction.output}' has ${output.rowSize} values per row; a ${this.prediction.rule} prediction is one`;
    }
    if (this.prediction.rule === 'regression' && Array.isArray(output.values)) {
      return `output '${this.prediction.output}' holds strings, not regression values`;
    }
    return null;
  }

  /** The argmax of each row (a row with a NaN is not answered): the hot path of classification, one loop. */
  private readArgmax(output: ChunkOutput, start: number, count: number): { bad: number; firstBad: number } {
    const numbers = output.values as NumberArray;
    const size = output.rowSize;
    if (this.argmaxCodes.length < size) {
      const grown = new Int32Array(size).fill(-1);
      grown.set(this.argmaxCodes);
      this.argmaxCodes = grown;
    }
    const cache = this.argmaxCodes;
    const codes = this.codes!;
    const ok = this.ok;
    let bad = 0;
    let firstBad = -1;
    let answered = 0;
    rows: for (let r = 0, at = 0; r < count; r++) {
      let best = -1;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < size; i++, at++) {
        const v = numbers[at]!;
        if (v !== v) {
          at += size - i;
          bad++;
          if (firstBad < 0) firstBad = start + r;
          continue rows;
        }
        if (v > max || best < 0) {
          max = v;
          best = i;
        }
      }
      let code = cache[best]!;
      if (code < 0) code = cache[best] = this.classes.codeOfNumber(best);
      const row = start + r;
      codes[row] = code;
      ok[row] = 1;
      this.markPredicted(code);
      answered++;
    }
    this.answered += answered;
    return { bad, firstBad };
  }

  private readEach(output: ChunkOutput, start: number, count: number): { bad: number; firstBad: number } {
    let bad = 0;
    let firstBad = -1;
    for (let r = 0; r < count; r++) {
      const row = start + r;
      if (this.read(output, r, row)) {
        this.ok[row] = 1;
        this.answered++;
      } else {
        bad++;
        if (firstBad < 0) firstBad = row;
      }
    }
    return { bad, firstBad };
  }

  private read(output: ChunkOutput, r: number, row: number): boolean {
    const { values } = output;
    if (this.prediction.rule === 'label') {
      const v = values[r]!;
      if (typeof v === 'number' && !Number.isFinite(v)) return false;
      const code = this.classes.codeOf(v);
      this.codes![row] = code;
      this.markPredicted(code);
      return true;
    }
    const v = (values as NumberArray)[r]!;
    if (!Number.isFinite(v)) return false;
    this.values![row] = v;
    return true;
  }

  private markPredicted(code: number): void {
    if (code >= this.predictedCodes.length) {
      const grown = new Uint8Array(Math.max(code + 1, 2 * this.predictedCodes.length));
      grown.set(this.predictedCodes);
      this.predictedCodes = grown;
    }
    this.predictedCodes[code] = 1;
  }

  private fail(row: number, count: number, message: string): void {
    this.errors += count;
    if (this.errorSamples.length < ERROR_SAMPLES) this.errorSamples.push({ row, message });
  }
}
