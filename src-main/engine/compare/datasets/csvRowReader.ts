// Reads CSV records (as csv-parse hands them over, with their line numbers) into a DatasetWriter: the header
// row goes through the mapping step, then every cell of a mapped column becomes a float64. Empty cells and
// NA, N/A, NaN, null, None are missing; true/false are 1/0; anything else that is not a number is a bad row.
import type { DatasetWriter, InputSpec } from './datasetWriter';
import { BadRow, type BadRows } from './badRows';
import type { CsvPlan } from './columnMapping';
import { LabelError, type LabelCollector } from './labelCollector';
import { UserError } from '../../userError';

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none']);

export interface CsvReaderOptions {
  file: string;
  labels: LabelCollector;
  bad: BadRows;
  /** The mapping step, given the header's cells. */
  plan: (header: string[]) => CsvPlan;
  begin: (inputs: InputSpec[], plan: CsvPlan) => DatasetWriter;
}

export class CsvRowReader {
  private plan: CsvPlan | null = null;
  private width = 0;
  private writer: DatasetWriter | null = null;

  constructor(private readonly options: CsvReaderOptions) {}

  get rows(): number {
    return this.writer?.rows ?? 0;
  }

  /** One record; `line` is the file line it ends on. */
  record(cells: string[], line: number): void {
    if (!this.plan) {
      this.header(cells);
      return;
    }
    // A line of blanks is an empty line, not a row with one empty cell.
    if (cells.length === 1 && cells[0]!.trim() === '') return;
    try {
      this.row(cells);
    } catch (error) {
      if (!(error instanceof BadRow) && !(error instanceof LabelError)) throw error;
      this.writer!.discardRow();
      this.options.bad.add(line, error.message);
    }
  }

  end(): DatasetWriter {
    if (!this.plan) {
      throw new UserError(
        'bad-input',
        `${this.options.file} is empty: expected a header row naming the columns, then rows`,
      );
    }
    if (this.writer!.rows === 0) {
      const why =
        this.options.bad.count > 0
          ? `every row was bad (${this.options.bad.count} skipped)`
          : 'it has a header but no rows';
      throw new UserError('bad-input', `${this.options.file} holds no usable rows: ${why}`);
    }
    return this.writer!;
  }

  private header(cells: string[]): void {
    if (cells.every((c) => c.trim() !== '' && Number.isFinite(Number(c)))) {
      throw new UserError(
        'bad-input',
        `${this.options.file}: the first row (${cells.slice(0, 3).join(',')}…) is data, not a header; a CSV file needs a header row naming its columns`,
      );
    }
    this.plan = this.options.plan(cells);
    this.width = cells.length;
    this.writer = this.options.begin(
      this.plan.inputs.map((i) => i.spec),
      this.plan,
    );
  }

  private row(cells: string[]): void {
    if (cells.length !== this.width) {
      throw new BadRow(
        `has ${cells.length} cell${cells.length === 1 ? '' : 's'}; the header has ${this.width} columns`,
      );
    }
    const plan = this.plan!;
    const writer = this.writer!;
    for (let k = 0; k < plan.inputs.length; k++) {
      const { columnIndex, spec } = plan.inputs[k]!;
      const out = writer.buffer(k);
      const at = writer.offset(k);
      for (let j = 0; j < columnIndex.length; j++) {
        const cell = cells[columnIndex[j]!]!;
        const v = +cell;
        // `+''` and `+' '` are 0: a blank cell is missing, not zero.
        if (v === v && (v !== 0 || cell.trim() !== '')) {
          if (v - v !== 0) throw new BadRow(`column '${spec.columns[j]}': '${cell}' is not a finite number`);
          out[at + j] = v;
        } else {
          out[at + j] = this.slowCell(cell, spec.columns[j]!, writer, k);
        }
      }
    }
    const label = plan.labelIndex >= 0 ? this.options.labels.fromCell(cells[plan.labelIndex]!) : Number.NaN;
    writer.commitRow(label);
  }

  private slowCell(cell: string, column: string, writer: DatasetWriter, k: number): number {
    const text = cell.trim().toLowerCase();
    if (MISSING.has(text)) return Number.NaN;
    if (text === 'true' || text === 'false') {
      writer.rowBooleans[k]!++;
      return text === 'true' ? 1 : 0;
    }
    throw new BadRow(`column '${column}': '${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}' is not a number`);
  }
}
