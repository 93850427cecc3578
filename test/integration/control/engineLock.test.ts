// One engine host per home (DESIGN.md §1): while `slipway web` runs on a library, a second web mode (or the
// desktop engine, which starts the same host) refuses with one line naming the first and its address, and
// leaves its uploads alone; CLI commands that only use the library keep working beside it. A host that died
// without stopping leaves a stale lock that the next one takes over.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEngineHost } from '../../../src-main/engine/engineHost';
import { HOME_LOCK_FILE } from '../../../src-main/engine/homeLock';
import { model, ROOT } from '../../helpers/paths';
import { waitForReady, type ReadyChild } from '../../helpers/readyChild';
import { runCli, runCliJson } from '../../helpers/runCli';
import { tempDir } from '../../helpers/tempDir';

const started: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startWeb(home: string): Promise<ReadyChild<{ url: string }>> {
  const child = spawn(process.execPath, [`${ROOT}bin/slipway.js`, 'web', '--json', '--no-open', '--home', home], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.push(child);
  return waitForReady(child, 'slipway web', (stdout) => {
    const line = stdout.split('\n').find((l) => l.includes('"event":"ready"'));
    return line ? { url: (JSON.parse(line) as { url: string }).url } : undefined;
  });
}

describe('one engine host per home', () => {
  const home = tempDir();
  let first: ReadyChild<{ url: string }>;

  it('refuses a second web mode on the same home with one line naming the first', async () => {
    first = await startWeb(home);
    const origin = new URL(first.ready.url).origin;
    // An upload the first engine is receiving: a second engine must not sweep it away.
    const inFlight = join(home, 'uploads', 'abc123');
    mkdirSync(inFlight, { recursive: true });
    writeFileSync(join(inFlight, 'model.onnx'), 'half an upload');

    const second = await runCli(['web', '--no-open', '--home', home]);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(
      `slipway: error: another Slipway engine (pid ${first.child.pid} at ${origin}) is already running on the library ${home}; stop it first, or use another --home\n`,
    );
    expect(readdirSync(inFlight)).toEqual(['model.onnx']);
    // The first one is untouched and still answers.
    expect((await fetch(`${origin}/ui/`)).status).toBe(200);
  }, 60_000);

  it('refuses an engine host in another process too (the desktop engine starts the same host)', async () => {
    await expect(startEngineHost({ home, port: 0, webMode: false })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`(pid ${first.child.pid} at ${new URL(first.ready.url).origin})`),
    });
  });

  it('lets CLI commands that only use the library run beside it', async () => {
    const imported = await runCliJson<{ version: { model: string; version: number } }>([
      'models',
      'import',
      model('digits-mlp-v1.onnx'),
      '--name',
      'beside-the-app',
      '--home',
      home,
    ]);
    expect(imported.version).toMatchObject({ model: 'beside-the-app', version: 1 });
    const list = await runCliJson<{ name: string }[]>(['models', 'list', '--home', home]);
    expect(list.map((m) => m.name)).toContain('beside-the-app');
  }, 60_000);

  it('lets go of the home when stopped, so the next host starts', async () => {
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(home, HOME_LOCK_FILE))).toBe(false);
    const next = await startWeb(home);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 60_000);

  it('takes over the lock of a host that was killed', async () => {
    const killed = await startWeb(home);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(join(home, HOME_LOCK_FILE))).toBe(true);
    const host = await startEngineHost({ home, port: 0, webMode: true });
    try {
      expect(host.engine.home).toBe(home);
    } finally {
      await host.stop();
    }
    expect(existsSync(join(home, HOME_LOCK_FILE))).toBe(false);
  }, 60_000);
});
