// Load tests through the control API, as the Load test screen drives them: start a short run against
// digits-mlp and follow its loadtick/loadrun events, read the detail and each report format, compare two runs,
// refuse bad configs with a clear 400, cancel a run, reuse the Serve screen's endpoint, and delete runs.
import { describe, expect, it } from 'vitest';
import type {
  LoadRun,
  LoadRunDetail,
  LoadTestConfigInput,
  LoadTick,
  MetricsTick,
  RunComparison,
  ServingStatus,
} from '../../../src-shared/contract';
import { useControlHost } from '../../helpers/controlHost';

const ctl = useControlHost();
const call = ctl.call;

const constant = (rate: number, duration: number): LoadTestConfigInput['shape'] => ({
  segments: [{ kind: 'constant', rate, duration }],
});

const isRun = (id: string, state?: LoadRun['state']) => (e: { event: string; data: unknown }) =>
  e.event === 'loadrun' &&
  (e.data as LoadRun).id === id &&
  (state === undefined || (e.data as LoadRun).state === state);

async function finished(id: string, timeoutMs = 20_000): Promise<LoadRun> {
  const event = await ctl.events.next(
    (e) => e.event === 'loadrun' && (e.data as LoadRun).id === id && (e.data as LoadRun).state !== 'running',
    timeoutMs,
  );
  return event.data as LoadRun;
}

let first: LoadRun;
let second: LoadRun;

describe('running a load test', () => {
  it('starts a short run against digits-mlp and streams its progress and state', async () => {
    const started = await call<LoadRun>('POST', '/loadtests', {
      name: 'api constant',
      target: { kind: 'endpoint', model: 'digits-mlp' },
      shape: constant(50, 2),
    } satisfies LoadTestConfigInput);
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ name: 'api constant', state: 'running' });
    expect(started.json.targetLabel).toMatch(/digits-mlp/);
    const id = started.json.id;

    await ctl.events.next(isRun(id, 'running'));
    const tick = await ctl.events.next((e) => e.event === 'loadtick' && (e.data as LoadTick).runId === id);
    const t = tick.data as LoadTick;
    expect(t.progress).toBeGreaterThan(0);
    expect(t.progress).toBeLessThanOrEqual(1);
    expect(t.interval.offered).toBeGreaterThan(0);

    first = await finished(id);
    expect(first.state).toBe('succeeded');
    expect(first.summary!.requests).toBeGreaterThanOrEqual(95);
    expect(first.summary!.statuses.ok).toBe(first.summary!.requests);
    const ticks = ctl.events.events.filter((e) => e.event === 'loadtick' && (e.data as LoadTick).runId === id);
    expect(ticks.length).toBeGreaterThanOrEqual(2);

    const list = await call<LoadRun[]>('GET', '/loadtests');
    expect(list.json.find((r) => r.id === id)).toMatchObject({ state: 'succeeded' });
  });

  it('answers the detail with per-second intervals, both latencies and the spectrum', async () => {
    const detail = await call<LoadRunDetail>('GET', `/loadtests/${first.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.intervals.length).toBeGreaterThanOrEqual(2);
    const offered = detail.json.intervals.reduce((n, i) => n + i.offered, 0);
    expect(offered).toBe(100);
    const s = detail.json.summary!;
    expect(s.corrected.p99).toBeGreaterThan(0);
    expect(s.uncorrected.p99).toBeGreaterThan(0);
    // Timed from the intended send, never less than from the actual send.
    expect(s.corrected.p50!).toBeGreaterThanOrEqual(s.uncorrected.p50! * 0.99);
    expect(detail.json.spectrum.length).toBeGreaterThan(5);
    expect(detail.json.spectrum.at(-1)!.percentile).toBeGreaterThan(99);
    expect((await call('GET', '/loadtests/nope')).status).toBe(404);
  });

  it('downloads the report as HTML, CSV and JSON attachments, with the token only', async () => {
    const get = (format: string, headers = ctl.auth) =>
      fetch(`${ctl.base}/loadtests/${first.id}/report?format=${format}`, { headers });
    const html = await get('html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]+\.html"/);
    const page = await html.text();
    expect(page).toMatch(/<html/i);
    expect(page).toContain('api constant');
    expect(page).toMatch(/uncorrected/i);

    const csv = await get('csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/filename="[^"]+\.csv"/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);

    const json = await get('json');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.headers.get('content-disposition')).toMatch(/filename="[^"]+\.json"/);
    expect(JSON.stringify(await json.json())).toContain(first.id);

    expect((await get('html', {})).status).toBe(401);
    const bad = await get('pdf');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/format must be html, csv or json/);
  });

  it('compares two runs with deltas and verdicts', async () => {
    const started = await call<LoadRun>('POST', '/loadtests', {
      name: 'api runtime',
      target: { kind: 'runtime', model: 'digits-mlp' },
      shape: constant(50, 2),
    } satisfies LoadTestConfigInput);
    expect(started.status).toBe(200);
    second = await finished(started.json.id);
    expect(second.state).toBe('succeeded');
    expect(second.targetLabel).toMatch(/digits-mlp/);

    const comparison = await call<RunComparison>('POST', '/loadtests/compare', { ids: [first.id, second.id] });
    expect(comparison.status).toBe(200);
    expect(comparison.json.runs.map((r) => r.name)).toEqual(['api constant', 'api runtime']);
    expect(comparison.json.deltas).toHaveLength(2);
    expect(comparison.json.deltas[0]!.verdict).toBe('baseline');
    expect(comparison.json.deltas[1]!.verdict).toMatch(/p99/);
    expect(comparison.json.deltas[1]!.achievedRateRatio).toBeCloseTo(1, 1);

    const one = await call('POST', '/loadtests/compare', { ids: [first.id] });
    expect(one.status).toBe(400);
    expect(one.json.error).toMatch(/compare needs at least two runs/);
    expect((await call('POST', '/loadtests/compare', { ids: [first.id, 'nope'] })).status).toBe(404);
  });
});

describe('bad configs', () => {
  const digits = { kind: 'endpoint', model: 'digits-mlp' };
  it.each([
    [
      'a zero rate',
      400,
      { target: digits, shape: constant(0, 2) },
      'invalid load test: shape segment 1 (constant) rate: a rate must be above 0 requests/s',
    ],
    [
      'a shape longer than a day',
      400,
      {
        target: digits,
        shape: {
          segments: [
            { kind: 'constant', rate: 1, duration: 50_000 },
            { kind: 'constant', rate: 1, duration: 50_000 },
          ],
        },
      },
      'the shape lasts 100000 s; the limit is a day (86400 s)',
    ],
    [
      'unsorted trace timestamps',
      400,
      { target: digits, shape: { segments: [{ kind: 'trace', format: 'timestamps', times: [0, 2, 1] }] } },
      'segment 1 (trace): timestamps must not go backwards, but value 3 (1) comes before value 2 (2)',
    ],
    [
      'a sine that would go below 0',
      400,
      { target: digits, shape: { segments: [{ kind: 'sine', mean: 10, amplitude: 20, period: 1, duration: 1 }] } },
      'segment 1 (sine): amplitude 20 exceeds the mean 10, so the rate would go below 0',
    ],
    [
      'no shape and no capacity search',
      400,
      { target: digits },
      'a load test needs a shape (the traffic to send) or a capacity search (which steps the rate up itself)',
    ],
    ['a body that is not an object', 400, [], 'invalid load test: expected a JSON object with target and shape'],
    [
      'a model the library lacks',
      404,
      { target: { kind: 'endpoint', model: 'nosuch' }, shape: constant(10, 1) },
      /^no model named 'nosuch'/,
    ],
    [
      'a replay file that does not exist',
      404,
      {
        target: { kind: 'runtime', model: 'digits-mlp' },
        inputs: { kind: 'replay', file: '/nonexistent/rows.jsonl' },
        shape: constant(10, 1),
      },
      'cannot read replay file /nonexistent/rows.jsonl: no such file',
    ],
    [
      'a replay file whose columns do not match the model',
      400,
      {
        target: { kind: 'runtime', model: 'digits-mlp' },
        inputs: { kind: 'replay', file: 'cancer_reference.jsonl' },
        shape: constant(10, 1),
      },
      "cancer_reference.jsonl line 1: unknown input 'features'; the model's inputs are: pixels",
    ],
    [
      'an unreachable URL',
      503,
      { target: { kind: 'url', url: 'http://127.0.0.1:1', modelName: 'digits-mlp' }, shape: constant(10, 1) },
      /^cannot reach http:\/\/127\.0\.0\.1:1: connection refused/,
    ],
  ])('refuses %s before running, saying why', async (_what, status, config, message) => {
    const before = (await call<LoadRun[]>('GET', '/loadtests')).json.length;
    const res = await call('POST', '/loadtests', config);
    expect(res.status).toBe(status);
    if (typeof message === 'string') expect(res.json.error).toBe(message);
    else expect(res.json.error).toMatch(message);
    // Nothing is half-started.
    expect((await call<LoadRun[]>('GET', '/loadtests')).json.length).toBe(before);
  });
});

describe('cancelling, reusing the endpoint, deleting', () => {
  it('cancels a running test and keeps what it measured', async () => {
    const started = await call<LoadRun>('POST', '/loadtests', {
      name: 'to cancel',
      target: { kind: 'runtime', model: 'digits-mlp' },
      shape: constant(40, 30),
    } satisfies LoadTestConfigInput);
    const id = started.json.id;
    await ctl.events.next((e) => e.event === 'loadtick' && (e.data as LoadTick).runId === id);
    const cancelled = await call<LoadRun>('POST', `/loadtests/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    const done = await finished(id, 10_000);
    expect(done.state).toBe('cancelled');
    const detail = await call<LoadRunDetail>('GET', `/loadtests/${id}`);
    expect(detail.json.intervals.length).toBeGreaterThanOrEqual(1);
    expect(detail.json.intervals.length).toBeLessThan(30);
    expect((await call('POST', '/loadtests/nope/cancel')).status).toBe(404);
  });

  it("sends to the Serve screen's endpoint when it already serves the model", async () => {
    const serving = await call<ServingStatus>('POST', '/serving/start', { port: 0, models: ['digits-mlp:1'] });
    expect(serving.json.state).toBe('running');
    try {
      const started = await call<LoadRun>('POST', '/loadtests', {
        name: 'via serve',
        target: { kind: 'endpoint', model: 'digits-mlp', version: 1 },
        shape: constant(30, 2),
      } satisfies LoadTestConfigInput);
      const done = await finished(started.json.id);
      expect(done.state).toBe('succeeded');
      // The served endpoint's own live metrics saw the test's requests.
      await ctl.events.next(
        (e) =>
          e.event === 'metrics' &&
          (e.data as MetricsTick).versions.some((v) => v.model === 'digits-mlp' && v.requests >= 10),
      );
      expect(done.targetLabel).toContain(serving.json.url!);

      // Any KServe V2 URL works the same way: here, that endpoint addressed by URL.
      const byUrl = await call<LoadRun>('POST', '/loadtests', {
        name: 'via url',
        target: { kind: 'url', url: serving.json.url!, modelName: 'digits-mlp', modelVersion: '1' },
        protocol: 'binary',
        shape: constant(30, 1),
      } satisfies LoadTestConfigInput);
      expect(byUrl.status).toBe(200);
      const urlDone = await finished(byUrl.json.id);
      expect(urlDone.state).toBe('succeeded');
      expect(urlDone.summary!.statuses.ok).toBe(30);
    } finally {
      await call('POST', '/serving/stop');
    }
  });

  it('deletes a run and its figures', async () => {
    const removed = await call<{ removed: string }>('DELETE', `/loadtests/${second.id}`);
    expect(removed.status).toBe(200);
    expect(removed.json.removed).toBe(second.id);
    expect((await call('GET', `/loadtests/${second.id}`)).status).toBe(404);
    expect((await call('DELETE', `/loadtests/${second.id}`)).status).toBe(404);
    expect((await call<LoadRun[]>('GET', '/loadtests')).json.some((r) => r.id === second.id)).toBe(false);
  });
});
