// One engine host per home folder (DESIGN.md §1): a pid lock file in the home, taken by web mode and the desktop
// engine before they touch the home, so a second host refuses instead of sweeping the first one's uploads.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './processAlive';
import { UserError } from './userError';

export const HOME_LOCK_FILE = 'engine.lock';

/** What the lock file says about the engine that holds it. */
export interface HomeLockHolder {
  pid: number;
  /** The control plane's address, once it listens. */
  url?: string;
  startedAt: string;
}

export interface HomeLock {
  readonly path: string;
  /** Records the control plane's address so a refused second engine can name it. */
  setUrl(url: string): void;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

/**
 * Takes the home's engine lock for this process. A lock whose process is gone (a crash, a kill) is stale and is
 * taken over; a live one makes this throw a UserError naming that process and its address.
 */
export function acquireHomeLock(home: string): HomeLock {
  if (existsSync(home) && !statSync(home).isDirectory()) {
    throw new UserError('bad-input', `the library folder ${home} is a file, not a folder; use another --home`);
  }
  mkdirSync(home, { recursive: true });
  const path = join(home, HOME_LOCK_FILE);
  const holder: HomeLockHolder = { pid: process.pid, startedAt: new Date().toISOString() };
  // Each pass either creates the file, refuses, or removes one stale lock; a few passes cover racing starters.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createWhole(path, JSON.stringify(holder))) return heldLock(path, holder);
    const text = readText(path);
    if (text === undefined) continue; // Removed since: try again.
    const other = parseHolder(text);
    // This process counts as alive too: a second host in one process would share nothing with the first.
    if (other && (other.pid === process.pid || processAlive(other.pid))) throw lockedBy(home, other);
    removeIfUnchanged(path, text);
  }
  throw new UserError('conflict', `could not take the engine lock ${path}: other engines keep starting on this home`);
}

/**
 * Creates `path` with `text` unless it exists, atomically and whole: written beside it, then hard-linked into
 * place (link fails when the name is taken), so no reader ever sees an empty lock and takes it for a stale one.
 */
function createWhole(path: string, text: string): boolean {
  const temp = `${path}.${process.pid}.new`;
  writeFileSync(temp, text);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(temp, { force: true });
  }
}

function heldLock(path: string, holder: HomeLockHolder): HomeLock {
  let released = false;
  return {
    path,
    setUrl(url) {
      if (released) return;
      holder.url = url;
      // Written beside and renamed over, so a reader never sees half a file.
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(holder));
      renameSync(temp, path);
    },
    release() {
      if (released) return;
      released = true;
      const text = readText(path);
      if (text !== undefined && parseHolder(text)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}

function lockedBy(home: string, other: HomeLockHolder): UserError {
  const where = other.url ? ` at ${other.url}` : '';
  return new UserError(
    'conflict',
    `another Slipway engine (pid ${other.pid}${where}) is already running on the library ${home}; ` +
      'stop it first, or use another --home',
  );
}

/**
 * Removes a stale lock without removing a fresh one another starter wrote in the meantime: the file is moved
 * aside (atomic), and put back if what was moved is not the stale lock that was read.
 */
function removeIfUnchanged(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // Already moved or removed by another starter.
  }
  if (readText(aside) !== staleText) {
    try {
      linkSync(aside, path); // Fails if yet another lock was written meanwhile; that one stands.
    } catch {
      // Nothing to restore over.
    }
  }
  rmSync(aside, { force: true });
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** An unreadable lock (a crash while writing it) names no live process: undefined, and it counts as stale. */
function parseHolder(text: string): HomeLockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<HomeLockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return {
      pid: value.pid,
      ...(typeof value.url === 'string' ? { url: value.url } : {}),
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : '',
    };
  } catch {
    return undefined;
  }
}
