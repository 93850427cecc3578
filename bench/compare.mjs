#!/usr/bin/env node
// Comparison benchmark (issue 6). 100 000 digits rows (the demo replay rows cycled, imported as a dataset in a
// temporary home) through digits-mlp v1 and v2. Three phases, each in its own process (its peak RSS is its own),
// each opening one pool per version exactly as a comparison does (same instances, threads and provider):
//   - inference: the same requests, read and cast beforehand, through the pools with nothing else (the same
//     chunks in flight as replay): the pure inference time;
//   - replay: read + cast + run + outputs decoded, no statistics (what replay adds before it keeps anything);
//   - compare: a full comparison through ComparisonService, from start() to the stored result.
// Every phase times its pool start apart. The headline ratio leaves the pool start out of both sides (a user
// compares rows; opening the sessions is a fixed cost); the ratio with it in both sides is printed too, and so
// is the pool start itself. Each phase process does its work twice: cold (the first pass, as a user's first
// comparison after the engine starts: V8 still compiles the per-row code) and warm (a second pass right after).
// Rounds run the three phases in turn, so a busy machine slows all of them alike; each figure is the median
// over the rounds, and every round's figures are printed. CPU time of all threads is printed beside wall time:
// on a shared machine it moves less, and on 2 cores the comparison's extra CPU is what its extra time is made of.
// Then the drift benchmark (bench/driftBench.mjs, 1 000 000 rows × 64 features) when it is there.
// Prints JSON lines. Never fails on timing.
// Run after `npm run build`:
//   node bench/compare.mjs [--rows N] [--repeat N] [--batch N[,N...]] [--no-drift] [--out BUILD_DIR]
// --batch: rows per request (default: what the comparison picks by itself); several give one set each.
// --out: another build of the main process to measure (default out/main), e.g. a copy of an earlier one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const ROWS = Number(arg('--rows', '100000'));
const REPEAT = Number(arg('--repeat', '5'));
const BATCHES = arg('--batch', 'auto').split(',');
const BUILD = resolve(arg('--out', join(root, 'out/main')));
const VERSIONS = ['digits-mlp:1', 'digits-mlp:2'];
const PHASES = ['inference', 'replay', 'compare'];
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const emit = (record) => process.stdout.write(`${JSON.stringify({ bench: 'compare', ...record, machine })}\n`);
const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const out = (path) => pathToFileURL(join(BUILD, path)).href;
/** CPU time of every thread of this process since `from` (a process.cpuUsage()), in ms. */
const cpuSince = (from) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const phase = arg('--phase', null);
if (phase) {
  await runPhase(phase, arg('--home'), arg('--chunk'));
  process.exit(0);
}

for (const file of [
  'engine/engine.js',
  'engine/compare/replay/comparisonService.js',
  'engine/runtime/sessionPool.js',
]) {
  if (!existsSync(join(BUILD, file))) {
    emit({ case: 'skipped', reason: `run \`npm run build\` first (${join(BUILD, file)} is missing)` });
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

  for (const batch of BATCHES) {
    const runs = Object.fromEntries(PHASES.map((name) => [name, []]));
    for (let k = 0; k < REPEAT; k++) {
      for (const name of PHASES) {
        const text = execFileSync(
          process.execPath,
          [fileURLToPath(import.meta.url), '--phase', name, '--home', home, '--chunk', batch, '--out', BUILD],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        runs[name].push(JSON.parse(text.trim().split('\n').at(-1)));
      }
    }
    report(batch, runs);
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

if (!process.argv.includes('--no-drift')) {
  const driftBench = join(root, 'bench/driftBench.mjs');
  if (existsSync(driftBench)) {
    const { benchDrift } = await import(pathToFileURL(driftBench).href);
    if (typeof benchDrift === 'function') emit(await benchDrift());
    else emit({ case: 'drift', skipped: 'bench/driftBench.mjs exports no benchDrift()' });
  } else {
    emit({ case: 'drift', skipped: 'bench/driftBench.mjs is not there yet' });
  }
}

/**
 * Medians over the rounds of each phase's cold pass (the first in its process) and warm pass (the second), with
 * ratios against pure inference with and without the pool start, and every round's figures.
 */
function report(batch, runs) {
  const chunkRows = runs.compare[0].chunkRows;
  const common = { rows: ROWS, versions: VERSIONS, batch: chunkRows, batchAsked: batch, rounds: REPEAT };
  const summary = {};
  for (const pass of ['cold', 'warm']) {
    const of = (name) => runs[name].map((r) => (pass === 'cold' ? r : r.warm));
    const m = (name, key) => median(of(name).map((r) => r[key]));
    const base = m('inference', 'ms');
    const baseWithStart = m('inference', 'withStartMs');
    for (const name of PHASES) {
      const ms = m(name, 'ms');
      const withStart = m(name, 'withStartMs');
      emit({
        case: name,
        pass,
        ...common,
        ms: round(ms),
        poolStartMs: round(m(name, 'startMs')),
        withStartMs: round(withStart),
        ...(name === 'compare'
          ? {
              replayMs: round(m(name, 'replayMs')),
              statisticsMs: round(m(name, 'statisticsMs')),
              storeAndRestMs: round(m(name, 'restMs')),
            }
          : {}),
        // CPU of all threads (workers included); the comparison's is only known with its pool start.
        cpuMs: round(m(name, 'cpuMs')),
        cpuWithStartMs: round(m(name, 'cpuWithStartMs')),
        rowsPerSecond: round((ROWS / ms) * 1000, 0),
        ...(pass === 'cold' ? { peakRssMB: round(median(runs[name].map((r) => r.maxRssKB)) / 1024) } : {}),
        ratioToInference: round(ms / base, 3),
        ratioToInferenceWithStart: round(withStart / baseWithStart, 3),
        ...(name === 'compare' ? { target: 1.25, agreement: of('compare')[0].agreement } : {}),
        everyRound: of(name).map((r) => ({ ms: round(r.ms), startMs: round(r.startMs) })),
      });
    }
    const perRound = of('compare').map((c, k) => c.ms / of('inference')[k].ms);
    // CPU of every thread, steadier than wall time on a shared machine. The comparison's pool start is not
    // timed apart in CPU: the baseline's (the same pools opened the same way) stands in for it.
    const startCpu = m('inference', 'cpuWithStartMs') - m('inference', 'cpuMs');
    const compareCpu = m('compare', 'cpuWithStartMs') - startCpu;
    summary[pass] = {
      ratio: round(m('compare', 'ms') / base, 3),
      ratioWithStartInBoth: round(m('compare', 'withStartMs') / baseWithStart, 3),
      replayOnlyRatio: round(m('replay', 'ms') / base, 3),
      ratioPerRound: perRound.map((r) => round(r, 3)),
      inferenceMs: round(base),
      replayMs: round(m('replay', 'ms')),
      compareMs: round(m('compare', 'ms')),
      poolStartMs: { inference: round(m('inference', 'startMs')), compare: round(m('compare', 'startMs')) },
      cpu: {
        inferenceMs: round(m('inference', 'cpuMs')),
        replayMs: round(m('replay', 'cpuMs')),
        compareMs: round(compareCpu),
        poolStartMs: round(startCpu),
        ratio: round(compareCpu / m('inference', 'cpuMs'), 3),
        replayOnlyRatio: round(m('replay', 'cpuMs') / m('inference', 'cpuMs'), 3),
      },
    };
  }
  emit({
    case: 'summary',
    ...common,
    headline: 'comparison ÷ pure inference, pool start left out of both, in a fresh process (cold)',
    ratio: summary.cold.ratio,
    target: 1.25,
    cold: summary.cold,
    warm: summary.warm,
  });
}

// ---------------------------------------------------------------------------------------------------------
// One phase in this process (its peak RSS is the phase's own): a first pass in the fresh process (cold: V8 still
// has to compile the code that runs per row) and a second one right after it (warm), each with its own pools.

async function runPhase(name, homeDir, batch) {
  const { Engine } = await import(out('engine/engine.js'));
  const engine = Engine.open({ home: homeDir });
  const asked = batch === 'auto' ? null : Number(batch);
  const passes = [];
  try {
    for (let pass = 0; pass < 2; pass++) {
      passes.push(name === 'compare' ? await comparePass(engine, asked) : await poolPass(engine, name, asked));
    }
  } finally {
    await engine.close();
  }
  process.stdout.write(
    `${JSON.stringify({ ...passes[0], warm: passes[1], maxRssKB: process.resourceUsage().maxRSS })}\n`,
  );
}

/** A full comparison through ComparisonService, from start() to the stored result. */
async function comparePass(engine, asked) {
  const { ComparisonService } = await import(out('engine/compare/replay/comparisonService.js'));
  const service = new ComparisonService(engine);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const config = { versions: VERSIONS, dataset: 'digits-many', ...(asked ? { batchSize: asked } : {}) };
  const c = await service.wait((await service.start(config)).id);
  const withStartMs = performance.now() - started;
  const cpuMs = cpuSince(cpu);
  await service.close();
  if (c.state !== 'succeeded') throw new Error(`comparison ${c.state}: ${c.error}`);
  const t = c.results.timing;
  // Builds from before timing.startMs: what the timing leaves unaccounted for is the pool start (and a little).
  const startMs = t.startMs ?? t.totalMs - t.replayMs - t.statisticsMs - t.driftMs;
  return {
    ms: withStartMs - startMs,
    withStartMs,
    startMs,
    replayMs: t.replayMs,
    statisticsMs: t.statisticsMs,
    restMs: withStartMs - startMs - t.replayMs - t.statisticsMs,
    chunkRows: c.results.batchSize,
    cpuWithStartMs: cpuMs,
    agreement: c.results.pairs[0].agreement.value,
  };
}

/** The pools opened as ComparisonService opens them, then replay (no statistics) or pure inference. */
async function poolPass(engine, name, asked) {
  const { SessionPool } = await import(out('engine/runtime/sessionPool.js'));
  const { comparisonPoolOptions } = await import(out('engine/compare/replay/comparisonService.js'));
  const plan = await import(out('engine/compare/replay/replayPlan.js'));
  const replay = await import(out('engine/compare/replay/replayRows.js'));
  const versions = VERSIONS.map((ref) => {
    const [model, version] = ref.split(':');
    return engine.library.get({ name: model, version: Number(version) });
  });
  const rows = await engine.datasets.open('digits-many');
  const chunkRows = asked ?? plan.automaticBatchRows?.(versions, [rows.dataset]) ?? plan.DEFAULT_BATCH_ROWS;
  // Exactly as ComparisonService opens them (builds from before comparisonPoolOptions: as they did then).
  const poolOptions = (v) =>
    comparisonPoolOptions?.(engine, v, VERSIONS.length) ?? {
      modelPath: engine.library.filePath(v),
      instances: 1,
      intraOpThreads: Math.max(1, Math.floor(availableParallelism() / VERSIONS.length)),
      provider: engine.servingConfig.effective(v).settings.provider,
      weightBytes: v.inspection.parameterBytes,
    };
  const startStarted = performance.now();
  const startCpu = process.cpuUsage();
  const pools = await Promise.all(versions.map((v) => SessionPool.open(poolOptions(v))));
  const startMs = performance.now() - startStarted;
  const startCpuMs = cpuSince(startCpu);
  const timed = async (work) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await work();
    const ms = performance.now() - started;
    const cpuMs = cpuSince(cpu);
    return { ms, withStartMs: ms + startMs, startMs, chunkRows, cpuMs, cpuWithStartMs: cpuMs + startCpuMs };
  };
  try {
    const plans = versions.map((v, k) =>
      plan.planVersion(
        VERSIONS[k],
        { inputs: v.inspection.inputs, outputs: v.inspection.outputs },
        rows.dataset,
        chunkRows,
      ),
    );
    const replayVersions = pools.map((pool, k) => ({
      ref: VERSIONS[k],
      pool,
      plan: plans[k],
      outputs: versions[k].inspection.outputs.filter((t) => t.kind === 'tensor').map((t) => t.name),
    }));
    if (name === 'replay') return await timed(() => replay.replayRows(rows, replayVersions, { chunkRows }));
    // inference: every request's tensors made beforehand, so the timed loop is the pools' work alone, with as
    // many chunks in flight as replay keeps.
    const { encodeRows } = await import(out('engine/compare/replay/encodeRows.js'));
    const chunks = [];
    for await (const batch of rows.batches({ batchRows: chunkRows })) {
      chunks.push(
        plans.map((p) =>
          p.inputs.map((input) => encodeRows(input, batch.inputs.get(input.name), batch.start, 0, batch.count)),
        ),
      );
    }
    const depth = replay.DEFAULT_REPLAY_DEPTH ?? 4;
    return await timed(async () => {
      const inFlight = [];
      for (const chunk of chunks) {
        inFlight.push(Promise.all(chunk.map((tensors, k) => pools[k].run(tensors, replayVersions[k].outputs))));
        if (inFlight.length >= depth) await inFlight.shift();
      }
      await Promise.all(inFlight);
    });
  } finally {
    await rows.close();
    await Promise.all(pools.map((p) => p.close()));
  }
}
