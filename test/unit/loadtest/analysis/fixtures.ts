// Builders for stored intervals from plain latency lists, shared by the analysis tests.
import * as hdr from 'hdr-histogram-js';
import type { LoadInterval, StatusCounts } from '../../../../src-shared/contract';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import type { StoredInterval } from '../../../../src-main/engine/store/loadTestRepository';
import {
  encodeHistogram,
  newHistogram,
  percentilesOf,
  recordMs,
  type Histogram,
} from '../../../../src-main/engine/loadtest/latencyHistogram';

/** Like newHistogram, with flat 32-bit counts: the same encoding, much faster to fill and encode in tests. */
function fastHistogram(): Histogram {
  const packed = newHistogram();
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: packed.highestTrackableValue,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function histogramOf(valuesMs: readonly number[]): Histogram {
  const h = fastHistogram();
  for (const v of valuesMs) recordMs(h, v);
  return h;
}

export interface IntervalValues {
  corrected: readonly number[];
  /** Defaults to the corrected values. */
  uncorrected?: readonly number[];
  /** Defaults to 0.1 ms per corrected value. */
  sendLag?: readonly number[];
  offered?: number;
  completed?: number;
  statuses?: StatusCounts;
  extra?: Pick<LoadInterval, 'server' | 'engine'>;
}

export function storedInterval(second: number, values: IntervalValues): StoredInterval {
  const corrected = histogramOf(values.corrected);
  const uncorrected = histogramOf(values.uncorrected ?? values.corrected);
  const sendLag = histogramOf(values.sendLag ?? values.corrected.map(() => 0.1));
  const n = values.corrected.length;
  const interval: LoadInterval = {
    second,
    offered: values.offered ?? n,
    completed: values.completed ?? n,
    statuses: values.statuses ?? (n ? { ok: n } : {}),
    corrected: percentilesOf(corrected),
    uncorrected: percentilesOf(uncorrected),
    sendLag: percentilesOf(sendLag),
    ...values.extra,
  };
  return {
    interval,
    corrected: encodeHistogram(corrected),
    uncorrected: encodeHistogram(uncorrected),
    sendLag: encodeHistogram(sendLag),
  };
}

/** Log-normal latencies (ms) around `medianMs`: a plausible server's spread, seeded. */
export function logNormalMs(count: number, medianMs: number, sigma: number, random: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    // Box–Muller; 1 − u keeps the logarithm finite.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    out.push(medianMs * Math.exp(sigma * z));
  }
  return out;
}

/** A run of `seconds` per-second intervals, each with `perSecond` log-normal latencies scaled by `scale`. */
export function logNormalRun(seconds: number, perSecond: number, seed: number, scale = 1): StoredInterval[] {
  const random = mulberry32(seed);
  return Array.from({ length: seconds }, (_, s) =>
    storedInterval(s, { corrected: logNormalMs(perSecond, 10 * scale, 0.5, random) }),
  );
}

/** The exact nearest-rank percentile of a list (what a 3-digit HdrHistogram approximates to 0.1 %). */
export function exactPercentile(values: readonly number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((percentile / 100) * sorted.length)) - 1]!;
}
