// One engine host per home: the pid lock file refuses a live holder (naming it and its address), takes over a
// stale one (dead process, unreadable file), and is removed only by its own process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireHomeLock, HOME_LOCK_FILE } from '../../src-main/engine/homeLock';
import { UserError } from '../../src-main/engine/userError';
import { tempDir } from '../helpers/tempDir';
import { thrown } from '../helpers/thrown';

const lockFile = (home: string) => join(home, HOME_LOCK_FILE);

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
afterAll(() => {
  sleeper.kill('SIGKILL');
});

describe('acquireHomeLock', () => {
  it('writes this process into the lock, adds the address, and removes the file on release', () => {
    const home = join(tempDir(), 'new-home');
    const lock = acquireHomeLock(home);
    expect(JSON.parse(readFileSync(lockFile(home), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.setUrl('http://127.0.0.1:1234');
    expect(JSON.parse(readFileSync(lockFile(home), 'utf8'))).toMatchObject({
      pid: process.pid,
      url: 'http://127.0.0.1:1234',
    });
    lock.release();
    expect(existsSync(lockFile(home))).toBe(false);
  });

  it('refuses while another live process holds the home, naming it and its address, and leaves its lock', () => {
    const home = tempDir();
    const theirs = JSON.stringify({ pid: sleeper.pid, url: 'http://127.0.0.1:4321', startedAt: 'then' });
    writeFileSync(lockFile(home), theirs);
    const error = thrown(() => acquireHomeLock(home), UserError);
    expect(error).toMatchObject({
      code: 'conflict',
      message: `another Slipway engine (pid ${sleeper.pid} at http://127.0.0.1:4321) is already running on the library ${home}; stop it first, or use another --home`,
    });
    expect(readFileSync(lockFile(home), 'utf8')).toBe(theirs);
  });

  it('refuses a second host in this same process', () => {
    const home = tempDir();
    const lock = acquireHomeLock(home);
    expect(thrown(() => acquireHomeLock(home), UserError).message).toMatch(`(pid ${process.pid}) is already running`);
    lock.release();
  });

  it('takes over a lock whose process is gone, or that cannot be read', () => {
    const home = tempDir();
    writeFileSync(lockFile(home), JSON.stringify({ pid: deadPid(), url: 'http://127.0.0.1:1', startedAt: 'x' }));
    const lock = acquireHomeLock(home);
    expect(JSON.parse(readFileSync(lockFile(home), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(JSON.parse(readFileSync(lockFile(home), 'utf8')).url).toBeUndefined();
    lock.release();
    for (const garbage of ['', '{"pid":', '{"pid":-3}', 'null']) {
      writeFileSync(lockFile(home), garbage);
      const again = acquireHomeLock(home);
      expect(JSON.parse(readFileSync(lockFile(home), 'utf8'))).toMatchObject({ pid: process.pid });
      again.release();
    }
  });

  it("never removes a lock that is no longer this process's", () => {
    const home = tempDir();
    const lock = acquireHomeLock(home);
    const theirs = JSON.stringify({ pid: sleeper.pid, startedAt: 'later' });
    writeFileSync(lockFile(home), theirs);
    lock.release();
    expect(readFileSync(lockFile(home), 'utf8')).toBe(theirs);
  });

  it('says so when the home is a file', () => {
    const file = join(tempDir(), 'library');
    writeFileSync(file, 'not a folder');
    expect(thrown(() => acquireHomeLock(file), UserError)).toMatchObject({
      code: 'bad-input',
      message: `the library folder ${file} is a file, not a folder; use another --home`,
    });
  });
});
