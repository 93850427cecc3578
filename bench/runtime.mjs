#!/usr/bin/env node
// Runtime benchmarks (issue 2). Prints one JSON line per figure, each with a ratio against a baseline
// measured in the same run. Never fails on timing: targets are reported as met or not.
//   (a) pool dispatch overhead on digits-mlp: per-call latency through the pool vs session.run in place
//   (b) slow-matmul throughput: 2 workers x 1 thread vs 1 session x 2 threads (pool) vs an in-place loop
//   (c) inspect time for squeezenet and a synthetic 500 MB model vs reading the file once
// Run after `npm run build`: node bench/runtime.mjs [--quick]
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const out = new URL('../out/main/engine/', import.meta.url);
const { SessionPool } = await import(new URL('runtime/sessionPool.js', out).href);
const { makeSyntheticInputs } = await import(new URL('runtime/syntheticInputs.js', out).href);
const { toOrtTensor } = await import(new URL('runtime/ortTensors.js', out).href);
const { inspectOnnxFile } = await import(new URL('onnx/inspectOnnxFile.js', out).href);
const { writeOnnxModelFile } = await import(new URL('onnx/encodeOnnxModel.js', out).href);

const quick = process.argv.includes('--quick');
const models = new URL('../resources/models/', import.meta.url);
const modelPath = (f) => new URL(f, models).pathname;
const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  ort: ort.env.versions.common,
};

function emit(record) {
  process.stdout.write(`${JSON.stringify({ bench: 'runtime', ...record, machine })}\n`);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const copy = (tensors) => tensors.map((t) => ({ ...t, data: t.data.slice(0) }));

// (a) dispatch overhead ------------------------------------------------------------------------------------
{
  const file = modelPath('digits-mlp-v1.onnx');
  const calls = quick ? 2000 : 20000;
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const pool = await SessionPool.open({ modelPath: file, provider: 'cpu', intraOpThreads: 1 });
  const { tensors } = makeSyntheticInputs(pool.signature.inputs, { fill: 'random', seed: 1 });

  const direct = [];
  const pooled = [];
  // Interleave blocks so machine noise hits both sides alike.
  for (let block = 0; block < 10; block++) {
    for (let i = 0; i < calls / 10; i++) {
      const feeds = Object.fromEntries(copy(tensors).map((t) => [t.name, toOrtTensor(t)]));
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      direct.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    for (let i = 0; i < calls / 10; i++) {
      const request = copy(tensors);
      const t0 = process.hrtime.bigint();
      await pool.run(request);
      pooled.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  // Pipelined: 64 requests in flight, the way a busy endpoint uses the pool.
  const inFlight = 64;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < calls) await pool.run(copy(tensors));
    }),
  );
  const pipelinedUs = ((performance.now() - started) * 1000) / calls;
  const directUs = median(direct);
  const poolUs = median(pooled);
  emit({
    case: 'dispatch_overhead',
    model: 'digits-mlp-v1',
    batch: 1,
    calls,
    direct_median_us: round(directUs),
    pool_median_us: round(poolUs),
    pool_p99_us: round(percentile(pooled, 0.99)),
    overhead_median_us: round(poolUs - directUs),
    ratio_pool_vs_direct: round(poolUs / directUs, 2),
    pipelined_64_us_per_call: round(pipelinedUs),
    ratio_pipelined_vs_direct: round(pipelinedUs / directUs, 2),
    target_overhead_us: 50,
    meets_target: poolUs - directUs <= 50,
  });
  await pool.close();
  await session.release();
}

// (b) slow-matmul throughput -------------------------------------------------------------------------------
{
  const file = modelPath('slow-matmul.onnx');
  const seconds = quick ? 2 : 6;
  async function throughput(run, concurrency) {
    const deadline = performance.now() + seconds * 1000;
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          await run();
          done++;
        }
      }),
    );
    return (done * 1000) / (performance.now() - started);
  }
  const results = {};
  for (const [label, instances, threads] of [
    ['pool_2x1', 2, 1],
    ['pool_1x2', 1, 2],
  ]) {
    const pool = await SessionPool.open({ modelPath: file, provider: 'cpu', instances, intraOpThreads: threads });
    const { tensors } = makeSyntheticInputs(pool.signature.inputs, { fill: 'random', seed: 2 });
    await throughput(() => pool.run(copy(tensors)), instances * 2); // warm
    results[label] = await throughput(() => pool.run(copy(tensors)), instances * 2);
    await pool.close();
  }
  {
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 2, interOpNumThreads: 1 });
    const { tensors } = makeSyntheticInputs(
      session.inputMetadata.map((m) => ({ name: m.name, kind: 'tensor', elementType: m.type, shape: m.shape })),
      { fill: 'random', seed: 2 },
    );
    const run = () => session.run(Object.fromEntries(copy(tensors).map((t) => [t.name, toOrtTensor(t)])));
    await throughput(run, 1);
    results.direct_loop_2_threads = await throughput(run, 1);
    await session.release();
  }
  const best = Math.max(results.pool_1x2, results.direct_loop_2_threads);
  emit({
    case: 'slow_matmul_throughput',
    model: 'slow-matmul',
    batch: 1,
    seconds,
    pool_2x1_rps: round(results.pool_2x1, 2),
    pool_1x2_rps: round(results.pool_1x2, 2),
    direct_loop_2_threads_rps: round(results.direct_loop_2_threads, 2),
    ratio_pool_2x1_vs_best_other: round(results.pool_2x1 / best, 3),
    target_ratio: 0.9,
    meets_target: results.pool_2x1 / best >= 0.9,
  });
}

// (c) inspect time -----------------------------------------------------------------------------------------
{
  const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
  try {
    const big = join(dir, 'synthetic-500mb.onnx');
    const megabytes = quick ? 100 : 500;
    const perTensor = 50 * 1024 * 1024;
    const count = (megabytes * 1024 * 1024) / perTensor;
    writeOnnxModelFile(big, {
      graph: {
        name: 'big',
        nodes: Array.from({ length: count }, (_, i) => ({
          opType: 'Add',
          inputs: [i === 0 ? 'x' : `h${i - 1}`, `w${i}`],
          outputs: [i === count - 1 ? 'y' : `h${i}`],
        })),
        inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', perTensor / 4] }],
        outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', perTensor / 4] }],
        initializers: Array.from({ length: count }, (_, i) => ({
          name: `w${i}`,
          elementType: 'float32',
          dims: [perTensor / 4],
          rawData: { rawDataLength: perTensor },
        })),
      },
    });
    for (const [label, file] of [
      ['squeezenet1_1', modelPath('squeezenet1_1.onnx')],
      [`synthetic_${megabytes}mb`, big],
    ]) {
      const bytes = statSync(file).size;
      const inspectTimes = [];
      const readTimes = [];
      let inspection;
      // Inspections first, then reads: a 500 MB buffer being collected would otherwise land inside an inspect.
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        inspection = inspectOnnxFile(file);
        inspectTimes.push(performance.now() - t0);
      }
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        readFileSync(file);
        readTimes.push(performance.now() - t0);
      }
      const inspectMs = median(inspectTimes);
      const readMs = median(readTimes);
      emit({
        case: 'inspect',
        model: label,
        file_bytes: bytes,
        parameters: inspection.parameterCount,
        inspect_median_ms: round(inspectMs, 2),
        read_whole_file_median_ms: round(readMs, 2),
        ratio_inspect_vs_read: round(inspectMs / readMs, 4),
        target_ms: 1000,
        meets_target: inspectMs < 1000,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
