// Reads JSON Lines rows, `{"inputs": {"<input>": <one sample, no batch axis>}, "label": …}`, from byte chunks
// into a DatasetWriter. The first good row fixes the inputs and each one's per-row shape; a later row that
// differs, or holds a string where a number belongs, is a bad row reported with its line number.
import type { DatasetWriter, InputSpec } from './datasetWriter';
import { BadRow, type BadRows } from './badRows';
import { LabelError, type LabelCollector } from './labelCollector';
import { formatShape } from '../../../../src-shared/shapes';
import { UserError } from '../../userError';

/** A line longer than this is not a row of a replay file. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;

export interface JsonlReaderOptions {
  file: string;
  /** Top-level key of the label; null: none. */
  labelKey: string | null;
  /** JSONL key → input name (from --map). */
  rename: ReadonlyMap<string, string>;
  labels: LabelCollector;
  bad: BadRows;
  /** Called once the first good row has fixed the inputs. */
  begin: (inputs: InputSpec[]) => DatasetWriter;
}

interface InputSlot {
  key: string;
  spec: InputSpec;
}

export class JsonlRowReader {
  /** Lines read so far (the number of the line being parsed). */
  line = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private slots: InputSlot[] | null = null;
  private writer: DatasetWriter | null = null;
  private readonly path: number[] = [];

  constructor(private readonly options: JsonlReaderOptions) {}

  get rows(): number {
    return this.writer?.rows ?? 0;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline < 0) break;
      if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, newline));
        const whole = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.onLine(whole.toString('utf8'));
      } else {
        this.onLine(chunk.toString('utf8', start, newline));
      }
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        throw new UserError(
          'bad-input',
          `${this.options.file} line ${this.line + 1} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB: not a JSON Lines row`,
        );
      }
      // Copied: the caller may reuse its chunk buffer.
      this.pending.push(Buffer.from(chunk.subarray(start)));
    }
  }

  /** The last line (without a newline), then checks that there was a row. Returns the writer. */
  end(): DatasetWriter {
    if (this.pendingBytes > 0) {
      const rest = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      this.onLine(rest);
    }
    if (!this.writer || this.writer.rows === 0) {
      const why =
        this.options.bad.count > 0
          ? `every row was bad (${this.options.bad.count} skipped)`
          : this.line === 0
            ? 'it is empty'
            : 'it has no rows';
      throw new UserError(
        'bad-input',
        `${this.options.file} holds no usable rows: ${why}; expected one {"inputs": {...}} object per line`,
      );
    }
    return this.writer;
  }

  private onLine(raw: string): void {
    this.line++;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (/^\s*$/.test(text)) return;
    try {
      this.row(text);
    } catch (error) {
      if (!(error instanceof BadRow) && !(error instanceof LabelError)) throw error;
      this.writer?.discardRow();
      this.options.bad.add(this.line, error.message);
    }
  }

  private row(text: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new BadRow(`is not valid JSON (${(error as Error).message})`);
    }
    if (!isObject(doc)) throw new BadRow('expected an object {"inputs": {"<input>": <one sample>}, "label": …}');
    const inputs = doc.inputs;
    if (!isObject(inputs)) throw new BadRow('has no "inputs" object: expected {"inputs": {"<input>": <one sample>}}');
    if (!this.slots) this.start(inputs);
    const writer = this.writer!;
    const slots = this.slots!;
    for (const key in inputs) {
      if (!slots.some((s) => s.key === key)) {
        throw new BadRow(
          `has an input '${key}' that the first row does not have (${slots.map((s) => `'${s.key}'`).join(', ')})`,
        );
      }
    }
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      const value = inputs[slot.key];
      if (value === undefined) throw new BadRow(`has no input '${slot.key}' (the first row has it)`);
      this.fill(k, slot, value, writer);
    }
    const label =
      this.options.labelKey === null ? Number.NaN : this.options.labels.fromJson(doc[this.options.labelKey]);
    writer.commitRow(label);
  }

  /** The first good row: each input's shape from its nesting; checked by a trial fill before it is fixed. */
  private start(inputs: Record<string, unknown>): void {
    const slots: InputSlot[] = [];
    const names = new Set<string>();
    for (const key of Object.keys(inputs)) {
      const name = this.options.rename.get(key) ?? key;
      if (names.has(name))
        throw new UserError('bad-input', `--map: two keys of ${this.options.file} become input '${name}'`);
      names.add(name);
      const shape = shapeOf(inputs[key]);
      const size = shape.reduce((n, d) => n * d, 1);
      slots.push({ key, spec: { name, shape, size, columns: [] } });
    }
    if (slots.length === 0) throw new BadRow('has an empty "inputs" object');
    for (const key of this.options.rename.keys()) {
      if (!(key in inputs)) {
        throw new UserError(
          'bad-input',
          `--map '${key}=…': the rows of ${this.options.file} have no input '${key}' (they have ${Object.keys(inputs).join(', ')})`,
        );
      }
    }
    const trial = slots.map((s) => new Float64Array(s.spec.size));
    const booleans = new Uint32Array(slots.length);
    slots.forEach((slot, k) => this.fillInto(slot, inputs[slot.key], trial[k]!, 0, booleans, k));
    this.slots = slots;
    this.writer = this.options.begin(slots.map((s) => s.spec));
  }

  private fill(k: number, slot: InputSlot, value: unknown, writer: DatasetWriter): void {
    this.fillInto(slot, value, writer.buffer(k), writer.offset(k), writer.rowBooleans, k);
  }

  private fillInto(
    slot: InputSlot,
    value: unknown,
    out: Float64Array,
    offset: number,
    booleans: Uint32Array,
    k: number,
  ): void {
    this.path.length = 0;
    const end = this.fillLevel(slot, value, 0, out, offset, booleans, k);
    if (end !== offset + slot.spec.size) throw new Error('fill size mismatch');
  }

  private fillLevel(
    slot: InputSlot,
    value: unknown,
    depth: number,
    out: Float64Array,
    at: number,
    booleans: Uint32Array,
    k: number,
  ): number {
    const shape = slot.spec.shape;
    if (depth === shape.length) {
      out[at] = this.leaf(slot, value, booleans, k);
      return at + 1;
    }
    const length = shape[depth]!;
    if (!Array.isArray(value) || value.length !== length) {
      const got = Array.isArray(value) ? `${value.length} values` : describeJson(value);
      throw new BadRow(
        `input '${slot.key}'${this.where()}: expected ${length} values (its shape ${formatShape(shape)} is fixed by the first row), got ${got}`,
      );
    }
    if (depth === shape.length - 1) {
      for (let i = 0; i < length; i++) {
        const v = value[i] as unknown;
        if (typeof v === 'number' && v - v === 0) out[at + i] = v;
        else {
          this.path.push(i);
          out[at + i] = this.leaf(slot, v, booleans, k);
          this.path.pop();
        }
      }
      return at + length;
    }
    for (let i = 0; i < length; i++) {
      this.path.push(i);
      at = this.fillLevel(slot, value[i], depth + 1, out, at, booleans, k);
      this.path.pop();
    }
    return at;
  }

  private leaf(slot: InputSlot, v: unknown, booleans: Uint32Array, k: number): number {
    if (typeof v === 'number') {
      if (v - v === 0) return v;
      throw new BadRow(`input '${slot.key}'${this.where()}: ${v} is out of range for a float64`);
    }
    if (typeof v === 'boolean') {
      booleans[k]!++;
      return v ? 1 : 0;
    }
    if (v === null) return Number.NaN;
    const what =
      typeof v === 'string' ? `'${v.slice(0, 40)}' is a string, not a number` : `${describeJson(v)} is not a number`;
    throw new BadRow(`input '${slot.key}'${this.where()}: ${what}`);
  }

  private where(): string {
    return this.path.map((i) => `[${i}]`).join('');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Dims from the nesting of the first elements ([] for a scalar). */
function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  return shape;
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? `'${value.slice(0, 40)}'` : String(value);
}
