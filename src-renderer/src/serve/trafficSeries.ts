// Metrics ticks turned into the columns the live charts plot: one row per second over the last five minutes,
// summed over the served versions in scope (all, or one model's).
import type { MetricsTick } from '../../../src-shared/contract';

export const WINDOW_SECONDS = 300;

export interface TrafficSeries {
  /** Tick times in seconds (uPlot's time unit). */
  t: number[];
  requestsPerSecond: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  /** Failed share of the second's requests in %; null in a second without requests. */
  errorPercent: (number | null)[];
  queueDepth: number[];
}

/** `model` null: every served version; otherwise only that model's versions. */
export function trafficSeries(ticks: readonly MetricsTick[], model: string | null): TrafficSeries {
  const out: TrafficSeries = {
    t: [],
    requestsPerSecond: [],
    p50: [],
    p95: [],
    p99: [],
    errorPercent: [],
    queueDepth: [],
  };
  const last = ticks.at(-1);
  if (!last) return out;
  const from = last.t - WINDOW_SECONDS * 1000;
  for (const tick of ticks) {
    if (tick.t <= from) continue;
    let requests = 0;
    let errors = 0;
    let queue = 0;
    let weighted50 = 0;
    let successes = 0;
    let p95: number | null = null;
    let p99: number | null = null;
    for (const v of tick.versions) {
      if (model !== null && v.model !== model) continue;
      requests += v.requests;
      errors += v.errors;
      queue += v.queueDepth;
      const ok = v.requests - v.errors;
      // Percentiles of different versions do not combine exactly: p50 is weighted by successful requests,
      // p95/p99 are the worst version's (an upper bound on the combined tail).
      if (v.p50Ms !== null && ok > 0) {
        weighted50 += v.p50Ms * ok;
        successes += ok;
      }
      if (v.p95Ms !== null) p95 = Math.max(p95 ?? 0, v.p95Ms);
      if (v.p99Ms !== null) p99 = Math.max(p99 ?? 0, v.p99Ms);
    }
    out.t.push(tick.t / 1000);
    out.requestsPerSecond.push(requests);
    out.p50.push(successes > 0 ? weighted50 / successes : null);
    out.p95.push(p95);
    out.p99.push(p99);
    out.errorPercent.push(requests > 0 ? (errors / requests) * 100 : null);
    out.queueDepth.push(queue);
  }
  return out;
}
