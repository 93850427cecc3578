// Labels as rows arrive: numbers or class names (the first present label decides which, and the rest must
// agree), coded as one float64 per row, counted for the profile. Rule for `auto`: class names, or whole
// numbers with at most MAX_CLASS_VALUES distinct values, are classes; any other numbers are a regression target.
import type { LabelProfile } from '../../../../src-shared/contract';
import { UserError } from '../../userError';

export const MAX_CLASS_VALUES = 100;
/** More distinct strings than this is an id column, not a label. */
const MAX_LABEL_STRINGS = 100_000;
/** Classes listed in the profile; the rest are summed as "(other)". */
const LISTED_CLASSES = 1000;

export type LabelKindOption = 'auto' | 'class' | 'regression';

/** A row's label that cannot be stored: the row is bad (and can be skipped). */
export class LabelError extends Error {}

export class LabelCollector {
  type: 'number' | 'string' | null = null;
  count = 0;
  missing = 0;
  private whole = true;
  private readonly strings = new Map<string, number>();
  private readonly stringCounts: number[] = [];
  /** Counts per distinct number, until there are more than MAX_CLASS_VALUES. */
  private numbers: Map<number, number> | null = new Map();

  constructor(public source: string) {}

  get values(): string[] {
    return [...this.strings.keys()];
  }

  /** A JSON label: number, string, boolean (0/1), or null/absent for none. Returns the coded float64. */
  fromJson(value: unknown): number {
    if (value === null || value === undefined) return this.none();
    if (typeof value === 'number') return this.number(value, () => String(value));
    if (typeof value === 'boolean') return this.number(value ? 1 : 0, () => String(value));
    if (typeof value === 'string') return this.string(value, `'${value}'`);
    throw new LabelError(`label ${JSON.stringify(value).slice(0, 40)} is not a number or a class name`);
  }

  /** A CSV cell: empty is none; a number unless the labels are class names. */
  fromCell(cell: string): number {
    const text = cell.trim();
    if (text === '') return this.none();
    if (this.type !== 'string') {
      const n = Number(text);
      if (Number.isFinite(n)) return this.number(n, () => `'${text}'`);
      if (this.type === 'number') {
        throw new LabelError(`label '${text}' is not a number, but the labels before it are numbers`);
      }
    }
    return this.string(text, `'${text}'`);
  }

  /** A label read back from a stored dataset (number, class name or null). */
  fromStored(value: number | string | null): number {
    if (value === null) return this.none();
    return typeof value === 'number' ? this.number(value, () => String(value)) : this.string(value, `'${value}'`);
  }

  private none(): number {
    this.missing++;
    return Number.NaN;
  }

  private number(n: number, shown: () => string): number {
    if (this.type === 'string') {
      throw new LabelError(`label ${shown()} is a number, but the labels before it are class names`);
    }
    if (!Number.isFinite(n)) throw new LabelError(`label ${shown()} is not a finite number`);
    this.type = 'number';
    this.count++;
    if (this.whole && !Number.isInteger(n)) this.whole = false;
    if (this.numbers) {
      this.numbers.set(n, (this.numbers.get(n) ?? 0) + 1);
      if (this.numbers.size > MAX_CLASS_VALUES) this.numbers = null;
    }
    return n;
  }

  private string(text: string, shown: string): number {
    if (this.type === 'number') {
      throw new LabelError(`label ${shown} is a class name, but the labels before it are numbers`);
    }
    let code = this.strings.get(text);
    if (code === undefined) {
      if (this.strings.size >= MAX_LABEL_STRINGS) {
        throw new UserError(
          'bad-input',
          `the label '${this.source}' has more than ${MAX_LABEL_STRINGS} distinct values: it looks like an id, not a label; choose another with --label, or none with --label none`,
        );
      }
      code = this.strings.size;
      this.strings.set(text, code);
      this.stringCounts.push(0);
    }
    this.type = 'string';
    this.count++;
    this.stringCounts[code]!++;
    return code;
  }

  /** The label's profile, or null when no row had one. */
  profile(kind: LabelKindOption): LabelProfile | null {
    if (this.type === null) return null;
    const isClass =
      kind === 'class' || (kind === 'auto' && (this.type === 'string' || (this.whole && this.numbers !== null)));
    if (kind === 'regression' && this.type === 'string') {
      throw new UserError(
        'bad-input',
        `the labels in '${this.source}' are class names, not numbers: they cannot be a regression target`,
      );
    }
    if (isClass && this.type === 'number' && this.numbers === null) {
      throw new UserError(
        'bad-input',
        `the labels in '${this.source}' take more than ${MAX_CLASS_VALUES} distinct values: too many for classes (use --label-kind regression or auto)`,
      );
    }
    return {
      source: this.source,
      kind: isClass ? 'class' : 'regression',
      count: this.count,
      missing: this.missing,
      classes: isClass ? this.classes() : null,
    };
  }

  private classes(): { value: string; count: number }[] {
    const all =
      this.type === 'string'
        ? [...this.strings.keys()].map((value, code) => ({ value, count: this.stringCounts[code]!, order: code }))
        : [...this.numbers!].map(([n, count]) => ({ value: String(n), count, order: n }));
    all.sort((a, b) => b.count - a.count || a.order - b.order);
    const listed = all.slice(0, LISTED_CLASSES).map(({ value, count }) => ({ value, count }));
    const rest = all.slice(LISTED_CLASSES).reduce((sum, c) => sum + c.count, 0);
    return rest > 0 ? [...listed, { value: '(other)', count: rest }] : listed;
  }
}
