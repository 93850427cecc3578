// Counts of (baseline class, candidate class) over a pair's rows, kept as rows stream past: the flip matrix,
// agreement and Cohen's κ follow from these counts without walking the rows again.

/** Dense up to this many classes (a matrix of n² counts); beyond, counts live in maps. */
const DENSE_MAX_CLASSES = 1024;

export class JointCounts {
  /** Rows counted, and those where both predict the same class. */
  total = 0;
  agree = 0;
  /** Per class code: rows where the baseline / the candidate predicts it. */
  rowTotals = new Float64Array(16);
  colTotals = new Float64Array(16);
  /** Baseline classes in the order they first appear (κ sums its terms in this order, as cohenKappa does). */
  readonly baselineOrder: number[] = [];
  private size = 0;
  private dense: Float64Array | null = new Float64Array(0);
  private sparse: Map<number, Map<number, number>> | null = null;

  add(a: number, b: number): void {
    if (a >= this.rowTotals.length || b >= this.colTotals.length) this.growTotals(Math.max(a, b) + 1);
    if (this.rowTotals[a]!++ === 0) this.baselineOrder.push(a);
    this.colTotals[b]!++;
    this.total++;
    if (a === b) this.agree++;
    if (this.dense) {
      const need = (a > b ? a : b) + 1;
      if (need > this.size) this.growDense(need);
      if (this.dense) {
        this.dense[a * this.size + b]!++;
        return;
      }
    }
    const row = this.sparse!.get(a) ?? new Map<number, number>();
    row.set(b, (row.get(b) ?? 0) + 1);
    this.sparse!.set(a, row);
  }

  /** Every non-zero cell. */
  forEachCell(visit: (a: number, b: number, count: number) => void): void {
    if (this.dense) {
      const size = this.size;
      for (let a = 0; a < size; a++) {
        for (let b = 0; b < size; b++) {
          const count = this.dense[a * size + b]!;
          if (count > 0) visit(a, b, count);
        }
      }
      return;
    }
    for (const [a, row] of this.sparse!) for (const [b, count] of row) visit(a, b, count);
  }

  /**
   * Cohen's κ (unweighted) of the counted rows: the same terms in the same order as cohenKappa on the rows'
   * class codes, so the same number. NaN when every row has one and the same class on both sides.
   */
  kappa(): number {
    const n = this.total;
    let expected = 0;
    for (const label of this.baselineOrder) {
      expected += this.rowTotals[label]! * (label < this.colTotals.length ? this.colTotals[label]! : 0);
    }
    const pe = expected / (n * n);
    const po = this.agree / n;
    return pe === 1 ? Number.NaN : (po - pe) / (1 - pe);
  }

  private growTotals(need: number): void {
    const length = Math.max(need, 2 * this.rowTotals.length);
    const rows = new Float64Array(length);
    const cols = new Float64Array(length);
    rows.set(this.rowTotals);
    cols.set(this.colTotals);
    this.rowTotals = rows;
    this.colTotals = cols;
  }

  private growDense(need: number): void {
    const old = this.dense!;
    const oldSize = this.size;
    if (need > DENSE_MAX_CLASSES) {
      const sparse = new Map<number, Map<number, number>>();
      for (let a = 0; a < oldSize; a++) {
        for (let b = 0; b < oldSize; b++) {
          const count = old[a * oldSize + b]!;
          if (count === 0) continue;
          const row = sparse.get(a) ?? new Map<number, number>();
          row.set(b, count);
          sparse.set(a, row);
        }
      }
      this.sparse = sparse;
      this.dense = null;
      return;
    }
    const size = Math.min(DENSE_MAX_CLASSES, Math.max(need, 2 * oldSize, 16));
    const grown = new Float64Array(size * size);
    for (let a = 0; a < oldSize; a++) grown.set(old.subarray(a * oldSize, (a + 1) * oldSize), a * size);
    this.dense = grown;
    this.size = size;
  }
}
