// The newest shadow-vs-live comparisons of one model and its dropped shadow requests, read back as per
// (live, shadow) version pair windows: agreement and |Δ| quantiles per output.
import { quantilesOf } from './quantiles';
import type { Quantiles, ShadowComparisonWindow, ShadowPairRecord } from './trafficTypes';

export class ShadowPairLog {
  private readonly pairs: (ShadowPairRecord | undefined)[];
  private head = 0;
  private size = 0;
  /** Per candidate version: times of dropped shadow requests (newest `capacity` kept). */
  private readonly drops = new Map<number, { at: Float64Array; head: number; size: number }>();

  constructor(private readonly capacity: number) {
    this.pairs = new Array<ShadowPairRecord | undefined>(capacity);
  }

  add(pair: ShadowPairRecord): void {
    const i = (this.head + this.size) % this.capacity;
    if (this.size === this.capacity) this.head = (this.head + 1) % this.capacity;
    else this.size += 1;
    this.pairs[i] = pair;
  }

  drop(version: number, atMs: number): void {
    let log = this.drops.get(version);
    if (!log) {
      log = { at: new Float64Array(this.capacity), head: 0, size: 0 };
      this.drops.set(version, log);
    }
    const i = (log.head + log.size) % this.capacity;
    if (log.size === this.capacity) log.head = (log.head + 1) % this.capacity;
    else log.size += 1;
    log.at[i] = atMs;
  }

  dropped(sinceMs: number): Record<number, number> {
    const out: Record<number, number> = {};
    for (const [version, log] of this.drops) {
      let n = 0;
      for (let k = 0; k < log.size; k++) if (log.at[(log.head + k) % this.capacity]! >= sinceMs) n++;
      if (n > 0) out[version] = n;
    }
    return out;
  }

  windows(sinceMs: number): ShadowComparisonWindow[] {
    const groups = new Map<string, { live: number; shadow: number; pairs: ShadowPairRecord[] }>();
    for (let k = 0; k < this.size; k++) {
      const p = this.pairs[(this.head + k) % this.capacity]!;
      if (p.atMs < sinceMs) continue;
      const key = `${p.liveVersion}:${p.shadowVersion}`;
      let g = groups.get(key);
      if (!g) {
        g = { live: p.liveVersion, shadow: p.shadowVersion, pairs: [] };
        groups.set(key, g);
      }
      g.pairs.push(p);
    }
    return [...groups.values()]
      .sort((a, b) => a.live - b.live || a.shadow - b.shadow)
      .map(({ live, shadow, pairs }) => {
        let rows = 0;
        let agreeingRows = 0;
        const deltas = new Map<string, number[]>();
        for (const p of pairs) {
          rows += p.rows;
          agreeingRows += p.agreeingRows;
          for (const [name, perRow] of Object.entries(p.absDelta)) {
            const list = deltas.get(name) ?? [];
            for (const d of perRow) list.push(d);
            deltas.set(name, list);
          }
        }
        const absDelta: Record<string, Quantiles> = {};
        for (const [name, list] of deltas) {
          const q = quantilesOf(Float64Array.from(list));
          if (q) absDelta[name] = q;
        }
        return {
          liveVersion: live,
          shadowVersion: shadow,
          pairs: pairs.length,
          rows,
          agreeingRows,
          agreement: rows > 0 ? agreeingRows / rows : null,
          absDelta,
        };
      });
  }
}
