#!/usr/bin/env node
// Deploy-bundle benchmark (issue 8). Three questions, each against a baseline measured in the same run:
//   - export: how long each target takes against copying the model file (the least any export must do);
//   - edge: the optimised model's CPU latency against the original's, both opened as the bundled server opens
//     them (onnxruntime's default online optimisation, 1 intra-op thread, batch 1);
//   - standalone: the bundled server's cold start (spawn → listening line) against `slipway serve` of the same
//     version, after `npm install --offline` in a clean folder outside the repository (its time is printed too).
// Prints JSON lines. Never fails on timing. Run after `npm run build`:  node bench/bundles.mjs [--repeat N]
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const REPEAT = Number(arg('--repeat', '3'));
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const emit = (record) => process.stdout.write(`${JSON.stringify({ bench: 'bundles', ...record, machine })}\n`);
const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const { Engine } = await import(pathToFileURL(join(root, 'out/main/engine/engine.js')).href);

const work = mkdtempSync(join(tmpdir(), 'slipway-bench-bundles-'));
const home = join(work, 'home');
const engine = Engine.open({ home });
try {
  await exportTimes(['digits-mlp:1', 'squeezenet1_1:1', 'slow-matmul:1']);
  await edgeLatency(['digits-mlp:2', 'text-classifier:1', 'squeezenet1_1:1', 'slow-matmul:1']);
  await coldStart('digits-mlp:1');
} finally {
  await engine.close();
  rmSync(work, { recursive: true, force: true });
}

async function exportTimes(refs) {
  for (const ref of refs) {
    const [model, v] = ref.split(':');
    const version = engine.library.get({ name: model, version: Number(v) });
    const copyMs = [];
    for (let r = 0; r < REPEAT; r++) {
      const started = performance.now();
      copyFileSync(engine.library.filePath(version), join(work, `copy-${r}.onnx`));
      copyMs.push(performance.now() - started);
    }
    const baseline = median(copyMs);
    for (const target of ['triton', 'kserve', 'standalone', 'edge']) {
      const times = [];
      let bytes = 0;
      for (let r = 0; r < REPEAT; r++) {
        const outDir = join(work, `${model}-${target}-${r}`);
        const started = performance.now();
        const result = await engine.bundles.run({ model, version: Number(v), targets: [target], outDir });
        times.push(performance.now() - started);
        bytes = result.totalBytes;
        rmSync(outDir, { recursive: true, force: true });
      }
      emit({
        case: 'export',
        model: ref,
        target,
        exportMs: round(median(times)),
        copyModelMs: round(median(copyMs), 3),
        ratioToCopy: round(median(times) / baseline, 1),
        bundleBytes: bytes,
        runs: times.map((t) => round(t)),
      });
    }
  }
}

async function edgeLatency(refs) {
  for (const ref of refs) {
    const [model, v] = ref.split(':');
    const outDir = join(work, `${model}-edge`);
    const result = await engine.bundles.run({ model, version: Number(v), targets: ['edge'], outDir });
    const edge = result.manifest.edge;
    const original = engine.library.filePath(engine.library.get({ name: model, version: Number(v) }));
    const optimised = join(outDir, 'edge', 'models', model, v, 'model.onnx');
    const loadMs = {};
    const latency = {};
    for (const [label, file] of [
      ['original', original],
      ['optimised', optimised],
    ]) {
      const started = performance.now();
      const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      loadMs[label] = performance.now() - started;
      const feeds = syntheticFeeds(result.manifest.signature);
      for (let i = 0; i < 5; i++) await session.run(feeds);
      const runs = [];
      const deadline = performance.now() + 1500;
      while (performance.now() < deadline || runs.length < 10) {
        const t = performance.now();
        await session.run(feeds);
        runs.push(performance.now() - t);
      }
      latency[label] = median(runs);
      await session.release();
    }
    emit({
      case: 'edge',
      model: ref,
      nodes: `${edge.originalNodes}->${edge.optimizedNodes}`,
      maxRelError: edge.maxRelError,
      originalMs: round(latency.original, 4),
      optimisedMs: round(latency.optimised, 4),
      latencyRatio: round(latency.optimised / latency.original, 3),
      originalLoadMs: round(loadMs.original),
      optimisedLoadMs: round(loadMs.optimised),
      loadRatio: round(loadMs.optimised / loadMs.original, 3),
    });
  }
}

/** Batch 1; dynamic dims 16; integer inputs 1 (valid token ids and a full attention mask). */
function syntheticFeeds(signature) {
  const feeds = {};
  for (const input of signature.inputs) {
    const dims = input.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 16));
    const size = dims.reduce((a, b) => a * b, 1);
    if (input.elementType === 'int64')
      feeds[input.name] = new ort.Tensor('int64', new BigInt64Array(size).fill(1n), dims);
    else if (input.elementType === 'float32')
      feeds[input.name] = new ort.Tensor(
        'float32',
        Float32Array.from({ length: size }, (_, i) => Math.sin(i)),
        dims,
      );
    else throw new Error(`bench: no synthetic ${input.elementType} input`);
  }
  return feeds;
}

async function coldStart(ref) {
  const [model, v] = ref.split(':');
  const exported = join(work, 'standalone-export');
  await engine.bundles.run({ model, version: Number(v), targets: ['standalone'], outDir: exported });
  const clean = mkdtempSync(join(tmpdir(), 'slipway-bench-standalone-'));
  try {
    cpSync(join(exported, 'standalone'), clean, { recursive: true });
    const installStarted = performance.now();
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: clean, stdio: 'ignore' });
    const installMs = performance.now() - installStarted;
    const standalone = [];
    const serve = [];
    for (let r = 0; r < REPEAT; r++) {
      standalone.push(
        await untilListening(process.execPath, ['server.js', '--port', '0'], clean, /slipway-server: serving/),
      );
      serve.push(
        await untilListening(
          process.execPath,
          [join(root, 'bin/slipway.js'), 'serve', '--home', home, '--models', ref, '--port', '0'],
          root,
          /slipway: serving on/,
        ),
      );
    }
    emit({
      case: 'cold-start',
      model: ref,
      standaloneMs: round(median(standalone)),
      slipwayServeMs: round(median(serve)),
      ratio: round(median(standalone) / median(serve), 3),
      npmInstallOfflineMs: round(installMs),
      runs: { standalone: standalone.map((t) => round(t)), serve: serve.map((t) => round(t)) },
    });
  } finally {
    rmSync(clean, { recursive: true, force: true });
  }
}

function untilListening(command, args, cwd, ready) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (chunk) => {
      seen += chunk;
      if (ready.test(seen)) {
        const ms = performance.now() - started;
        child.kill('SIGTERM');
        child.once('exit', () => resolve(ms));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      if (!ready.test(seen)) reject(new Error(`${args.join(' ')} exited ${code}: ${seen}`));
    });
  });
}
