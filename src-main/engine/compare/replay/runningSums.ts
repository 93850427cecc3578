// A growing sequence of whole-number per-row figures (right 1 / wrong 0, a paired −1/0/1) kept as running sums
// while rows stream past, so the summary reads any run's sum — a bootstrap block's — without walking the rows.

export class RunningSums {
  /** prefix[i] = sum of the first i values: whole numbers, so every sum is exact (as adding them one by one). */
  private readonly prefix: Int32Array;
  length = 0;

  /** `capacity`: the most values that will be pushed (the dataset's rows). */
  constructor(capacity: number) {
    this.prefix = new Int32Array(capacity + 1);
  }

  push(value: number): void {
    const n = this.length;
    this.prefix[n + 1] = this.prefix[n]! + value;
    this.length = n + 1;
  }

  get total(): number {
    return this.prefix[this.length]!;
  }

  /** Sum of values [from, to). */
  sum(from: number, to: number): number {
    return this.prefix[to]! - this.prefix[from]!;
  }
}
