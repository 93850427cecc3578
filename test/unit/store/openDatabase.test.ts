import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, DatabaseTooNewError, openDatabase } from '../../../src-main/engine/store/openDatabase';
import { MIGRATIONS } from '../../../src-main/engine/store/migrations';
import { tempDir } from '../../helpers/tempDir';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('openDatabase', () => {
  it('creates the schema in WAL mode with foreign keys on', () => {
    const home = join(tempDir(), 'nested', 'home');
    const db = openDatabase(home);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual([
      'api_keys',
      'comparison_rows',
      'comparisons',
      'dataset_references',
      'datasets',
      'loadtest_intervals',
      'loadtest_runs',
      'meta',
      'model_versions',
      'models',
      'reference_profiles',
      'rehearsal_latency_profiles',
      'rollout_decisions',
      'rollout_rehearsals',
      'rollouts',
    ]);
    db.close();
  });

  it('opens an existing database again without re-running migrations', () => {
    const home = tempDir();
    const first = openDatabase(home);
    first.prepare(`INSERT INTO meta (key, value) VALUES ('probe', 'kept')`).run();
    first.close();
    const again = openDatabase(home);
    expect(again.prepare(`SELECT value FROM meta WHERE key = 'probe'`).get()).toEqual({ value: 'kept' });
    again.close();
  });

  it('applies only the migrations a database lacks, in order, in one transaction', () => {
    const home = tempDir();
    openDatabase(home, { migrations: MIGRATIONS.slice(0, 1) }).close();
    const extra = { version: 2, name: 'extra', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);' };
    const db = openDatabase(home, { migrations: [...MIGRATIONS.slice(0, 1), extra] });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();

    // A failing migration leaves the database at its previous version, with nothing half-applied.
    const broken = { version: 3, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); THIS IS NOT SQL;' };
    expect(() => openDatabase(home, { migrations: [...MIGRATIONS.slice(0, 1), extra, broken] })).toThrow(
      /syntax error/,
    );
    const check = new Database(join(home, DATABASE_FILE));
    expect(check.pragma('user_version', { simple: true })).toBe(2);
    expect(check.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'`).get()).toEqual({ n: 0 });
    check.close();
  });

  it('refuses a database from a newer Slipway and leaves it byte-for-byte untouched', () => {
    const home = tempDir();
    const db = openDatabase(home);
    db.pragma('user_version = 99');
    db.prepare(`UPDATE meta SET value = '9.9.9' WHERE key = 'app_version'`).run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const path = join(home, DATABASE_FILE);
    const before = sha(path);
    const filesBefore = readdirSync(home).sort();

    let error: unknown;
    try {
      openDatabase(home);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    const message = (error as Error).message;
    expect(message).toContain('newer Slipway');
    expect(message).toContain('schema is version 99');
    expect(message).toContain('was not changed');
    expect(sha(path)).toBe(before);
    expect(readdirSync(home).sort()).toEqual(filesBefore);
  });

  it('says so when the home folder is a file', () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    expect(() => openDatabase(file)).toThrow(/is a file; expected a folder/);
    expect(existsSync(join(file, DATABASE_FILE))).toBe(false);
  });
});

describe('openDatabase while another process holds the log', () => {
  it('reads the version through the write-ahead log and names the Slipway that wrote it', () => {
    const home = tempDir();
    const writer = openDatabase(home);
    writer.pragma('wal_autocheckpoint = 0');
    writer.pragma('user_version = 42');
    writer.prepare(`UPDATE meta SET value = '7.0.0' WHERE key = 'app_version'`).run();
    // `writer` stays open, as a running newer Slipway would: the header is stale, the log is current.
    expect(() => openDatabase(home)).toThrow(/newer Slipway \(Slipway 7\.0\.0\): its schema is version 42/);
    writer.close();
  });
});

describe('openDatabase on a file that is not a database', () => {
  it('refuses it and leaves it as it was', () => {
    const home = tempDir();
    const path = join(home, DATABASE_FILE);
    writeFileSync(path, 'these are not the bytes of a SQLite database, not even close to it.'.repeat(3));
    const before = sha(path);
    expect(() => openDatabase(home)).toThrow(/is not a SQLite database/);
    expect(sha(path)).toBe(before);
  });
});
