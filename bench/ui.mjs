#!/usr/bin/env node
// UI benchmarks (issue 4), each with a baseline measured in the same run; never fails on timing.
//   (a) time from `npm run web` to a usable Models screen (Chromium shows the library) vs starting a bare
//       `node` process and reaching its prompt line
//   (b) engine idle RSS with the demo library (web mode, UI connected) vs an idle bare node process
//   (c) the Serve screen's live charts while the endpoint takes ~2 000 req/s: frames rendered and dropped,
//       long tasks, and the cost of each chart update (setData to drawn, as each chart records it on its
//       element) against the 16.7 ms frame budget, vs the same screen with no traffic
// Run after `npm run build`: node bench/ui.mjs [--quick]
/* global document, location, MutationObserver, PerformanceObserver, requestAnimationFrame --
   used inside page.evaluate, in the browser */
/* global AbortSignal -- Node's, as in the browser */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-ui-'));
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const emit = (record) => process.stdout.write(`${JSON.stringify({ bench: 'ui', ...record, machine })}\n`);
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
/** One frame at 60 Hz: what a chart update must stay well under not to drop frames. */
const FRAME_BUDGET_MS = 1000 / 60;
/** Nearest-rank quantile of unsorted numbers (null for none). */
function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
/** Progress on stderr, so a slow step shows where it is (the figures go to stdout). */
const note = (message) => process.stderr.write(`ui bench: ${message}\n`);
const roundOrNull = (x, d) => (x === null ? null : round(x, d));
const chromiumPath = process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium';

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

/** Spawns a command and resolves with the first stdout line and the time it took to appear. */
function firstLine(command, args, options = {}) {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, line: out.slice(0, nl), ms: performance.now() - started });
    });
    child.on('exit', (code) => reject(new Error(`${command} exited ${code}`)));
  });
}

const stop = (child) =>
  new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

/** A child that has not exited (one ended by a signal keeps exitCode null: its signalCode says so). */
const running = (child) => child !== null && child.exitCode === null && child.signalCode === null;

/** `npm run web` runs the engine two processes down: signal its whole group, or the engine outlives the bench. */
const stopGroup = (child) =>
  new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    process.kill(-child.pid, 'SIGTERM');
  });

/** Requests the endpoint has answered with success, summed over its models (its Prometheus counter). */
async function answered(endpointUrl) {
  const text = await (await fetch(`${endpointUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  let total = 0;
  for (const m of text.matchAll(/^nv_inference_request_success(?:\{[^}]*\})?\s+(\S+)/gm)) total += Number(m[1]);
  return total;
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
/** Processes this run started that must not outlive it, however it ends. */
const children = { bare: null, web: null, loader: null };
try {
  // (a) npm run web → usable Models screen --------------------------------------------------------------
  const bare = await firstLine(process.execPath, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)']);
  children.bare = bare.child;
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const launched = performance.now();
  const web = await firstLine(
    'npm',
    ['run', 'web', '--silent', '--', '--no-open', '--json', '--port', '0', '--home', join(work, 'home')],
    { cwd: root, detached: true },
  );
  children.web = web.child;
  const url = JSON.parse(web.line).url;
  await page.goto(url);
  await page.getByRole('link', { name: 'digits-mlp' }).first().waitFor({ timeout: 60_000 });
  const usableMs = performance.now() - launched;
  emit({
    case: 'startup_to_models_screen',
    engine_ready_ms: round(web.ms),
    models_screen_usable_ms: round(usableMs),
    baseline_bare_node_ready_ms: round(bare.ms),
    ratio_vs_bare_node: round(usableMs / bare.ms, 2),
    note: 'first run on a new home: includes importing the 8 demo models',
  });

  // (b) idle RSS ------------------------------------------------------------------------------------------
  await page.waitForTimeout(3000);
  const webPid = Number(
    (
      await (
        await fetch(url.replace(/\/ui\/.*/, '/api/v1/engine'), {
          headers: { authorization: `Bearer ${url.split('token=')[1]}` },
        })
      ).json()
    ).pid,
  );
  const engineRss = rssOf(webPid);
  const bareRss = rssOf(bare.child.pid);
  emit({
    case: 'engine_idle_rss',
    engine_rss_mb: round(engineRss / 1e6),
    bare_node_rss_mb: round(bareRss / 1e6),
    ratio_vs_bare_node: round(engineRss / bareRss, 2),
    note: 'web mode with the demo library, UI connected, endpoint stopped',
  });
  await stop(bare.child);

  // (c) live charts under ~2 000 req/s ---------------------------------------------------------------------
  const token = url.split('token=')[1];
  const origin = new URL(url).origin;
  const serving = await fetch(`${origin}/api/v1/serving/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ port: 0, models: ['digits-mlp:1'] }),
  }).then((r) => r.json());
  await page.evaluate(() => (location.hash = '#/serve'));
  await page.waitForTimeout(2000);
  const seconds = quick ? 3 : 8;
  const measure = () =>
    page.evaluate(async (ms) => {
      let frames = 0;
      let longTasks = 0;
      let longTaskMs = 0;
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          longTasks++;
          longTaskMs += e.duration;
        }
      });
      observer.observe({ type: 'longtask', buffered: false });
      // Every chart update, as the chart records it: data-updates is written last, after the update's cost
      // (data-last-update-ms; builds before it only kept the mean of recent updates, data-update-ms).
      const updates = [];
      const charts = new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target;
          const last = el.getAttribute('data-last-update-ms');
          updates.push({
            chart: el.getAttribute('data-testid'),
            ms: Number(last ?? el.getAttribute('data-update-ms')),
            exact: last !== null,
            at: performance.now(),
          });
        }
      });
      charts.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-updates'] });
      const start = performance.now();
      await new Promise((resolve) => {
        const loop = () => {
          frames++;
          if (performance.now() - start < ms) requestAnimationFrame(loop);
          else resolve();
        };
        requestAnimationFrame(loop);
      });
      observer.disconnect();
      charts.disconnect();
      return { frames, longTasks, longTaskMs, updates, ms: performance.now() - start };
    }, seconds * 1000);
  note(`measuring the Serve screen idle for ${seconds} s`);
  const idle = await measure();
  // Load from a separate process: Slipway's own generator (paced from the intended send times, keep-alive
  // connections, a worker of its own), with a library of its own so that its run does not appear in the UI.
  // A hand-rolled loop of unbounded fetch() calls opened a connection per request and got no answers at all on
  // a two-core machine.
  const rate = 2000;
  const loader = spawn(
    process.execPath,
    [
      join(root, 'bin/slipway.js'),
      'loadtest',
      '--url',
      serving.url,
      '--model-name',
      'digits-mlp',
      '--rate',
      String(rate),
      '--duration',
      `${seconds + 60}s`,
      '--home',
      join(work, 'loader'),
      '--json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.loader = loader;
  let loaderErr = '';
  loader.stderr.on('data', (c) => (loaderErr += c));
  note(`load generator started at ${rate} req/s; waiting for its first answers`);
  const base = await answered(serving.url);
  const deadline = performance.now() + 60_000;
  while ((await answered(serving.url)) === base) {
    if (performance.now() > deadline || !running(loader))
      throw new Error(`the load generator sent nothing the endpoint answered: ${loaderErr.trim()}`);
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(2000);
  note(`measuring the Serve screen under load for ${seconds} s`);
  const answeredBefore = await answered(serving.url);
  const windowStart = performance.now();
  const busy = await measure();
  const achievedRps = ((await answered(serving.url)) - answeredBefore) / ((performance.now() - windowStart) / 1000);
  await stop(loader);
  const fps = (m) => (m.frames * 1000) / m.ms;
  // The charts a metrics tick feeds are given their data in one React commit and uPlot draws each in a microtask,
  // one after another: a later chart's "setData to drawn" already includes the earlier charts' draws, so the
  // longest in a tick (not the sum) is what the whole tick held the main thread for.
  const perTick = (updates) => {
    const ticks = [];
    for (const u of updates) {
      const open = ticks.at(-1);
      if (open && u.at - open.at < 100) open.ms = Math.max(open.ms, u.ms);
      else ticks.push({ at: u.at, ms: u.ms });
    }
    return ticks.map((t) => t.ms);
  };
  const chartUpdateCost = (idleRun, busyRun) => {
    const loaded = busyRun.updates.map((u) => u.ms);
    const loadedTicks = perTick(busyRun.updates);
    const idleMedian = quantile(
      idleRun.updates.map((u) => u.ms),
      0.5,
    );
    const median = quantile(loaded, 0.5);
    const p95 = quantile(loaded, 0.95);
    const tickMedian = quantile(loadedTicks, 0.5);
    const tickP95 = quantile(loadedTicks, 0.95);
    return {
      charts: new Set(busyRun.updates.map((u) => u.chart)).size,
      chart_updates_sampled: loaded.length,
      chart_update_ms_median: roundOrNull(median, 3),
      chart_update_ms_p95: roundOrNull(p95, 3),
      chart_update_ms_max: roundOrNull(loaded.length ? Math.max(...loaded) : null, 3),
      frame_budget_ratio_median: roundOrNull(median === null ? null : median / FRAME_BUDGET_MS, 4),
      frame_budget_ratio_p95: roundOrNull(p95 === null ? null : p95 / FRAME_BUDGET_MS, 4),
      ticks_sampled: loadedTicks.length,
      tick_update_ms_median: roundOrNull(tickMedian, 3),
      tick_update_ms_p95: roundOrNull(tickP95, 3),
      tick_frame_budget_ratio_p95: roundOrNull(tickP95 === null ? null : tickP95 / FRAME_BUDGET_MS, 4),
      idle_chart_update_ms_median: roundOrNull(idleMedian, 3),
      ratio_update_ms_loaded_vs_idle: median === null || !idleMedian ? null : round(median / idleMedian, 2),
      update_ms_source: busyRun.updates.every((u) => u.exact)
        ? 'data-last-update-ms (each update)'
        : 'data-update-ms (mean of the last 30 updates: this build predates data-last-update-ms)',
    };
  };
  emit({
    case: 'live_chart_under_load',
    seconds,
    target_rps: rate,
    achieved_rps: round(achievedRps, 0),
    idle_fps: round(fps(idle)),
    loaded_fps: round(fps(busy)),
    frames_dropped: Math.max(0, Math.round(((fps(idle) - fps(busy)) * busy.ms) / 1000)),
    loaded_long_tasks: busy.longTasks,
    loaded_long_task_ms: round(busy.longTaskMs),
    ratio_fps_loaded_vs_idle: round(fps(busy) / fps(idle), 3),
    ...chartUpdateCost(idle, busy),
  });
  await page.close();
} finally {
  if (running(children.bare)) await stop(children.bare);
  if (running(children.loader)) await stop(children.loader);
  if (running(children.web)) await stopGroup(children.web);
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
