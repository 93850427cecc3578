// A child process that says it is ready on stdout (a server's listening line): its output kept as it comes,
// and a promise that settles on the ready line or fails, with the child's stderr, if the child exits first.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface ReadyChild<T> {
  child: ChildProcessWithoutNullStreams;
  /** What `readyFrom` read from stdout. */
  ready: T;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Resolves once `readyFrom(stdout so far)` returns a value; `label` names the child in the error. */
export function waitForReady<T>(
  child: ChildProcessWithoutNullStreams,
  label: string,
  readyFrom: (stdout: string) => T | undefined,
): Promise<ReadyChild<T>> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const ready = readyFrom(stdout);
      if (ready !== undefined) resolve({ child, ready, stdout: () => stdout, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`${label} exited ${code} before ready: ${stderr}`)));
  });
}
