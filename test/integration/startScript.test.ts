// `npm start` (scripts/start.mjs) where Electron's binary is missing, as on an offline install: one line says
// so, web mode starts and prints the UI's address with its token, and Ctrl-C (SIGINT) or SIGTERM stops the
// script and the engine behind it cleanly (drained, the home's lock released, nothing left running).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineInfo } from '../../src-shared/contract';
import { HOME_LOCK_FILE } from '../../src-main/engine/homeLock';
import { processAlive } from '../../src-main/engine/processAlive';
import { ROOT } from '../helpers/paths';
import { waitForReady, type ReadyChild } from '../helpers/readyChild';
import { tempDir } from '../helpers/tempDir';

const UI_LINE = /^Slipway is running in web mode: open (http:\/\/127\.0\.0\.1:\d+\/ui\/#token=([\w-]+))$/m;

const started: ReadyChild<{ url: string; token: string }>[] = [];
afterAll(() => {
  for (const { child } of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startScript(home: string): Promise<ReadyChild<{ url: string; token: string }>> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--no-open', '--port', '0'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SLIPWAY_HOME: home,
      // Wherever this runs, Electron's binary is "missing": require('electron') names a path under this empty folder.
      ELECTRON_OVERRIDE_DIST_PATH: tempDir(),
      // The build is the test run's; the script must not start rebuilding a tree others are using.
      SLIPWAY_START_NO_BUILD: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ready = await waitForReady(child, 'npm start', (stdout) => {
    const match = UI_LINE.exec(stdout);
    return match ? { url: match[1]!, token: match[2]! } : undefined;
  });
  started.push(ready);
  return ready;
}

/** What the running web mode says about itself (its pid is the engine process behind the script). */
async function engineInfo(ready: ReadyChild<{ url: string; token: string }>): Promise<EngineInfo> {
  const res = await fetch(new URL('/api/v1/engine', ready.ready.url), {
    headers: { authorization: `Bearer ${ready.ready.token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as EngineInfo;
}

describe('npm start without Electron', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'says so in one line, runs web mode, and stops cleanly on %s',
    async (signal) => {
      const home = tempDir();
      const script = await startScript(home);
      const lines = script.stdout().trimEnd().split('\n');
      expect(lines[0]).toBe(
        "slipway: Electron's binary is not installed (offline install), so starting web mode instead",
      );
      expect(lines.filter((l) => /Electron/.test(l))).toHaveLength(1);
      expect(lines[1]).toMatch(UI_LINE);
      expect(script.stderr()).toBe('');

      const origin = new URL(script.ready.url).origin;
      expect((await fetch(`${origin}/ui/`)).status).toBe(200);
      const info = await engineInfo(script);
      expect(info).toMatchObject({ home, webMode: true });
      // The engine runs in the script's child, not in the script itself.
      expect(info.pid).not.toBe(script.child.pid);
      expect(existsSync(join(home, HOME_LOCK_FILE))).toBe(true);

      script.child.kill(signal);
      expect(await script.exited).toBe(0);
      await expect(fetch(`${origin}/ui/`)).rejects.toThrow();
      expect(processAlive(info.pid)).toBe(false);
      expect(existsSync(join(home, HOME_LOCK_FILE))).toBe(false);
      expect(script.stderr()).toBe('');
    },
    60_000,
  );
});
