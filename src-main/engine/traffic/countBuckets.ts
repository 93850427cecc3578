// Exact request counts per clock second, kept for hours: the part of a window older than what the per-request
// ring still holds is counted from here (to the second), so long rollout steps still see every request.

export interface Counts {
  requests: number;
  ok: number;
  errors: number;
  rejected: number;
  pinned: number;
  reasons: Map<string, number>;
}

export const emptyCounts = (): Counts => ({
  requests: 0,
  ok: 0,
  errors: 0,
  rejected: 0,
  pinned: 0,
  reasons: new Map(),
});

export function addCounts(into: Counts, from: Counts): void {
  into.requests += from.requests;
  into.ok += from.ok;
  into.errors += from.errors;
  into.rejected += from.rejected;
  into.pinned += from.pinned;
  for (const [reason, n] of from.reasons) into.reasons.set(reason, (into.reasons.get(reason) ?? 0) + n);
}

export class CountBuckets {
  /** Seconds ascending, with their counts. */
  private readonly seconds: number[] = [];
  private readonly counts: Counts[] = [];

  constructor(private readonly retentionSeconds: number) {}

  add(atMs: number, outcome: 'ok' | 'error' | 'rejected', pinned: boolean, reason: string | undefined): void {
    const second = Math.floor(atMs / 1000);
    const last = this.seconds.length - 1;
    // A clock that steps back (a fake one in a rehearsal) still lands in the newest bucket: order is what matters.
    if (last < 0 || second > this.seconds[last]!) {
      this.seconds.push(second);
      this.counts.push(emptyCounts());
      this.trim(second);
    }
    const c = this.counts[this.seconds.length - 1]!;
    c.requests += 1;
    if (outcome === 'ok') c.ok += 1;
    else if (outcome === 'error') c.errors += 1;
    else c.rejected += 1;
    if (pinned) c.pinned += 1;
    if (reason !== undefined && outcome !== 'ok') c.reasons.set(reason, (c.reasons.get(reason) ?? 0) + 1);
  }

  /** Counts of the seconds from sinceMs's second up to (not including) beforeMs's second. */
  between(sinceMs: number, beforeMs: number): Counts {
    const from = Math.floor(sinceMs / 1000);
    const to = Math.floor(beforeMs / 1000);
    const total = emptyCounts();
    for (let i = 0; i < this.seconds.length; i++) {
      const s = this.seconds[i]!;
      if (s >= to) break;
      if (s >= from) addCounts(total, this.counts[i]!);
    }
    return total;
  }

  private trim(nowSecond: number): void {
    let drop = 0;
    while (drop < this.seconds.length && this.seconds[drop]! < nowSecond - this.retentionSeconds) drop++;
    if (drop > 0) {
      this.seconds.splice(0, drop);
      this.counts.splice(0, drop);
    }
  }
}
