// A run's summary and any window of it, from the stored per-second intervals: percentiles always come from
// merged histograms (the percentile of all the values), never from averaging per-second percentiles.
import type { LoadRunDetail, LoadSummary, Percentiles, StatusCounts } from '../../../../src-shared/contract';
import type { StoredInterval } from '../../store/loadTestRepository';
import { percentilesOf, spectrumOf, type Histogram } from '../latencyHistogram';
import { countAbove, decodeForAnalysis, mergeForAnalysis } from './histogramBuckets';

/** A send that leaves more than this after its intended time is late (DESIGN: the generator watches itself). */
export const LATE_SEND_THRESHOLD_MS = 1;
/** More than this share of late sends marks the run generator-bound. */
export const GENERATOR_BOUND_SHARE = 0.01;
/** Outcomes that answered the request; everything else (shed, timeout, connection, http:<code>) is an error. */
export const SUCCESS_STATUSES: readonly string[] = ['ok', 'degraded'];

/** Percentiles of a window of seconds, each measure merged over the window. */
export interface WindowSlice {
  fromSecond: number;
  /** Exclusive. */
  toSecond: number;
  /** Seconds of the window that have an interval. */
  seconds: number;
  offered: number;
  completed: number;
  statuses: StatusCounts;
  corrected: Percentiles;
  uncorrected: Percentiles;
  sendLag: Percentiles;
}

interface MergedMeasures {
  corrected: Histogram;
  uncorrected: Histogram;
  sendLag: Histogram;
}

function mergeMeasures(intervals: readonly StoredInterval[]): MergedMeasures {
  return {
    corrected: mergeForAnalysis(intervals.map((s) => decodeForAnalysis(s.corrected))),
    uncorrected: mergeForAnalysis(intervals.map((s) => decodeForAnalysis(s.uncorrected))),
    sendLag: mergeForAnalysis(intervals.map((s) => decodeForAnalysis(s.sendLag))),
  };
}

export function sumStatuses(parts: readonly StatusCounts[]): StatusCounts {
  const total: StatusCounts = {};
  for (const part of parts) for (const [status, n] of Object.entries(part)) total[status] = (total[status] ?? 0) + n;
  return total;
}

export function outcomeCount(statuses: StatusCounts): number {
  return Object.values(statuses).reduce((a, b) => a + b, 0);
}

export function errorCount(statuses: StatusCounts): number {
  return Object.entries(statuses).reduce(
    (n, [status, count]) => (SUCCESS_STATUSES.includes(status) ? n : n + count),
    0,
  );
}

/** Errors as a share of all outcomes (0 when nothing finished). */
export function errorRate(statuses: StatusCounts): number {
  const outcomes = outcomeCount(statuses);
  return outcomes === 0 ? 0 : errorCount(statuses) / outcomes;
}

/** Answered requests (ok or degraded) per second: the contract's achievedRate counts errors too. */
export function successfulRate(summary: Pick<LoadSummary, 'statuses' | 'durationSeconds'>): number {
  if (!(summary.durationSeconds > 0)) return 0;
  return (outcomeCount(summary.statuses) - errorCount(summary.statuses)) / summary.durationSeconds;
}

/**
 * The whole run. `durationSeconds` is the run's planned (or, when cancelled, elapsed) length: rates are per
 * second of it, 0 when it is not positive.
 */
export function summarizeRun(intervals: readonly StoredInterval[], durationSeconds: number): LoadSummary {
  const merged = mergeMeasures(intervals);
  const offered = intervals.reduce((n, s) => n + s.interval.offered, 0);
  const completed = intervals.reduce((n, s) => n + s.interval.completed, 0);
  const perSecond = (n: number) => (durationSeconds > 0 ? n / durationSeconds : 0);
  const sends = merged.sendLag.totalCount;
  const lateSendShare = sends === 0 ? 0 : countAbove(merged.sendLag, LATE_SEND_THRESHOLD_MS * 1000) / sends;
  return {
    requests: offered,
    durationSeconds,
    offeredRate: perSecond(offered),
    achievedRate: perSecond(completed),
    statuses: sumStatuses(intervals.map((s) => s.interval.statuses)),
    corrected: percentilesOf(merged.corrected),
    uncorrected: percentilesOf(merged.uncorrected),
    sendLag: percentilesOf(merged.sendLag),
    lateSendShare,
    generatorBound: lateSendShare > GENERATOR_BOUND_SHARE,
  };
}

/** Re-slices the seconds in [fromSecond, toSecond) — e.g. only the spike's hold — from the lossless histograms. */
export function sliceWindow(intervals: readonly StoredInterval[], fromSecond: number, toSecond: number): WindowSlice {
  const inside = intervals.filter((s) => s.interval.second >= fromSecond && s.interval.second < toSecond);
  const merged = mergeMeasures(inside);
  return {
    fromSecond,
    toSecond,
    seconds: inside.length,
    offered: inside.reduce((n, s) => n + s.interval.offered, 0),
    completed: inside.reduce((n, s) => n + s.interval.completed, 0),
    statuses: sumStatuses(inside.map((s) => s.interval.statuses)),
    corrected: percentilesOf(merged.corrected),
    uncorrected: percentilesOf(merged.uncorrected),
    sendLag: percentilesOf(merged.sendLag),
  };
}

/** Corrected and uncorrected latency at the same percentiles (those of spectrumOf), whole run; empty if no answers. */
export function runSpectrum(intervals: readonly StoredInterval[]): LoadRunDetail['spectrum'] {
  const { corrected, uncorrected } = mergeMeasures(intervals);
  if (corrected.totalCount === 0 || uncorrected.totalCount === 0) return [];
  return spectrumOf(corrected).map(({ percentile, ms }) => ({
    percentile,
    correctedMs: ms,
    uncorrectedMs: (percentile >= 100 ? uncorrected.maxValue : uncorrected.getValueAtPercentile(percentile)) / 1000,
  }));
}
