// The desktop app's engine supervision against the real engine entry (src-main/engine/engineProcess.ts, forked
// by plain Node instead of Electron's utilityProcess): a killed engine comes back on the same port with the same
// token after a growing backoff, moves to a free port when its own was taken meanwhile, stops cleanly (drained,
// lock released), gives up after repeated quick crashes, and gives up at once when the home is another
// engine's.
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServingStatus } from '../../../src-shared/contract';
import { getEngineInfo } from '../../../src-main/desktop/engineClient';
import {
  DEFAULT_RESTART_TIMING,
  EngineSupervisor,
  restartDelayMs,
  type RestartTiming,
  type RunningEngine,
} from '../../../src-main/desktop/engineSupervisor';
import { HOME_LOCK_FILE } from '../../../src-main/engine/homeLock';
import { recordingNodeFork, type RecordingFork } from '../../helpers/nodeEngineFork';
import { ROOT } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

const ENGINE_ENTRY = `${ROOT}src-main/engine/engineProcess.ts`;
const TOKEN = 'supervisor-test-token-0123456789';
// Short waits so the test takes seconds; the doubling and the cap are what is checked.
const TIMING: Partial<RestartTiming> = { firstDelayMs: 300, maxDelayMs: 800, maxQuickCrashes: 6 };
const FULL_TIMING: RestartTiming = { ...DEFAULT_RESTART_TIMING, ...TIMING };

interface Ready {
  engine: RunningEngine;
  restarted: boolean;
}

/** A supervisor over recorded Node forks, with its ready and give-up callbacks turned into awaitable queues. */
function supervise(home: string, timing: Partial<RestartTiming> = TIMING) {
  const forks = recordingNodeFork();
  const readies: Ready[] = [];
  const giveUps: { reason: string; output: string }[] = [];
  let wake: (() => void) | undefined;
  const supervisor = new EngineSupervisor({
    scriptPath: ENGINE_ENTRY,
    fork: forks.fork,
    token: TOKEN,
    env: { SLIPWAY_HOME: home },
    timing,
    onReady: (engine, restarted) => {
      readies.push({ engine, restarted });
      wake?.();
    },
    onGiveUp: (reason, output) => {
      giveUps.push({ reason, output });
      wake?.();
    },
  });
  const until = async <T>(what: string, found: () => T | undefined, timeoutMs = 45_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  return {
    supervisor,
    forks,
    giveUps,
    nextReady: (count: number) => until(`ready #${count}`, () => readies[count - 1]),
    nextGiveUp: () => until('give-up', () => giveUps[0]),
    until,
  };
}

const running: { supervisor: EngineSupervisor; forks: RecordingFork }[] = [];
afterAll(async () => {
  for (const { supervisor, forks } of running) {
    await supervisor.stop(2_000);
    forks.killAll();
  }
});

/** Kills the current engine outright and waits until it is gone; returns when it exited. */
async function killEngine(forks: RecordingFork): Promise<number> {
  const child = forks.last();
  child.process.kill('SIGKILL');
  while (child.exitedAt === undefined) await new Promise((r) => setTimeout(r, 10));
  return child.exitedAt;
}

describe('EngineSupervisor with the real engine', () => {
  const home = tempDir();
  const s = supervise(home);
  running.push(s);
  let first: RunningEngine;

  it('starts the engine with the given token and reports it ready', async () => {
    s.supervisor.start();
    const ready = await s.nextReady(1);
    first = ready.engine;
    expect(ready.restarted).toBe(false);
    expect(first.token).toBe(TOKEN);
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
    const info = await getEngineInfo(first);
    expect(info).toMatchObject({ pid: s.forks.last().process.pid, home, webMode: false });
    expect(s.supervisor.engine).toEqual(first);
  }, 60_000);

  it('restarts a killed engine on the same port with the same token, after a backoff that doubles', async () => {
    const gaps: number[] = [];
    for (let crash = 1; crash <= 2; crash++) {
      const exitedAt = await killEngine(s.forks);
      const ready = await s.nextReady(1 + crash);
      gaps.push(s.forks.last().startedAt - exitedAt);
      expect(ready.restarted).toBe(true);
      expect(ready.engine).toEqual(first);
      const info = await getEngineInfo(ready.engine);
      expect(info.pid).toBe(s.forks.last().process.pid);
    }
    expect(s.forks.children).toHaveLength(3);
    // Two quick crashes in a row: 300 ms, then 600 ms (timers fire no earlier than asked).
    expect(gaps[0]).toBeGreaterThanOrEqual(restartDelayMs(1, FULL_TIMING) - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(restartDelayMs(2, FULL_TIMING) - 5);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
  }, 90_000);

  it('moves to a free port when its port was taken while it was down', async () => {
    let squatter: Server | undefined;
    try {
      await killEngine(s.forks);
      // The restart waits (a third quick crash: 800 ms, the cap); take the port before it comes back.
      squatter = createServer();
      await new Promise<void>((resolve, reject) => {
        squatter!.once('error', reject);
        squatter!.listen(first.port, '127.0.0.1', () => resolve());
      });
      const ready = await s.nextReady(4);
      expect(ready.restarted).toBe(true);
      expect(ready.engine.port).not.toBe(first.port);
      expect(ready.engine.token).toBe(TOKEN);
      // One start failed on the taken port before the move.
      expect(s.forks.children).toHaveLength(5);
      expect(s.forks.children[3]!.exitCode).toBe(1);
      expect((await getEngineInfo(ready.engine)).home).toBe(home);
    } finally {
      squatter?.close();
    }
  }, 90_000);

  it('gives up at once when another engine holds the home, naming it', async () => {
    const second = supervise(home);
    running.push(second);
    second.supervisor.start();
    const giveUp = await second.nextGiveUp();
    const holder = s.forks.last().process.pid;
    expect(giveUp.reason).toMatch(
      new RegExp(`another Slipway engine \\(pid ${holder} at ${s.supervisor.engine!.url}\\) is already running`),
    );
    expect(giveUp.output).toContain(giveUp.reason);
    // No restart: a locked home fails the same way every time.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(second.forks.children).toHaveLength(1);
  }, 60_000);

  it('stops cleanly: the engine drains and exits on its own, lets go of the home and closes the library', async () => {
    const engine = s.supervisor.engine!;
    const started = await fetch(`${engine.url}/api/v1/serving/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${engine.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ port: 0, models: ['digits-mlp:1'] }),
    });
    const status = (await started.json()) as ServingStatus;
    expect(status.state).toBe('running');
    expect((await fetch(`${status.url}/v2/health/ready`)).status).toBe(200);

    const child = s.forks.last();
    const t0 = Date.now();
    // Asked over the message channel, the engine exits long before the 10 s after which it would be killed.
    await s.supervisor.stop(10_000);
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(child.exitCode).toBe(0);
    expect(s.supervisor.engine).toBeUndefined();
    await expect(fetch(`${status.url}/v2/health/live`)).rejects.toThrow();
    await expect(fetch(`${engine.url}/api/v1/engine`)).rejects.toThrow();
    expect(existsSync(join(home, HOME_LOCK_FILE))).toBe(false);
    // better-sqlite3 checkpoints and removes the WAL when the last connection closes: the library was closed.
    expect(existsSync(join(home, 'slipway.db-wal'))).toBe(false);
    // Stopped means stopped: nothing restarts it.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(s.forks.children).toHaveLength(5);
  }, 60_000);
});

describe('EngineSupervisor giving up', () => {
  it('gives up after repeated quick crashes, with the reason and the output of the last run', async () => {
    // A home that is a file: the engine cannot open it and exits at every start.
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const s = supervise(file, { firstDelayMs: 100, maxDelayMs: 200, maxQuickCrashes: 3 });
    running.push(s);
    s.supervisor.start();
    const giveUp = await s.nextGiveUp();
    expect(s.forks.children).toHaveLength(3);
    expect(s.forks.children.every((c) => c.exitCode === 1)).toBe(true);
    expect(giveUp.reason).toBe(`the library folder ${file} is a file, not a folder; use another --home`);
    expect(giveUp.output).toMatch(/slipway engine: /);
    expect(s.supervisor.engine).toBeUndefined();
    await new Promise((r) => setTimeout(r, 800));
    expect(s.forks.children).toHaveLength(3);
  }, 90_000);
});
