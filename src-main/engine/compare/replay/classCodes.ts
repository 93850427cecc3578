// Class names as small integer codes shared by every version and the labels of one comparison, so agreement,
// κ and the flip matrix work on Int32Arrays and a label 3 matches a predicted class index 3 or an int64 label 3.

/** Code of "no class" (a failed row, or a row without a label). */
export const NO_CLASS = -1;
const SMALL = 1024;

export class ClassCodes {
  private readonly codes = new Map<string, number>();
  /** Numbers already seen, so the per-row path makes no string. */
  private readonly numbers = new Map<number, number>();
  private readonly small = new Int32Array(SMALL).fill(NO_CLASS);
  readonly names: string[] = [];

  /** The code of a numeric class (a label 3, an argmax index 3, an int64 label 3 all share it). */
  codeOfNumber(value: number): number {
    // Small whole numbers (class indices, most labels) skip the map: this runs once per row and version.
    const small = value >= 0 && value < SMALL && (value | 0) === value;
    if (small && this.small[value]! >= 0) return this.small[value]!;
    let code = this.numbers.get(value);
    if (code === undefined) {
      code = this.code(String(value));
      this.numbers.set(value, code);
    }
    if (small) this.small[value] = code;
    return code;
  }

  /** The code of a label or predicted value as it comes (number or class name). */
  codeOf(value: number | string): number {
    return typeof value === 'number' ? this.codeOfNumber(value) : this.code(value);
  }

  code(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.names.length;
      this.codes.set(name, code);
      this.names.push(name);
    }
    return code;
  }

  /** The code of a class already seen, else NO_CLASS (a label no version ever predicts stays apart). */
  known(name: string): number {
    return this.codes.get(name) ?? NO_CLASS;
  }

  /** The class as JSON should show it: a number when the name is one. */
  value(code: number): number | string | null {
    if (code < 0) return null;
    const name = this.names[code]!;
    const n = Number(name);
    return name.trim() !== '' && Number.isFinite(n) ? n : name;
  }
}
