// Live view of the endpoint for the UI: a metrics tick per second (requests, errors, p50/p95/p99, queue depth
// per served version) and the request log streamed in small batches. Fed by the data plane's request records.
import type { MetricsTick, RequestLogEntry } from '../../../src-shared/contract';
import type { RequestRecord } from '../serving/dataPlaneRoutes';
import type { ModelServer } from '../serving/modelServer';

interface Window {
  requests: number;
  errors: number;
  latencies: number[];
}

const TICK_MS = 1_000;
const LOG_FLUSH_MS = 100;
/** Entries kept per flush: the UI shows the latest few hundred anyway, and 2 000 req/s must stay cheap. */
const LOG_MAX_PER_FLUSH = 50;

export class LiveMonitor {
  private windows = new Map<string, Window>();
  private pendingLog: RequestLogEntry[] = [];
  private readonly tickTimer: NodeJS.Timeout;
  private readonly logTimer: NodeJS.Timeout;

  constructor(
    private readonly server: () => ModelServer | undefined,
    private readonly publish: {
      metrics: (tick: MetricsTick) => void;
      requests: (entries: RequestLogEntry[]) => void;
    },
  ) {
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.logTimer = setInterval(() => this.flushLog(), LOG_FLUSH_MS);
    this.tickTimer.unref();
    this.logTimer.unref();
  }

  record = (r: RequestRecord): void => {
    const key = `${r.model}\u0000${r.version}`;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { requests: 0, errors: 0, latencies: [] }));
    w.requests++;
    if (r.status >= 400) w.errors++;
    else w.latencies.push(r.latencyMs);
    // Beyond the cap the log is a sample; the metrics tick still counts every request.
    if (this.pendingLog.length < LOG_MAX_PER_FLUSH) {
      this.pendingLog.push({ t: Date.now(), ...r, latencyMs: Math.round(r.latencyMs * 1000) / 1000 });
    }
  };

  stop(): void {
    clearInterval(this.tickTimer);
    clearInterval(this.logTimer);
  }

  private tick(): void {
    const server = this.server();
    if (!server) return;
    const windows = this.windows;
    this.windows = new Map();
    const versions = server.all().map((v) => {
      const w = windows.get(`${v.model}\u0000${v.version}`) ?? { requests: 0, errors: 0, latencies: [] };
      const sorted = Float64Array.from(w.latencies).sort();
      return {
        model: v.model,
        version: v.version,
        requests: w.requests,
        errors: w.errors,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        p99Ms: percentile(sorted, 0.99),
        queueDepth: v.pendingRequests,
      };
    });
    this.publish.metrics({ t: Date.now(), versions });
  }

  private flushLog(): void {
    if (this.pendingLog.length === 0) return;
    const entries = this.pendingLog;
    this.pendingLog = [];
    this.publish.requests(entries);
  }
}

/** Nearest-rank percentile of sorted values, rounded to µs; null when there are none. */
function percentile(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return Math.round(value * 1000) / 1000;
}
