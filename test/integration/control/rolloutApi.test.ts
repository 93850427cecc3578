// Traffic routes and rollouts through the control API, as the Rollouts screen drives them: the token is required;
// while the endpoint is stopped, routes and rollouts say so; weights set by hand split live traffic and are
// refused when they do not sum to 100 or name a version not loaded; a plan with no steps and a second rollout on
// one model are refused; a rollout is started and rolled back with `rollout` and `rolloutdecision` events and its
// history; a rehearsal runs as a job whose result says which gate rolled the candidate back.
import { describe, expect, it } from 'vitest';
import type {
  Job,
  RehearsalResult,
  RehearsalSummary,
  Rollout,
  RolloutDecision,
  RolloutStatus,
  ServingStatus,
  TrafficView,
} from '../../../src-shared/contract';
import { useControlHost } from '../../helpers/controlHost';

const ctl = useControlHost();
const call = ctl.call;

const PLAN = {
  steps: [
    { kind: 'shadow', percent: 50, minDurationSeconds: 600, minRequests: 100 },
    { kind: 'weights', weights: { baseline: 50, candidate: 50 }, minDurationSeconds: 600, minRequests: 100 },
  ],
};

describe('rollout API', () => {
  it('requires the token', async () => {
    const res = await fetch(`${ctl.base}/rollouts`);
    expect(res.status).toBe(401);
    expect((await fetch(`${ctl.base}/traffic/digits-mlp`)).status).toBe(401);
  });

  it('says the endpoint is stopped when there is nothing to route', async () => {
    const traffic = await call('GET', '/traffic/digits-mlp');
    expect(traffic.status).toBe(503);
    expect(traffic.json.error).toMatch(/endpoint is stopped/);
    const started = await call('POST', '/rollouts', { model: 'digits-mlp', candidate: 2, plan: PLAN });
    expect(started.status).toBe(503);
    expect(started.json.error).toMatch(/endpoint is stopped.*Serve screen/);
  });

  it('refuses a plan with no steps before anything else', async () => {
    const res = await call('POST', '/rollouts', { model: 'digits-mlp', candidate: 2, plan: { steps: [] } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/a plan needs at least one step/);
  });

  it('sets weights by hand, starts and rolls back a rollout with events, and keeps its history', async () => {
    const served = await call<ServingStatus>('POST', '/serving/start', {
      port: 0,
      models: ['digits-mlp:1', 'digits-mlp:2'],
      driftSampleRate: 0,
    });
    expect(served.status, served.json.error).toBe(200);
    const url = served.json.url!;
    try {
      const bad = await call('PUT', '/traffic/digits-mlp/route', { weights: { '1': 60, '2': 30 } });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatch(/weights must sum to 100/);
      const missing = await call('PUT', '/traffic/digits-mlp/route', { weights: { '1': 50, '3': 50 } });
      expect(missing.status).toBe(409);
      expect(missing.json.error).toMatch(/digits-mlp:3 is not loaded and ready/);

      const set = await call<TrafficView>('PUT', '/traffic/digits-mlp/route', { weights: { '1': 50, '2': 50 } });
      expect(set.status, set.json.error).toBe(200);
      expect(set.json.route?.weights).toEqual({ '1': 50, '2': 50 });
      const body = JSON.stringify({
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: Array(64).fill(0.25) }],
      });
      const answeredBy = new Map<string, number>();
      for (let i = 0; i < 60; i++) {
        const res = await fetch(`${url}/v2/models/digits-mlp/infer`, { method: 'POST', body });
        const json = (await res.json()) as { model_version: string };
        answeredBy.set(json.model_version, (answeredBy.get(json.model_version) ?? 0) + 1);
      }
      // 60 draws at 50 %: both versions answer (the chance that one gets none is 2 × 2^-60).
      expect(answeredBy.get('1')).toBeGreaterThan(10);
      expect(answeredBy.get('2')).toBeGreaterThan(10);
      const traffic = await call<TrafficView>('GET', '/traffic/digits-mlp');
      const live = traffic.json.versions.filter((v) => v.role === 'live');
      expect(live.map((v) => v.requests).reduce((a, b) => a + b, 0)).toBe(60);
      expect(live.find((v) => v.version === 1)?.requests).toBe(answeredBy.get('1'));
      expect(live[0]?.p99Ms).toBeGreaterThan(0);

      const sticky = await call<TrafficView>('PUT', '/traffic/digits-mlp/route', {
        weights: { '1': 50, '2': 50 },
        stickyHeader: 'X-User',
      });
      expect(sticky.json.route?.stickyHeader).toBe('x-user');
      for (const user of ['alice', 'bob', 'carol']) {
        const seen = new Set<string>();
        for (let i = 0; i < 8; i++) {
          const res = await fetch(`${url}/v2/models/digits-mlp/infer`, {
            method: 'POST',
            body,
            headers: { 'x-user': user },
          });
          seen.add(((await res.json()) as { model_version: string }).model_version);
        }
        expect(seen.size, `${user} landed on ${[...seen].join(', ')}`).toBe(1);
      }

      const unknown = await call('POST', '/rollouts', { model: 'digits-mlp', candidate: 9, plan: PLAN });
      expect(unknown.status).toBe(404);

      const started = await call<Rollout>('POST', '/rollouts', { model: 'digits-mlp', candidate: 2, plan: PLAN });
      expect(started.status, started.json.error).toBe(200);
      expect(started.json).toMatchObject({ model: 'digits-mlp', baseline: 1, candidate: 2, state: 'running' });
      expect(started.json.route).toEqual({ weights: { '1': 100, '2': 0 }, shadow: { version: 2, percent: 50 } });
      await ctl.events.next((e) => e.event === 'rollout' && (e.data as Rollout).id === started.json.id);
      await ctl.events.next((e) => e.event === 'rolloutdecision' && (e.data as RolloutDecision).action === 'start');

      const second = await call('POST', '/rollouts', { model: 'digits-mlp', candidate: 2, plan: PLAN });
      expect(second.status).toBe(409);
      expect(second.json.error).toMatch(/already has a running rollout/);
      const byHand = await call('PUT', '/traffic/digits-mlp/route', { weights: { '1': 50, '2': 50 } });
      expect(byHand.status).toBe(409);
      expect(byHand.json.error).toMatch(/running rollout/);

      const status = await call<RolloutStatus>('GET', '/rollouts/digits-mlp');
      expect(status.json.rollout.id).toBe(started.json.id);
      expect(status.json.evaluation?.outcome).toBe('waiting');
      expect(status.json.evaluation?.gates.length).toBeGreaterThan(0);

      const paused = await call<RolloutDecision>('POST', '/rollouts/digits-mlp/pause', { reason: 'a look first' });
      expect(paused.json).toMatchObject({ action: 'pause', toState: 'paused', actor: 'user' });
      const resumed = await call<RolloutDecision>('POST', '/rollouts/digits-mlp/resume', {});
      expect(resumed.json.toState).toBe('running');
      const rolledBack = await call<RolloutDecision>('POST', '/rollouts/digits-mlp/rollback', { reason: 'by hand' });
      expect(rolledBack.status, rolledBack.json.error).toBe(200);
      expect(rolledBack.json).toMatchObject({ action: 'rollback', toState: 'rolledBack' });
      expect(rolledBack.json.route.weights['2']).toBe(0);
      await ctl.events.next((e) => e.event === 'rolloutdecision' && (e.data as RolloutDecision).action === 'rollback');
      const after = await call<TrafficView>('GET', '/traffic/digits-mlp');
      expect(after.json.route?.weights['2']).toBe(0);
      expect(after.json.route?.shadow).toBeNull();

      const history = await call<RolloutDecision[]>('GET', '/rollouts/digits-mlp/history');
      expect(history.json.map((d) => d.action)).toEqual(['start', 'pause', 'resume', 'rollback']);
      const again = await call('POST', '/rollouts/digits-mlp/promote', {});
      expect(again.status).toBe(409);
      expect(again.json.error).toMatch(/no running or paused rollout/);
      const list = await call<Rollout[]>('GET', '/rollouts');
      expect(list.json[0]?.state).toBe('rolledBack');
    } finally {
      await call('POST', '/serving/stop');
    }
  });

  it('rehearses a plan as a job: a +200 % latency candidate is rolled back by a latency gate', async () => {
    const rehearsalBody = {
      model: 'digits-mlp',
      candidate: 2,
      dataset: 'digits-live-same',
      seed: 7,
      fault: { latencyIncrease: 2 },
      plan: {
        gates: [
          { kind: 'errorRate' },
          { kind: 'latencyP99Ratio', threshold: 2 },
          { kind: 'latencyMannWhitney', threshold: 2 },
        ],
        steps: [
          { kind: 'weights', weights: { baseline: 90, candidate: 10 }, minDurationSeconds: 60, minRequests: 200 },
        ],
      },
    };
    const job = await call<Job>('POST', '/rehearsals', rehearsalBody);
    expect(job.status, job.json.error).toBe(200);
    expect(job.json.kind).toBe('rehearsal');
    const done = await ctl.events.next(
      (e) => e.event === 'job' && (e.data as Job).id === job.json.id && (e.data as Job).state !== 'running',
      60_000,
    );
    const finished = done.data as Job;
    expect(finished.state, finished.error).toBe('succeeded');
    const result = finished.rehearsal!;
    expect(result.outcome).toBe('rolledBack');
    expect(result.decidingGates.some((g) => g.startsWith('latency'))).toBe(true);
    expect(result.detection?.afterMs).toBeGreaterThan(0);
    const stored = await call<RehearsalResult>('GET', `/rehearsals/${result.id}`);
    expect(stored.json.decisions.at(-1)?.action).toBe('rollback');
    const list = await call<RehearsalSummary[]>('GET', '/rehearsals');
    expect(list.json.map((r) => r.id)).toContain(result.id);
    expect((await call('GET', '/rehearsals/nope')).status).toBe(404);
    // Mistakes are refused before a job starts, with what was expected.
    const noData = await call<Job>('POST', '/rehearsals', { ...rehearsalBody, dataset: 'no-such-data' });
    expect(noData.status).toBe(404);
    expect(noData.json.error).toMatch(/no-such-data/);
    const misfit = await call<Job>('POST', '/rehearsals', { ...rehearsalBody, dataset: 'cancer-live-same' });
    expect(misfit.status).toBe(400);
  }, 90_000);
});
