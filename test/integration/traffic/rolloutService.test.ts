// Live rollouts through the service on a real library: started only where the model is served with both
// versions ready, one at a time per model, acted on from another process through the shared library, and
// resumed paused with their history intact when the engine that drove them stopped.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { RolloutSchema, type RolloutPlanInput } from '../../../src-shared/contract';
import { mulberry32 } from '../../../src-shared/seededRandom';
import { Engine } from '../../../src-main/engine/engine';
import { startServing } from '../../../src-main/engine/servingSession';
import { VirtualClock } from '../../../src-main/engine/traffic/rollout/rolloutClock';
import { RolloutService, type ServingPlane } from '../../../src-main/engine/traffic/rollout/rolloutService';
import { TrafficMonitor } from '../../../src-main/engine/traffic/trafficMonitor';
import { TrafficRouter } from '../../../src-main/engine/traffic/trafficRouter';
import { UserError } from '../../../src-main/engine/userError';
import { tempDir } from '../../helpers/tempDir';

const MODEL = 'digits-mlp';
const PLAN: RolloutPlanInput = {
  steps: [
    { kind: 'shadow', percent: 50, minDurationSeconds: 20, minRequests: 100 },
    { kind: 'weights', weights: { baseline: 50, candidate: 50 }, minDurationSeconds: 20, minRequests: 100 },
  ],
  evaluateEverySeconds: 5,
};

/** A data plane without HTTP: the real router and monitor over versions said to be loaded. */
function plane(clock: VirtualClock, loaded: number[]): ServingPlane {
  const versions = () => loaded.map((version) => ({ model: MODEL, version, state: 'ready' }));
  const router = new TrafficRouter(
    (m) =>
      m.toLowerCase() === MODEL
        ? { model: MODEL, versions: versions().map((v) => ({ version: v.version, state: 'ready' as const })) }
        : undefined,
    { seed: 5, clock: () => clock.now() },
  );
  const monitor = new TrafficMonitor({ clock: () => clock.now() });
  return { router, monitor, versionsOf: (m) => (m.toLowerCase() === MODEL ? versions() : []) };
}

/** `seconds` of healthy traffic at 20 requests/s, with the service ticking each second. */
function traffic(p: ServingPlane, clock: VirtualClock, service: RolloutService, seconds: number): void {
  const random = mulberry32(9);
  for (let s = 0; s < seconds; s++) {
    const start = clock.now();
    for (let i = 0; i < 20; i++) {
      clock.set(start + i * 50);
      const d = p.router.decide(MODEL);
      const versions: [number, 'live' | 'shadow'][] = d ? [[d.version, 'live']] : [[1, 'live']];
      if (d?.shadowVersion) versions.push([d.shadowVersion, 'shadow']);
      for (const [version, role] of versions) {
        const latencyMs = 0.5 + random();
        p.monitor.record(MODEL, {
          version,
          role,
          atMs: clock.now() + latencyMs,
          latencyMs,
          ok: true,
          predictions: [Math.floor(random() * 10)],
          predictionKind: 'class',
        });
      }
      if (d?.shadowVersion)
        p.monitor.recordPair(MODEL, {
          liveVersion: 1,
          shadowVersion: 2,
          atMs: clock.now() + 2,
          rows: 1,
          agreeingRows: 1,
          absDelta: {},
        });
    }
    clock.set(start + 1000);
    service.tick();
  }
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

function engineAt(home: string): Engine {
  const engine = Engine.open({ home });
  open.push(engine);
  return engine;
}

function serviceOf(engine: Engine, clock: VirtualClock, pid?: number): RolloutService {
  const service = new RolloutService(engine, { clock, tickMs: 3_600_000, ...(pid ? { pid } : {}) });
  open.push(service);
  return service;
}

describe('starting a rollout', () => {
  it('needs the model served here with both versions ready', async () => {
    const engine = engineAt(tempDir('slipway-rollout-'));
    const clock = new VirtualClock(1_000_000);
    const service = serviceOf(engine, clock);
    const request = { model: MODEL, candidate: 2, plan: PLAN };
    const unserved = (() => {
      try {
        service.start(request);
      } catch (error) {
        return error as UserError;
      }
    })();
    expect(unserved).toBeInstanceOf(UserError);
    expect(unserved!.code).toBe('unavailable');
    expect(unserved!.message).toMatch(/nothing in this process serves digits-mlp/);

    service.attach(plane(clock, [1]));
    expect(() => service.start(request)).toThrow(
      /digits-mlp:2 is not loaded and ready on the endpoint \(loaded: 1 \(ready\)\)/,
    );
    expect(service.list()).toEqual([]);
  });

  it('refuses a candidate the library does not have, and a plan with no steps, before anything else', () => {
    const engine = engineAt(tempDir('slipway-rollout-'));
    const service = serviceOf(engine, new VirtualClock(0));
    expect(() => service.check({ model: MODEL, candidate: 7, plan: PLAN })).toThrow(/digits-mlp has no version 7/);
    expect(() => service.check({ model: MODEL, candidate: 2, plan: { steps: [] } })).toThrow(
      /a plan needs at least one step/,
    );
    expect(() => service.check({ model: MODEL, candidate: 1, baseline: 1, plan: PLAN })).toThrow(/both version 1/);
  });

  it('on a real endpoint, a candidate that is not loaded is refused and no route is set', async () => {
    const engine = engineAt(tempDir('slipway-rollout-'));
    const session = await startServing(engine, {
      host: '127.0.0.1',
      port: 0,
      models: [`${MODEL}:1`],
      apiKeys: [],
      allowedHosts: [],
      corsOrigins: [],
      liveDrift: null,
    });
    open.push({ close: () => session.stop() });
    const service = serviceOf(engine, new VirtualClock(0));
    service.attach(session.server);
    const error = (() => {
      try {
        service.start({ model: MODEL, candidate: 2, plan: PLAN });
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(error?.code).toBe('conflict');
    expect(error?.message).toMatch(/digits-mlp:2 is not loaded and ready/);
    expect(session.router.route(MODEL)).toBeNull();
  });

  it('sets step 1’s route, stores the rollout and its start, and refuses an overlapping rollout (from any process)', () => {
    const home = tempDir('slipway-rollout-');
    const engine = engineAt(home);
    const clock = new VirtualClock(1_000_000);
    const p = plane(clock, [1, 2]);
    const service = serviceOf(engine, clock);
    service.attach(p);
    const rollout = service.start({ model: MODEL, candidate: 2, plan: PLAN });
    expect(RolloutSchema.parse(rollout)).toMatchObject({
      state: 'running',
      baseline: 1,
      candidate: 2,
      stepIndex: 0,
      driven: true,
    });
    expect(p.router.route(MODEL)).toMatchObject({ weights: { 1: 100, 2: 0 }, shadow: { version: 2, percent: 50 } });
    expect(service.history(MODEL).map((d) => d.action)).toEqual(['start']);
    expect(() => service.start({ model: MODEL, candidate: 2, plan: PLAN })).toThrow(/already has a running rollout/);
    const elsewhere = serviceOf(engineAt(home), clock, 424242);
    const overlap = (() => {
      try {
        elsewhere.check({ model: 'DIGITS-MLP', candidate: 2, plan: PLAN });
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(overlap?.code).toBe('conflict');
  });
});

describe('driving a rollout', () => {
  it('advances on healthy traffic, promotes, and makes the candidate the production version', () => {
    const engine = engineAt(tempDir('slipway-rollout-'));
    const clock = new VirtualClock(1_000_000);
    const p = plane(clock, [1, 2]);
    const service = serviceOf(engine, clock);
    service.attach(p);
    service.start({ model: MODEL, candidate: 2, plan: PLAN });
    traffic(p, clock, service, 60);
    const done = service.get(MODEL);
    expect(done.state).toBe('promoted');
    expect(service.history(MODEL).map((d) => d.action)).toEqual(['start', 'advance', 'promote']);
    expect(p.router.route(MODEL)).toMatchObject({ weights: { 1: 0, 2: 100 } });
    expect(engine.library.get({ name: MODEL, version: 2 }).stage).toBe('production');
    expect(engine.library.get({ name: MODEL, version: 1 }).stage).toBe('staging');
  });

  it('applies a rollback stored by another process within a tick', () => {
    const home = tempDir('slipway-rollout-');
    const engine = engineAt(home);
    const clock = new VirtualClock(1_000_000);
    const p = plane(clock, [1, 2]);
    const driver = serviceOf(engine, clock);
    driver.attach(p);
    driver.start({ model: MODEL, candidate: 2, plan: PLAN });
    traffic(p, clock, driver, 3);

    const cli = serviceOf(engineAt(home), clock, 424242);
    expect(cli.get(MODEL).driven).toBe(true);
    const decision = cli.rollback(MODEL, 'from another terminal');
    expect(decision).toMatchObject({
      action: 'rollback',
      actor: 'user',
      toState: 'rolledBack',
      reason: 'from another terminal',
    });
    // The driving process has not looked yet: its router still shadows.
    expect(p.router.route(MODEL)!.shadow).not.toBeNull();
    driver.tick();
    expect(p.router.route(MODEL)).toMatchObject({ weights: { 1: 100, 2: 0 }, shadow: null });
    expect(driver.get(MODEL)).toMatchObject({ state: 'rolledBack', driven: false });
    expect(() => cli.resume(MODEL)).toThrow(/no running or paused rollout/);
  });

  it('resumes paused with its history intact after the engine restarts mid-rollout, and runs on when resumed', () => {
    const home = tempDir('slipway-rollout-');
    const clock = new VirtualClock(1_000_000);
    const first = Engine.open({ home });
    const p1 = plane(clock, [1, 2]);
    const service1 = new RolloutService(first, { clock, tickMs: 3_600_000 });
    service1.attach(p1);
    const started = service1.start({ model: MODEL, candidate: 2, plan: PLAN });
    traffic(p1, clock, service1, 25);
    expect(service1.get(MODEL)).toMatchObject({ state: 'running', stepIndex: 1 });
    // The engine stops (its data plane with it) in the middle of step 2.
    service1.close();
    return first.close().then(() => {
      const second = engineAt(home);
      const after = RolloutSchema.parse(new RolloutService(second).get(MODEL));
      expect(after).toMatchObject({ id: started.id, state: 'paused', stepIndex: 1, driven: false });
      expect(after.reason).toMatch(/resumed paused after restart/);
      const history = new RolloutService(second).history(MODEL);
      expect(history.map((d) => d.action)).toEqual(['start', 'advance', 'resumedPausedAfterRestart']);
      expect(history[1]!.evaluation!.gates.length).toBe(6);
      expect(history[2]).toMatchObject({ actor: 'engine', fromState: 'running', toState: 'paused', stepIndex: 1 });

      // Served again: the paused step's route comes back, and a person resumes it.
      const p2 = plane(clock, [1, 2]);
      const service2 = serviceOf(second, clock);
      service2.attach(p2);
      expect(p2.router.route(MODEL)).toMatchObject({ weights: { 1: 50, 2: 50 }, shadow: null });
      expect(service2.resume(MODEL)).toMatchObject({ action: 'resume', toState: 'running', stepIndex: 1 });
      traffic(p2, clock, service2, 30);
      expect(service2.get(MODEL).state).toBe('promoted');
    });
  });

  it('pauses a rollout whose driving process died without a word', async () => {
    const home = tempDir('slipway-rollout-');
    const clock = new VirtualClock(1_000_000);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const first = Engine.open({ home });
    const service = new RolloutService(first, { clock, tickMs: 3_600_000, pid: deadPid });
    service.attach(plane(clock, [1, 2]));
    service.start({ model: MODEL, candidate: 2, plan: PLAN });
    // No close of the service: as if the process had crashed; only the database is closed.
    await first.close();
    const second = engineAt(home);
    expect(new RolloutService(second).get(MODEL)).toMatchObject({ state: 'paused', driven: false });
  });
});
