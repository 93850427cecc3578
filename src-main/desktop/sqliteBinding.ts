// Which better-sqlite3 binary the engine loads under Electron. node_modules keeps the Node build (tests, CLI);
// a development run uses the Electron-ABI copy that scripts/electron-native.mjs builds into a cache folder; a
// packaged app needs nothing, since electron-builder rebuilt the module for Electron.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type SqliteBinding =
  { kind: 'bundled' } | { kind: 'file'; path: string } | { kind: 'missing'; path: string; hint: string };

const BUILD_HINT =
  'Run `npm start` (or `node scripts/electron-native.mjs`) once: it builds better-sqlite3 for Electron.';

/** Where scripts/electron-native.mjs puts the Electron-ABI build for this Electron version. */
export function electronSqliteCachePath(appPath: string, electronVersion: string): string {
  return join(appPath, 'node_modules', '.cache', 'slipway-electron', electronVersion, 'better_sqlite3.node');
}

export function electronSqliteBinding(
  appPath: string,
  isPackaged: boolean,
  env: NodeJS.ProcessEnv = process.env,
  electronVersion: string = process.versions.electron ?? 'unknown',
): SqliteBinding {
  const explicit = env.SLIPWAY_SQLITE_BINDING;
  if (explicit) {
    // Said outright, a wrong path is an error here rather than a failed engine start, restarted five times.
    if (existsSync(explicit)) return { kind: 'file', path: explicit };
    return {
      kind: 'missing',
      path: explicit,
      hint:
        'SLIPWAY_SQLITE_BINDING names a file that does not exist: unset it to use the cached build, or point it at ' +
        'better_sqlite3.node built for Electron (`node scripts/electron-native.mjs` prints its path).',
    };
  }
  if (isPackaged) return { kind: 'bundled' };
  const path = electronSqliteCachePath(appPath, electronVersion);
  if (existsSync(path)) return { kind: 'file', path };
  return { kind: 'missing', path, hint: BUILD_HINT };
}
