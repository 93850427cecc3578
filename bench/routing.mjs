#!/usr/bin/env node
// Routing benchmarks (issue 7). The data plane runs in its own process (the built engine, digits-mlp v1..v4
// served, routes set over stdin) and load comes from Debian's `wrk` in another, on loopback, bounded in time.
// Prints one JSON line per figure, with ratios against a baseline measured in the same run; never fails on timing.
//   (a) the routing decision alone, in the server process: ModelServer.choose() by weights (2 and 4 versions,
//       random and sticky) vs choose() of a named version
//   (b) end to end through the endpoint: a versionless request routed by weights (2 and 4 versions) vs the same
//       request naming its version (latency at 1 connection, throughput at 8)
//   (c) shadow's cost on live latency: 50% shadow to v2 vs no shadow, same endpoint, same run, alternating
// Run after `npm run build`: node bench/routing.mjs [--quick] [--intra-op N] [--only decision|end-to-end|shadow]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const seconds = quick ? 2 : 5;
const rounds = quick ? 1 : 3;
/** onnxruntime intra-op threads per version (--intra-op N); absent: the model's default (cores / instances). */
const intraOpArg = process.argv.indexOf('--intra-op');
const intraOp = intraOpArg > 0 ? Number(process.argv[intraOpArg + 1]) : null;
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1] : null;
const wanted = (part) => only === null || only === part;
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-routing-'));
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const emit = (record) =>
  process.stdout.write(
    `${JSON.stringify({ bench: 'routing', ...record, intraOpThreads: intraOp ?? 'default', machine })}\n`,
  );
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

const engineModule = join(root, 'out/main/engine/engine.js');
const sessionModule = join(root, 'out/main/engine/servingSession.js');
if (!existsSync(engineModule) || !existsSync(sessionModule)) {
  emit({ case: 'skipped', reason: 'run `npm run build` first (out/main/engine/servingSession.js is missing)' });
  process.exit(0);
}
try {
  execFileSync('wrk', ['--version'], { stdio: 'ignore' });
} catch (error) {
  if (error.code === 'ENOENT') {
    emit({ case: 'skipped', reason: 'wrk is not installed (Debian: apt-get install wrk)' });
    process.exit(0);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The server process: digits-mlp v1, v2 (demo) and v3, v4 (v1's graph with another doc string, so the library
// stores them as versions of their own), answering commands on stdin with one JSON line each.

/** v1's bytes with a ModelProto doc_string (field 6) appended: protobuf keeps the last, onnxruntime ignores it. */
function variantOf(source, tag) {
  const text = Buffer.from(`routing bench variant ${tag}`);
  return Buffer.concat([readFileSync(source), Buffer.from([0x32, text.length]), text]);
}

function startHost() {
  const v1 = join(root, 'resources/models/digits-mlp-v1.onnx');
  for (const v of [3, 4]) writeFileSync(join(work, `digits-mlp-v${v}.onnx`), variantOf(v1, v));
  const script = join(work, 'host.mjs');
  writeFileSync(
    script,
    `import { createInterface } from 'node:readline';
const { Engine } = await import(${JSON.stringify(pathToFileURL(engineModule).href)});
const { startServing } = await import(${JSON.stringify(pathToFileURL(sessionModule).href)});
const engine = Engine.open({ home: ${JSON.stringify(join(work, 'home'))} });
for (const v of [3, 4]) engine.library.importModel(${JSON.stringify(work)} + '/digits-mlp-v' + v + '.onnx', { name: 'digits-mlp', version: v });
const intraOp = ${JSON.stringify(intraOp)};
if (intraOp !== null) {
  for (const version of [1, 2, 3, 4]) engine.servingConfig.update(engine.library.get({ name: 'digits-mlp', version }), { set: { intraOpThreads: String(intraOp) } });
}
const session = await startServing(engine, {
  host: '127.0.0.1', port: 0, models: ['digits-mlp:1', 'digits-mlp:2', 'digits-mlp:3', 'digits-mlp:4'],
  apiKeys: [], allowedHosts: [], corsOrigins: [], log: () => {}, liveDrift: null, traffic: { seed: 1 },
});
const server = session.server;
const reply = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
reply({ url: session.url });

/** ns per call of fn, best of 5 runs of n calls (the least disturbed by the other processes). */
function nsPerCall(fn, n) {
  for (let i = 0; i < n; i++) fn(i);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  return best;
}
const keys = Array.from({ length: 1024 }, (_, i) => 'user-' + i);

createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = JSON.parse(line);
  try {
    if (cmd.route !== undefined) {
      if (cmd.route === null) server.router.clearRoute('digits-mlp');
      else server.router.setRoute('digits-mlp', cmd.route);
      reply({ ok: true, sinceMs: server.monitor.now() });
    } else if (cmd.decide) {
      const n = cmd.decide;
      const named = nsPerCall(() => server.choose('digits-mlp', '1'), n);
      const routed = nsPerCall(() => server.choose('digits-mlp'), n);
      const sticky = nsPerCall((i) => server.choose('digits-mlp', undefined, (h) => (h === 'x-slipway-route-key' ? keys[i & 1023] : undefined)), n);
      const decideOnly = nsPerCall(() => server.router.decide('digits-mlp'), n);
      reply({ named, routed, sticky, decideOnly });
    } else if (cmd.snapshot) {
      await server.shadow.settled();
      const snap = server.monitor.snapshot('digits-mlp', { sinceMs: cmd.snapshot });
      reply({
        versions: snap.versions.map((v) => ({ version: v.version, role: v.role, requests: v.requests, errors: v.errors, p99: v.latency?.p99 ?? null })),
        shadow: snap.shadow.map((s) => ({ pairs: s.pairs, agreement: s.agreement })),
        dropped: snap.shadowDropped,
      });
    }
  } catch (error) {
    reply({ error: error.message });
  }
});
`,
  );
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const exited = new Promise((_, reject) => child.on('exit', (code) => reject(new Error(`server exited ${code}`))));
  return Promise.race([next(), exited]).then(({ url }) => ({
    url,
    async send(cmd) {
      const answer = next();
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      const result = await Promise.race([answer, exited]);
      if (result.error) throw new Error(result.error);
      return result;
    },
    stop() {
      return new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  }));
}

// ---------------------------------------------------------------------------------------------------------
// wrk

const pixels = JSON.parse(readFileSync(join(root, 'resources/data/digits_live_same.jsonl'), 'utf8').split('\n')[0])
  .inputs.pixels;
const bodyFile = join(work, 'digits.body');
writeFileSync(
  bodyFile,
  JSON.stringify({ inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: pixels }] }),
);
const luaFile = join(work, 'post.lua');
writeFileSync(
  luaFile,
  [
    `local f = io.open(${JSON.stringify(bodyFile)}, "rb")`,
    'wrk.method = "POST"',
    'wrk.body = f:read("*a")',
    'f:close()',
    'wrk.headers["content-type"] = "application/json"',
  ].join('\n'),
);

function toMs(text) {
  if (!text) return NaN;
  const value = Number.parseFloat(text);
  if (text.endsWith('us')) return value / 1000;
  if (text.endsWith('ms')) return value;
  if (text.endsWith('s')) return value * 1000;
  return value;
}

function wrk(url, connections) {
  const out = execFileSync(
    'wrk',
    ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', luaFile, url],
    { encoding: 'utf8' },
  );
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    meanMs: toMs(/Latency\s+([\d.]+\w+)/.exec(out)?.[1]),
    p50Ms: toMs(/\s50%\s+([\d.]+\w+)/.exec(out)?.[1]),
    p99Ms: toMs(/\s99%\s+([\d.]+\w+)/.exec(out)?.[1]),
    errors: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** Runs each labelled case `rounds` times, alternating, and keeps each figure's median. */
async function alternate(cases) {
  const runs = new Map(cases.map((c) => [c.label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      await c.before?.();
      runs.get(c.label).push(wrk(c.url, c.connections));
    }
  }
  const out = {};
  for (const [label, list] of runs) {
    out[label] = Object.fromEntries(Object.keys(list[0]).map((k) => [k, median(list.map((x) => x[k]))]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

const host = await startHost();
const routedUrl = `${host.url}/v2/models/digits-mlp/infer`;
const namedUrl = `${host.url}/v2/models/digits-mlp/versions/1/infer`;
const tables = { 2: { 1: 50, 2: 50 }, 4: { 1: 25, 2: 25, 3: 25, 4: 25 } };

try {
  // (a) the decision alone
  for (const [versions, weights] of wanted('decision') ? Object.entries(tables) : []) {
    await host.send({ route: { weights, stickyHeader: 'x-slipway-route-key' } });
    const ns = await host.send({ decide: quick ? 200_000 : 1_000_000 });
    emit({
      case: 'decision',
      versions: Number(versions),
      namedUs: round(ns.named / 1000, 3),
      routedUs: round(ns.routed / 1000, 3),
      stickyUs: round(ns.sticky / 1000, 3),
      decideOnlyUs: round(ns.decideOnly / 1000, 3),
      addedUs: round((ns.routed - ns.named) / 1000, 3),
      ratio: round(ns.routed / ns.named),
    });
  }

  // (b) end to end: named v1, routed to v1 by a table holding every version (the router's own cost), and routed
  // by an even split (adds spreading the load over several pools)
  for (const [versions, split] of wanted('end-to-end') ? Object.entries(tables) : []) {
    const onlyOne = Object.fromEntries(Object.keys(split).map((v) => [v, v === '1' ? 100 : 0]));
    const route = (weights) => () => host.send({ route: { weights } });
    for (const connections of [1, 8]) {
      const r = await alternate([
        { label: 'named', url: namedUrl, connections, before: route(onlyOne) },
        { label: 'routedToOne', url: routedUrl, connections, before: route(onlyOne) },
        { label: 'routedSplit', url: routedUrl, connections, before: route(split) },
      ]);
      emit({
        case: 'end-to-end',
        versions: Number(versions),
        connections,
        named: r.named,
        routedToOne: r.routedToOne,
        routedSplit: r.routedSplit,
        routerAddedMeanUs: round((r.routedToOne.meanMs - r.named.meanMs) * 1000, 1),
        routerRpsRatio: round(r.routedToOne.rps / r.named.rps, 3),
        splitAddedMeanUs: round((r.routedSplit.meanMs - r.named.meanMs) * 1000, 1),
        splitRpsRatio: round(r.routedSplit.rps / r.named.rps, 3),
      });
    }
  }

  // (c) shadow's cost on live p99
  for (const connections of wanted('shadow') ? [1, 4] : []) {
    const sinceMs = Date.now();
    const r = await alternate([
      { label: 'noShadow', url: routedUrl, connections, before: () => host.send({ route: { weights: { 1: 100 } } }) },
      {
        label: 'shadow50',
        url: routedUrl,
        connections,
        before: () => host.send({ route: { weights: { 1: 100 }, shadow: { version: 2, percent: 50 } } }),
      },
    ]);
    const seen = await host.send({ snapshot: sinceMs });
    const shadow = seen.versions.find((v) => v.version === 2 && v.role === 'shadow');
    const live = seen.versions.find((v) => v.version === 1 && v.role === 'live');
    emit({
      case: 'shadow-cost',
      connections,
      noShadow: r.noShadow,
      shadow50: r.shadow50,
      addedP99Ms: round(r.shadow50.p99Ms - r.noShadow.p99Ms, 3),
      addedP50Ms: round(r.shadow50.p50Ms - r.noShadow.p50Ms, 3),
      p99Ratio: round(r.shadow50.p99Ms / r.noShadow.p99Ms, 3),
      rpsRatio: round(r.shadow50.rps / r.noShadow.rps, 3),
      targetAddedP99Ms: 1,
      shadowRequests: shadow?.requests ?? 0,
      shadowDropped: seen.dropped['2'] ?? 0,
      // Of the live requests during the shadow runs (about rps × duration), the share sent or offered to v2.
      shadowShare: round(((shadow?.requests ?? 0) + (seen.dropped['2'] ?? 0)) / (r.shadow50.rps * seconds * rounds), 3),
      liveRequests: live?.requests ?? 0,
      agreement: seen.shadow[0]?.agreement ?? null,
    });
  }
} finally {
  await host.stop();
  rmSync(work, { recursive: true, force: true });
}
