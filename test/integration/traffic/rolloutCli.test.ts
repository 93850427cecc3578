// `slipway rollout` as a user runs it (the built CLI): offline rehearsals with faults and a seed, a live rollout
// served and driven by `rollout start` while other terminals look at it and act on it, and clear refusals.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RehearsalResult, Rollout, RolloutDecision } from '../../../src-shared/contract';
import { ROOT } from '../../helpers/paths';
import { runCli, runCliJson } from '../../helpers/runCli';
import { tempDir } from '../../helpers/tempDir';

let home: string;
let plan: string;
const env = () => ({ SLIPWAY_HOME: home });

beforeAll(async () => {
  home = tempDir('slipway-rollout-cli-');
  plan = join(home, 'plan.json');
  writeFileSync(
    plan,
    JSON.stringify({
      steps: [
        { kind: 'shadow', percent: 20, minDurationSeconds: 60, minRequests: 200 },
        { kind: 'weights', weights: { baseline: 90, candidate: 10 }, minDurationSeconds: 60, minRequests: 200 },
      ],
    }),
  );
  await runCli(['models', 'list'], env());
});

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('slipway rollout rehearse', () => {
  it('rolls back 5 % errors by the error gate, the same way twice for one seed', async () => {
    const args = [
      'rollout',
      'rehearse',
      'digits-mlp',
      '--candidate',
      '2',
      '--plan',
      plan,
      '--data',
      'digits-live-same',
    ];
    const a = await runCliJson<RehearsalResult>([...args, '--fault', 'errors=5%', '--seed', '3'], env());
    expect(a.outcome).toBe('rolledBack');
    expect(a.decidingGates).toContain('errorRate');
    expect(a.config.fault.errorRate).toBe(0.05);
    const b = await runCliJson<RehearsalResult>([...args, '--fault', 'errors=5%', '--seed', '3'], env());
    expect(b.latencyProfiles.every((p) => p.reused)).toBe(true);
    const strip = (r: RehearsalResult) => r.decisions.map(({ rolloutId: _, ...d }) => d);
    expect(strip(b)).toEqual(strip(a));
    const text = await runCli([...args, '--fault', 'latency=+200%', '--fault', 'skew=10%'], env());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/outcome: ROLLED BACK by .*latencyMannWhitney/);
    expect(text.stdout).toMatch(/bad answers before the end: 0/);
  });

  it('refuses a bad fault, a plan whose weights do not sum to 100, and says so in one line', async () => {
    const args = ['rollout', 'rehearse', 'digits-mlp', '--candidate', '2', '--data', 'digits-live-same'];
    const fault = await runCli([...args, '--plan', plan, '--fault', 'errors=lots'], env());
    expect(fault.code).toBe(1);
    expect(fault.stderr).toMatch(/invalid --fault 'errors=lots': expected errors=5%/);
    const bad = join(home, 'bad.json');
    writeFileSync(bad, JSON.stringify({ steps: [{ kind: 'weights', weights: { baseline: 90, candidate: 5 } }] }));
    const weights = await runCli([...args, '--plan', bad, '--json'], env());
    expect(weights.code).toBe(1);
    expect(JSON.parse(weights.stderr)).toEqual({
      error: {
        code: 'bad-input',
        message: 'invalid rollout plan: steps.0.weights: weights must sum to 100 (baseline + candidate)',
      },
    });
  });
});

/** Runs `rollout start` in the background and resolves with its JSON lines as they come. */
function startRollout(extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [
      `${ROOT}bin/slipway.js`,
      'rollout',
      'start',
      'digits-mlp',
      '--candidate',
      '2',
      '--plan',
      plan,
      '--port',
      '0',
      '--json',
      ...extra,
    ],
    { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  const events: Record<string, unknown>[] = [];
  const waiters: { test: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] =
    [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      events.push(event);
      for (const w of waiters.splice(0)) {
        if (w.test(event)) w.resolve(event);
        else waiters.push(w);
      }
    }
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const next = (test: (e: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const seen = events.find(test);
      if (seen) resolve(seen);
      else waiters.push({ test, resolve });
    });
  return { child, events, exited, next };
}

describe('slipway rollout start (live)', () => {
  it('serves and drives; other terminals see it, cannot overlap it, and roll it back', async () => {
    const live = startRollout();
    const serving = await live.next((e) => e.event === 'serving');
    expect((serving.rollout as Rollout).route).toMatchObject({ shadow: { version: 2, percent: 20 } });

    const status = await runCliJson<Rollout>(['rollout', 'status', 'digits-mlp'], env());
    expect(status).toMatchObject({ state: 'running', driven: true, baseline: 1, candidate: 2 });
    const overlap = await runCli(
      ['rollout', 'start', 'digits-mlp', '--candidate', '2', '--plan', plan, '--port', '0'],
      env(),
    );
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toMatch(/already has a running rollout/);

    const rollback = await runCliJson<RolloutDecision>(
      ['rollout', 'rollback', 'digits-mlp', '--reason', 'test'],
      env(),
    );
    expect(rollback).toMatchObject({ action: 'rollback', toState: 'rolledBack', reason: 'test' });
    // The serving process applies it within a tick, says so, and (with --exit-on-end) would stop; here it serves on.
    const applied = await live.next(
      (e) => e.event === 'decision' && (e.decision as RolloutDecision).action === 'rollback',
    );
    expect((applied.decision as RolloutDecision).seq).toBe(2);
    await live.next((e) => e.event === 'finished');
    live.child.kill('SIGINT');
    expect(await live.exited).toBe(0);
  });

  it('a rollout whose serving process stops resumes paused, its history intact', async () => {
    const live = startRollout();
    await live.next((e) => e.event === 'serving');
    live.child.kill('SIGINT');
    expect(await live.exited).toBe(0);
    expect(live.events.at(-1)).toMatchObject({ event: 'stopped' });
    const history = await runCliJson<RolloutDecision[]>(['rollout', 'history', 'digits-mlp'], env());
    expect(history.map((d) => d.action)).toEqual(['start', 'resumedPausedAfterRestart']);
    const status = await runCliJson<Rollout>(['rollout', 'status', 'digits-mlp'], env());
    expect(status).toMatchObject({ state: 'paused', driven: false });
    const promote = await runCliJson<RolloutDecision>(['rollout', 'promote', 'digits-mlp'], env());
    expect(promote.toState).toBe('promoted');
    const none = await runCli(['rollout', 'pause', 'digits-mlp', '--json'], env());
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stderr).error.code).toBe('conflict');
  });
});

describe('slipway serve drives stored rollouts', () => {
  it('puts a paused rollout back on the endpoint and carries on when someone resumes it', async () => {
    const live = startRollout();
    await live.next((e) => e.event === 'serving');
    live.child.kill('SIGINT');
    expect(await live.exited).toBe(0);
    expect(await runCliJson<Rollout>(['rollout', 'status', 'digits-mlp'], env())).toMatchObject({
      state: 'paused',
      driven: false,
    });

    const serve = spawn(
      process.execPath,
      [`${ROOT}bin/slipway.js`, 'serve', '--models', 'digits-mlp:1,digits-mlp:2', '--port', '0', '--json'],
      { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.push(serve);
    let stderr = '';
    serve.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const ready = await new Promise<{ url: string }>((resolve) => {
      let out = '';
      serve.stdout!.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const line = out.split('\n').find((l) => l.includes('"ready"'));
        if (line) resolve(JSON.parse(line) as { url: string });
      });
    });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The serving process heartbeats the rollout it now drives.
    const deadline = Date.now() + 10_000;
    let status = await runCliJson<Rollout>(['rollout', 'status', 'digits-mlp'], env());
    while (!status.driven && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      status = await runCliJson<Rollout>(['rollout', 'status', 'digits-mlp'], env());
    }
    expect(status).toMatchObject({ state: 'paused', driven: true });

    const resumed = await runCliJson<RolloutDecision>(['rollout', 'resume', 'digits-mlp'], env());
    expect(resumed.toState).toBe('running');
    const seen = Date.now() + 10_000;
    while (!/rollout of digits-mlp: .*resume/i.test(stderr) && Date.now() < seen) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(stderr).toMatch(/rollout of digits-mlp: .*resume/i);
    await runCliJson<RolloutDecision>(['rollout', 'rollback', 'digits-mlp'], env());
    serve.kill('SIGINT');
    expect(await new Promise<number>((resolve) => serve.on('close', (code) => resolve(code ?? -1)))).toBe(0);
  });
});
