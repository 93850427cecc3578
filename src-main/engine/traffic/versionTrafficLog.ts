// One version's traffic in one role (live or shadow): a ring of the newest requests (time, latency, outcome,
// reason) and of their predicted rows, plus exact per-second counts for hours, read back as a window.
import { CountBuckets, addCounts, emptyCounts, type Counts } from './countBuckets';
import { quantilesOf, spread } from './quantiles';
import type { TrafficRecord, TrafficRole, VersionTrafficWindow } from './trafficTypes';

const OK = 0;
const ERROR = 1;
const REJECTED = 2;

export interface TrafficLogLimits {
  /** Requests kept one by one (latency, outcome); older ones are only counted. */
  requests: number;
  /** Predicted rows kept. */
  predictions: number;
  /** How long per-second counts are kept. */
  retentionSeconds: number;
}

export class VersionTrafficLog {
  private readonly at: Float64Array;
  private readonly latency: Float64Array;
  private readonly outcome: Uint8Array;
  private readonly pinnedFlag: Uint8Array;
  private readonly reasonCode: Int32Array;
  private readonly reasons: string[] = [];
  private readonly reasonIndex = new Map<string, number>();
  private head = 0;
  private size = 0;
  /** Time of the newest request pushed out of the ring (-Infinity while none was): seconds after it are whole. */
  private evictedAtMs = -Infinity;

  private readonly predAt: Float64Array;
  private readonly predValue: Float64Array;
  private predHead = 0;
  private predSize = 0;
  predictionKind: 'class' | 'value' | null = null;

  private readonly buckets: CountBuckets;

  constructor(
    readonly version: number,
    readonly role: TrafficRole,
    limits: TrafficLogLimits,
  ) {
    this.at = new Float64Array(limits.requests);
    this.latency = new Float64Array(limits.requests);
    this.outcome = new Uint8Array(limits.requests);
    this.pinnedFlag = new Uint8Array(limits.requests);
    this.reasonCode = new Int32Array(limits.requests);
    this.predAt = new Float64Array(limits.predictions);
    this.predValue = new Float64Array(limits.predictions);
    this.buckets = new CountBuckets(limits.retentionSeconds);
  }

  add(record: TrafficRecord, predictionKind: 'class' | 'value' | null): void {
    const capacity = this.at.length;
    const outcome = record.ok ? OK : record.callerError ? REJECTED : ERROR;
    const i = (this.head + this.size) % capacity;
    if (this.size === capacity) {
      this.evictedAtMs = this.at[this.head]!;
      this.head = (this.head + 1) % capacity;
    } else this.size += 1;
    this.at[i] = record.atMs;
    this.latency[i] = record.latencyMs;
    this.outcome[i] = outcome;
    this.pinnedFlag[i] = record.pinned ? 1 : 0;
    this.reasonCode[i] = record.ok ? -1 : this.codeOf(record.reason ?? 'unknown');
    this.buckets.add(
      record.atMs,
      outcome === OK ? 'ok' : outcome === ERROR ? 'error' : 'rejected',
      record.pinned === true,
      record.reason ?? 'unknown',
    );
    if (record.predictions && predictionKind) {
      this.predictionKind = predictionKind;
      for (const value of record.predictions) this.addPrediction(record.atMs, value);
    }
  }

  private addPrediction(atMs: number, value: number): void {
    const capacity = this.predAt.length;
    if (capacity === 0) return;
    const i = (this.predHead + this.predSize) % capacity;
    if (this.predSize === capacity) this.predHead = (this.predHead + 1) % capacity;
    else this.predSize += 1;
    this.predAt[i] = atMs;
    this.predValue[i] = value;
  }

  private codeOf(reason: string): number {
    let code = this.reasonIndex.get(reason);
    if (code === undefined) {
      code = this.reasons.length;
      this.reasons.push(reason);
      this.reasonIndex.set(reason, code);
    }
    return code;
  }

  window(sinceMs: number, maxSamples: number): VersionTrafficWindow {
    const capacity = this.at.length;
    // Whole seconds after the newest evicted request are all still in the ring; earlier ones come from buckets.
    const ringFromMs = this.evictedAtMs === -Infinity ? -Infinity : (Math.floor(this.evictedAtMs / 1000) + 1) * 1000;
    const counts: Counts = sinceMs < ringFromMs ? this.buckets.between(sinceMs, ringFromMs) : emptyCounts();
    const from = Math.max(sinceMs, ringFromMs);
    const ring = emptyCounts();
    const latencies: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % capacity;
      if (this.at[i]! < from) continue;
      ring.requests += 1;
      const outcome = this.outcome[i]!;
      if (outcome === OK) ring.ok += 1;
      else {
        if (outcome === ERROR) ring.errors += 1;
        else ring.rejected += 1;
        const reason = this.reasons[this.reasonCode[i]!]!;
        ring.reasons.set(reason, (ring.reasons.get(reason) ?? 0) + 1);
      }
      if (this.pinnedFlag[i]) ring.pinned += 1;
      // A failure's latency says how fast it failed, not how fast the version answers.
      if (outcome === OK) latencies.push(this.latency[i]!);
    }
    addCounts(counts, ring);

    const predictions: number[] = [];
    for (let k = 0; k < this.predSize; k++) {
      const i = (this.predHead + k) % this.predAt.length;
      if (this.predAt[i]! >= sinceMs) predictions.push(this.predValue[i]!);
    }
    const judged = counts.ok + counts.errors;
    return {
      version: this.version,
      role: this.role,
      requests: counts.requests,
      ok: counts.ok,
      errors: counts.errors,
      rejected: counts.rejected,
      errorRate: judged > 0 ? counts.errors / judged : null,
      errorsByReason: Object.fromEntries(counts.reasons),
      pinned: counts.pinned,
      latency: quantilesOf(Float64Array.from(latencies)),
      latencySamplesMs: spread(latencies, maxSamples),
      predictions: spread(predictions, maxSamples),
      predictionKind: this.predictionKind,
      samplesTruncated: latencies.length > maxSamples || predictions.length > maxSamples,
    };
  }
}
