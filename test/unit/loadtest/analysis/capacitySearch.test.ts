import { describe, expect, it } from 'vitest';
import type { CapacitySearch } from '../../../../src-shared/contract';
import {
  capacitySearch,
  levelOf,
  measureLevel,
  windowsAreStable,
  type LevelRunner,
  type WindowResult,
} from '../../../../src-main/engine/loadtest/analysis/capacitySearch';
import { Mm1Simulation, mm1CapacityRate, mm1P99Ms } from '../../../../src-main/engine/loadtest/analysis/mm1Simulation';

const w = (achievedRate: number, p99Ms: number | null, extra: Partial<WindowResult> = {}): WindowResult => ({
  offeredRate: 100,
  achievedRate,
  p50Ms: p99Ms === null ? null : p99Ms / 3,
  p99Ms,
  errorRate: 0,
  ...extra,
});

/** A runner that replays a script of windows, recording what it was asked for. */
function scripted(windows: WindowResult[]): LevelRunner & { calls: number } {
  let next = 0;
  return {
    calls: 0,
    runWindow() {
      this.calls++;
      return Promise.resolve(windows[Math.min(next++, windows.length - 1)]!);
    },
  };
}

/** A noiseless M/M/1: every window reports the true p99, achieved = min(λ, μ). */
function exactMm1(mu: number): LevelRunner & { rates: number[] } {
  return {
    rates: [],
    runWindow(rate) {
      this.rates.push(rate);
      const p99 = mm1P99Ms(rate, mu);
      return Promise.resolve({
        offeredRate: rate,
        achievedRate: Math.min(rate, mu),
        p50Ms: Number.isFinite(p99) ? p99 / 6.6 : 1e6,
        p99Ms: Number.isFinite(p99) ? p99 : 1e6,
        errorRate: 0,
      });
    },
  };
}

const config = (c: Partial<CapacitySearch> & { budgetMs: number }): CapacitySearch => ({
  startRate: 10,
  maxRate: 100_000,
  precision: 0.05,
  windowSeconds: 1,
  ...c,
});

describe('stability gate', () => {
  it('needs 3 windows, each within ±10 % of their mean on throughput and on p99', () => {
    expect(windowsAreStable([w(100, 10), w(100, 10)])).toBe(false);
    expect(windowsAreStable([w(100, 10), w(100, 10), w(100, 10)])).toBe(true);
    expect(windowsAreStable([w(50, 99), w(95, 10), w(100, 10.5), w(105, 11)])).toBe(true);
    expect(windowsAreStable([w(100, 10), w(100, 10), w(100, 13)])).toBe(false);
    expect(windowsAreStable([w(80, 10), w(100, 10), w(100, 10)])).toBe(false);
  });

  it('treats windows without a p99: all none is settled (nothing finishes), a mix is not', () => {
    expect(windowsAreStable([w(0, null), w(0, null), w(0, null)])).toBe(true);
    expect(windowsAreStable([w(100, 10), w(100, null), w(100, 10)])).toBe(false);
  });

  it('runs windows until a noisy level settles, then reports the mean of the last three', async () => {
    const runner = scripted([w(40, 80), w(90, 30), w(120, 9), w(100, 10), w(98, 10.4), w(101, 9.9), w(1, 1)]);
    const measured = await measureLevel(runner, 100, { budgetMs: 20, windowSeconds: 1 });
    expect(runner.calls).toBe(6);
    expect(measured!.level).toMatchObject({ offeredRate: 100, windows: 6, stable: true, meetsBudget: true });
    expect(measured!.level.achievedRate).toBeCloseTo((100 + 98 + 101) / 3, 9);
    expect(measured!.level.p99Ms).toBeCloseTo((10 + 10.4 + 9.9) / 3, 9);
    expect(measured!.saturated).toBe(false);
  });

  it('gives up after 10 windows on a level that never settles, marking it unstable', async () => {
    const runner = scripted(Array.from({ length: 20 }, (_, i) => w(100, i % 2 ? 10 : 16)));
    const measured = await measureLevel(runner, 100, { budgetMs: 20, windowSeconds: 1 });
    expect(runner.calls).toBe(10);
    expect(measured!.level).toMatchObject({ windows: 10, stable: false });
  });

  it('meets the budget only with p99 ≤ budget, achieved ≥ 95 % of offered and errors ≤ 1 %', () => {
    const level = (ws: WindowResult[]) => levelOf(100, ws, 20);
    const three = (x: WindowResult) => [x, x, x];
    expect(level(three(w(100, 20))).level.meetsBudget).toBe(true);
    expect(level(three(w(100, 20.1))).level.meetsBudget).toBe(false);
    expect(level(three(w(94, 10))).level.meetsBudget).toBe(false);
    expect(level(three(w(94, 10))).saturated).toBe(true);
    // Tracking is judged against what the windows offered: a Poisson schedule that offered 90 answered in full.
    expect(level(three(w(90, 10, { offeredRate: 90 }))).level.meetsBudget).toBe(true);
    expect(level(three(w(100, 10, { errorRate: 0.011 }))).level.meetsBudget).toBe(false);
    expect(level(three(w(0, null))).level.meetsBudget).toBe(false);
  });
});

describe('capacitySearch', () => {
  it('doubles from startRate, then bisects to λ* = μ − ln(100)/B within the precision (noiseless M/M/1)', async () => {
    const mu = 1000;
    const budgetMs = 20;
    const runner = exactMm1(mu);
    const result = await capacitySearch(runner, config({ budgetMs }));
    const truth = mm1CapacityRate(mu, budgetMs)!;
    expect([...new Set(runner.rates)].slice(0, 8)).toEqual([10, 20, 40, 80, 160, 320, 640, 1280]);
    expect(result.capacityRate!).toBeLessThanOrEqual(truth);
    expect(truth - result.capacityRate!).toBeLessThanOrEqual(0.05 * result.capacityRate!);
    // The first rate above the good one that was measured missed the budget: the bracket closed.
    const above = result.levels.filter((l) => l.offeredRate > result.capacityRate!);
    expect(above[0]!.meetsBudget).toBe(false);
    expect(above[0]!.offeredRate - result.capacityRate!).toBeLessThanOrEqual(0.05 * result.capacityRate!);
    expect(result.levels.map((l) => l.offeredRate)).toEqual(
      [...result.levels.map((l) => l.offeredRate)].sort((a, b) => a - b),
    );
    expect(result.budgetMs).toBe(budgetMs);
    // Saturation bisected to within the precision of μ / 0.95, where achieved stops tracking offered.
    expect(result.saturationRate!).toBeGreaterThanOrEqual(mu / 0.95);
    expect(result.saturationRate!).toBeLessThanOrEqual((mu / 0.95) * 1.06);
    expect(result.kneeRate!).toBeGreaterThan(0.5 * mu);
    expect(result.kneeRate!).toBeLessThanOrEqual(mu);
  });

  it('stops at maxRate when every level meets the budget', async () => {
    const runner = exactMm1(1e6);
    const result = await capacitySearch(runner, config({ budgetMs: 50, startRate: 100, maxRate: 1000 }));
    expect(result.levels.map((l) => l.offeredRate)).toEqual([100, 200, 400, 800, 1000]);
    expect(result).toMatchObject({ capacityRate: 1000, saturationRate: null });
  });

  it('reports no capacity when even the start rate misses the budget', async () => {
    const result = await capacitySearch(exactMm1(100), config({ budgetMs: 10, startRate: 10 }));
    expect(result.levels).toHaveLength(1);
    expect(result).toMatchObject({ capacityRate: null, saturationRate: null, kneeRate: null });
  });

  it('stops early when the signal aborts, keeping only the levels whose gate finished', async () => {
    const controller = new AbortController();
    const inner = exactMm1(1000);
    const runner: LevelRunner = {
      async runWindow(rate, seconds) {
        if (inner.rates.length === 10) controller.abort();
        return inner.runWindow(rate, seconds);
      },
    };
    const result = await capacitySearch(runner, config({ budgetMs: 20 }), controller.signal);
    expect(inner.rates).toHaveLength(11);
    expect(result.levels.map((l) => l.offeredRate)).toEqual([10, 20, 40]);
    expect(result.capacityRate).toBe(40);
    const before = new AbortController();
    before.abort();
    expect((await capacitySearch(exactMm1(1000), config({ budgetMs: 20 }), before.signal)).levels).toEqual([]);
  });
});

describe('capacitySearch on a simulated M/M/1 server', () => {
  const mu = 1000;

  it('the simulation matches the M/M/1 p99 below μ and saturates at μ above it', async () => {
    const sim = new Mm1Simulation({ serviceRate: mu, seed: 11 });
    const below = await sim.runWindow(500, 60);
    expect(below.achievedRate).toBeCloseTo(500, -1);
    expect(Math.abs(below.p99Ms! - mm1P99Ms(500, mu)) / mm1P99Ms(500, mu)).toBeLessThan(0.1);
    const above = [await sim.runWindow(1500, 5), await sim.runWindow(1500, 5), await sim.runWindow(1500, 5)];
    for (const window of above) expect(Math.abs(window.achievedRate - mu) / mu).toBeLessThan(0.05);
    expect(above[2]!.p99Ms!).toBeGreaterThan(above[1]!.p99Ms!);
    expect(above[1]!.p99Ms!).toBeGreaterThan(above[0]!.p99Ms!);
  });

  it.each([
    [20, 1],
    [20, 4],
    [50, 5],
    [100, 3],
  ])('finds λ* for a %d ms budget (seed %d) within the precision plus simulation noise', async (budgetMs, seed) => {
    const result = await capacitySearch(
      new Mm1Simulation({ serviceRate: mu, seed }),
      config({ budgetMs, windowSeconds: 5 }),
    );
    const truth = mm1CapacityRate(mu, budgetMs)!;
    // 5 % bisection precision, plus up to 5 % from a p99 measured over 5 s windows.
    expect(Math.abs(result.capacityRate! - truth) / truth).toBeLessThan(0.1);
    expect(result.saturationRate!).toBeGreaterThan(mu);
    expect(result.saturationRate!).toBeLessThan(1.15 * mu);
    expect(result.kneeRate!).toBeGreaterThan(0.5 * mu);
    expect(result.kneeRate!).toBeLessThanOrEqual(1.05 * mu);
  });

  it('is repeatable: the same seed gives the same search', async () => {
    const run = () =>
      capacitySearch(new Mm1Simulation({ serviceRate: mu, seed: 9 }), config({ budgetMs: 30, windowSeconds: 2 }));
    expect(await run()).toEqual(await run());
  });
});
