// `slipway serve --json` run as a user runs it (the built bin/slipway.js) on a free port, resolved on its ready
// event; the caller stops it with SIGTERM.
import { spawn } from 'node:child_process';
import { ROOT } from './paths';
import { waitForReady, type ReadyChild } from './readyChild';
import { tempDir } from './tempDir';

export interface ServeReady {
  url: string;
  exposedUrls: string[];
  versions: {
    model: string;
    version: number;
    state: string;
    provider?: string;
    instances: number;
    batching: { active: boolean; reason: string };
  }[];
}

export type ServingCli = ReadyChild<ServeReady>;

/** Starts `slipway serve --json --port 0` with `args`, in `home` (default: a fresh one). */
export function serveCli(args: string[], home = tempDir()): Promise<ServingCli> {
  const child = spawn(process.execPath, [
    `${ROOT}bin/slipway.js`,
    'serve',
    '--json',
    '--port',
    '0',
    '--home',
    home,
    ...args,
  ]);
  return waitForReady(child, 'serve', (stdout) => {
    const line = stdout.split('\n')[0];
    return line && stdout.includes('\n') ? (JSON.parse(line) as ServeReady) : undefined;
  });
}

/** SIGTERM, then the exit code once it has drained. */
export async function stopServe(serving: ServingCli): Promise<number | null> {
  serving.child.kill('SIGTERM');
  return serving.exited;
}
