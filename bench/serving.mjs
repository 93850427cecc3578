#!/usr/bin/env node
// Serving benchmarks (issue 3). The server runs as `slipway serve` in its own process and load comes from
// Debian's `wrk` in another, all on loopback and bounded in time. Prints one JSON line per figure, with ratios
// against a baseline measured in the same run; never fails on timing.
//   (a) digits-mlp req/s at concurrency 32 vs a bare node:http server answering a canned reply of the same size
//   (b) slow-matmul throughput through the endpoint vs the same pool driven in-process
//   (c) squeezenet batch 1: binary protocol vs JSON req/s
//   (d) dynamic batching on vs off for digits-mlp and squeezenet at concurrency 16 and 1 (throughput, p99)
// Run after `npm run build`: node bench/serving.mjs [--quick]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const seconds = quick ? 2 : 5;
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-serving-'));
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const emit = (record) => process.stdout.write(`${JSON.stringify({ bench: 'serving', ...record, machine })}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

try {
  execFileSync('wrk', ['--version'], { stdio: 'ignore' });
} catch (error) {
  if (error.code === 'ENOENT') {
    emit({ case: 'skipped', reason: 'wrk is not installed (Debian: apt-get install wrk)' });
    process.exit(0);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Processes: slipway serve, a bare baseline server, and wrk

function startServe(models, extra = []) {
  const home = join(work, `home-${Math.random().toString(36).slice(2)}`);
  const child = spawn(
    process.execPath,
    [join(root, 'bin/slipway.js'), 'serve', '--json', '--port', '0', '--home', home, '--models', models, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return readyLine(child, (line) => JSON.parse(line).url);
}

function startBaseline(replyBytes) {
  const script = join(work, 'bare.mjs');
  writeFileSync(
    script,
    `import http from 'node:http';
const reply = Buffer.alloc(${replyBytes}, 32).toString('latin1');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': ${replyBytes} });
    res.end(reply);
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port })));`,
  );
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  return readyLine(child, (line) => JSON.parse(line).url);
}

function readyLine(child, parse) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ url: parse(out.slice(0, nl)), pid: child.pid, stop: () => stop(child) });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU seconds a process has used so far, per thread name group (Linux /proc; null elsewhere). The main thread is
 * the one whose id is the pid; the rest are workers, onnxruntime's threads and V8's GC helpers. */
function cpuSeconds(pid) {
  try {
    const ticks = (file) => {
      const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime + stime, fields 14 and 15 of stat
    };
    const all = readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => sum + ticks(`/proc/${pid}/task/${tid}/stat`), 0);
    const main = ticks(`/proc/${pid}/task/${pid}/stat`);
    return { all: all / CLOCK_TICKS, main: main / CLOCK_TICKS };
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;

/** wrk against a server process, with the server's CPU time per request (µs) over the run. */
function wrkWithCpu(server, url, luaScript, connections) {
  const before = cpuSeconds(server.pid);
  const result = wrk(url, luaScript, connections);
  const after = cpuSeconds(server.pid);
  const requests = result.rps * seconds;
  if (!before || !after || !(requests > 0)) return { ...result, cpuUsPerRequest: NaN, mainCpuUsPerRequest: NaN };
  return {
    ...result,
    cpuUsPerRequest: ((after.all - before.all) * 1e6) / requests,
    mainCpuUsPerRequest: ((after.main - before.main) * 1e6) / requests,
  };
}

/** A wrk Lua script that POSTs `body` (binary-safe) with `headers`. */
function script(name, body, headers) {
  const bodyFile = join(work, `${name}.body`);
  writeFileSync(bodyFile, body);
  const file = join(work, `${name}.lua`);
  const lines = [
    `local f = io.open(${JSON.stringify(bodyFile)}, "rb")`,
    'wrk.method = "POST"',
    'wrk.body = f:read("*a")',
    'f:close()',
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(String(v))}`),
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

function wrk(url, luaScript, connections) {
  const out = execFileSync(
    'wrk',
    [
      '-t',
      String(Math.min(2, connections)),
      '-c',
      String(connections),
      '-d',
      `${seconds}s`,
      '--latency',
      '-s',
      luaScript,
      url,
    ],
    { encoding: 'utf8' },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const p99 = toMs(/\s99%\s+([\d.]+\w+)/.exec(out)?.[1]);
  const p50 = toMs(/\s50%\s+([\d.]+\w+)/.exec(out)?.[1]);
  return { rps, p50Ms: p50, p99Ms: p99, errors };
}

function toMs(text) {
  if (!text) return NaN;
  const value = Number.parseFloat(text);
  if (text.endsWith('us')) return value / 1000;
  if (text.endsWith('ms')) return value;
  if (text.endsWith('s')) return value * 1000;
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Request bodies

const digitsRows = readFileSync(join(root, 'resources/data/digits_live_same.jsonl'), 'utf8').trim().split('\n');
const digitsJson = JSON.stringify({
  inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: JSON.parse(digitsRows[0]).inputs.pixels }],
});
const slowJson = JSON.stringify({
  inputs: [
    {
      name: 'x',
      datatype: 'FP32',
      shape: [1, 512],
      data: JSON.parse(readFileSync(join(root, 'resources/data/slow_samples.jsonl'), 'utf8').split('\n')[0]).inputs.x,
    },
  ],
});
const image = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
const squeezeJson = JSON.stringify({
  inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 3, 224, 224], data: Array.from(image) }],
});
const squeezeHeader = Buffer.from(
  JSON.stringify({
    inputs: [
      { name: 'image', datatype: 'FP32', shape: [1, 3, 224, 224], parameters: { binary_data_size: image.byteLength } },
    ],
    parameters: { binary_data_output: true },
  }),
);
const squeezeBinary = Buffer.concat([squeezeHeader, Buffer.from(image.buffer)]);
const json = { 'Content-Type': 'application/json' };
const binary = { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': squeezeHeader.length };
const digitsScript = script('digits', digitsJson, json);

try {
  // (a) digits-mlp at concurrency 32 vs a bare server ------------------------------------------------------
  {
    const served = await startServe('digits-mlp:1');
    const url = `${served.url}/v2/models/digits-mlp/infer`;
    const reply = await fetch(url, { method: 'POST', body: digitsJson, headers: json }).then((r) => r.arrayBuffer());
    const bare = await startBaseline(reply.byteLength);
    const ours = [];
    const base = [];
    // Alternate rounds so drift in this shared machine's speed hits both sides alike.
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      base.push(wrkWithCpu(bare, `${bare.url}/`, digitsScript, 32));
      ours.push(wrkWithCpu(served, url, digitsScript, 32));
    }
    await bare.stop();
    await served.stop();
    const oursRps = median(ours.map((r) => r.rps));
    const baseRps = median(base.map((r) => r.rps));
    emit({
      case: 'digits_vs_bare_http',
      concurrency: 32,
      seconds_per_round: seconds,
      rounds: ours.length,
      reply_bytes: reply.byteLength,
      slipway_rps: round(oursRps, 0),
      slipway_p99_ms: round(median(ours.map((r) => r.p99Ms))),
      bare_http_rps: round(baseRps, 0),
      errors: ours.reduce((n, r) => n + r.errors, 0),
      ratio: round(oursRps / baseRps, 3),
      // Where the gap is: server CPU per request (all threads, and the HTTP thread alone) on each side.
      slipway_cpu_us_per_request: round(median(ours.map((r) => r.cpuUsPerRequest)), 1),
      slipway_main_thread_cpu_us_per_request: round(median(ours.map((r) => r.mainCpuUsPerRequest)), 1),
      bare_http_cpu_us_per_request: round(median(base.map((r) => r.cpuUsPerRequest)), 1),
      target_ratio: 0.7,
      meets_target: oursRps / baseRps >= 0.7,
    });
  }

  // (b) slow-matmul: endpoint vs the same pool in-process ---------------------------------------------------
  {
    const concurrency = 4;
    const served = await startServe('slow-matmul', ['--instances', '2', '--threads', '1']);
    const endpoint = wrk(`${served.url}/v2/models/slow-matmul/infer`, script('slow', slowJson, json), concurrency);
    await served.stop();
    const { SessionPool } = await import(new URL('../out/main/engine/runtime/sessionPool.js', import.meta.url).href);
    const { encodeInputs } = await import(new URL('../out/main/engine/runtime/tensorCodec.js', import.meta.url).href);
    const pool = await SessionPool.open({
      modelPath: join(root, 'resources/models/slow-matmul.onnx'),
      provider: 'cpu',
      instances: 2,
      intraOpThreads: 1,
    });
    const row = JSON.parse(slowJson).inputs[0].data;
    const deadline = performance.now() + seconds * 1000;
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          await pool.run(encodeInputs(pool.signature.inputs, { x: [row] }));
          done++;
        }
      }),
    );
    const poolRps = (done * 1000) / (performance.now() - started);
    await pool.close();
    emit({
      case: 'slow_matmul_endpoint_vs_pool',
      concurrency,
      instances: 2,
      endpoint_rps: round(endpoint.rps),
      in_process_pool_rps: round(poolRps),
      errors: endpoint.errors,
      ratio: round(endpoint.rps / poolRps, 3),
      target_ratio: 0.9,
      meets_target: endpoint.rps / poolRps >= 0.9,
    });
  }

  // (c) squeezenet batch 1: binary vs JSON -------------------------------------------------------------------
  {
    const served = await startServe('squeezenet1_1', ['--no-batching']);
    const url = `${served.url}/v2/models/squeezenet1_1/infer`;
    const bin = wrk(url, script('squeeze-bin', squeezeBinary, binary), 2);
    const js = wrk(url, script('squeeze-json', squeezeJson, json), 2);
    await served.stop();
    emit({
      case: 'squeezenet_binary_vs_json',
      concurrency: 2,
      request_bytes_binary: squeezeBinary.length,
      request_bytes_json: Buffer.byteLength(squeezeJson),
      binary_rps: round(bin.rps),
      json_rps: round(js.rps),
      binary_p50_ms: bin.p50Ms,
      json_p50_ms: js.p50Ms,
      errors: bin.errors + js.errors,
      ratio: round(bin.rps / js.rps, 3),
      target_ratio: 2,
      meets_target: bin.rps / js.rps >= 2,
    });
  }

  // (d) dynamic batching on vs off -------------------------------------------------------------------------
  {
    const cases = [
      ['digits-mlp', 'digits-mlp:1', digitsScript],
      ['squeezenet1_1', 'squeezenet1_1', script('squeeze-bin-d', squeezeBinary, binary)],
    ];
    for (const [name, ref, lua] of cases) {
      const results = {};
      for (const batching of [true, false]) {
        const served = await startServe(ref, batching ? [] : ['--no-batching']);
        for (const concurrency of [16, 1]) {
          results[`${batching ? 'on' : 'off'}_${concurrency}`] = wrk(
            `${served.url}/v2/models/${name}/infer`,
            lua,
            concurrency,
          );
        }
        await served.stop();
      }
      for (const concurrency of [16, 1]) {
        const on = results[`on_${concurrency}`];
        const off = results[`off_${concurrency}`];
        emit({
          case: 'dynamic_batching',
          model: name,
          concurrency,
          on_rps: round(on.rps),
          off_rps: round(off.rps),
          on_p99_ms: on.p99Ms,
          off_p99_ms: off.p99Ms,
          errors: on.errors + off.errors,
          ratio_rps_on_vs_off: round(on.rps / off.rps, 3),
          ratio_p99_on_vs_off: round(on.p99Ms / off.p99Ms, 3),
        });
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
