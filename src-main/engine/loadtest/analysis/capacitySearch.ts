// Capacity search: step a constant rate up until a level misses the latency budget, bisect to the highest rate
// that meets it, and report where achieved stops tracking offered and where the p99 curve bends (the knee).
import type { CapacityLevel, CapacityResult, CapacitySearch } from '../../../../src-shared/contract';
import { kneeRate } from './knee';

/** One measurement window at a constant rate. */
export interface WindowResult {
  offeredRate: number;
  achievedRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Errors as a share of outcomes, 0..1. */
  errorRate: number;
}

/** Runs one window at a constant rate; the caller keeps traffic flowing between windows. */
export interface LevelRunner {
  runWindow(rate: number, seconds: number): Promise<WindowResult>;
}

/** The stability gate, as perf_analyzer's: the last 3 windows each within ±10 % of their mean, at most 10 windows. */
export const STABLE_WINDOWS = 3;
export const STABILITY_TOLERANCE = 0.1;
export const MAX_WINDOWS = 10;
/** A level tracks its offered rate while achieved ≥ 95 % of it. */
export const TRACKING_SHARE = 0.95;
export const MAX_ERROR_RATE = 0.01;

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function withinTolerance(values: readonly number[]): boolean {
  const m = mean(values);
  return values.every((v) => Math.abs(v - m) <= STABILITY_TOLERANCE * Math.abs(m));
}

/**
 * Whether the last 3 windows agree within ±10 % on achieved throughput and on p99. A window with no p99
 * (nothing finished) only agrees with others that have none: all-null is a level that is stably dead (and
 * fails the budget on throughput), a mix of null and numbers has not settled.
 */
export function windowsAreStable(windows: readonly WindowResult[]): boolean {
  if (windows.length < STABLE_WINDOWS) return false;
  const last = windows.slice(-STABLE_WINDOWS);
  if (!withinTolerance(last.map((w) => w.achievedRate))) return false;
  const p99s = last.map((w) => w.p99Ms);
  if (p99s.every((p) => p === null)) return true;
  if (p99s.some((p) => p === null)) return false;
  return withinTolerance(p99s as number[]);
}

/** A measured level, with whether achieved fell below 95 % of what its windows actually offered. */
export interface MeasuredLevel {
  level: CapacityLevel;
  saturated: boolean;
}

/**
 * A level from its windows: the mean of the last 3 (or of all when fewer). `offeredRate` is the rate asked for,
 * so levels line up on the curve; tracking compares achieved with what the windows actually offered, because a
 * Poisson schedule offers a little more or less than its rate and the server can only answer what arrived.
 */
export function levelOf(rate: number, windows: readonly WindowResult[], budgetMs: number): MeasuredLevel {
  const last = windows.slice(-STABLE_WINDOWS);
  const p50s = last.flatMap((w) => (w.p50Ms === null ? [] : [w.p50Ms]));
  const p99s = last.flatMap((w) => (w.p99Ms === null ? [] : [w.p99Ms]));
  const achievedRate = mean(last.map((w) => w.achievedRate));
  const saturated = achievedRate < TRACKING_SHARE * mean(last.map((w) => w.offeredRate));
  const errorRate = mean(last.map((w) => w.errorRate));
  const p99Ms = p99s.length === 0 ? null : mean(p99s);
  const level: CapacityLevel = {
    offeredRate: rate,
    achievedRate,
    p50Ms: p50s.length === 0 ? null : mean(p50s),
    p99Ms,
    windows: windows.length,
    stable: windowsAreStable(windows),
    meetsBudget: p99Ms !== null && p99Ms <= budgetMs && !saturated && errorRate <= MAX_ERROR_RATE,
  };
  return { level, saturated };
}

/**
 * Measures one level: windows until the gate passes or 10 have run. Null when the signal aborts first (a level
 * cut short is not reported: its gate never finished).
 */
export async function measureLevel(
  runner: LevelRunner,
  rate: number,
  config: Pick<CapacitySearch, 'budgetMs' | 'windowSeconds'>,
  signal?: AbortSignal,
): Promise<MeasuredLevel | null> {
  const windows: WindowResult[] = [];
  while (windows.length < MAX_WINDOWS && !windowsAreStable(windows)) {
    if (signal?.aborted) return null;
    windows.push(await runner.runWindow(rate, config.windowSeconds));
  }
  return levelOf(rate, windows, config.budgetMs);
}

/**
 * The search. Levels double from startRate (capped at maxRate) until one misses the budget; then the bracket
 * between the last good and the first bad rate is bisected until it is within `precision` of the good rate.
 * When a level saturated, the bracket between the highest tracking and the lowest saturated rate is bisected
 * the same way, so saturationRate is known to the same precision. When even startRate misses, there is nothing
 * to bisect: capacityRate is null. On abort, returns what was measured so far.
 */
export async function capacitySearch(
  runner: LevelRunner,
  config: CapacitySearch,
  signal?: AbortSignal,
): Promise<CapacityResult> {
  const levels: MeasuredLevel[] = [];
  const measure = async (rate: number): Promise<CapacityLevel | null> => {
    const measured = await measureLevel(runner, rate, config, signal);
    if (measured) levels.push(measured);
    return measured?.level ?? null;
  };
  const closeEnough = (low: number, high: number) => high - low <= config.precision * low;

  let good: number | null = null;
  let bad: number | null = null;
  for (let rate = Math.min(config.startRate, config.maxRate); ; rate = Math.min(rate * 2, config.maxRate)) {
    const level = await measure(rate);
    if (!level) return result(config.budgetMs, levels);
    if (!level.meetsBudget) {
      bad = rate;
      break;
    }
    good = rate;
    if (rate >= config.maxRate) break;
  }

  if (good !== null && bad !== null) {
    let [low, high]: [number, number] = [good, bad];
    while (!closeEnough(low, high)) {
      const mid: number = (low + high) / 2;
      const level = await measure(mid);
      if (!level) return result(config.budgetMs, levels);
      if (level.meetsBudget) low = mid;
      else high = mid;
    }
  }

  // Saturation: only when some level saturated; the search never pushes past the first bad level to find it.
  for (;;) {
    const sorted = byRate(levels);
    const firstSaturated = sorted.find((m) => m.saturated)?.level.offeredRate;
    if (firstSaturated === undefined) break;
    const tracking = sorted.filter((m) => !m.saturated && m.level.offeredRate < firstSaturated).at(-1)?.level;
    if (!tracking || closeEnough(tracking.offeredRate, firstSaturated)) break;
    if (!(await measure((tracking.offeredRate + firstSaturated) / 2))) break;
  }
  return result(config.budgetMs, levels);
}

const byRate = (levels: readonly MeasuredLevel[]) =>
  [...levels].sort((a, b) => a.level.offeredRate - b.level.offeredRate);

function result(budgetMs: number, measured: readonly MeasuredLevel[]): CapacityResult {
  const sorted = byRate(measured);
  const levels = sorted.map((m) => m.level);
  const good = levels.filter((l) => l.meetsBudget);
  return {
    budgetMs,
    capacityRate: good.length === 0 ? null : Math.max(...good.map((l) => l.offeredRate)),
    saturationRate: sorted.find((m) => m.saturated)?.level.offeredRate ?? null,
    kneeRate: kneeRate(levels.map((l) => ({ rate: l.offeredRate, latencyMs: l.p99Ms }))),
    levels,
  };
}
