// Latency histograms for load tests: HdrHistogram (hdr-histogram-js) at 3 significant digits over 1 µs .. 1 h,
// one per second of a run per measure, stored losslessly (compressed encoding) so any window can be re-sliced.
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from '../../../src-shared/contract';

export type Histogram = hdr.Histogram;

const HIGHEST_US = 3_600_000_000;

export function newHistogram(): Histogram {
  // 32-bit counts: packed arrays are smaller but ~40x slower to merge and read, and a run keeps few live ones.
  // JS (not WebAssembly), so worker threads need no setup.
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records a latency given in ms (stored in µs, clamped to the trackable range). */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
  h.recordValue(us);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  const h = newHistogram();
  h.add(hdr.decodeFromCompressedBase64(encoded, 32, false));
  return h;
}

/** One histogram holding every value of the given ones (a window re-sliced from per-second histograms). */
export function mergeHistograms(parts: readonly Histogram[]): Histogram {
  const merged = newHistogram();
  for (const part of parts) merged.add(part);
  return merged;
}

/** Percentiles in ms (µs resolution), or nulls for an empty histogram. */
export function percentilesOf(h: Histogram): Percentiles {
  const count = h.totalCount;
  if (count === 0) return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

/** The percentile spectrum: latency at 0, 50, 75, 87.5, … (halving the rest each step) up to 99.999. */
export function spectrumOf(h: Histogram): { percentile: number; ms: number }[] {
  if (h.totalCount === 0) return [];
  const points: { percentile: number; ms: number }[] = [];
  for (let rest = 100; ; rest /= 2) {
    const percentile = Math.min(99.999, 100 - rest);
    points.push({ percentile, ms: h.getValueAtPercentile(Math.max(percentile, 0)) / 1000 });
    if (percentile >= 99.999) break;
  }
  points.push({ percentile: 100, ms: h.maxValue / 1000 });
  return points;
}
