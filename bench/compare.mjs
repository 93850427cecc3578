#!/usr/bin/env node
// Comparison benchmark (issue 6). 100 000 digits rows (the demo replay rows cycled, imported as a dataset in a
// temporary home) through digits-mlp v1 and v2, each phase in its own process so its peak RSS is its own:
//   - inference: the same chunks, read and cast beforehand, run through the same kind of pools (one per version,
//     both at once, the same chunks in flight) with nothing else: the pure inference time;
//   - replay: read + cast + run + outputs decoded, no statistics (what the comparison adds on top of inference
//     before it keeps anything);
//   - compare: a full comparison through ComparisonService, from start() to the stored result.
// Then the drift benchmark (bench/driftBench.mjs, 1 000 000 rows × 64 features) when it is there.
// Prints JSON lines with each time and the ratio against pure inference (target ≤ 1.25). Never fails on timing.
// Run after `npm run build`: node bench/compare.mjs [--rows N] [--repeat N]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const ROWS = Number(arg('--rows', '100000'));
const REPEAT = Number(arg('--repeat', '3'));
const VERSIONS = ['digits-mlp:1', 'digits-mlp:2'];
const CHUNK_ROWS = 256;
const DEPTH = 4;
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const emit = (record) => process.stdout.write(`${JSON.stringify({ bench: 'compare', ...record, machine })}\n`);
const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const out = (path) => pathToFileURL(join(root, 'out/main', path)).href;

const phase = arg('--phase', null);
if (phase) {
  await runPhase(phase, arg('--home'));
  process.exit(0);
}

for (const file of [
  'engine/engine.js',
  'engine/compare/replay/comparisonService.js',
  'engine/runtime/sessionPool.js',
]) {
  if (!existsSync(join(root, 'out/main', file))) {
    emit({ case: 'skipped', reason: `run \`npm run build\` first (out/main/${file} is missing)` });
    process.exit(0);
  }
}

const home = mkdtempSync(join(tmpdir(), 'slipway-bench-compare-'));
try {
  // The dataset: the demo rows cycled to ROWS, imported once (not timed against the comparison).
  const source = readFileSync(join(root, 'resources/data/digits_live_same.jsonl'), 'utf8').trim().split('\n');
  const file = join(home, 'digits-many.jsonl');
  const lines = Array.from({ length: ROWS }, (_, i) => source[i % source.length]);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const { Engine } = await import(out('engine/engine.js'));
  const engine = Engine.open({ home });
  const importStarted = performance.now();
  const dataset = await engine.datasets.import(file, { name: 'digits-many' });
  emit({ case: 'import', rows: dataset.rows, ms: round(performance.now() - importStarted) });
  await engine.close();
  rmSync(file);

  const results = {};
  for (const name of ['inference', 'replay', 'compare']) {
    const runs = [];
    for (let k = 0; k < REPEAT; k++) {
      const text = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', name, '--home', home], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      runs.push(JSON.parse(text.trim().split('\n').at(-1)));
    }
    // The median run by time, with its own figures.
    runs.sort((a, b) => a.ms - b.ms);
    results[name] = runs[Math.floor(runs.length / 2)];
  }
  const base = results.inference.ms;
  for (const name of ['inference', 'replay', 'compare']) {
    const r = results[name];
    emit({
      case: name,
      rows: ROWS,
      versions: VERSIONS,
      ms: round(r.ms),
      ...(r.work !== undefined
        ? { workMs: round(r.work), replayMs: round(r.replayMs), statisticsMs: round(r.statisticsMs) }
        : {}),
      rowsPerSecond: round((ROWS / r.ms) * 1000, 0),
      peakRssMB: round(r.maxRssKB / 1024),
      ratioToInference: round(r.ms / base, 3),
      ...(r.work !== undefined ? { workRatioToInference: round(r.work / base, 3) } : {}),
      ...(name === 'compare' ? { target: 1.25, agreement: r.agreement } : {}),
      runs: REPEAT,
    });
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

const driftBench = join(root, 'bench/driftBench.mjs');
if (existsSync(driftBench)) {
  const { benchDrift } = await import(pathToFileURL(driftBench).href);
  if (typeof benchDrift === 'function') emit(await benchDrift());
  else emit({ case: 'drift', skipped: 'bench/driftBench.mjs exports no benchDrift()' });
} else {
  emit({ case: 'drift', skipped: 'bench/driftBench.mjs is not there yet' });
}

// ---------------------------------------------------------------------------------------------------------
// One phase in this process (its peak RSS is the phase's own).

async function runPhase(name, homeDir) {
  const { Engine } = await import(out('engine/engine.js'));
  const engine = Engine.open({ home: homeDir });
  const report = (figures) =>
    process.stdout.write(`${JSON.stringify({ ...figures, maxRssKB: process.resourceUsage().maxRSS })}\n`);
  try {
    if (name === 'compare') {
      const { ComparisonService } = await import(out('engine/compare/replay/comparisonService.js'));
      const service = new ComparisonService(engine);
      const started = performance.now();
      const c = await service.wait((await service.start({ versions: VERSIONS, dataset: 'digits-many' })).id);
      const ms = performance.now() - started;
      if (c.state !== 'succeeded') throw new Error(`comparison ${c.state}: ${c.error}`);
      const t = c.results.timing;
      report({
        ms,
        work: t.replayMs + t.statisticsMs,
        replayMs: t.replayMs,
        statisticsMs: t.statisticsMs,
        agreement: c.results.pairs[0].agreement.value,
      });
      return;
    }
    const { SessionPool } = await import(out('engine/runtime/sessionPool.js'));
    const { planVersion } = await import(out('engine/compare/replay/replayPlan.js'));
    const { replayRows } = await import(out('engine/compare/replay/replayRows.js'));
    const threads = Math.max(1, Math.floor(availableParallelism() / VERSIONS.length));
    const versions = VERSIONS.map((ref) => {
      const [model, version] = ref.split(':');
      return engine.library.get({ name: model, version: Number(version) });
    });
    const pools = await Promise.all(
      versions.map((v) =>
        SessionPool.open({ modelPath: engine.library.filePath(v), instances: 1, intraOpThreads: threads }),
      ),
    );
    const rows = await engine.datasets.open('digits-many');
    try {
      const plans = versions.map((v, k) =>
        planVersion(VERSIONS[k], { inputs: v.inspection.inputs, outputs: v.inspection.outputs }, rows.dataset, null),
      );
      const replayVersions = pools.map((pool, k) => ({
        ref: VERSIONS[k],
        pool,
        plan: plans[k],
        outputs: ['logits', 'probabilities'],
      }));
      if (name === 'replay') {
        const started = performance.now();
        await replayRows(rows, replayVersions, { chunkRows: CHUNK_ROWS, depth: DEPTH });
        report({ ms: performance.now() - started });
        return;
      }
      // inference: every chunk's tensors made beforehand, so the timed loop is the pools' work alone.
      const { encodeRows } = await import(out('engine/compare/replay/encodeRows.js'));
      const chunks = [];
      for await (const batch of rows.batches({ batchRows: CHUNK_ROWS })) {
        chunks.push(
          plans.map((plan) =>
            plan.inputs.map((input) => encodeRows(input, batch.inputs.get(input.name), batch.start, 0, batch.count)),
          ),
        );
      }
      const started = performance.now();
      const inFlight = [];
      for (const chunk of chunks) {
        inFlight.push(Promise.all(chunk.map((tensors, k) => pools[k].run(tensors, replayVersions[k].outputs))));
        if (inFlight.length >= DEPTH) await inFlight.shift();
      }
      await Promise.all(inFlight);
      report({ ms: performance.now() - started });
    } finally {
      await rows.close();
      await Promise.all(pools.map((p) => p.close()));
    }
  } finally {
    await engine.close();
  }
}
