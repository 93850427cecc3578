#!/usr/bin/env node
// Makes better-sqlite3's native binding for Electron's ABI, as a copy in a cache folder
// (node_modules/.cache/slipway-electron/<electron version>/better_sqlite3.node), leaving node_modules'
// own Node build alone: `npm test` and the CLI keep using that one, the desktop engine loads this one
// (main passes its path as SLIPWAY_SQLITE_BINDING). Work happens in a copy of the package, never in
// node_modules/better-sqlite3/build.
//
// First tries a prebuilt binary (prebuild-install --runtime electron), then compiles with node-gyp against
// Electron's headers (downloaded from electronjs.org, or taken from SLIPWAY_ELECTRON_NODEDIR when offline).
//
// Usage: node scripts/electron-native.mjs [--force] [--from-source]   (prints the binary's path)
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireFromRoot = createRequire(join(root, 'package.json'));

/** Where the Electron-ABI binary lives for the installed Electron (whether or not it exists yet). */
export function electronSqlitePath() {
  return join(cacheDir(electronVersion()), 'better_sqlite3.node');
}

/**
 * Returns the path of better-sqlite3 built for the installed Electron, building it first when it is missing or
 * was made for another better-sqlite3 version. Throws with the reason when neither a prebuilt binary nor a
 * compile works.
 */
export function ensureElectronSqlite({ force = false, fromSource = false, log = (line) => console.log(line) } = {}) {
  const electron = electronVersion();
  const packageDir = dirname(requireFromRoot.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  const dir = cacheDir(electron);
  const target = join(dir, 'better_sqlite3.node');
  const manifestPath = join(dir, 'better_sqlite3.json');
  const wanted = { betterSqlite3: sqliteVersion, electron, platform: process.platform, arch: process.arch };
  if (!force && existsSync(target) && sameManifest(manifestPath, wanted)) return target;

  log(
    `slipway: building better-sqlite3 ${sqliteVersion} for Electron ${electron} (once; cached in ${relative(root, dir)})`,
  );
  const work = join(dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The package's sources (binding.gyp, src/, deps/, lib/, package.json), without its Node build.
  cpSync(packageDir, work, {
    recursive: true,
    filter: (path) => !path.startsWith(join(packageDir, 'build') + sep) && path !== join(packageDir, 'build'),
  });

  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  const attempts = [];
  if (!fromSource) {
    const prebuilt = run(work, resolveTool(packageDir, 'prebuild-install/bin.js'), [
      '--runtime=electron',
      `--target=${electron}`,
      `--arch=${process.arch}`,
      `--platform=${process.platform}`,
    ]);
    if (prebuilt.ok && existsSync(built)) log('slipway: using the prebuilt binary for Electron');
    else attempts.push(`prebuild-install: ${prebuilt.reason}`);
  }
  if (!existsSync(built)) {
    const nodedir = process.env.SLIPWAY_ELECTRON_NODEDIR;
    const compiled = run(work, resolveTool(packageDir, 'node-gyp/bin/node-gyp.js'), [
      'rebuild',
      '--release',
      `--target=${electron}`,
      `--arch=${process.arch}`,
      ...(nodedir ? [`--nodedir=${nodedir}`] : ['--dist-url=https://electronjs.org/headers']),
      `--devdir=${join(dir, '..', 'node-gyp')}`,
    ]);
    if (!compiled.ok || !existsSync(built)) {
      attempts.push(`node-gyp: ${compiled.reason}`);
      rmSync(work, { recursive: true, force: true });
      throw new Error(
        `could not make better-sqlite3 for Electron ${electron}:\n  ${attempts.join('\n  ')}\n` +
          "Offline? Unpack Electron's headers (node-v<version>-headers.tar.gz from electronjs.org/headers) and set SLIPWAY_ELECTRON_NODEDIR to that folder.",
      );
    }
  }
  // Copy, then rename: a reader never sees half a binary.
  copyFileSync(built, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
  writeFileSync(manifestPath, `${JSON.stringify(wanted, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
  log(`slipway: better-sqlite3 for Electron is at ${relative(root, target)}`);
  return target;
}

function electronVersion() {
  return JSON.parse(readFileSync(requireFromRoot.resolve('electron/package.json'), 'utf8')).version;
}

function cacheDir(electron) {
  return join(root, 'node_modules', '.cache', 'slipway-electron', electron);
}

function sameManifest(path, wanted) {
  try {
    const found = JSON.parse(readFileSync(path, 'utf8'));
    return Object.entries(wanted).every(([key, value]) => found[key] === value);
  } catch {
    return false;
  }
}

/** A tool better-sqlite3 itself would use (its dependency, or npm's own node-gyp as a last resort). */
function resolveTool(packageDir, request) {
  try {
    return createRequire(join(packageDir, 'package.json')).resolve(request);
  } catch {
    const npmGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', request);
    if (existsSync(npmGyp)) return npmGyp;
    throw new Error(`${request} is not installed`);
  }
}

function run(cwd, script, args) {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 15 * 60_000,
    // npm_config_* from an enclosing `npm run` would override the runtime and target given here.
    env: Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')),
    ),
  });
  if (result.status === 0) return { ok: true };
  if (result.error) return { ok: false, reason: result.error.message };
  // The lines that say why: warnings and errors, without node-gyp's environment dump.
  const lines = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n');
  const why = lines.filter(
    (l) =>
      /warn|ERR!|error/i.test(l) && !/ERR! (System|command|cwd|node -v|node-gyp -v|not ok)|ERR! stack\s+at /.test(l),
  );
  return { ok: false, reason: `exit ${result.status}: ${(why.length > 0 ? why : lines).slice(0, 6).join('\n    ')}` };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const path = ensureElectronSqlite({
      force: process.argv.includes('--force'),
      fromSource: process.argv.includes('--from-source'),
      log: (line) => console.error(line),
    });
    console.log(path);
  } catch (error) {
    console.error(`slipway: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
