#!/usr/bin/env node
// `npm run dist`: electron-vite build, then electron-builder (config in electron-builder.yml; extra arguments go
// to electron-builder, e.g. `npm run dist -- --linux AppImage`).
//
// electron-builder rebuilds native modules for Electron *in place* in node_modules, which would leave `npm test`
// and the CLI with a better-sqlite3 they cannot load. So the Node build is saved first and put back afterwards,
// whatever electron-builder did. Needs the network (Electron and the packaging tools are downloaded).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status ?? 1;
}

if (run('npm', ['run', 'build', '--silent']) !== 0) process.exit(1);

// Icons for the installers, drawn by the same code as the tray and window icons.
const { appIconPng } = await import(pathToFileURL(join(root, 'out/main/desktop/appIconPng.js')).href);
const buildResources = join(root, 'out/build-resources');
mkdirSync(buildResources, { recursive: true });
writeFileSync(join(buildResources, 'icon.png'), appIconPng(1024));

const nodeBinding = join(dirname(require.resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');
const saved = join(root, 'node_modules/.cache/slipway-dist/better_sqlite3.node');
mkdirSync(dirname(saved), { recursive: true });
if (existsSync(nodeBinding)) copyFileSync(nodeBinding, saved);

const builder = join(dirname(require.resolve('electron-builder/package.json')), 'cli.js');
const status = run(process.execPath, [builder, ...process.argv.slice(2)]);

if (existsSync(saved)) {
  copyFileSync(saved, nodeBinding);
  rmSync(saved);
  console.log('slipway: restored the Node build of better-sqlite3 (for npm test and the CLI)');
}
process.exit(status);
