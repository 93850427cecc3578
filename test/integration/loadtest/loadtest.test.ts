// Load tests as users run them: short real runs against digits-mlp behind a local endpoint and in the
// in-process runtime, a composed shape, the CLI with --json and --report, cancelling mid-run, every kind of
// failure counted during a run without crashing it, and bad inputs refused with a clear message before any run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadRun, LoadTestConfigInput, LoadTick } from '../../../src-shared/contract';
import { Engine } from '../../../src-main/engine/engine';
import { LoadTestService } from '../../../src-main/engine/loadtest/loadTestService';
import { UserError } from '../../../src-main/engine/userError';
import { data, ROOT } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { tempDir } from '../../helpers/tempDir';

let home: string;
let engine: Engine;
let service: LoadTestService;
const ticks: LoadTick[] = [];
const runEvents: LoadRun[] = [];

beforeAll(() => {
  home = tempDir();
  engine = Engine.open({ home });
  service = new LoadTestService(engine, { onTick: (t) => ticks.push(t), onRun: (r) => runEvents.push(r) });
});
afterAll(async () => {
  await service.close();
  await engine.close();
});

const constant = (rate: number, duration: number): LoadTestConfigInput['shape'] => ({
  segments: [{ kind: 'constant', rate, duration }],
});

async function runToEnd(config: LoadTestConfigInput): Promise<LoadRun> {
  const started = await service.start(config);
  expect(started.state).toBe('running');
  return service.wait(started.id);
}

/** A V2 target of our own: metadata for model `m` (x: FP32 [-1, 4]) and an infer route answered by `infer`. */
async function v2Server(
  infer: (n: number, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v2/models/m') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            name: 'm',
            versions: ['1'],
            platform: 'onnxruntime_onnx',
            inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
            outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
          }),
        );
      } else if (req.method === 'POST' && req.url === '/v2/models/m/infer') infer(n++, req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('real runs', () => {
  it('runs against a local endpoint for digits-mlp, with server-side and engine figures each second', async () => {
    const run = await runToEnd({
      name: 'endpoint',
      target: { kind: 'endpoint', model: 'digits-mlp' },
      shape: constant(50, 2),
    });
    expect(run.state).toBe('succeeded');
    expect(run.targetLabel).toMatch(/^digits-mlp:1 at http:\/\/127\.0\.0\.1:\d+$/);
    const s = run.summary!;
    expect(s.requests).toBe(100);
    expect(s.statuses).toEqual({ ok: 100 });
    expect(s.offeredRate).toBe(50);
    expect(s.achievedRate).toBeGreaterThan(45);
    expect(s.corrected.p50!).toBeGreaterThan(0);
    expect(s.corrected.p50!).toBeGreaterThanOrEqual(s.uncorrected.p50!);

    const detail = service.detail(run.id);
    expect(detail.intervals.map((i) => i.second).slice(0, 2)).toEqual([0, 1]);
    expect(detail.intervals.slice(0, 2).map((i) => i.offered)).toEqual([50, 50]);
    const withServer = detail.intervals.filter((i) => i.server?.computeMs != null);
    expect(withServer.length).toBeGreaterThanOrEqual(1);
    expect(withServer[0]!.server!.computeMs!).toBeGreaterThan(0);
    expect(withServer[0]!.server!.queueMs!).toBeGreaterThanOrEqual(0);
    const withEngine = detail.intervals.filter((i) => i.engine);
    expect(withEngine.length).toBeGreaterThanOrEqual(1);
    expect(withEngine[0]!.engine!.rssBytes).toBeGreaterThan(10_000_000);
    expect(detail.spectrum.length).toBeGreaterThan(5);

    // Live views saw the run start and end, and its seconds as they were measured.
    expect(runEvents.filter((r) => r.id === run.id).map((r) => r.state)).toEqual(['running', 'succeeded']);
    const mine = ticks.filter((t) => t.runId === run.id);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.at(-1)!.progress).toBeGreaterThan(0.5);
  });

  it('runs in the in-process runtime, without HTTP', async () => {
    const run = await runToEnd({
      target: { kind: 'runtime', model: 'digits-mlp', version: 2 },
      shape: constant(50, 2),
    });
    expect(run.state).toBe('succeeded');
    expect(run.targetLabel).toBe('digits-mlp:2 (in-process runtime)');
    expect(run.name).toBe('digits-mlp:2 (in-process runtime) · constant');
    expect(run.summary!.statuses).toEqual({ ok: 100 });
    expect(service.detail(run.id).intervals.some((i) => i.engine)).toBe(true);
  });

  it('follows a composed shape: a ramp, a closed-loop level, then a replayed trace; rows from a replay file', async () => {
    const run = await runToEnd({
      target: { kind: 'endpoint', model: 'digits-mlp' },
      inputs: { kind: 'replay', file: 'digits_reference.csv' },
      protocol: 'binary',
      shape: {
        segments: [
          { kind: 'ramp', from: 20, to: 60, duration: 1 },
          { kind: 'concurrency', levels: [{ concurrency: 2, duration: 1 }] },
          { kind: 'trace', format: 'gaps', times: new Array(10).fill(0.05) },
        ],
      },
    });
    expect(run.state).toBe('succeeded');
    const detail = service.detail(run.id);
    const offered = detail.intervals.map((i) => i.offered);
    expect(offered[0]).toBe(40); // ∫ 20→60 over 1 s
    expect(offered[1]).toBeGreaterThan(20); // two clients back to back for a second
    expect(offered[2]).toBe(10); // the trace: 10 sends 50 ms apart
    expect(run.summary!.statuses).toEqual({ ok: run.summary!.requests });
    expect(run.config.inputs).toEqual({ kind: 'replay', file: data('digits_reference.csv') });
  });
});

describe('failures during a run are counted, never crash it', () => {
  it('counts every answer of a target that answers 500 to everything', async () => {
    const target = await v2Server((_n, _req, res) => json(res, 500, { error: 'internal' }));
    try {
      const run = await runToEnd({ target: { kind: 'url', url: target.url, modelName: 'm' }, shape: constant(40, 2) });
      expect(run.state).toBe('succeeded');
      expect(run.summary!.statuses).toEqual({ 'http:500': 80 });
      expect(run.summary!.corrected.count).toBe(80);
    } finally {
      await target.close();
    }
  });

  it('sorts ok, degraded, shed, errors, dropped connections and timeouts apart', async () => {
    const target = await v2Server((n, req, res) => {
      switch (n % 6) {
        case 0:
          return json(res, 200, { model_name: 'm', outputs: [] });
        case 1:
          return json(res, 200, { model_name: 'm', parameters: { degraded: true, reason: 'v2 failed' }, outputs: [] });
        case 2:
          return json(res, 503, { error: 'overloaded' });
        case 3:
          return json(res, 400, { error: 'bad input' });
        case 4:
          return req.socket.destroy();
        default:
          return; // never answers
      }
    });
    try {
      const run = await runToEnd({
        target: { kind: 'url', url: target.url, modelName: 'm' },
        shape: constant(60, 2),
        timeoutMs: 300,
      });
      expect(run.state).toBe('succeeded');
      const st = run.summary!.statuses;
      expect(Object.keys(st).sort()).toEqual(['connection', 'degraded', 'http:400', 'ok', 'shed', 'timeout']);
      expect(Object.values(st).reduce((a, b) => a + b, 0)).toBe(120);
      for (const n of Object.values(st)) expect(n).toBeGreaterThanOrEqual(10);
      // Only requests that got an answer have a latency.
      expect(run.summary!.corrected.count).toBe(st.ok! + st.degraded! + st.shed! + st['http:400']!);
    } finally {
      await target.close();
    }
  });

  it('marks a run failed with the reason when its target cannot start, and keeps going afterwards', async () => {
    // An execution provider onnxruntime does not have: the generator's session pool cannot start.
    engine.servingConfig.update(engine.library.get({ name: 'cancer-logreg', version: 1 }), {
      set: { provider: 'nosuchep' },
    });
    try {
      const run = await runToEnd({
        target: { kind: 'runtime', model: 'cancer-logreg', version: 1 },
        shape: constant(10, 1),
      });
      expect(run.state).toBe('failed');
      expect(run.error).toMatch(/nosuchep/);
    } finally {
      engine.servingConfig.update(engine.library.get({ name: 'cancer-logreg', version: 1 }), { unset: ['provider'] });
    }
    const after = await runToEnd({
      target: { kind: 'runtime', model: 'cancer-logreg', version: 1 },
      shape: constant(10, 1),
    });
    expect(after.state).toBe('succeeded');
  });
});

describe('capacity search', () => {
  it('finds the highest rate a server with a known service rate keeps under the p99 budget', async () => {
    // One request at a time, 8 ms each: 125 requests/s at most, and a queue that only grows beyond that.
    let busyUntil = 0;
    const target = await v2Server((_n, _req, res) => {
      const now = performance.now();
      busyUntil = Math.max(now, busyUntil) + 8;
      setTimeout(() => json(res, 200, { model_name: 'm', outputs: [] }), busyUntil - now);
    });
    try {
      const run = await runToEnd({
        target: { kind: 'url', url: target.url, modelName: 'm' },
        capacity: { budgetMs: 50, startRate: 50, maxRate: 200, precision: 0.5 },
      });
      expect(run.state).toBe('succeeded');
      const capacity = run.summary!.capacity!;
      expect(capacity.levels.map((l) => l.offeredRate)).toEqual([50, 100, 150, 200]);
      expect(capacity.capacityRate).toBe(100);
      expect([150, 200]).toContain(capacity.saturationRate);
      const [l50, l100, l150, l200] = capacity.levels;
      expect(l50!.meetsBudget && l100!.meetsBudget).toBe(true);
      expect(l100!.achievedRate).toBeGreaterThan(95);
      expect(l150!.meetsBudget || l200!.meetsBudget).toBe(false);
      // Past its service rate the server still answers about 125/s, while latency runs away.
      expect(l200!.achievedRate).toBeGreaterThan(100);
      expect(l200!.achievedRate).toBeLessThan(140);
      expect(l200!.p99Ms!).toBeGreaterThan(200);
      // The stored series covers the search, second by second, with no gaps.
      const seconds = service.detail(run.id).intervals.map((i) => i.second);
      expect(seconds).toEqual(seconds.map((_, i) => i));
      expect(run.name).toMatch(/capacity at p99 ≤ 50 ms/);
    } finally {
      await target.close();
    }
  }, 90_000);
});

describe('cancelling', () => {
  it('stops sending at once and keeps what was measured', async () => {
    const started = await service.start({ target: { kind: 'runtime', model: 'digits-mlp' }, shape: constant(40, 30) });
    const firstTick = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (ticks.some((t) => t.runId === started.id)) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    await firstTick;
    const asked = performance.now();
    expect(service.cancel(started.id).state).toBe('running');
    const run = await service.wait(started.id);
    expect(performance.now() - asked).toBeLessThan(5_000);
    expect(run.state).toBe('cancelled');
    const s = run.summary!;
    expect(s.requests).toBeGreaterThanOrEqual(40);
    expect(s.requests).toBeLessThan(40 * 10);
    expect(s.durationSeconds).toBeLessThan(10);
    expect(s.statuses.ok).toBeGreaterThanOrEqual(40);
    const detail = service.detail(started.id);
    expect(detail.intervals.length).toBeLessThan(10);
    // Cancelling again, or a run that has ended, changes nothing.
    expect(service.cancel(started.id).state).toBe('cancelled');
    expect(() => service.cancel('nope')).toThrow(/no load test run 'nope'/);
  });
});

describe('bad inputs are refused before anything runs', () => {
  let unreachable: string;
  beforeAll(async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = await v2Server(() => {});
    unreachable = probe.url;
    await probe.close();
  });

  const digits = { kind: 'endpoint', model: 'digits-mlp' } as const;
  const cases: [string, () => LoadTestConfigInput, RegExp][] = [
    [
      'a zero rate',
      () => ({ target: digits, shape: constant(0, 2) }),
      /shape segment 1 \(constant\) rate: a rate must be above 0 requests\/s/,
    ],
    [
      'a negative rate',
      () => ({ target: digits, shape: { segments: [{ kind: 'ramp', from: 10, to: -5, duration: 2 }] } }),
      /shape segment 1 \(ramp\) to: a rate must be above 0 requests\/s/,
    ],
    [
      'a segment longer than a day',
      () => ({ target: digits, shape: constant(1, 100_000) }),
      /duration: at most 86400 s: the limit is a day/,
    ],
    [
      'segments that add up to more than a day',
      () => ({
        target: digits,
        shape: {
          segments: [
            { kind: 'constant', rate: 1, duration: 50_000 },
            { kind: 'constant', rate: 1, duration: 50_000 },
          ],
        },
      }),
      /the shape lasts 100000 s; the limit is a day \(86400 s\)/,
    ],
    [
      'a trace with unsorted times',
      () => ({ target: digits, shape: { segments: [{ kind: 'trace', format: 'timestamps', times: [0, 2, 1] }] } }),
      /timestamps must not go backwards, but value 3 \(1\) comes before value 2 \(2\)/,
    ],
    [
      'a trace with negative times',
      () => ({ target: digits, shape: { segments: [{ kind: 'trace', format: 'gaps', times: [0.1, -0.2] }] } }),
      /value 2 is -0\.2; gaps must be 0 or more seconds/,
    ],
    [
      'an unreachable URL',
      () => ({ target: { kind: 'url', url: unreachable, modelName: 'm' }, shape: constant(10, 1) }),
      /cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/,
    ],
    [
      'a model the library lacks',
      () => ({ target: { kind: 'endpoint', model: 'nosuch' }, shape: constant(10, 1) }),
      /nosuch/,
    ],
    [
      'a replay file whose columns do not match the model',
      () => ({
        target: digits,
        inputs: { kind: 'replay', file: data('cancer_reference.csv') },
        shape: constant(10, 1),
      }),
      /cancer_reference\.csv has 30 feature columns .* but input 'pixels' takes 64 values per row/,
    ],
    [
      'a replay file whose inputs do not match the model',
      () => ({ target: digits, inputs: { kind: 'replay', file: 'text_samples.jsonl' }, shape: constant(10, 1) }),
      /text_samples\.jsonl line 1: unknown input 'input_ids'; the model's inputs are: pixels/,
    ],
    ['no shape and no capacity search', () => ({ target: digits }), /needs a shape .* or a capacity search/],
    [
      'an unknown dim',
      () => ({ target: digits, inputs: { kind: 'synthetic', dims: { sequence: 4 } }, shape: constant(10, 1) }),
      /unknown dim 'sequence'/,
    ],
  ];

  it.each(cases)('%s', async (_what, config, message) => {
    const before = service.list().length;
    const error = await service.start(config()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
    expect(service.list().length).toBe(before);
  });
});

describe('slipway loadtest', () => {
  it('prints the run with --json and writes the HTML report', async () => {
    const report = join(tempDir(), 'out.html');
    const csv = join(tempDir(), 'out.csv');
    const result = await runCli(
      [
        'loadtest',
        '--model',
        'digits-mlp',
        '--rate',
        '40',
        '--duration',
        '2s',
        '--report',
        report,
        '--csv',
        csv,
        '--json',
      ],
      { SLIPWAY_HOME: home },
    );
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as LoadRun;
    expect(run.state).toBe('succeeded');
    expect(run.config.shape).toEqual({
      segments: [{ kind: 'constant', rate: 40, duration: 2, arrivals: 'uniform' }],
      seed: 1,
    });
    expect(run.summary!.requests).toBe(80);
    expect(run.summary!.statuses).toEqual({ ok: 80 });
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/from intended send/);
    expect(html).toContain(run.id);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^second,offered,completed/);

    const runs = await runCli(['loadtest', 'runs'], { SLIPWAY_HOME: home });
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`${run.id}\\s+\\S+ \\S+\\s+succeeded`));
    const json = await runCli(['loadtest', 'report', run.id, '--format', 'json'], { SLIPWAY_HOME: home });
    expect(JSON.parse(json.stdout).id).toBe(run.id);
  });

  it('cancels on a Ctrl-C sent the moment the run is announced, and keeps what it measured', async () => {
    const child = spawn(
      process.execPath,
      [
        `${ROOT}bin/slipway.js`,
        'loadtest',
        '--model',
        'digits-mlp',
        '--target',
        'runtime',
        '--rate',
        '20',
        '--duration',
        '1m',
      ],
      { env: { ...process.env, SLIPWAY_HOME: home } },
    );
    let stderr = '';
    let interrupted = false; // once: a second Ctrl-C exits at once (130)
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      if (!interrupted && /slipway: load test \S+: /.test(stderr)) interrupted = child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('slipway: cancelling; waiting for answers in flight…');
    const id = /the load test was cancelled; what it measured is stored as (\S+)/.exec(stderr)?.[1];
    expect(id, stderr).toBeDefined();
    const stored = await runCli(['loadtest', 'report', id!, '--format', 'json'], { SLIPWAY_HOME: home });
    expect((JSON.parse(stored.stdout) as LoadRun).state).toBe('cancelled');
  });

  it('prints a readable summary that says which latency is which', async () => {
    const result = await runCli(
      [
        'loadtest',
        '--model',
        'digits-mlp',
        '--target',
        'runtime',
        '--shape',
        'spike',
        '--base',
        '20',
        '--peak',
        '60',
        '--duration',
        '2s',
      ],
      { SLIPWAY_HOME: home },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/digits-mlp:1 \(in-process runtime\) · spike/);
    expect(result.stdout).toMatch(/corrected .* from the intended send/);
    expect(result.stdout).toMatch(/uncorrected .* from the actual send/);
    expect(result.stdout).toMatch(/outcomes: ok \d+/);
  });

  it.each([
    [['--model', 'digits-mlp', '--rate', '0', '--duration', '2s'], /rate must be above 0 requests\/s/],
    [
      ['--model', 'digits-mlp', '--rate', '10', '--duration', '2d'],
      /invalid --duration '2d': expected a time such as 500ms, 30s, 2m or 1h/,
    ],
    [['--model', 'digits-mlp', '--rate', '10', '--duration', '25h'], /the limit is a day/],
    [['--model', 'digits-mlp'], /give a rate \(--rate N requests\/s\)/],
    [['--model', 'digits-mlp', '--shape', 'spike', '--base', '10'], /--shape spike needs --peak/],
    [['--model', 'digits-mlp', '--find-capacity'], /--find-capacity needs a latency budget: --p99 50ms/],
    [
      ['--model', 'digits-mlp', '--rate', '10', '--inputs', 'digits_reference.jsonl', '--dim', 'batch=2'],
      /--dim and --variants shape synthetic inputs/,
    ],
    [['--url', 'http://127.0.0.1:1', '--rate', '10'], /--url needs --model-name/],
  ])('refuses %j with one clear line', async (args, message) => {
    const result = await runCli(['loadtest', ...args], { SLIPWAY_HOME: home });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^slipway: error: /);
    expect(lines[0]).toMatch(message);
  });

  it('refuses a trace file with unsorted times', async () => {
    const trace = join(tempDir(), 'trace.txt');
    writeFileSync(trace, '# seconds\n0\n0.5\n0.25\n');
    const result = await runCli(['loadtest', '--model', 'digits-mlp', '--shape', 'trace', '--trace', trace], {
      SLIPWAY_HOME: home,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /timestamps must not go backwards, but value 3 \(0\.25\) comes before value 2 \(0\.5\)/,
    );
  });
});
