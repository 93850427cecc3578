// The N highest-ranked rows of a stream in bounded memory (a min-heap on the rank): the explorer keeps only
// these rows' inputs and outputs, however many rows are replayed. Ties go to the earlier row.

export interface Ranked {
  /** Higher first; `tie` breaks equal ranks (higher first), then the earlier row wins. */
  rank: number;
  tie: number;
  row: number;
}

function below(a: Ranked, b: Ranked): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.tie !== b.tie) return a.tie < b.tie;
  return a.row > b.row;
}

export class TopRows<T extends Ranked> {
  private readonly heap: T[] = [];

  constructor(readonly limit: number) {}

  /** Whether an item of this rank and row would be kept: check before building an expensive item. */
  accepts(rank: number, tie: number, row: number): boolean {
    if (this.limit <= 0) return false;
    if (this.heap.length < this.limit) return true;
    const least = this.heap[0]!;
    if (least.rank !== rank) return least.rank < rank;
    if (least.tie !== tie) return least.tie < tie;
    return least.row > row;
  }

  offer(item: T): void {
    if (!this.accepts(item.rank, item.tie, item.row)) return;
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(item);
      this.up(heap.length - 1);
    } else {
      heap[0] = item;
      this.down(0);
    }
  }

  /** Highest rank first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!below(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && below(heap[l]!, heap[least]!)) least = l;
      if (r < heap.length && below(heap[r]!, heap[least]!)) least = r;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
  }
}
