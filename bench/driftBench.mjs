#!/usr/bin/env node
// Drift benchmark (issue 6): driftBetween from the built engine on 1 000 000 rows × 64 synthetic features per
// side (held in memory as float32 columns; some features shifted, some categorical, some constant), with the
// defaults (every test, calibration on). Prints JSON lines: time, time per feature, peak RSS and how much of it
// drift itself added over the data, and whether the drifted features were found. Never fails on timing.
// Run after `npm run build`: node bench/driftBench.mjs [--rows N] [--features N] [--threads N]
// (--threads 0 tests on the calling thread). Others call `benchDrift({ rows, features })` (bench/compare.mjs).
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'out/main/engine/compare/drift/driftBetween.js');
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const mb = (bytes) => round(bytes / 2 ** 20, 0);

/** mulberry32, as src-shared/seededRandom.ts. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Feature k: every 8th is categorical (5 codes), every 16th (offset 3) constant, the rest normal(μ_k, σ_k). On the
 * current side, every 4th feature (offset 1) is shifted by 0.5 σ (or has its category shares changed).
 */
function makeColumns(rows, features, side) {
  const columns = [];
  const kinds = [];
  for (let k = 0; k < features; k++) {
    const random = mulberry32(1000 * (side === 'current' ? 2 : 1) + k);
    const column = new Float32Array(rows);
    const drifted = side === 'current' && k % 4 === 1;
    if (k % 16 === 3) {
      kinds.push('numeric');
    } else if (k % 8 === 0) {
      kinds.push('categorical');
      const skew = drifted ? 2 : 1;
      for (let r = 0; r < rows; r++) column[r] = Math.min(4, Math.floor(5 * random() ** skew));
    } else {
      kinds.push('numeric');
      const mean = k * 0.1 + (drifted ? 0.5 * (1 + (k % 3)) : 0);
      const std = 1 + (k % 3);
      for (let r = 0; r < rows; r += 2) {
        // Box–Muller, both values.
        const radius = Math.sqrt(-2 * Math.log(1 - random()));
        const angle = 2 * Math.PI * random();
        column[r] = mean + std * radius * Math.cos(angle);
        if (r + 1 < rows) column[r + 1] = mean + std * radius * Math.sin(angle);
      }
    }
    columns.push(column);
  }
  return { columns, kinds };
}

/** The DatasetRows surface driftBetween reads: the dataset's features and rows, and feature columns. */
function memoryDataset(name, rows, { columns, kinds }) {
  const features = kinds.map((kind, k) => ({ name: `f${k}`, input: 'x', index: k, kind }));
  return {
    dataset: { name, rows, features },
    async featureColumns(indices) {
      return indices.map((k) => Float64Array.from(columns[k]));
    },
    async *batches() {},
    async readRows() {
      throw new Error('not used by drift');
    },
    async close() {},
  };
}

export async function benchDrift({ rows = 1_000_000, features = 64, options = {}, threads } = {}) {
  if (!existsSync(built)) {
    return {
      case: 'skipped',
      reason: 'run `npm run build` first (out/main/engine/compare/drift/driftBetween.js is missing)',
    };
  }
  const { driftBetween } = await import(pathToFileURL(built).href);
  const reference = memoryDataset('reference', rows, makeColumns(rows, features, 'reference'));
  const current = memoryDataset('current', rows, makeColumns(rows, features, 'current'));
  globalThis.gc?.();
  const dataRss = process.memoryUsage().rss;
  let peakRss = dataRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const report = await driftBetween(reference, current, options, { threads });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const expected = new Set(
    Array.from({ length: features }, (_, k) => k)
      .filter((k) => k % 4 === 1 && k % 16 !== 3)
      .map((k) => `f${k}`),
  );
  const found = new Set(report.features.filter((f) => f.drifted).map((f) => f.name));
  return {
    case: 'driftBetween',
    rows,
    features,
    seconds: round(seconds, 1),
    msPerFeature: round((seconds * 1000) / features, 0),
    rowsPerSecond: round((rows * features * 2) / seconds, 0),
    peakRssMb: mb(peakRss),
    dataRssMb: mb(dataRss),
    driftRssMb: mb(peakRss - dataRss),
    driftedFeatures: report.driftedFeatures,
    expectedDrifted: expected.size,
    missedDrift: [...expected].filter((n) => !found.has(n)).length,
    falseDrift: [...found].filter((n) => !expected.has(n)).length,
    datasetDrift: report.datasetDrift,
    calibration: report.options.calibration.enabled,
    threads: threads ?? 'default',
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const emit = (record) => process.stdout.write(`${JSON.stringify({ bench: 'drift', ...record, machine })}\n`);
  emit(
    await benchDrift({
      rows: arg('--rows', 1_000_000),
      features: arg('--features', 64),
      threads: arg('--threads', undefined),
    }),
  );
}
