#!/usr/bin/env node
// `npm start`: rebuilds when sources are newer than the build, then opens the desktop app. Where Electron's binary
// is missing (an offline install: its postinstall download is off), it says so in one line and starts web mode
// instead, which prints the UI's address and runs until Ctrl-C (or SIGTERM). Extra arguments go to `electron .`
// or to `slipway web` (e.g. `npm start -- --port 8080 --no-open` in web mode); `--home DIR` works in both. SLIPWAY_START_NO_BUILD=1 skips the
// rebuild check (a build made elsewhere; the tests of this script, which must not rebuild a shared tree).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const builtFiles = [
  'out/main/cli/main.js',
  'out/main/desktop/main.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];
const sourceDirs = ['src-main', 'src-shared', 'src-renderer'];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfStale() {
  const built = builtFiles.map((file) => join(root, file));
  const stale =
    built.some((file) => !existsSync(file)) ||
    Math.max(
      ...sourceDirs.map((dir) => newestSource(join(root, dir))),
      statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
    ) > Math.min(...built.map((file) => statSync(file).mtimeMs));
  if (!stale) return;
  console.log('slipway: building (sources changed since the last build)…');
  const build = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** The Electron executable, or why there is none. `require('electron')` gives its path, and throws without it. */
function findElectron() {
  try {
    const path = createRequire(join(root, 'package.json'))('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: "Electron's binary is not installed (offline install)" };
  } catch {
    return { missing: "Electron's binary is not installed (offline install)" };
  }
}

/**
 * Runs the child until it exits, then exits with its status. A Ctrl-C reaches the child from the terminal too,
 * so this forwards SIGTERM rather than a second SIGINT: the child handles each once and drains either way.
 */
function runUntilExit(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  let forwarded = false;
  const forward = () => {
    if (forwarded || child.exitCode !== null) return;
    forwarded = true;
    child.kill('SIGTERM');
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (error) => {
    console.error(`slipway: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** `--home DIR` (or `--home=DIR`) taken out of the arguments, for the desktop app. */
function takeHome(argv) {
  const rest = [];
  let home;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--home' && i + 1 < argv.length) home = argv[++i];
    else if (argv[i].startsWith('--home=')) home = argv[i].slice('--home='.length);
    else rest.push(argv[i]);
  }
  return { home, rest };
}

function startWebMode(reason) {
  console.log(`slipway: ${reason}, so starting web mode instead`);
  runUntilExit(process.execPath, [join(root, 'bin/slipway.js'), 'web', ...args]);
}

if (process.env.SLIPWAY_START_NO_BUILD !== '1') buildIfStale();
const electron = findElectron();
if (electron.missing) {
  startWebMode(electron.missing);
} else {
  const { ensureElectronSqlite } = await import('./electron-native.mjs');
  let binding;
  try {
    binding = ensureElectronSqlite();
  } catch (error) {
    binding = undefined;
    console.error(error instanceof Error ? error.message : String(error));
  }
  if (!binding) {
    startWebMode('better-sqlite3 could not be built for Electron (see above)');
  } else {
    const { home, rest } = takeHome(args);
    const env = { ...process.env, SLIPWAY_SQLITE_BINDING: binding };
    // The desktop main process reads the library folder from SLIPWAY_HOME, as web mode reads --home.
    if (home !== undefined) env.SLIPWAY_HOME = resolve(home);
    // Set, it would make the Electron binary behave as plain Node.
    delete env.ELECTRON_RUN_AS_NODE;
    runUntilExit(electron.path, ['.', ...rest], env);
  }
}
