#!/usr/bin/env node
// Load generator benchmark (issue 5). A trivial loopback endpoint (node:http answering a fixed small JSON) runs
// in its own process; against it, in the same run:
//   - ours: the highest open-loop rate Slipway's generator sustains with send-lag p99 ≤ 1 ms (and achieved
//     within 5 % of offered, no errors), stepping the rate up ×1.25 a few seconds at a time;
//   - autocannon and Debian's `wrk`: their maximum throughput (closed loop, enough connections).
// Prints JSON lines: each tool's req/s and CPU per 1 000 requests (process CPU time: ours from
// process.cpuUsage, the others from /proc via their parent shell), and our ratio against each (target ≥ 1.0
// against autocannon). Bounded in time (about a minute and a half; --quick: about 40 s). Never fails on timing.
// Run after `npm run build`: node bench/loadgen.mjs [--quick]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const STEP_SECONDS = quick ? 1 : 2;
const TOOL_SECONDS = quick ? 3 : 5;
const FIRST_RATE = 5000;
const GROWTH = 1.25;
const BUDGET_SECONDS = quick ? 25 : 50; // for our climb
const CONNECTIONS = 128;
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-loadgen-'));
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const emit = (record) => process.stdout.write(`${JSON.stringify({ bench: 'loadgen', ...record, machine })}\n`);
const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const TICKS_PER_SECOND = 100; // USER_HZ

const built = join(root, 'out/main/engine/loadtest/loadGenerator.js');
if (!existsSync(built)) {
  emit({ case: 'skipped', reason: 'run `npm run build` first (out/main/engine/loadtest/loadGenerator.js is missing)' });
  process.exit(0);
}
const { LoadGenerator } = await import(built);

/** p99 (ms) of the per-second HdrHistograms (µs, compressed base64) merged. */
function p99Of(encoded) {
  const merged = hdr.build({ bitBucketSize: 'packed', useWebAssembly: false });
  for (const e of encoded) merged.add(hdr.decodeFromCompressedBase64(e, 'packed', false));
  return merged.totalCount === 0 ? null : merged.getValueAtPercentile(99) / 1000;
}

const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4] }] });

// ---------------------------------------------------------------------------------------------------------
// The endpoint, in its own process

function startEndpoint() {
  const script = join(work, 'endpoint.mjs');
  writeFileSync(
    script,
    `import http from 'node:http';
const reply = '{"model_name":"m","model_version":"1","outputs":[{"name":"y","datatype":"FP32","shape":[1,1],"data":[0.5]}]}';
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
    res.end(reply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));`,
  );
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve({ child, port: JSON.parse(out).port });
    });
    child.on('exit', (code) => reject(new Error(`endpoint exited ${code}`)));
  });
}

/** Runs `command args…` under a shell that prints, after it exits, its children's CPU time (cutime + cstime). */
function measured(command, args) {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const out = execFileSync('sh', ['-c', `${quoted}; echo; echo "CHILDSTAT $(cat /proc/$$/stat)"`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const stat = /CHILDSTAT (.*)/.exec(out)?.[1] ?? '';
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the ')' the state is field 3; cutime and cstime are fields 16 and 17.
  const cpuMs = ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  return { out: out.slice(0, out.lastIndexOf('CHILDSTAT')), cpuMs };
}

// ---------------------------------------------------------------------------------------------------------
// Ours: step the open-loop rate up

/** One continuous stream of traffic; each step changes its rate and measures the next whole seconds. */
class Stepper {
  constructor(generator) {
    this.generator = generator;
    this.latest = new Map();
    this.tick = 0;
    this.wake = () => {};
    this.stream = undefined;
  }

  options() {
    return {
      onInterval: (iv) => {
        this.latest.set(iv.stored.interval.second, iv);
        this.wake();
      },
      onTick: (second) => {
        this.tick = second;
        this.wake();
      },
    };
  }

  async until(ready) {
    while (!ready()) await new Promise((resolve) => (this.wake = resolve));
  }

  async step(rate) {
    if (!this.stream) this.stream = this.generator.stream(rate, this.options());
    else this.stream.setRate(rate);
    // The first whole second at the new rate onwards.
    const from = this.tick + 1;
    const to = from + STEP_SECONDS;
    await this.until(() => this.tick >= from);
    const cpu0 = process.cpuUsage();
    await this.until(() => this.tick >= to);
    const cpu = process.cpuUsage(cpu0);
    const waitUntil = performance.now() + 2_000;
    const settled = () => {
      for (let s = from; s < to; s++) if (!this.latest.get(s)?.final) return false;
      return true;
    };
    const timer = setInterval(() => this.wake(), 100);
    await this.until(() => settled() || performance.now() > waitUntil);
    clearInterval(timer);
    const stored = [];
    for (let s = from; s < to; s++) if (this.latest.has(s)) stored.push(this.latest.get(s).stored);
    const offered = stored.reduce((n, s) => n + s.interval.offered, 0);
    const completed = stored.reduce((n, s) => n + s.interval.completed, 0);
    const outcomes = {};
    for (const s of stored)
      for (const [k, v] of Object.entries(s.interval.statuses)) outcomes[k] = (outcomes[k] ?? 0) + v;
    const answered = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const errors = Object.entries(outcomes).reduce((n, [k, v]) => (k === 'ok' ? n : n + v), 0) + (offered - answered);
    const lagP99 = p99Of(stored.map((s) => s.sendLag));
    const achieved = completed / STEP_SECONDS;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      rate: round(rate, 0),
      offered,
      achievedRate: round(achieved, 0),
      sendLagP99Ms: round(lagP99, 3),
      correctedP99Ms: round(p99Of(stored.map((s) => s.corrected)), 3),
      errors,
      cpuMsPer1000: round((1000 * cpuMs) / Math.max(1, completed)),
      sustained: lagP99 !== null && lagP99 <= 1 && achieved >= 0.95 * rate && errors === 0,
    };
  }

  async stop() {
    await this.stream?.cancel();
  }
}

async function ours(port) {
  const generator = await LoadGenerator.start({
    target: {
      kind: 'http',
      origin: `http://127.0.0.1:${port}`,
      path: '/v2/models/m/infer',
      headers: {},
      requests: [{ body: Buffer.from(body), headers: { 'content-type': 'application/json' } }],
    },
    connections: CONNECTIONS,
    timeoutMs: 5_000,
  });
  const stepper = new Stepper(generator);
  const steps = [];
  let best;
  let highest;
  const started = performance.now();
  try {
    for (
      let rate = FIRST_RATE;
      (performance.now() - started) / 1000 + STEP_SECONDS + 1 <= BUDGET_SECONDS;
      rate *= GROWTH
    ) {
      let step = await stepper.step(rate);
      // One retry: a neighbour's burst on a shared machine should not end the climb.
      if (!step.sustained) step = { ...(await stepper.step(rate)), retried: true };
      steps.push(step);
      emit({ case: 'slipway-step', ...step });
      if (step.achievedRate > (highest?.achievedRate ?? 0)) highest = step;
      if (!step.sustained) break;
      best = step;
    }
  } finally {
    await stepper.stop();
    await generator.close();
  }
  return { best, steps, highest };
}

// ---------------------------------------------------------------------------------------------------------
// autocannon and wrk at their maximum

function autocannon(port, connections) {
  const bin = join(root, 'node_modules/.bin/autocannon');
  const { out, cpuMs } = measured(bin, [
    '-c',
    String(connections),
    '-d',
    String(TOOL_SECONDS),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    body,
    '-j',
    `http://127.0.0.1:${port}/v2/models/m/infer`,
  ]);
  const result = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1));
  const requests = result.requests.total;
  return {
    connections,
    reqPerSec: round(requests / (result.duration || TOOL_SECONDS), 0),
    errors: result.errors + result.non2xx,
    cpuMsPer1000: round((1000 * cpuMs) / Math.max(1, requests)),
  };
}

function wrk(port, connections) {
  const lua = join(work, 'post.lua');
  writeFileSync(
    lua,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const { out, cpuMs } = measured('wrk', [
    '-t1',
    `-c${connections}`,
    `-d${TOOL_SECONDS}s`,
    '-s',
    lua,
    `http://127.0.0.1:${port}/v2/models/m/infer`,
  ]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  return {
    connections,
    reqPerSec: round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), 0),
    errors: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    cpuMsPer1000: round((1000 * cpuMs) / Math.max(1, requests)),
  };
}

function hasWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return error.code !== 'ENOENT';
  }
}

// ---------------------------------------------------------------------------------------------------------

const endpoint = await startEndpoint();
try {
  const slipway = await ours(endpoint.port);
  const best = slipway.best;
  emit({
    case: 'slipway',
    reqPerSec: best?.achievedRate ?? 0,
    offeredRate: best?.rate ?? 0,
    sendLagP99Ms: best?.sendLagP99Ms ?? null,
    correctedP99Ms: best?.correctedP99Ms ?? null,
    cpuMsPer1000: best?.cpuMsPer1000 ?? null,
    firstUnsustained: slipway.steps.find((s) => !s.sustained) ?? null,
    highestAchievedRate: slipway.highest?.achievedRate ?? null,
    note: 'open loop: highest step with send-lag p99 ≤ 1 ms, achieved ≥ 95 % of offered, no errors',
  });

  const cannon = [autocannon(endpoint.port, 32), ...(quick ? [] : [autocannon(endpoint.port, 128)])].sort(
    (a, b) => b.reqPerSec - a.reqPerSec,
  )[0];
  emit({ case: 'autocannon', ...cannon, note: 'closed loop, maximum' });

  let wrkBest = null;
  if (hasWrk()) {
    wrkBest = [wrk(endpoint.port, 32), ...(quick ? [] : [wrk(endpoint.port, 128)])].sort(
      (a, b) => b.reqPerSec - a.reqPerSec,
    )[0];
    emit({ case: 'wrk', ...wrkBest, note: 'closed loop, maximum, 1 thread' });
  } else {
    emit({ case: 'wrk', skipped: 'wrk is not installed (Debian: apt-get install wrk)' });
  }

  const ours1 = best?.achievedRate ?? 0;
  emit({
    case: 'ratios',
    vsAutocannon: round(ours1 / cannon.reqPerSec),
    vsWrk: wrkBest ? round(ours1 / wrkBest.reqPerSec) : null,
    target: 'vsAutocannon ≥ 1.0',
    cpuPer1000VsAutocannon: best ? round(best.cpuMsPer1000 / cannon.cpuMsPer1000) : null,
    cpuPer1000VsWrk: best && wrkBest ? round(best.cpuMsPer1000 / wrkBest.cpuMsPer1000) : null,
  });
} finally {
  endpoint.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
