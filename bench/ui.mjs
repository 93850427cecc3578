#!/usr/bin/env node
// UI benchmarks (issue 4), each with a baseline measured in the same run; never fails on timing.
//   (a) time from `npm run web` to a usable Models screen (Chromium shows the library) vs starting a bare
//       `node` process and reaching its prompt line
//   (b) engine idle RSS with the demo library (web mode, UI connected) vs an idle bare node process
//   (c) the Serve screen's live charts while the endpoint takes ~2 000 req/s: frames rendered and dropped,
//       and long tasks, vs the same screen with no traffic
// Run after `npm run build`: node bench/ui.mjs [--quick]
/* global location, PerformanceObserver, requestAnimationFrame -- used inside page.evaluate, in the browser */
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
try {
  // (a) npm run web → usable Models screen --------------------------------------------------------------
  const bare = await firstLine(process.execPath, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)']);
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const started = performance.now();
  const web = await firstLine(
    'npm',
    ['run', 'web', '--silent', '--', '--no-open', '--json', '--port', '0', '--home', join(work, 'home')],
    {
      cwd: root,
    },
  );
  const url = JSON.parse(web.line).url;
  await page.goto(url);
  await page.getByRole('link', { name: 'digits-mlp' }).first().waitFor({ timeout: 60_000 });
  const usableMs = performance.now() - started;
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
  const started2 = await fetch(`${origin}/api/v1/serving/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ port: 0, models: ['digits-mlp:1'] }),
  }).then((r) => r.json());
  const endpoint = `${started2.url}/v2/models/digits-mlp/infer`;
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
      return { frames, longTasks, longTaskMs, ms: performance.now() - start };
    }, seconds * 1000);
  const idle = await measure();
  // Load from a separate process, paced at 2 000 req/s.
  const loader = spawn(
    process.execPath,
    [
      '-e',
      `const body = JSON.stringify({ inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: Array(64).fill(0.5) }] });
let sent = 0, ok = 0; const start = Date.now();
setInterval(() => { const due = Math.floor((Date.now() - start) * 2); for (; sent < due; sent++) fetch(${JSON.stringify(endpoint)}, { method: 'POST', body }).then((r) => { if (r.ok) ok++; r.arrayBuffer(); }, () => {}); }, 5);
setInterval(() => console.log(JSON.stringify({ sent, ok })), 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let loadStats = { sent: 0, ok: 0 };
  loader.stdout.on('data', (c) => {
    const last = c.toString().trim().split('\n').pop();
    if (last) loadStats = JSON.parse(last);
  });
  await page.waitForTimeout(2000);
  const okBefore = loadStats.ok;
  const busy = await measure();
  const achievedRps = (loadStats.ok - okBefore) / (busy.ms / 1000);
  await stop(loader);
  const fps = (m) => (m.frames * 1000) / m.ms;
  emit({
    case: 'live_chart_under_load',
    seconds,
    achieved_rps: round(achievedRps, 0),
    idle_fps: round(fps(idle)),
    loaded_fps: round(fps(busy)),
    frames_dropped: Math.max(0, Math.round(((fps(idle) - fps(busy)) * busy.ms) / 1000)),
    loaded_long_tasks: busy.longTasks,
    loaded_long_task_ms: round(busy.longTaskMs),
    ratio_fps_loaded_vs_idle: round(fps(busy) / fps(idle), 3),
  });
  await page.close();
  await stop(web.child);
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
