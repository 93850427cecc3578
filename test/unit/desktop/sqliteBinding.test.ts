// Which better-sqlite3 binary the desktop engine loads: the explicit override, the packaged app's own, or the
// Electron-ABI build in the cache folder that scripts/electron-native.mjs writes (the same path, checked here).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronSqliteBinding, electronSqliteCachePath } from '../../../src-main/desktop/sqliteBinding';
import { ROOT } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

describe('electronSqliteBinding', () => {
  it('uses the cached Electron build of a development checkout when it exists', () => {
    const app = tempDir();
    const path = join(app, 'node_modules', '.cache', 'slipway-electron', '40.1.0', 'better_sqlite3.node');
    expect(electronSqliteCachePath(app, '40.1.0')).toBe(path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'binary');
    expect(electronSqliteBinding(app, false, {}, '40.1.0')).toEqual({ kind: 'file', path });
  });

  it('says how to build it when the Electron build is missing', () => {
    const app = tempDir();
    const binding = electronSqliteBinding(app, false, {}, '40.1.0');
    expect(binding).toEqual({
      kind: 'missing',
      path: electronSqliteCachePath(app, '40.1.0'),
      hint: expect.stringMatching(/Run `npm start` \(or `node scripts\/electron-native\.mjs`\) once/),
    });
    // Another Electron version's build is not this one's.
    const other = electronSqliteCachePath(app, '39.0.0');
    mkdirSync(dirname(other), { recursive: true });
    writeFileSync(other, 'binary');
    expect(electronSqliteBinding(app, false, {}, '40.1.0').kind).toBe('missing');
  });

  it('needs nothing in a packaged app, and takes SLIPWAY_SQLITE_BINDING first when the file exists', () => {
    const app = tempDir();
    expect(electronSqliteBinding(app, true, {}, '40.1.0')).toEqual({ kind: 'bundled' });
    const given = join(app, 'custom.node');
    writeFileSync(given, 'binary');
    expect(electronSqliteBinding(app, true, { SLIPWAY_SQLITE_BINDING: given }, '40.1.0')).toEqual({
      kind: 'file',
      path: given,
    });
  });

  it('reports an override that names no file instead of handing it to the engine', () => {
    const app = tempDir();
    const given = join(app, 'nowhere.node');
    expect(electronSqliteBinding(app, false, { SLIPWAY_SQLITE_BINDING: given }, '40.1.0')).toEqual({
      kind: 'missing',
      path: given,
      hint: expect.stringMatching(/^SLIPWAY_SQLITE_BINDING names a file that does not exist/),
    });
  });

  it('looks where scripts/electron-native.mjs builds it for the installed Electron', async () => {
    const script = (await import(`${ROOT}scripts/electron-native.mjs`)) as { electronSqlitePath(): string };
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(electronSqliteCachePath(ROOT.replace(/\/$/, ''), version)).toBe(script.electronSqlitePath());
  });
});
