#!/usr/bin/env node
// `npm start`: rebuilds when sources are newer than the build, then opens the engine headless on the library
// (seeding the demo models on first run) and prints what it did. Extra arguments go to `slipway info`,
// e.g. `npm start -- --home /tmp/lib`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'out/main/cli/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale =
  !existsSync(built) ||
  Math.max(newestSource(join(root, 'src-main')), newestSource(join(root, 'src-shared'))) > statSync(built).mtimeMs;
if (stale) {
  console.log('slipway: building (sources changed since the last build)…');
  const build = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

console.log('slipway: starting the engine headless (the desktop window arrives with the desktop app)');
const run = spawnSync(process.execPath, [join(root, 'bin/slipway.js'), 'info', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (run.status === 0) {
  console.log('\nTry: npx slipway models list · npx slipway run digits-mlp --random · npx slipway --help');
}
process.exit(run.status ?? 1);
