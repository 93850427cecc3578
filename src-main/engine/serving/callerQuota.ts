// Per-caller request quotas for the data plane (DESIGN.md §3: 429 over a caller's quota): one token bucket per
// caller, refilled lazily from the clock on each request, so no caller ever costs a timer.
import { ServingError } from './servingError';

export interface CallerQuotaOptions {
  /** Sustained requests per second each caller may send. */
  ratePerSecond: number;
  /** Requests a caller may send at once after being idle (the bucket's size); default: the rate, at least 1. */
  burst?: number;
}

interface Bucket {
  tokens: number;
  /** Clock reading (ms) when `tokens` was last brought up to date. */
  at: number;
}

export class CallerQuota {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly buckets = new Map<string, Bucket>();
  /** A bucket idle this long is full again, i.e. the same as no bucket: sweeps drop it. */
  private readonly refillMs: number;
  private nextSweep: number;

  constructor(
    options: CallerQuotaOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    const { ratePerSecond } = options;
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new RangeError(`the rate limit must be a positive number of requests per second, got ${ratePerSecond}`);
    }
    const burst = options.burst ?? Math.max(1, ratePerSecond);
    if (!Number.isFinite(burst) || burst < 1) {
      throw new RangeError(`the burst must be at least 1 request, got ${burst}`);
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.refillMs = (burst / ratePerSecond) * 1000;
    this.nextSweep = this.now() + Math.max(1000, this.refillMs);
  }

  /** Callers with a bucket that is not yet full (the others are forgotten at the next sweep). */
  get tracked(): number {
    return this.buckets.size;
  }

  /** Takes one request from `caller`'s bucket, or throws 429 with Retry-After: the whole seconds until it has one. */
  take(caller: string): void {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    const bucket = this.buckets.get(caller);
    const tokens = bucket
      ? Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.ratePerSecond) / 1000)
      : this.burst;
    if (tokens >= 1) {
      if (bucket) {
        bucket.tokens = tokens - 1;
        bucket.at = now;
      } else this.buckets.set(caller, { tokens: tokens - 1, at: now });
      return;
    }
    if (bucket) {
      bucket.tokens = tokens;
      bucket.at = now;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / this.ratePerSecond));
    throw new ServingError(
      429,
      `too many requests: each caller may send ${formatRate(this.ratePerSecond)} requests/s ` +
        `(bursts of ${formatRate(this.burst)}); retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds, failure: 'REJECTED' },
    );
  }

  /** Forgets callers whose bucket has refilled; runs at most once per refill time, so it is amortised. */
  private sweep(now: number): void {
    for (const [caller, bucket] of this.buckets) {
      if (now - bucket.at >= this.refillMs) this.buckets.delete(caller);
    }
    this.nextSweep = now + Math.max(1000, this.refillMs);
  }
}

function formatRate(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}
