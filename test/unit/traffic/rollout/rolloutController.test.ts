// The controller on the real router and traffic monitor in virtual time: it advances when every gate passes
// after the step's minimums, rolls back at once on a failing gate, pauses when inconclusive, obeys a person at
// any time, and writes every decision with its numbers.
import { describe, expect, it } from 'vitest';
import type { Rollout, RolloutPlanInput } from '../../../../src-shared/contract';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { MemoryRolloutStore } from '../../../../src-main/engine/traffic/rollout/memoryRolloutStore';
import { VirtualClock } from '../../../../src-main/engine/traffic/rollout/rolloutClock';
import { RolloutController, routeFor } from '../../../../src-main/engine/traffic/rollout/rolloutController';
import { parsePlan } from '../../../../src-main/engine/traffic/rollout/rolloutPlan';
import { TrafficMonitor } from '../../../../src-main/engine/traffic/trafficMonitor';
import { TrafficRouter } from '../../../../src-main/engine/traffic/trafficRouter';
import { UserError } from '../../../../src-main/engine/userError';
import { thrown } from '../../../helpers/thrown';

const MODEL = 'digits';

interface Behaviour {
  /** Share of the candidate's requests that fail. */
  errors?: number;
  /** Latency multiplier of the candidate. */
  slower?: number;
  /** Share of shadow rows on which the candidate disagrees. */
  disagree?: number;
}

function harness(planInput: RolloutPlanInput) {
  const clock = new VirtualClock(0);
  const router = new TrafficRouter(
    () => ({
      model: MODEL,
      versions: [
        { version: 1, state: 'ready' },
        { version: 2, state: 'ready' },
      ],
    }),
    { seed: 3, clock: () => clock.now() },
  );
  const monitor = new TrafficMonitor({ clock: () => clock.now() });
  const plan = parsePlan(planInput);
  const draft: Rollout = {
    id: 'ro-test',
    model: MODEL,
    baseline: 1,
    candidate: 2,
    plan,
    state: 'running',
    stepIndex: 0,
    startedAt: new Date(0).toISOString(),
    startedAtMs: 0,
    stepStartedAtMs: 0,
    updatedAt: new Date(0).toISOString(),
    finishedAt: null,
    reason: null,
    route: { weights: {}, shadow: null },
    lastEvaluation: null,
    driven: true,
  };
  const rollout = { ...draft, route: routeFor(draft, 'running', 0) };
  const store = new MemoryRolloutStore(rollout, {
    rolloutId: rollout.id,
    at: rollout.startedAt,
    atMs: 0,
    elapsedMs: 0,
    actor: 'user',
    action: 'start',
    fromState: null,
    toState: 'running',
    stepIndex: 0,
    toStepIndex: 0,
    reason: 'test',
    route: rollout.route,
    evaluation: null,
  });
  const controller = new RolloutController(store.current, { clock, store, traffic: { router, monitor } });
  controller.applyRoute();
  const random = mulberry32(11);

  /** `seconds` of traffic at `rate` requests/s with the controller ticking each second; stops at a decision. */
  function run(seconds: number, rate: number, behaviour: Behaviour = {}) {
    for (let s = 0; s < seconds; s++) {
      const start = clock.now();
      for (let i = 0; i < rate; i++) {
        const t = start + (i * 1000) / rate;
        clock.set(t);
        const decision = router.decide(MODEL)!;
        const answer = (version: number, role: 'live' | 'shadow') => {
          const candidate = version === 2;
          const latencyMs = (0.5 + random()) * (candidate ? (behaviour.slower ?? 1) : 1);
          const ok = !(candidate && random() < (behaviour.errors ?? 0));
          const prediction = Math.floor(random() * 10);
          monitor.record(MODEL, {
            version,
            role,
            atMs: t + latencyMs,
            latencyMs,
            ok,
            ...(ok ? { predictions: [prediction], predictionKind: 'class' as const } : { reason: 'BACKEND' }),
          });
          return { ok, atMs: t + latencyMs };
        };
        const live = answer(decision.version, 'live');
        if (decision.shadowVersion !== null) {
          const shadow = answer(decision.shadowVersion, 'shadow');
          if (live.ok && shadow.ok) {
            const agree = random() >= (behaviour.disagree ?? 0);
            monitor.recordPair(MODEL, {
              liveVersion: 1,
              shadowVersion: 2,
              atMs: shadow.atMs,
              rows: 1,
              agreeingRows: agree ? 1 : 0,
              absDelta: {},
            });
          }
        }
      }
      clock.set(start + 1000);
      const decided = controller.tick();
      if (decided && decided.action !== 'advance') return decided;
    }
    return null;
  }
  return { clock, router, monitor, store, controller, run };
}

const PLAN: RolloutPlanInput = {
  steps: [
    { kind: 'shadow', percent: 50, minDurationSeconds: 30, minRequests: 200 },
    { kind: 'weights', weights: { baseline: 75, candidate: 25 }, minDurationSeconds: 30, minRequests: 200 },
    { kind: 'weights', weights: { baseline: 0, candidate: 100 }, minDurationSeconds: 20, minRequests: 200 },
  ],
  evaluateEverySeconds: 5,
};

describe('RolloutController', () => {
  it('advances step by step once every gate passes after the minimums, then promotes', () => {
    const h = harness(PLAN);
    expect(h.router.route(MODEL)).toMatchObject({ weights: { 1: 100, 2: 0 }, shadow: { version: 2, percent: 50 } });
    const end = h.run(200, 40);
    expect(end).toMatchObject({ action: 'promote', toState: 'promoted', actor: 'controller' });
    const actions = h.store.decisions.map((d) => `${d.action}@${d.elapsedMs / 1000}`);
    // Each step waits for its minimum duration (every minimum count is reached sooner at 40 requests/s).
    expect(actions).toEqual(['start@0', 'advance@30', 'advance@60', 'promote@80']);
    const advance = h.store.decisions[1]!;
    expect(advance.evaluation!.minimumsMet).toBe(true);
    expect(advance.evaluation!.gates.map((g) => g.status)).not.toContain('fail');
    expect(advance.evaluation!.gates.find((g) => g.kind === 'agreement')!.status).toBe('pass');
    // At 100 % the baseline has no traffic in the step: its figures come from the whole rollout.
    expect(end!.evaluation!.baselineWindow).toBe('rollout');
    expect(h.router.route(MODEL)).toMatchObject({ weights: { 1: 0, 2: 100 }, shadow: null });
    expect(h.controller.rollout).toMatchObject({ state: 'promoted', finishedAt: new Date(80_000).toISOString() });
  });

  it('rolls back at once when a gate fails, before the step’s minimum duration: candidate weight 0, shadow off', () => {
    const h = harness(PLAN);
    const end = h.run(200, 40, { errors: 0.1 });
    expect(end).toMatchObject({ action: 'rollback', toState: 'rolledBack', stepIndex: 0 });
    // 200 candidate requests (half of 40/s) take 10 s; the minimum duration was 30 s.
    expect(end!.elapsedMs).toBeLessThan(30_000);
    const failed = end!.evaluation!.gates.filter((g) => g.status === 'fail').map((g) => g.kind);
    expect(failed).toContain('errorRate');
    expect(end!.reason).toMatch(/errorRate — candidate error rate/);
    expect(end!.route).toEqual({ weights: { 1: 100, 2: 0 }, shadow: null });
    // The candidate stays in the route table (and loaded) with weight 0, for inspection.
    expect(h.router.route(MODEL)).toMatchObject({ weights: { 1: 100, 2: 0 }, shadow: null });
  });

  it('rolls back a slow candidate on the latency judge in a weights step', () => {
    const h = harness(PLAN);
    h.run(31, 40);
    expect(h.controller.rollout.stepIndex).toBe(1);
    const end = h.run(100, 40, { slower: 3 });
    expect(end!.action).toBe('rollback');
    expect(end!.evaluation!.gates.find((g) => g.kind === 'latencyMannWhitney')!.status).toBe('fail');
  });

  it('pauses for a person when a gate is inconclusive; a person resumes (the step restarts) and promotes', () => {
    const h = harness({ ...PLAN, gates: [{ kind: 'agreement', threshold: 0.9, band: 0.05 }] });
    const paused = h.run(100, 40, { disagree: 0.07 });
    expect(paused).toMatchObject({ action: 'pause', toState: 'paused', actor: 'controller' });
    expect(paused!.reason).toMatch(/inconclusive.*agreement/);
    // Paused keeps the step's route.
    expect(h.router.route(MODEL)).toMatchObject({ weights: { 1: 100, 2: 0 }, shadow: { version: 2, percent: 50 } });
    expect(h.run(20, 40)).toBeNull();
    h.clock.advance(500);
    const resumed = h.controller.resume('user', 'looked at the rows');
    expect(resumed).toMatchObject({
      action: 'resume',
      actor: 'user',
      toState: 'running',
      reason: 'looked at the rows',
    });
    expect(h.controller.rollout.stepStartedAtMs).toBe(h.clock.now());
    const promoted = h.controller.promote('user');
    expect(promoted).toMatchObject({ action: 'promote', toState: 'promoted', evaluation: null });
    expect(h.router.route(MODEL)).toMatchObject({ weights: { 1: 0, 2: 100 }, shadow: null });
  });

  it('refuses actions that do not apply: pause twice, resume while running, anything after the end', () => {
    const h = harness(PLAN);
    expect(thrown(() => h.controller.resume('user'), UserError).message).toMatch(/already running/);
    h.controller.pause('user');
    expect(thrown(() => h.controller.pause('user'), UserError).message).toMatch(/already paused/);
    h.controller.rollback('user', 'by hand');
    expect(h.router.route(MODEL)).toMatchObject({ weights: { 1: 100, 2: 0 }, shadow: null });
    const late = thrown(() => h.controller.promote('user'), UserError);
    expect(late.code).toBe('conflict');
    expect(late.message).toMatch(/was rolled back and is over/);
    expect(h.store.decisions.map((d) => d.action)).toEqual(['start', 'pause', 'rollback']);
  });

  it('takes on what another writer stored instead of overwriting it', () => {
    const h = harness(PLAN);
    const other = {
      ...h.store.current.rollout,
      state: 'rolledBack' as const,
      route: { weights: { 1: 100, 2: 0 }, shadow: null },
    };
    h.store.commit(other, h.store.current.revision, null);
    expect(h.controller.pause('user')).toBeNull();
    expect(h.controller.rollout.state).toBe('rolledBack');
    expect(h.router.route(MODEL)).toMatchObject({ weights: { 1: 100, 2: 0 }, shadow: null });
  });
});
