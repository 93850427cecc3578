// Requests in flight in virtual time, ordered by when they finish (a binary min-heap): a rehearsal hands each to
// the traffic monitor only once the clock has reached its finish time, as the data plane would.

export class CompletionQueue<T> {
  private readonly at: number[] = [];
  private readonly items: T[] = [];
  /** Insertion order breaks ties, so equal finish times come out as they went in (deterministic). */
  private readonly order: number[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(atMs: number, item: T): void {
    this.at.push(atMs);
    this.items.push(item);
    this.order.push(this.counter++);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Takes out, in finish order, everything that finished at or before `ms`. */
  *until(ms: number): Generator<T> {
    while (this.items.length > 0 && this.at[0]! <= ms) yield this.pop();
  }

  private pop(): T {
    const top = this.items[0]!;
    const last = this.items.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.items.pop();
    this.order.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < this.items.length && this.less(l, smallest)) smallest = l;
      if (r < this.items.length && this.less(r, smallest)) smallest = r;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.at[a]! < this.at[b]! || (this.at[a] === this.at[b] && this.order[a]! < this.order[b]!);
  }

  private swap(a: number, b: number): void {
    [this.at[a], this.at[b]] = [this.at[b]!, this.at[a]!];
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
    [this.order[a], this.order[b]] = [this.order[b]!, this.order[a]!];
  }
}
