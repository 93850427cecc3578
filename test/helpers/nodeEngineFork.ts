// The supervisor's ForkEngine for tests: child_process.fork of the engine entry under plain Node (from sources
// through tsx, or a built .js), with every child and its start and exit times recorded for the test to read.
import { fork, type ChildProcess } from 'node:child_process';
import type { EngineChild, ForkEngine } from '../../src-main/desktop/engineSupervisor';

export interface ForkedEngine {
  process: ChildProcess;
  startedAt: number;
  /** Set once it exited. */
  exitedAt?: number;
  exitCode?: number;
}

export interface RecordingFork {
  fork: ForkEngine;
  children: ForkedEngine[];
  /** The newest child. */
  last(): ForkedEngine;
  /** Kills every child still running (afterAll). */
  killAll(): void;
}

export function recordingNodeFork(): RecordingFork {
  const children: ForkedEngine[] = [];
  const forkEngine: ForkEngine = (scriptPath, env) => {
    const child = fork(scriptPath, [], {
      env,
      execArgv: scriptPath.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const record: ForkedEngine = { process: child, startedAt: Date.now() };
    children.push(record);
    // Recorded before the supervisor hears of it (its listener is added later).
    child.once('exit', (code, signal) => {
      record.exitedAt = Date.now();
      record.exitCode = code ?? (signal ? 128 : 0);
    });
    const handle: EngineChild = {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (message) => {
        if (child.connected) child.send(message as object);
      },
      kill: () => void child.kill('SIGTERM'),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code, signal) => listener(code ?? (signal ? 128 : 0))),
    };
    return handle;
  };
  return {
    fork: forkEngine,
    children,
    last: () => {
      const child = children.at(-1);
      if (!child) throw new Error('no engine was started');
      return child;
    },
    killAll: () => {
      for (const { process: child } of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
