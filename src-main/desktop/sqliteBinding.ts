// Which better-sqlite3 binary the engine loads under Electron. node_modules keeps the Node build (tests, CLI);
// a development run uses the Electron-ABI copy that scripts/electron-native.mjs builds into a cache folder; a
// packaged app needs nothing, since electron-builder rebuilt the module for Electron.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type SqliteBinding =
  { kind: 'bundled' } | { kind: 'file'; path: string } | { kind: 'missing'; path: string; hint: string };

export function electronSqliteBinding(
  appPath: string,
  isPackaged: boolean,
  env: NodeJS.ProcessEnv = process.env,
): SqliteBinding {
  if (env.SLIPWAY_SQLITE_BINDING) return { kind: 'file', path: env.SLIPWAY_SQLITE_BINDING };
  if (isPackaged) return { kind: 'bundled' };
  const path = join(
    appPath,
    'node_modules',
    '.cache',
    'slipway-electron',
    process.versions.electron ?? 'unknown',
    'better_sqlite3.node',
  );
  if (existsSync(path)) return { kind: 'file', path };
  return {
    kind: 'missing',
    path,
    hint: 'Run `npm start` (or `node scripts/electron-native.mjs`) once: it builds better-sqlite3 for Electron.',
  };
}
