// Opens a folder in the OS file manager from the engine process (xdg-open, open, explorer), spawned detached and
// never through a shell. Where there is no opener (a headless Linux box, no xdg-open) it says so instead, so the
// UI can show the path to copy.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RevealOutcome {
  opened: boolean;
  message: string;
}

export interface RevealEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
  /** Whether an executable of this name is on PATH (Linux only needs it). */
  onPath: (command: string, env: NodeJS.ProcessEnv) => boolean;
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

const DEFAULT_ENVIRONMENT: RevealEnvironment = { platform: process.platform, env: process.env, spawn, onPath };

/** The opener for this platform, or why there is none. */
export function folderOpener(environment: RevealEnvironment): { command: string } | { missing: string } {
  switch (environment.platform) {
    case 'darwin':
      return { command: 'open' };
    case 'win32':
      return { command: 'explorer' };
    default: {
      if (!environment.env.DISPLAY && !environment.env.WAYLAND_DISPLAY)
        return { missing: 'no desktop session here (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
      if (!environment.onPath('xdg-open', environment.env)) return { missing: 'xdg-open is not installed' };
      return { command: 'xdg-open' };
    }
  }
}

/** Starts the file manager on `folder` and resolves once the opener started (or could not). */
export function revealFolder(
  folder: string,
  environment: RevealEnvironment = DEFAULT_ENVIRONMENT,
): Promise<RevealOutcome> {
  const opener = folderOpener(environment);
  if ('missing' in opener)
    return Promise.resolve({ opened: false, message: `cannot open a file manager: ${opener.missing}` });
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = environment.spawn(opener.command, [folder], { detached: true, stdio: 'ignore', shell: false });
    } catch (error) {
      resolve({ opened: false, message: `cannot start ${opener.command}: ${(error as Error).message}` });
      return;
    }
    child.once('error', (error) =>
      resolve({ opened: false, message: `cannot start ${opener.command}: ${error.message}` }),
    );
    child.once('spawn', () => {
      // The file manager outlives the request; the engine does not wait for it.
      child.unref();
      resolve({ opened: true, message: `opened with ${opener.command}` });
    });
  });
}
