// Revealing a folder: the opener each platform has, never a shell, and an honest "cannot" where there is no desktop
// session or no opener, or the opener fails to start.
import { EventEmitter } from 'node:events';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { revealFolder, type RevealEnvironment } from '../../../src-main/engine/control/revealFolder';

interface Spawned {
  command: string;
  args: string[];
  options: SpawnOptions;
  unrefed: boolean;
}

function environment(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  outcome: 'spawn' | 'error' = 'spawn',
  hasXdgOpen = true,
): { env: RevealEnvironment; spawned: Spawned[] } {
  const spawned: Spawned[] = [];
  return {
    spawned,
    env: {
      platform,
      env,
      onPath: (command) => command === 'xdg-open' && hasXdgOpen,
      spawn: (command, args, options) => {
        const record: Spawned = { command, args, options, unrefed: false };
        spawned.push(record);
        const child = Object.assign(new EventEmitter(), { unref: () => (record.unrefed = true) });
        setImmediate(() =>
          outcome === 'spawn' ? child.emit('spawn') : child.emit('error', new Error('spawn xdg-open ENOENT')),
        );
        return child as unknown as ChildProcess;
      },
    },
  };
}

describe('revealFolder', () => {
  it('opens with xdg-open on a Linux desktop, detached and without a shell', async () => {
    const { env, spawned } = environment('linux', { DISPLAY: ':0' });
    const outcome = await revealFolder('/tmp/my bundle; rm -rf ~', env);
    expect(outcome).toEqual({ opened: true, message: 'opened with xdg-open' });
    expect(spawned).toHaveLength(1);
    // The path is one argument, never parsed by a shell.
    expect(spawned[0]).toMatchObject({ command: 'xdg-open', args: ['/tmp/my bundle; rm -rf ~'], unrefed: true });
    expect(spawned[0]!.options).toMatchObject({ detached: true, stdio: 'ignore', shell: false });
  });

  it('uses open on macOS and explorer on Windows', async () => {
    const mac = environment('darwin', {});
    await revealFolder('/Users/me/b', mac.env);
    expect(mac.spawned[0]?.command).toBe('open');
    const win = environment('win32', {});
    await revealFolder('C:\\b', win.env);
    expect(win.spawned[0]?.command).toBe('explorer');
  });

  it('says it cannot open without a desktop session or without xdg-open, and starts nothing', async () => {
    const headless = environment('linux', {});
    expect(await revealFolder('/tmp/b', headless.env)).toEqual({
      opened: false,
      message: 'cannot open a file manager: no desktop session here (neither DISPLAY nor WAYLAND_DISPLAY is set)',
    });
    const noOpener = environment('linux', { WAYLAND_DISPLAY: 'wayland-0' }, 'spawn', false);
    expect((await revealFolder('/tmp/b', noOpener.env)).message).toMatch(/xdg-open is not installed/);
    expect([...headless.spawned, ...noOpener.spawned]).toEqual([]);
  });

  it('reports an opener that fails to start', async () => {
    const { env } = environment('linux', { DISPLAY: ':0' }, 'error');
    expect(await revealFolder('/tmp/b', env)).toEqual({
      opened: false,
      message: 'cannot start xdg-open: spawn xdg-open ENOENT',
    });
  });
});
