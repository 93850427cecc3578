// The control plane as the UI and local tools use it: token, Host and Origin checks, schema validation, the
// library and Try it, jobs with progress and cancel, serving control with live events.
import { request } from 'node:http';
import { existsSync, openAsBlob, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Job,
  MetricsTick,
  ModelVersion,
  RequestLogEntry,
  RunResult,
  ServingConfigView,
  ServingStatus,
} from '../../../src-shared/contract';
import { startEngineHost, type EngineHost } from '../../../src-main/engine/engineHost';
import { writeOnnxModelFile } from '../../../src-main/engine/onnx/encodeOnnxModel';
import { model } from '../../helpers/paths';
import { openSse, type SseStream } from '../../helpers/sseClient';
import { tempDir } from '../../helpers/tempDir';

let host: EngineHost;
let base: string;
let auth: Record<string, string>;
let events: SseStream;

beforeAll(async () => {
  host = await startEngineHost({ home: tempDir(), port: 0, webMode: true });
  base = `${host.control.url}/api/v1`;
  auth = { authorization: `Bearer ${host.control.token}` };
  events = await openSse(`${base}/events?token=${host.control.token}`);
});
afterAll(async () => {
  events.close();
  await host.stop();
});

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T & { error?: string } };
}

/** A raw request, for headers fetch will not let us set (Host). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(`${base}${path}`);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('access control', () => {
  it('requires the per-launch token on every API call and on the event stream', async () => {
    expect((await call('GET', '/models', undefined, {})).status).toBe(401);
    expect((await call('GET', '/models', undefined, { authorization: 'Bearer wrong' })).json.error).toMatch(
      /missing or wrong token/,
    );
    expect((await fetch(`${base}/events`)).status).toBe(401);
    expect((await call('GET', '/models')).status).toBe(200);
  });

  it('refuses a Host or Origin other than this server, even with the token', async () => {
    const denied = await raw('/models', { ...auth, host: 'evil.example:80' });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(/Host 'evil.example:80' is not allowed; expected 127\.0\.0\.1:\d+ or localhost:\d+/);
    const origin = await call('GET', '/models', undefined, { ...auth, origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    expect(origin.json.error).toMatch(/Origin 'http:\/\/evil.example' is not allowed/);
    expect((await call('GET', '/models', undefined, { ...auth, origin: host.control.url })).status).toBe(200);
  });

  it('takes the token from the query string only on the event stream', async () => {
    const token = host.control.token;
    const models = await call('GET', `/models?token=${token}`, undefined, {});
    expect(models.status).toBe(401);
    expect(models.json.error).toMatch(/send Authorization: Bearer <token>/);
    const patch = await call('PATCH', `/settings?token=${token}`, { theme: 'dark' }, {});
    expect(patch.status).toBe(401);
    expect((await call<{ theme: string }>('GET', '/settings')).json.theme).not.toBe('dark');
    const stream = await fetch(`${base}/events?token=${token}`);
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    expect((await fetch(`${base}/events?token=wrong`)).status).toBe(401);
  });

  it('asks for the token before saying whether an endpoint exists', async () => {
    for (const path of ['/nope', '/models/x/versions/1/secret', '/../../etc/passwd']) {
      const anonymous = await call('GET', path, undefined, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.error).not.toMatch(/no such endpoint/);
    }
    expect((await call('DELETE', '/models', undefined, {})).status).toBe(401);
    expect((await fetch(`${host.control.url}/metrics`)).status).toBe(401);
    const known = await call('GET', '/nope');
    expect(known.status).toBe(404);
    expect(known.json.error).toBe('no such endpoint: GET /api/v1/nope');
  });

  it('serves the UI without the token, with a strict CSP, and never outside its folder', async () => {
    const ui = await fetch(`${host.control.url}/ui/`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
    expect(await ui.text()).toContain('<div id="root">');
    // An encoded ../ must not reach files outside the UI folder (the SPA fallback answers instead).
    const escape = await fetch(`${host.control.url}/ui/..%2F..%2F..%2Fpackage.json`);
    expect(await escape.text()).not.toContain('"name": "slipway"');
  });

  it('answers a UI path that is not valid percent-encoding with 400', async () => {
    const res = await fetch(`${host.control.url}/ui/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('the path /ui/%E0%A4%A is not valid percent-encoding');
    expect((await fetch(`${host.control.url}/ui/assets/%zz.js`)).status).toBe(400);
    const api = await call('GET', '/models/%E0%A4%A/versions/1');
    expect(api.status).toBe(400);
    expect(api.json.error).toBe('the path /api/v1/models/%E0%A4%A/versions/1 is not valid percent-encoding');
  });
});

describe('schema validation', () => {
  it.each([
    ['PATCH', '/settings', { theme: 'blue' }, /invalid request: theme: /],
    ['PATCH', '/models/digits-mlp/versions/1', {}, /invalid request: give stage or notes/],
    ['PATCH', '/models/digits-mlp/versions/1', { stage: 'live' }, /invalid request: stage: /],
    ['POST', '/serving/start', { port: -1 }, /invalid request: port: /],
    ['POST', '/models/digits-mlp/versions/1/run', { inputs: { kind: 'magic' } }, /invalid request: inputs/],
    ['POST', '/imports/path', { path: '' }, /invalid request: path: /],
    ['PATCH', '/settings', '{not json', /request body is not valid JSON/],
  ])('%s %s %j → 400', async (method, path, body, message) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
  });

  it('answers unknown endpoints with 404 and unknown models with the library message', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    const missing = await call('GET', '/models/nosuch/versions/1');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatch(/no model named 'nosuch'/);
  });
});

describe('library, Try it and samples', () => {
  it('lists the demo library and edits stage and notes', async () => {
    const models = await call<{ name: string }[]>('GET', '/models');
    expect(models.json.map((m) => m.name)).toContain('digits-mlp');
    const updated = await call<ModelVersion>('PATCH', '/models/digits-mlp/versions/2', {
      stage: 'production',
      notes: 'better',
    });
    expect(updated.json).toMatchObject({ stage: 'production', notes: 'better' });
    await events.next((e) => e.event === 'library');
  });

  it('runs Try it on synthetic inputs and on a sample row', async () => {
    const random = await call<RunResult>('POST', '/models/text-classifier/versions/1/run', {
      inputs: { kind: 'synthetic', fill: 'random', seed: 3 },
      dims: { batch: 2, sequence: 8 },
    });
    expect(random.json.outputs[0]).toMatchObject({ name: 'logits', shape: [2, 4] });
    const samples = await call<{ file: string; inputs: string[] }[]>('GET', '/samples');
    const digits = samples.json.find((s) => s.file === 'digits_live_same.jsonl')!;
    expect(digits.inputs).toEqual(['pixels']);
    const row = await call<{ inputs: { pixels: number[] } }>('GET', '/samples/digits_live_same.jsonl/rows/3');
    const run = await call<RunResult>('POST', '/models/digits-mlp/versions/1/run', {
      inputs: { kind: 'values', values: { pixels: [row.json.inputs.pixels] } },
    });
    expect(run.json.outputs.map((o) => o.name)).toEqual(['logits', 'probabilities']);
    expect((await call('GET', '/samples/digits_live_same.jsonl/rows/99999')).json.error).toMatch(
      /there is no row 99999/,
    );
    expect((await call('GET', '/samples/..%2Fsecrets.jsonl/rows/0')).status).toBe(404);
  });

  it('reports a bad Try-it input with the codec message', async () => {
    const bad = await call('POST', '/models/digits-mlp/versions/1/run', {
      inputs: { kind: 'values', values: { pixels: [[1, 2]] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/input 'pixels'/);
  });
});

describe('imports as jobs', () => {
  it('imports an uploaded file with progress events and reports the result', async () => {
    const res = await fetch(`${base}/imports/upload?fileName=uploaded-squeeze.onnx`, {
      method: 'POST',
      headers: auth,
      body: readFileSync(model('squeezenet1_1.onnx')),
    });
    const job = (await res.json()) as Job;
    expect(job).toMatchObject({ kind: 'import', state: 'running' });
    const done = await events.next(
      (e) => e.event === 'job' && (e.data as Job).id === job.id && (e.data as Job).state !== 'running',
    );
    expect(done.data).toMatchObject({
      state: 'succeeded',
      result: { created: true, version: { model: 'uploaded-squeeze', version: 1 } },
    });
    expect((await call<Job>('GET', `/jobs/${job.id}`)).json.state).toBe('succeeded');
  });

  it("names the uploaded file, not the engine's temp copy, when the upload is not a model", async () => {
    const res = await fetch(`${base}/imports/upload?fileName=notes.onnx`, {
      method: 'POST',
      headers: auth,
      body: 'hello, not a model\n',
    });
    const job = (await res.json()) as Job;
    const done = await events.next(
      (e) => e.event === 'job' && (e.data as Job).id === job.id && (e.data as Job).state !== 'running',
    );
    const error = (done.data as Job).error!;
    expect(error).toMatch(/^notes\.onnx looks like a text file/);
    expect(error).not.toContain('uploads');
  });

  it('imports a path on this machine and says when the bytes are already there', async () => {
    const job = (await call<Job>('POST', '/imports/path', { path: model('digits-mlp-v1.onnx'), name: 'digits-mlp' }))
      .json;
    const done = await events.next(
      (e) => e.event === 'job' && (e.data as Job).id === job.id && (e.data as Job).state !== 'running',
    );
    expect(done.data).toMatchObject({
      state: 'succeeded',
      result: { created: false, version: { model: 'digits-mlp', version: 1 } },
    });
  });

  it('fails a job with the library message for a bad file', async () => {
    const job = (await call<Job>('POST', '/imports/path', { path: '/nonexistent/model.onnx' })).json;
    const done = await events.next(
      (e) => e.event === 'job' && (e.data as Job).id === job.id && (e.data as Job).state !== 'running',
    );
    expect(done.data).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/No file at \/nonexistent\/model\.onnx/),
    });
  });

  it.each([
    ['..', /fileName must be a plain file name such as model\.onnx/],
    ['.', /fileName must be a plain file name/],
    ['', /upload needs \?fileName=: a plain file name such as model\.onnx/],
    ['   ', /upload needs \?fileName=/],
    ['../../escape.onnx', /got "\.\.\/\.\.\/escape\.onnx"/],
    ['models/x.onnx', /fileName must be a plain file name/],
    ['C:\\temp\\x.onnx', /fileName must be a plain file name/],
    ['nul\u0000.onnx', /fileName must be a plain file name/],
    [`${'m'.repeat(300)}.onnx`, /of at most 200 characters/],
  ])('refuses the upload file name %j with 400, before writing anything', async (fileName, message) => {
    for (const endpoint of ['/imports/upload', '/datasets/upload']) {
      const res = await fetch(`${base}${endpoint}?fileName=${encodeURIComponent(fileName)}`, {
        method: 'POST',
        headers: auth,
        body: 'bytes that must not be written',
      });
      const body = (await res.json()) as { error: string };
      expect(res.status).toBe(400);
      expect(body.error).toMatch(endpoint === '/imports/upload' ? message : /fileName|upload needs/);
      expect(body.error).not.toContain(host.engine.home);
    }
    const uploads = join(host.engine.home, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads, { recursive: true }) : []).toEqual([]);
  });

  it('cancels an import mid-way: the job ends cancelled, no version is made, no temp file is left', async () => {
    expect((await call('POST', '/jobs/nope/cancel')).status).toBe(404);
    // 256 MB of weights: the copy into the library takes long enough for the cancel to land during it.
    const big = join(tempDir(), 'big.onnx');
    writeOnnxModelFile(big, {
      graph: {
        name: 'big',
        nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
        inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 1024] }],
        outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', 65536] }],
        initializers: [
          { name: 'w', elementType: 'float32', dims: [1024, 65536], rawData: { rawDataLength: 256 << 20, fill: 1 } },
        ],
      },
    });
    const res = await fetch(`${base}/imports/upload?fileName=big-to-cancel.onnx`, {
      method: 'POST',
      headers: auth,
      body: await openAsBlob(big),
    });
    rmSync(big);
    const job = (await res.json()) as Job;
    expect(job).toMatchObject({ kind: 'import', state: 'running' });
    const progress = await events.next(
      (e) => e.event === 'job' && (e.data as Job).id === job.id && /checking|copying/.test((e.data as Job).message),
    );
    expect((progress.data as Job).state).toBe('running');
    expect((await call<Job>('POST', `/jobs/${job.id}/cancel`)).status).toBe(200);
    const done = await events.next(
      (e) => e.event === 'job' && (e.data as Job).id === job.id && (e.data as Job).state !== 'running',
      30_000,
    );
    expect(done.data).toMatchObject({
      state: 'cancelled',
      error: 'the import of big-to-cancel.onnx was cancelled; nothing was imported',
    });
    expect((await call('GET', '/models/big-to-cancel/versions/1')).status).toBe(404);
    const models = await call<{ name: string }[]>('GET', '/models');
    expect(models.json.map((m) => m.name)).not.toContain('big-to-cancel');
    const uploads = join(host.engine.home, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
    expect(readdirSync(join(host.engine.home, 'models')).filter((f) => !/^[0-9a-f]{64}\.onnx$/.test(f))).toEqual([]);
  }, 60_000);
});

describe('serving from the control plane', () => {
  it('starts the endpoint, streams metrics and the request log, applies a setting change, and stops', async () => {
    const started = await call<ServingStatus>('POST', '/serving/start', { port: 0, models: ['digits-mlp:1'] });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ state: 'running', exposedUrls: [], apiKeyRequired: false });
    const url = started.json.url!;
    const body = { inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: Array(64).fill(0.25) }] };
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/v2/models/digits-mlp/infer`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    const log = await events.next(
      (e) => e.event === 'requests' && (e.data as RequestLogEntry[]).some((r) => r.model === 'digits-mlp'),
    );
    expect((log.data as RequestLogEntry[])[0]).toMatchObject({
      model: 'digits-mlp',
      version: '1',
      status: 200,
      degraded: false,
    });
    const tick = await events.next(
      (e) => e.event === 'metrics' && (e.data as MetricsTick).versions.some((v) => v.requests > 0),
    );
    expect((tick.data as MetricsTick).versions[0]).toMatchObject({ model: 'digits-mlp', version: 1, errors: 0 });

    const changed = await call<ServingConfigView>('PATCH', '/models/digits-mlp/versions/1/serving', {
      set: { instances: '2' },
    });
    expect(changed.json.overridden).toContain('instances');
    const config = (await (await fetch(`${url}/v2/models/digits-mlp/config`)).json()) as {
      instance_group: { count: number }[];
    };
    expect(config.instance_group[0]!.count).toBe(2);
    const invalid = await call('PATCH', '/models/digits-mlp/versions/1/serving', { set: { instances: '0' } });
    expect(invalid.status).toBe(400);

    expect((await call('DELETE', '/models/digits-mlp/versions/1')).json.error).toMatch(/is being served/);
    expect((await call('POST', '/serving/start', { port: 0 })).status).toBe(409);
    const stopped = await call<ServingStatus>('POST', '/serving/stop');
    expect(stopped.json.state).toBe('stopped');
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
  });

  it('reports that a key is required when the endpoint was started with one, even on loopback', async () => {
    const started = await call<ServingStatus>('POST', '/serving/start', {
      port: 0,
      models: ['cancer-logreg'],
      apiKey: 'a-long-enough-key',
    });
    expect(started.json.apiKeyRequired).toBe(true);
    const url = started.json.url!;
    expect((await fetch(`${url}/v2/models/cancer-logreg`)).status).toBe(401);
    expect(
      (await fetch(`${url}/v2/models/cancer-logreg`, { headers: { 'x-api-key': 'a-long-enough-key' } })).status,
    ).toBe(200);
    await call('POST', '/serving/stop');
  });

  it('refuses a non-loopback host without an API key, with the reason', async () => {
    const res = await call<ServingStatus>('POST', '/serving/start', { host: '0.0.0.0', port: 0 });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/an API key is required/);
    expect((await call<ServingStatus>('GET', '/serving')).json).toMatchObject({
      state: 'stopped',
      error: expect.stringMatching(/API key/),
    });
  });
});
