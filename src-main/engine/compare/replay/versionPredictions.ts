// One version's per-row predictions over a replay, kept as typed arrays indexed by row: a class code (label
// or argmax) or a regression value, whether the row was answered, and each chunk's per-row compute time.
import type { PredictionChoice } from '../../../../src-shared/contract';
import { ClassCodes, NO_CLASS } from './classCodes';
import type { ChunkOutput, NumberArray, VersionChunk } from './replayRows';

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
    let bad = 0;
    let firstBad = -1;
    for (let r = 0; r < count; r++) {
      const row = start + r;
      if (this.read(output, r, row)) {
        this.ok[row] = 1;
        this.answered++;
      } else {
        bad++;
        if (firstBad < 0) firstBad = start + r;
      }
    }
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

  private read(output: ChunkOutput, r: number, row: number): boolean {
    const { values, rowSize } = output;
    switch (this.prediction.rule) {
      case 'label': {
        const v = values[r]!;
        if (typeof v === 'number' && !Number.isFinite(v)) return false;
        this.codes![row] = this.classes.codeOf(v);
        return true;
      }
      case 'argmax': {
        const numbers = values as NumberArray;
        let best = -1;
        let max = Number.NEGATIVE_INFINITY;
        for (let i = 0, at = r * rowSize; i < rowSize; i++, at++) {
          const v = numbers[at]!;
          if (Number.isNaN(v)) return false;
          if (v > max || best < 0) {
            max = v;
            best = i;
          }
        }
        this.codes![row] = this.classes.codeOfNumber(best);
        return true;
      }
      case 'regression': {
        const v = (values as NumberArray)[r]!;
        if (!Number.isFinite(v)) return false;
        this.values![row] = v;
        return true;
      }
    }
  }

  private fail(row: number, count: number, message: string): void {
    this.errors += count;
    if (this.errorSamples.length < ERROR_SAMPLES) this.errorSamples.push({ row, message });
  }
}
