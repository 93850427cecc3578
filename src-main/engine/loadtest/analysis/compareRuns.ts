// Compares runs against the first: p99 ratio with a bootstrap 95 % interval (resampling each run's seconds),
// throughput and error deltas, and a verdict that only says "slower" or "faster" when the interval excludes 1.
import { mulberry32 } from '../../../../src-shared/seededRandom';
import type { LoadRun, LoadSummary, RunComparison } from '../../../../src-shared/contract';
import type { StoredInterval } from '../../store/loadTestRepository';
import { bucketsOf, decodeForAnalysis, rankAtPercentile } from './histogramBuckets';
import { errorRate, summarizeRun } from './summarizeRun';

export interface ComparedRun {
  run: LoadRun;
  intervals: StoredInterval[];
}

export interface CompareOptions {
  /** Bootstrap resamples (default 1 000). */
  resamples?: number;
  /** PRNG seed, so the same runs always get the same interval (default 1). */
  seed?: number;
}

const DEFAULT_RESAMPLES = 1000;
/** Differences smaller than these are not worth a clause in the verdict. */
const MATERIAL_ERROR_DELTA = 0.01;
const MATERIAL_RATE_CHANGE = 0.05;

/**
 * A run's corrected per-second histograms as sparse count vectors over the run's distinct bucket values, so a
 * resample is a sum of small vectors rather than a merge of full HdrHistograms (1 000 × seconds of them).
 */
class SecondsSample {
  private readonly valuesUs: Float64Array;
  private readonly seconds: { index: Int32Array; count: Float64Array }[];
  private readonly sums: Float64Array;

  constructor(intervals: readonly StoredInterval[]) {
    const perSecond = intervals.map((s) => bucketsOf(decodeForAnalysis(s.corrected)));
    const values = [...new Set(perSecond.flatMap((buckets) => buckets.map((b) => b.valueUs)))].sort((a, b) => a - b);
    const position = new Map(values.map((v, i) => [v, i]));
    this.valuesUs = Float64Array.from(values);
    this.seconds = perSecond.map((buckets) => ({
      index: Int32Array.from(buckets, (b) => position.get(b.valueUs)!),
      count: Float64Array.from(buckets, (b) => b.count),
    }));
    this.sums = new Float64Array(values.length);
  }

  get size(): number {
    return this.seconds.length;
  }

  /** p99 (µs, as HdrHistogram reports it) of the merge of the given seconds; null when they hold no values. */
  p99Of(picks: ArrayLike<number>): number | null {
    const sums = this.sums;
    sums.fill(0);
    let total = 0;
    for (let i = 0; i < picks.length; i++) {
      const second = this.seconds[picks[i]!]!;
      for (let j = 0; j < second.index.length; j++) {
        sums[second.index[j]!]! += second.count[j]!;
        total += second.count[j]!;
      }
    }
    if (total === 0) return null;
    const rank = rankAtPercentile(99, total);
    let seen = 0;
    for (let k = 0; k < sums.length; k++) {
      seen += sums[k]!;
      if (seen >= rank) return this.valuesUs[k]!;
    }
    return this.valuesUs[this.valuesUs.length - 1]!;
  }

  /** p99 of every second once: the point estimate. */
  p99(): number | null {
    return this.p99Of(Array.from({ length: this.size }, (_, i) => i));
  }

  /** p99 of `resamples` merges of seconds drawn with replacement. */
  bootstrap(resamples: number, random: () => number): (number | null)[] {
    const picks = new Int32Array(this.size);
    const out: (number | null)[] = [];
    for (let b = 0; b < resamples; b++) {
      for (let i = 0; i < picks.length; i++) picks[i] = Math.floor(random() * picks.length);
      out.push(this.p99Of(picks));
    }
    return out;
  }
}

/** Linear interpolation between order statistics (type 7, as R's and numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** A percent change, signed with a real minus: "−4", "+6", "38". */
function percent(change: number, signed: boolean): string {
  const x = change * 100;
  // Whole percents read best; below 1 % a decimal keeps a small change from reading as 0.
  const digits = Math.abs(x) < 1 ? 1 : 0;
  const text = Math.abs(x).toFixed(digits);
  if (!signed || Number(text) === 0) return text;
  return `${x < 0 ? '−' : '+'}${text}`;
}

/** The p99 sentence: a direction only when the 95 % interval of the ratio excludes 1. */
export function p99Verdict(ratio: number | null, low: number | null, high: number | null): string {
  if (ratio === null) return 'no p99 to compare: a run has no answered requests';
  if (low === null || high === null) return `p99 ${percent(ratio - 1, true)} % (no interval: too few seconds)`;
  if (low > 1)
    return `p99 ${percent(ratio - 1, false)} % higher (95 % CI ${percent(low - 1, false)}–${percent(high - 1, false)} %): slower`;
  if (high < 1)
    return `p99 ${percent(1 - ratio, false)} % lower (95 % CI ${percent(1 - high, false)}–${percent(1 - low, false)} %): faster`;
  return `no clear difference in p99 (95 % CI ${percent(low - 1, true)} – ${percent(high - 1, true)} %)`;
}

function summaryOf(compared: ComparedRun): LoadSummary {
  return compared.run.summary ?? summarizeRun(compared.intervals, compared.intervals.length);
}

export function compareRuns(runs: readonly ComparedRun[], options: CompareOptions = {}): RunComparison {
  const resamples = Math.max(1, Math.floor(options.resamples ?? DEFAULT_RESAMPLES));
  const random = mulberry32(options.seed ?? 1);
  const summaries = runs.map(summaryOf);
  const comparison: RunComparison = {
    runs: runs.map((r, i) => ({ id: r.run.id, name: r.run.name, summary: summaries[i]! })),
    deltas: [],
  };
  if (runs.length === 0) return comparison;

  const baseSample = new SecondsSample(runs[0]!.intervals);
  const baseP99 = baseSample.p99();
  // The baseline is resampled once and each candidate's resamples are paired with it, index by index.
  const baseBoot = baseSample.bootstrap(resamples, random);
  const base = summaries[0]!;

  comparison.deltas = runs.map((r, i) => {
    const summary = summaries[i]!;
    const errorRateDelta = errorRate(summary.statuses) - errorRate(base.statuses);
    const achievedRateRatio = base.achievedRate > 0 ? summary.achievedRate / base.achievedRate : null;
    if (i === 0) {
      const p99Ratio = baseP99 === null ? null : 1;
      return {
        id: r.run.id,
        p99Ratio,
        p99RatioLow: p99Ratio,
        p99RatioHigh: p99Ratio,
        achievedRateRatio,
        errorRateDelta,
        verdict: 'baseline',
      };
    }
    const sample = new SecondsSample(r.intervals);
    const p99 = sample.p99();
    const p99Ratio = p99 === null || baseP99 === null ? null : p99 / baseP99;
    let low: number | null = null;
    let high: number | null = null;
    if (p99Ratio !== null && sample.size > 1 && baseSample.size > 1) {
      const ratios = sample
        .bootstrap(resamples, random)
        .flatMap((p, b) => {
          const q = baseBoot[b];
          return p === null || q === null || q === undefined ? [] : [p / q];
        })
        .sort((a, b) => a - b);
      if (ratios.length > 0) {
        low = quantile(ratios, 0.025);
        high = quantile(ratios, 0.975);
      }
    }
    const notes: string[] = [];
    if (Math.abs(errorRateDelta) >= MATERIAL_ERROR_DELTA)
      notes.push(`error rate ${percent(errorRateDelta, true)} points`);
    if (achievedRateRatio !== null && Math.abs(achievedRateRatio - 1) >= MATERIAL_RATE_CHANGE)
      notes.push(
        `achieved rate ${percent(Math.abs(achievedRateRatio - 1), false)} % ${achievedRateRatio > 1 ? 'higher' : 'lower'}`,
      );
    if (base.offeredRate > 0 && Math.abs(summary.offeredRate / base.offeredRate - 1) >= MATERIAL_RATE_CHANGE)
      notes.push('the offered load differs, so latencies are not like for like');
    for (const [name, s] of [
      [runs[0]!.run.name, base],
      [r.run.name, summary],
    ] as const)
      if (s.generatorBound) notes.push(`${name} was generator-bound`);
    return {
      id: r.run.id,
      p99Ratio,
      p99RatioLow: low,
      p99RatioHigh: high,
      achievedRateRatio,
      errorRateDelta,
      verdict: [p99Verdict(p99Ratio, low, high), ...notes].join('; '),
    };
  });
  return comparison;
}
