// Fast read access to stored HdrHistograms for analysis: decoding into flat 32/64-bit count arrays (about 50×
// faster than the packed ones latencyHistogram keeps for recording, which matters at 3 histograms per second of
// run), and the recorded buckets as (value, count) pairs for what the Histogram interface cannot answer.
import * as hdr from 'hdr-histogram-js';
import { newHistogram, type Histogram } from '../latencyHistogram';

/** One non-empty bucket: its highest equivalent value (µs), as HdrHistogram reports percentiles, and its count. */
export interface HistogramBucket {
  valueUs: number;
  count: number;
}

function asJs(h: Histogram): hdr.JsHistogram {
  // latencyHistogram never builds WebAssembly histograms; the JS ones expose their counts array.
  if (!(h instanceof hdr.JsHistogram)) throw new TypeError('expected a JS HdrHistogram (see latencyHistogram)');
  return h;
}

/** A stored encoding decoded into 32-bit counts (one second never holds 2³¹ values in a bucket). */
export function decodeForAnalysis(encoded: string): hdr.JsHistogram {
  return asJs(hdr.decodeFromCompressedBase64(encoded, 32, false));
}

/** The merge of the given histograms, with 64-bit counts so an hour at a high rate cannot overflow a bucket. */
export function mergeForAnalysis(parts: readonly Histogram[]): Histogram {
  const first = parts[0];
  if (!first) return newHistogram();
  const js = asJs(first);
  const merged = hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: js.lowestDiscernibleValue,
    highestTrackableValue: js.highestTrackableValue,
    numberOfSignificantValueDigits:
      js.numberOfSignificantValueDigits as hdr.BuildRequest['numberOfSignificantValueDigits'],
    useWebAssembly: false,
  });
  for (const part of parts) merged.add(part);
  return merged;
}

/** The non-empty buckets in ascending order of value. */
export function bucketsOf(h: Histogram): HistogramBucket[] {
  const js = asJs(h);
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i < js.countsArrayLength; i++) {
    const count = js.getCountAtIndex(i);
    if (count > 0) buckets.push({ valueUs: js.highestEquivalentValue(js.valueFromIndex(i)), count });
  }
  return buckets;
}

/** Values recorded above `thresholdUs`, counted by bucket (exact below 2 048 µs at 3 significant digits). */
export function countAbove(h: Histogram, thresholdUs: number): number {
  let above = 0;
  for (const b of bucketsOf(h)) if (b.valueUs > thresholdUs) above += b.count;
  return above;
}

/**
 * The rank HdrHistogram's getValueAtPercentile stops at: the count at the percentile rounded up, minus one ulp
 * of floating-point slack, at least 1. Shared so re-weighted merges agree with HdrHistogram to the microsecond.
 */
export function rankAtPercentile(percentile: number, totalCount: number): number {
  const fp = (Math.min(percentile, 100) / 100) * totalCount;
  const ulp = fp > 0 ? Math.pow(2, Math.floor(Math.log2(fp)) - 52) : 0;
  return Math.max(Math.ceil(fp - ulp), 1);
}
