// The per-caller token bucket behind 429: bursts, refill at the rate, Retry-After, callers kept apart, and idle
// callers forgotten without timers.
import { describe, expect, it } from 'vitest';
import { CallerQuota } from '../../../../src-main/engine/serving/callerQuota';
import { ServingError } from '../../../../src-main/engine/serving/servingError';

/** A quota on a clock the test moves by hand (ms). */
function quotaAt(options: { ratePerSecond: number; burst?: number }) {
  const clock = { ms: 0 };
  return { quota: new CallerQuota(options, () => clock.ms), clock };
}

function refusal(fn: () => void): ServingError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ServingError) return error;
    throw error;
  }
  throw new Error('expected a 429, but the request was let through');
}

describe('CallerQuota', () => {
  it('lets a burst through, then refuses with 429 naming the limit and a Retry-After of at least 1 s', () => {
    const { quota } = quotaAt({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) quota.take('a');
    const error = refusal(() => quota.take('a'));
    expect(error.status).toBe(429);
    expect(error.message).toBe('too many requests: each caller may send 2 requests/s (bursts of 3); retry in 1 s');
    expect(error.options.retryAfterSeconds).toBe(1);
    expect(error.failure).toBe('REJECTED');
  });

  it('defaults the burst to the rate, and to one request below 1 req/s', () => {
    const five = quotaAt({ ratePerSecond: 5 }).quota;
    expect(five.burst).toBe(5);
    for (let i = 0; i < 5; i++) five.take('a');
    expect(() => five.take('a')).toThrow(/5 requests\/s \(bursts of 5\)/);
    const slow = quotaAt({ ratePerSecond: 0.25 }).quota;
    expect(slow.burst).toBe(1);
    slow.take('a');
    // One token every 4 s: the wait is rounded up to whole seconds.
    expect(refusal(() => slow.take('a')).options.retryAfterSeconds).toBe(4);
  });

  it('refills at the rate: one more request per 1/rate seconds, never beyond the burst', () => {
    const { quota, clock } = quotaAt({ ratePerSecond: 10, burst: 2 });
    quota.take('a');
    quota.take('a');
    expect(() => quota.take('a')).toThrow(/too many requests/);
    clock.ms += 99;
    expect(() => quota.take('a')).toThrow(/too many requests/);
    clock.ms += 1;
    quota.take('a');
    expect(() => quota.take('a')).toThrow(/too many requests/);
    clock.ms += 60_000; // a long idle spell refills to the burst, not to 600
    quota.take('a');
    quota.take('a');
    expect(() => quota.take('a')).toThrow(/too many requests/);
  });

  it('computes Retry-After from the tokens missing', () => {
    const { quota, clock } = quotaAt({ ratePerSecond: 0.1, burst: 1 });
    quota.take('a');
    expect(refusal(() => quota.take('a')).options.retryAfterSeconds).toBe(10);
    clock.ms += 2500;
    expect(refusal(() => quota.take('a')).options.retryAfterSeconds).toBe(8);
    clock.ms += 7500;
    quota.take('a');
  });

  it('keeps callers apart: one over its quota does not slow another', () => {
    const { quota } = quotaAt({ ratePerSecond: 1 });
    quota.take('key:one');
    expect(() => quota.take('key:one')).toThrow(/too many requests/);
    quota.take('key:two');
    quota.take('address:10.0.0.1');
  });

  it('forgets callers whose bucket has refilled, so idle callers cost no memory', () => {
    const { quota, clock } = quotaAt({ ratePerSecond: 100, burst: 100 });
    for (let i = 0; i < 1000; i++) quota.take(`address:10.0.${i >> 8}.${i & 255}`);
    expect(quota.tracked).toBe(1000);
    clock.ms += 500; // half refilled: still remembered
    quota.take('address:busy');
    expect(quota.tracked).toBe(1001);
    clock.ms += 1000;
    quota.take('address:busy');
    expect(quota.tracked).toBe(1);
  });

  it('refuses a rate or burst that cannot work', () => {
    expect(() => new CallerQuota({ ratePerSecond: 0 })).toThrow(/positive number of requests per second/);
    expect(() => new CallerQuota({ ratePerSecond: Number.NaN })).toThrow(/positive/);
    expect(() => new CallerQuota({ ratePerSecond: 5, burst: 0.5 })).toThrow(/burst must be at least 1/);
  });
});
