// The standalone bundle as a user runs it: written from a real library, copied to a clean folder outside the
// repository, `npm install` there (from the local npm cache), `node server.js` — and every V2 answer must be
// byte-for-byte the answer of Slipway's own data plane (startServing) for the same request.
import { execFileSync, fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleFolder } from '../../../src-main/engine/bundles/bundleFolder';
import type { ExportSource } from '../../../src-main/engine/bundles/exportSource';
import { writeStandaloneServer } from '../../../src-main/engine/bundles/standalone/writeStandaloneServer';
import { Engine } from '../../../src-main/engine/engine';
import { ROLE_FLAG } from '../../../src-main/engine/runtime/singleFile';
import { startServing, type ServingSession } from '../../../src-main/engine/servingSession';
import type { StandaloneServerConfig } from '../../../src-shared/contract';
import { ROOT } from '../../helpers/paths';
import { waitForReady } from '../../helpers/readyChild';
import { samples } from '../../helpers/servingFixtures';
import { tempDir } from '../../helpers/tempDir';

const MODELS = [
  { model: 'digits-mlp', version: 1, samples: 'digits_reference.jsonl' },
  { model: 'cancer-logreg', version: 1, samples: 'cancer_reference.jsonl' },
  { model: 'multi-dtype', version: 1, samples: 'multi_dtype_samples.jsonl' },
  { model: 'text-classifier', version: 1, samples: 'text_samples.jsonl' },
] as const;

interface Running {
  child: ChildProcess;
  url: string;
  /** From spawn to the URL line. */
  startMs: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

let engine: Engine;
let slipway: ServingSession;
let standalone: Running;
/** The clean folder: a copy of the bundle's standalone/ with only its own npm install. */
let clean: string;
let written: string[];

/** A child's environment without what npm and vitest set for the repository (npm_config_local_prefix would
 * point npm at the repository instead of the clean folder). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('npm_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS',
    ),
  );
  return { ...env, ...extra };
}

async function startStandalone(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const started = performance.now();
  const child = spawn(process.execPath, ['server.js', ...args], { cwd: clean, env: cleanEnv(env) });
  const running = await waitForReady(
    child,
    'server.js',
    (stdout) => /^slipway-server: serving (.+) at (http:\/\/\S+)\n/m.exec(stdout)?.[2],
  );
  return {
    child,
    url: running.ready,
    startMs: performance.now() - started,
    stderr: running.stderr,
    exited: running.exited,
  };
}

function runStandalone(args: string[], env: Record<string, string> = {}): Exit {
  const result = spawnSync(process.execPath, ['server.js', ...args], {
    cwd: clean,
    env: cleanEnv(env),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function exportSource(model: string, version: number): ExportSource {
  const v = engine.library.get({ name: model, version });
  return {
    model: v.model,
    version: v.version,
    modelPath: engine.library.filePath(v),
    sha256: v.sha256,
    inspection: v.inspection,
    settings: engine.servingConfig.effective(v).settings,
    fallback: engine.servingConfig.fallback(v.model),
    provider: 'cpu',
  };
}

/** A V2 JSON request of `rows` sample rows, each input shaped [rows, ...the signature's other dims]. */
function sampleRequest(entry: (typeof MODELS)[number], rows: number): Record<string, unknown> {
  const signature = engine.library.get({ name: entry.model, version: entry.version }).inspection;
  const rowsData = samples(entry.samples, rows).map((s) => s.inputs);
  const v2: Record<string, string> = { float32: 'FP32', float64: 'FP64', int64: 'INT64', bool: 'BOOL' };
  return {
    id: `req-${entry.model}`,
    inputs: signature.inputs.map((input) => {
      const perRow = rowsData[0]![input.name]!.length;
      return {
        name: input.name,
        datatype: v2[input.elementType],
        shape: [rows, perRow],
        data: rowsData.flatMap((r) => r[input.name]!),
      };
    }),
  };
}

interface RawReply {
  status: number;
  contentType: string | null;
  headerLength: string | null;
  body: Buffer;
}

async function raw(base: string, path: string, init: RequestInit = {}): Promise<RawReply> {
  const res = await fetch(base + path, init);
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    headerLength: res.headers.get('inference-header-content-length'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** The same request to both servers; the replies must be identical (status, type, binary header length, bytes). */
async function expectSameReply(path: string, init: RequestInit = {}): Promise<RawReply> {
  const [ours, theirs] = await Promise.all([raw(slipway.url, path, init), raw(standalone.url, path, init)]);
  expect(theirs.status, path).toBe(ours.status);
  expect(theirs.contentType, path).toBe(ours.contentType);
  expect(theirs.headerLength, path).toBe(ours.headerLength);
  expect(theirs.body.toString('utf8'), path).toBe(ours.body.toString('utf8'));
  expect(theirs.body.equals(ours.body), path).toBe(true);
  return theirs;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  // The single file is built from the sources under test, not whatever an earlier build left.
  execFileSync(process.execPath, [`${ROOT}scripts/buildStandalone.mjs`], { cwd: ROOT });
  engine = Engine.open({ home: tempDir() });
  const bundle = tempDir('slipway-standalone-bundle-');
  const result = await writeStandaloneServer(new BundleFolder(bundle), {
    dir: 'standalone',
    models: MODELS.map((m) => ({ source: exportSource(m.model, m.version) })),
    title: 'demo models',
  });
  written = result.files;
  clean = join(tempDir('slipway-standalone-clean-'), 'server');
  cpSync(join(bundle, 'standalone'), clean, { recursive: true });

  const installStarted = performance.now();
  let install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund'], {
    cwd: clean,
    env: cleanEnv(),
    encoding: 'utf8',
  });
  let mode = '--offline';
  if (install.status !== 0) {
    mode = '--prefer-offline';
    install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: clean,
      env: cleanEnv(),
      encoding: 'utf8',
    });
  }
  if (install.status !== 0) throw new Error(`npm install failed in ${clean}: ${install.stderr}`);
  const installMs = performance.now() - installStarted;

  standalone = await startStandalone(['--port', '0']);
  const slipwayStarted = performance.now();
  slipway = await startServing(engine, {
    host: '127.0.0.1',
    port: 0,
    models: MODELS.map((m) => `${m.model}:${m.version}`),
    apiKeys: [],
    allowedHosts: [],
    corsOrigins: [],
    liveDrift: null,
    log: () => {},
  });
  console.log(
    `standalone: npm install ${mode} ${Math.round(installMs)} ms; server.js ready in ` +
      `${Math.round(standalone.startMs)} ms (process start included); startServing in ` +
      `${Math.round(performance.now() - slipwayStarted)} ms (in process)`,
  );
}, 300_000);

afterAll(async () => {
  if (standalone && standalone.child.exitCode === null) standalone.child.kill('SIGKILL');
  await slipway?.stop();
  await engine?.close();
});

describe('standalone bundle', () => {
  it('holds the server, config, models, package.json, Dockerfile and README', () => {
    const files = written.map((f) => f.replace(/^standalone\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'server.js',
        'slipway-server.json',
        'package.json',
        '.npmrc',
        'Dockerfile',
        '.dockerignore',
        'README.md',
        ...MODELS.map((m) => `models/${m.model}/${m.version}/model.onnx`),
      ]),
    );
    const pkg = JSON.parse(readFileSync(join(clean, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    const ortVersion = (
      JSON.parse(readFileSync(`${ROOT}node_modules/onnxruntime-node/package.json`, 'utf8')) as { version: string }
    ).version;
    expect(pkg.dependencies).toEqual({ 'onnxruntime-node': ortVersion });
    expect(pkg.scripts.start).toBe('node server.js');
    const dockerfile = readFileSync(join(clean, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/v2\/health\/ready/);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    const readme = readFileSync(join(clean, 'README.md'), 'utf8');
    for (const m of MODELS) expect(readme).toContain(`/v2/models/${m.model}/versions/${m.version}/infer`);
  });

  it('serves every bundled model, as its ready line says', () => {
    expect(standalone.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers JSON inference on sample rows exactly as Slipway does', async () => {
    for (const entry of MODELS) {
      for (const rows of [1, 3]) {
        const reply = await expectSameReply(`/v2/models/${entry.model}/infer`, json(sampleRequest(entry, rows)));
        expect(reply.status, entry.model).toBe(200);
        const body = JSON.parse(reply.body.toString('utf8')) as { outputs: { shape: number[] }[]; id: string };
        expect(body.id).toBe(`req-${entry.model}`);
        expect(body.outputs.length).toBeGreaterThan(0);
        expect(body.outputs[0]!.shape[0]).toBe(rows);
      }
    }
  });

  it('answers the binary tensor extension exactly as Slipway does', async () => {
    const pixels = samples<{ pixels: number[] }>('digits_reference.jsonl', 2).flatMap((s) => s.inputs.pixels);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [2, 64], parameters: { binary_data_size: 2 * 64 * 4 } }],
        outputs: [{ name: 'probabilities', parameters: { binary_data: true } }, { name: 'logits' }],
      }),
    );
    const body = Buffer.concat([header, Buffer.from(Float32Array.from(pixels).buffer)]);
    const reply = await expectSameReply('/v2/models/digits-mlp/versions/1/infer', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
      body,
    });
    expect(reply.status).toBe(200);
    expect(Number(reply.headerLength)).toBeLessThan(reply.body.length);
  });

  it('gives the same metadata, model config, readiness and errors', async () => {
    await expectSameReply('/v2/health/ready');
    await expectSameReply('/v2/health/live');
    // Same server name, version and extensions: both report Slipway's version from the same package.json.
    await expectSameReply('/v2');
    for (const entry of MODELS) {
      await expectSameReply(`/v2/models/${entry.model}`);
      await expectSameReply(`/v2/models/${entry.model}/versions/${entry.version}`);
      await expectSameReply(`/v2/models/${entry.model}/versions/${entry.version}/ready`);
      await expectSameReply(`/v2/models/${entry.model}/config`);
    }
    // A malformed request is refused with the same message by both.
    const bad = await expectSameReply(
      '/v2/models/digits-mlp/infer',
      json({ inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: [1, 2, 3] }] }),
    );
    expect(bad.status).toBe(400);
    // Not compared: /v2/repository/index lists the whole library on Slipway's side but only the bundle here.
    const index = await raw(standalone.url, '/v2/repository/index', json({}));
    const names = (JSON.parse(index.body.toString('utf8')) as { name: string }[]).map((e) => e.name).sort();
    expect(names).toEqual(MODELS.map((m) => m.model).sort());
  });

  it("answers its README's example request for each model", async () => {
    const readme = readFileSync(join(clean, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/curl -sS -X POST '(http:\/\/[^']+)'[^]*?-d '([^']+)'/g)];
    expect(examples).toHaveLength(MODELS.length);
    for (const [, url, body] of examples) {
      const path = new URL(url!).pathname;
      const res = await fetch(standalone.url + path, json(JSON.parse(body!)));
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    }
  });

  it('runs the provider probe as a child of the same single file', async () => {
    const child = fork(join(clean, 'server.js'), [ROLE_FLAG, 'providerProbeChild'], {
      cwd: clean,
      env: cleanEnv(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const messages: { type: string; outcome?: { name: string; available: boolean } }[] = [];
    child.on('message', (m: (typeof messages)[number]) => messages.push(m));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(messages.at(-1)?.type).toBe('done');
    expect(messages.find((m) => m.outcome?.name === 'cpu')?.outcome?.available).toBe(true);
  });

  it('requires the API key it was given', async () => {
    const keyed = await startStandalone(['--port', '0'], { SLIPWAY_API_KEY: 'first-key,second-key' });
    try {
      const path = `${keyed.url}/v2/models/digits-mlp`;
      expect((await fetch(path)).status).toBe(401);
      expect((await fetch(path, { headers: { authorization: 'Bearer second-key' } })).status).toBe(200);
      expect((await fetch(`${keyed.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      keyed.child.kill('SIGTERM');
      expect(await keyed.exited).toBe(0);
    }
  });

  it('refuses a non-loopback bind without an API key', () => {
    const result = runStandalone(['--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^slipway-server: serving on 0\.0\.0\.0 .*an API key is required/m);
    expect(result.stdout).toBe('');
  });

  it('refuses a bad config with a one-line message', () => {
    const config = JSON.parse(readFileSync(join(clean, 'slipway-server.json'), 'utf8')) as StandaloneServerConfig;
    const variant = (name: string, change: (c: StandaloneServerConfig) => unknown) => {
      const path = join(clean, name);
      writeFileSync(path, JSON.stringify(change(structuredClone(config))));
      return path;
    };
    const newer = runStandalone(['--config', variant('newer.json', (c) => ({ ...c, formatVersion: 99 }))]);
    expect(newer.code).toBe(4);
    expect(newer.stderr).toMatch(/format version 99, newer than this server\.js reads/);
    const missing = runStandalone([
      '--config',
      variant('missing.json', (c) => {
        c.models[1]!.path = 'models/cancer-logreg/7/model.onnx';
        return c;
      }),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/models\.1\.path: model file .*models\/cancer-logreg\/7\/model\.onnx .* not found/);
    const schema = runStandalone([
      '--config',
      variant('schema.json', (c) => {
        (c.models[0]!.settings as { instances: number }).instances = 0;
        return c;
      }),
    ]);
    expect(schema.code).toBe(1);
    expect(schema.stderr).toContain('models.0.settings.instances');
    writeFileSync(join(clean, 'broken.json'), '{"format": "slipway-server",');
    const broken = runStandalone(['--config', join(clean, 'broken.json')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/is not valid JSON/);
    const absent = runStandalone(['--config', join(clean, 'absent.json')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/absent\.json not found/);
    for (const result of [newer, missing, schema, broken, absent]) {
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exits 0 on a SIGTERM sent the moment it prints its address', async () => {
    for (let i = 0; i < 3; i++) {
      const server = await startStandalone(['--port', '0']);
      server.child.kill('SIGTERM');
      expect(await server.exited, server.stderr()).toBe(0);
    }
  });

  it('drains and exits 0 on SIGTERM', async () => {
    standalone.child.kill('SIGTERM');
    expect(await standalone.exited).toBe(0);
    expect(standalone.stderr()).toContain('slipway-server: stopped');
  });
});
