// Opens the library database of a home folder: WAL, foreign keys, busy timeout, then numbered migrations in
// one transaction. A database written by a newer Slipway is refused and left byte-for-byte untouched.
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APP_VERSION } from '../appVersion';
import { MIGRATIONS, type Migration } from './migrations';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'slipway.db';

export class DatabaseTooNewError extends Error {
  constructor(
    readonly path: string,
    readonly schemaVersion: number,
    readonly supportedVersion: number,
    readonly writtenBy: string | undefined,
  ) {
    super(
      `${path} was written by a newer Slipway${writtenBy ? ` (${writtenBy})` : ''}: its schema is version ${schemaVersion}, ` +
        `this Slipway (${APP_VERSION}) understands up to ${supportedVersion}. Upgrade Slipway, or use another --home; ` +
        `the database was not changed.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export interface OpenDatabaseOptions {
  /** For tests of the refusal path: pretend the app knows only these migrations. */
  migrations?: readonly Migration[];
  /** How long a write waits for another process's write lock. */
  busyTimeoutMs?: number;
  /** Native binding to load (the Electron build ships its own better-sqlite3 binary). */
  nativeBinding?: string;
}

export function openDatabase(home: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  const path = join(home, DATABASE_FILE);
  if (existsSync(home) && !statSync(home).isDirectory()) {
    throw new Error(`home ${home} is a file; expected a folder for the Slipway library`);
  }
  mkdirSync(home, { recursive: true });

  // Check the version before opening for writing: switching to WAL or migrating would change the file.
  if (existsSync(path)) refuseIfTooNew(path, latest, options.nativeBinding);

  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 10_000, nativeBinding: options.nativeBinding });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path, migrations, latest);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function refuseIfTooNew(path: string, latest: number, nativeBinding: string | undefined): void {
  const version = schemaVersionOnDisk(path, nativeBinding);
  if (version.schema > latest) throw new DatabaseTooNewError(path, version.schema, latest, version.writer);
}

/**
 * The schema version without leaving a trace: after a clean close the file header (user_version at byte 60)
 * is current, and even a read-only connection would create -wal and -shm files. Only while a write-ahead log
 * holds data (another process has it open, or crashed) is the header stale; then a read-only connection,
 * which uses the files that already exist, reads the truth.
 */
function schemaVersionOnDisk(path: string, nativeBinding: string | undefined): { schema: number; writer?: string } {
  const wal = `${path}-wal`;
  if (!existsSync(wal) || statSync(wal).size === 0) {
    const header = Buffer.alloc(100);
    const fd = openSync(path, 'r');
    try {
      if (readSync(fd, header, 0, 100, 0) < 100) return { schema: 0 };
    } finally {
      closeSync(fd);
    }
    if (header.toString('latin1', 0, 16) !== 'SQLite format 3\0') {
      throw new Error(`${path} is not a SQLite database; move it away or use another --home`);
    }
    return { schema: header.readUInt32BE(60) };
  }
  const probe = new Database(path, { readonly: true, fileMustExist: true, nativeBinding });
  try {
    return { schema: probe.pragma('user_version', { simple: true }) as number, writer: readWriter(probe) };
  } finally {
    probe.close();
  }
}

function readWriter(db: SqliteDatabase): string | undefined {
  try {
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'app_version'`).get() as { value: string } | undefined;
    return row ? `Slipway ${row.value}` : undefined;
  } catch {
    return undefined;
  }
}

function migrate(db: SqliteDatabase, path: string, migrations: readonly Migration[], latest: number): void {
  // IMMEDIATE: two processes opening a fresh home at once must not both run migration 1.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) throw new DatabaseTooNewError(path, current, latest, readWriter(db));
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    if (current < latest || readWriter(db) !== `Slipway ${APP_VERSION}`) {
      db.prepare(
        `INSERT INTO meta (key, value) VALUES ('app_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ).run(APP_VERSION);
    }
  }).immediate();
}
