// The router in the data plane with real digits-mlp v1/v2 pools: weighted splits, sticky keys, shadow copies
// that never touch the live answer, weight changes under load, and bad routes.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InferRequest } from '../../../src-main/engine/serving/inferRequest';
import type { ServedInference } from '../../../src-main/engine/serving/modelServer';
import { UserError } from '../../../src-main/engine/userError';
import { data } from '../../helpers/paths';
import { startTestServer, type TestServer } from '../../helpers/testServer';
import { thrown } from '../../helpers/thrown';

const rows: number[][] = readFileSync(data('digits_live_same.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .slice(0, 64)
  .map((l) => (JSON.parse(l) as { inputs: { pixels: number[] } }).inputs.pixels);

const request = (row: number[]): InferRequest => ({
  inputs: [{ name: 'pixels', type: 'float32', dims: [1, 64], data: Float32Array.from(row).buffer }],
  binaryOutputDefault: false,
});
const bodyOf = (row: number[]) => ({ inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: row }] });
/** Output bytes of an answer, for comparing answers exactly. */
const bytesOf = (s: ServedInference) =>
  s.result.outputs.map((o) => Buffer.from(o.data as ArrayBuffer).toString('hex')).join('|');

/** Runs `n` jobs with `concurrency` in flight at once. */
async function inParallel<T>(n: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await job(i);
      }
    }),
  );
  return out;
}

let s: TestServer;
const infer = (row: number[], version?: string, headers?: Record<string, string>) =>
  s.session.server.infer('digits-mlp', version, request(row), performance.now(), {
    headers: headers ? (name) => headers[name] : undefined,
  });
const url = () => `${s.url}/v2/models/digits-mlp/infer`;
async function postRaw(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url(), {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  s = await startTestServer({ models: ['digits-mlp:1', 'digits-mlp:2'], traffic: { seed: 42 } });
});
afterAll(async () => {
  await s.close();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await s.session.server.shadow.settled();
  s.session.router.clearRoute('digits-mlp');
});

describe('weighted routing through ModelServer', () => {
  it('splits 10 000 requests within ±2% of 90/10, each answered by the version it reports', async () => {
    // What each version answers for each row, asked by name.
    const pinned = new Map<string, string>();
    for (const version of ['1', '2']) {
      for (const [i, row] of rows.entries()) pinned.set(`${version}:${i}`, bytesOf(await infer(row, version)));
    }
    const differing = rows.filter((_, i) => pinned.get(`1:${i}`) !== pinned.get(`2:${i}`)).length;
    expect(differing).toBe(rows.length);

    s.session.router.reseed(2024);
    s.session.router.setRoute('digits-mlp', { weights: { 1: 90, 2: 10 } });
    const since = s.session.monitor.now();
    const answers = await inParallel(10_000, 32, async (i) => {
      const served = await infer(rows[i % rows.length]!);
      expect(served.route?.version).toBe(Number(served.result.modelVersion));
      expect(bytesOf(served)).toBe(pinned.get(`${served.result.modelVersion}:${i % rows.length}`));
      return served.result.modelVersion;
    });
    const onTwo = answers.filter((v) => v === '2').length;
    expect(answers.filter((v) => v === '1').length + onTwo).toBe(10_000);
    expect(Math.abs(onTwo / 100 - 10)).toBeLessThanOrEqual(2);

    // The monitor saw the same split, with a prediction per request.
    const snap = s.session.monitor.snapshot('digits-mlp', { sinceMs: since });
    const live = snap.versions.filter((v) => v.role === 'live');
    expect(live.map((v) => [v.version, v.requests, v.errors])).toEqual([
      [1, 10_000 - onTwo, 0],
      [2, onTwo, 0],
    ]);
    expect(live[1]!.predictions).toHaveLength(onTwo);
    expect(live[1]!.predictionKind).toBe('class');
    expect(snap.route?.weights).toEqual({ 1: 90, 2: 10 });
  });

  it('sends a request that names a version to that version, whatever the weights', async () => {
    s.session.router.setRoute('digits-mlp', { weights: { 1: 100 } });
    for (let i = 0; i < 20; i++) {
      const served = await infer(rows[i]!, '2');
      expect(served.result.modelVersion).toBe('2');
      expect(served.route).toBeNull();
    }
    const http = await postRaw(bodyOf(rows[0]!));
    expect(JSON.parse(http.text).model_version).toBe('1');
  });
});

describe('sticky routing over HTTP', () => {
  it('answers every request with one key from the same version, and spreads keys by the weights', async () => {
    s.session.router.setRoute('digits-mlp', { weights: { 1: 50, 2: 50 }, stickyHeader: 'x-slipway-route-key' });
    const versionsByKey = new Map<string, Set<string>>();
    await inParallel(400, 8, async (i) => {
      const key = `user-${i % 40}`;
      const res = await postRaw(bodyOf(rows[i % rows.length]!), { 'x-slipway-route-key': key });
      expect(res.status).toBe(200);
      const set = versionsByKey.get(key) ?? new Set();
      set.add(JSON.parse(res.text).model_version as string);
      versionsByKey.set(key, set);
    });
    expect([...versionsByKey.values()].every((v) => v.size === 1)).toBe(true);
    const onOne = [...versionsByKey.values()].filter((v) => v.has('1')).length;
    expect(onOne).toBeGreaterThan(5);
    expect(onOne).toBeLessThan(35);
  });
});

describe('shadow', () => {
  it('never changes a live answer: byte-identical bodies with and without a 100% shadow, which is compared', async () => {
    s.session.router.setRoute('digits-mlp', { weights: { 1: 100 } });
    const without = await inParallel(rows.length, 8, (i) => postRaw({ id: `r${i}`, ...bodyOf(rows[i]!) }));
    const since = s.session.monitor.now();
    s.session.router.setRoute('digits-mlp', { weights: { 1: 100 }, shadow: { version: 2, percent: 100 } });
    const withShadow = await inParallel(rows.length, 8, (i) => postRaw({ id: `r${i}`, ...bodyOf(rows[i]!) }));
    expect(withShadow).toEqual(without);
    await s.session.server.shadow.settled();

    const snap = s.session.monitor.snapshot('digits-mlp', { sinceMs: since });
    const shadow = snap.versions.find((v) => v.version === 2 && v.role === 'shadow')!;
    const dropped = snap.shadowDropped[2] ?? 0;
    expect(shadow.requests + dropped).toBe(rows.length);
    expect(shadow.ok).toBe(shadow.requests);
    expect(shadow.latency!.count).toBe(shadow.requests);
    const pair = snap.shadow[0]!;
    expect([pair.liveVersion, pair.shadowVersion, pair.pairs, pair.rows]).toEqual([
      1,
      2,
      shadow.requests,
      shadow.requests,
    ]);
    // v1 and v2 are different models that mostly agree on these digits.
    expect(pair.agreement).toBeGreaterThan(0.5);
    expect(pair.absDelta.probabilities!.max).toBeGreaterThan(0);
    expect(Object.keys(pair.absDelta).sort()).toEqual(['logits', 'probabilities']);
  });

  it('a failing, slow candidate neither fails nor slows live requests; its errors and drops are counted', async () => {
    const candidate = s.session.server.versionsOf('digits-mlp').find((v) => v.version === 2)!;
    vi.spyOn(candidate, 'infer').mockImplementation(async () => {
      await new Promise((r) => setTimeout(r, 300));
      throw new Error('candidate exploded');
    });
    s.session.router.setRoute('digits-mlp', { weights: { 1: 100 }, shadow: { version: 2, percent: 100 } });
    const since = s.session.monitor.now();
    const started = performance.now();
    const results = await inParallel(200, 4, async (i) => {
      const t0 = performance.now();
      const res = await postRaw(bodyOf(rows[i % rows.length]!));
      return { status: res.status, ms: performance.now() - t0, version: JSON.parse(res.text).model_version };
    });
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.status === 200 && r.version === '1')).toBe(true);
    // 200 requests would take 50 × 300 ms = 15 s if live waited for the shadow.
    expect(elapsed).toBeLessThan(5000);
    await s.session.server.shadow.settled();
    const snap = s.session.monitor.snapshot('digits-mlp', { sinceMs: since });
    const shadow = snap.versions.find((v) => v.version === 2 && v.role === 'shadow')!;
    expect(shadow.errors).toBe(shadow.requests);
    expect(shadow.errorsByReason).toEqual({ BACKEND: shadow.requests });
    // At most maxPending (4 for 2 instances, or 2) shadow requests were in flight; the rest were dropped.
    expect(snap.shadowDropped[2]).toBe(200 - shadow.requests);
    expect(snap.shadowDropped[2]).toBeGreaterThan(100);
    expect(snap.shadow).toEqual([]);
  });
});

describe('weights changing under load', () => {
  it('loses and fails no request while weights swap every few milliseconds', async () => {
    const tables: Record<number, number>[] = [{ 1: 100 }, { 1: 50, 2: 50 }, { 2: 100 }, { 1: 10, 2: 90 }];
    s.session.router.setRoute('digits-mlp', { weights: tables[0]! });
    let swaps = 0;
    let running = true;
    const swapper = (async () => {
      while (running) {
        s.session.router.setRoute('digits-mlp', { weights: tables[++swaps % tables.length]! });
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const results = await inParallel(1500, 16, async (i) => postRaw(bodyOf(rows[i % rows.length]!)));
    running = false;
    await swapper;
    expect(swaps).toBeGreaterThan(10);
    expect(results).toHaveLength(1500);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    const versions = new Set(results.map((r) => JSON.parse(r.text).model_version as string));
    expect(versions).toEqual(new Set(['1', '2']));
    // After the last swap, the new table holds at once.
    s.session.router.setRoute('digits-mlp', { weights: { 2: 100 } });
    const after = await inParallel(50, 8, (i) => postRaw(bodyOf(rows[i]!)));
    expect(after.every((r) => JSON.parse(r.text).model_version === '2')).toBe(true);
  });
});

describe('bad routes on a served model', () => {
  const set = (spec: Parameters<TestServer['session']['router']['setRoute']>[1]) =>
    thrown(() => s.session.router.setRoute('digits-mlp', spec), UserError).message;

  it('names the sum, the unloaded version, the bad percent and the live shadow', () => {
    expect(set({ weights: { 1: 60, 2: 30 } })).toMatch(/must sum to 100; these sum to 90/);
    expect(set({ weights: { 1: 90, 3: 10 } })).toMatch(
      /version 3 of 'digits-mlp' is not loaded.*loaded versions: 1 \(ready\), 2 \(ready\)/,
    );
    expect(set({ weights: { 1: 100 }, shadow: { version: 2, percent: 150 } })).toMatch(/from 0 to 100, got 150/);
    expect(set({ weights: { 1: 100 }, shadow: { version: 1, percent: 10 } })).toMatch(/is also live/);
    expect(s.session.router.route('digits-mlp')).toBeNull();
  });

  it('drops the route when a reload leaves out a version it sends traffic to', async () => {
    const server = s.session.server;
    server.router.setRoute('digits-mlp', { weights: { 1: 10, 2: 90 } });
    await server.load('digits-mlp', [1, 2]);
    expect(server.router.route('digits-mlp')?.weights).toEqual({ 1: 10, 2: 90 });
    await server.load('digits-mlp', [1]);
    expect(server.router.route('digits-mlp')).toBeNull();
    expect((await infer(rows[0]!)).result.modelVersion).toBe('1');
    await server.load('digits-mlp', [1, 2]);
  });
});
