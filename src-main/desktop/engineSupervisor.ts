// Runs the engine in a child process and keeps it alive: restarts it with backoff when it dies, on the same port
// and with the same token so the window's apiBase and token stay valid, and gives up after a run of quick crashes
// (at once when the engine says a restart cannot help). Stopping asks the engine to drain ({type:'shutdown'})
// before it is killed. How the child starts is injected: Electron's utilityProcess in the app
// (utilityEngineFork.ts), child_process.fork in tests, so this file imports nothing from electron.

export interface RunningEngine {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  token: string;
}

/** The engine's process as the supervisor sees it: output, messages both ways, exit, kill. */
export interface EngineChild {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  /** SIGTERM on POSIX. */
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Once, when the process has exited (a signal counts as a non-zero code). */
  onExit(listener: (code: number) => void): void;
}

/** Starts the engine entry with this environment (stdout and stderr piped, a message channel open). */
export type ForkEngine = (scriptPath: string, env: Record<string, string>) => EngineChild;

/** When a run counts as a quick crash, how many in a row end it, and how long restarts wait. */
export interface RestartTiming {
  /** A run shorter than this (or one that never got ready) counts as a quick crash. */
  quickCrashMs: number;
  maxQuickCrashes: number;
  /** The wait after the first quick crash; it doubles with each further one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_TIMING: RestartTiming = {
  quickCrashMs: 60_000,
  maxQuickCrashes: 5,
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/** How long to wait before the next start after `quickCrashes` quick crashes in a row (0 after a long run). */
export function restartDelayMs(quickCrashes: number, timing: RestartTiming = DEFAULT_RESTART_TIMING): number {
  return Math.min(timing.firstDelayMs * 2 ** Math.max(0, quickCrashes - 1), timing.maxDelayMs);
}

export interface EngineSupervisorOptions {
  /** The built engine entry (out/main/engine/engineProcess.js). */
  scriptPath: string;
  fork: ForkEngine;
  timing?: Partial<RestartTiming>;
  /** Per-launch token, made by main, kept across restarts. */
  token: string;
  /** Extra environment for the engine (home, sqlite binding, resources). */
  env: Record<string, string>;
  /** Every time the engine is up; `restarted` is false only the first time. */
  onReady(engine: RunningEngine, restarted: boolean): void;
  /**
   * The engine died `maxQuickCrashes` times in a row soon after starting, or said a restart cannot help (a
   * locked home, a newer library); nothing restarts it now. `output` is the tail of its last run's output.
   */
  onGiveUp(reason: string, output: string): void;
}

const OUTPUT_TAIL_CHARS = 4_000;
/** How long an exit waits for the rest of the engine's output (its last line is often the reason). */
const OUTPUT_DRAIN_MS = 1_000;

type EngineMessage =
  | { type: 'ready'; url: string; port: number; token: string }
  | { type: 'failed'; message: string; permanent?: boolean };

export class EngineSupervisor {
  private child: EngineChild | undefined;
  private running: RunningEngine | undefined;
  /** 0 until the engine first listens; then its port, reused by restarts. */
  private port = 0;
  private everReady = false;
  private startedAt = 0;
  private readyThisRun = false;
  private quickCrashes = 0;
  private lastFailure: string | undefined;
  /** The engine said its failure will repeat on every start (a locked home, a newer library). */
  private failurePermanent = false;
  private outputTail = '';
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  private readonly timing: RestartTiming;

  constructor(private readonly options: EngineSupervisorOptions) {
    this.timing = { ...DEFAULT_RESTART_TIMING, ...options.timing };
  }

  /** The engine while it is up (undefined while it starts or restarts). */
  get engine(): RunningEngine | undefined {
    return this.running;
  }

  start(): void {
    if (this.stopping || this.child) return;
    this.spawn();
  }

  /** After giving up: start over with a fresh crash count. */
  retry(): void {
    this.quickCrashes = 0;
    this.start();
  }

  /** Asks the engine to drain and exit; kills it if it has not exited within `timeoutMs`. */
  stop(timeoutMs = 10_000): Promise<void> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.stopping ??= new Promise<void>((resolve) => {
      const child = this.child;
      if (!child) {
        resolve();
        return;
      }
      const hardKill = setTimeout(() => {
        console.error(`slipway: the engine did not exit within ${timeoutMs / 1000} s of shutdown; killing it`);
        child.kill();
        // kill() sends SIGTERM on POSIX; a process that ignores that too is killed outright.
        setTimeout(() => {
          if (child.pid !== undefined) {
            try {
              process.kill(child.pid, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
          resolve();
        }, 3_000).unref();
      }, timeoutMs);
      child.onExit(() => {
        clearTimeout(hardKill);
        resolve();
      });
      child.postMessage({ type: 'shutdown' });
    });
    return this.stopping;
  }

  private spawn(): void {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    // The engine is a utility process, not Node: a leftover ELECTRON_RUN_AS_NODE means nothing to it, but would
    // turn the Electron binary into plain Node in anything the engine forks.
    delete env.ELECTRON_RUN_AS_NODE;
    Object.assign(env, this.options.env, {
      SLIPWAY_CONTROL_TOKEN: this.options.token,
      SLIPWAY_CONTROL_PORT: String(this.port),
    });
    const child = this.options.fork(this.options.scriptPath, env);
    this.child = child;
    this.startedAt = Date.now();
    this.readyThisRun = false;
    this.lastFailure = undefined;
    this.failurePermanent = false;
    this.outputTail = '';
    const outputDrained = Promise.all([
      forwardLines(child.stdout, (line) => {
        console.log(`[engine] ${line}`);
        this.remember(line);
      }),
      forwardLines(child.stderr, (line) => {
        console.error(`[engine] ${line}`);
        this.remember(line);
      }),
    ]);
    child.onMessage((message) => this.onMessage(child, message));
    child.onExit((code) => void this.onExit(child, code, outputDrained));
  }

  private onMessage(child: EngineChild, message: unknown): void {
    if (child !== this.child || !isEngineMessage(message)) return;
    if (message.type === 'failed') {
      this.lastFailure = message.message;
      this.failurePermanent = message.permanent === true;
      // The port we asked for is taken (by something else, since our engine is gone): take any free one.
      if (this.port !== 0 && /EADDRINUSE/.test(message.message)) this.port = 0;
      return;
    }
    if (message.token !== this.options.token) {
      console.error('slipway: the engine reported a token other than the one it was given; ignoring it');
      return;
    }
    this.port = message.port;
    this.running = { url: message.url, port: message.port, token: message.token };
    this.readyThisRun = true;
    const restarted = this.everReady;
    this.everReady = true;
    this.options.onReady(this.running, restarted);
  }

  private async onExit(child: EngineChild, code: number, outputDrained: Promise<unknown>): Promise<void> {
    if (child !== this.child) return;
    this.child = undefined;
    this.running = undefined;
    if (this.stopping) return;
    // An exit can be reported before the last of its output has been read from the pipes.
    await Promise.race([outputDrained, new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS).unref())]);
    // Stopped, or started again, meanwhile: this exit no longer decides anything.
    if (this.stopping || this.child) return;
    const quick = !this.readyThisRun || Date.now() - this.startedAt < this.timing.quickCrashMs;
    this.quickCrashes = quick ? this.quickCrashes + 1 : 0;
    const reason = this.lastFailure ?? `the engine process exited with code ${code}`;
    if (this.failurePermanent) {
      console.error(`slipway: ${reason}; not restarting the engine (a restart would fail the same way)`);
      this.options.onGiveUp(reason, this.outputTail);
      return;
    }
    if (this.quickCrashes >= this.timing.maxQuickCrashes) {
      console.error(`slipway: ${reason}; giving up after ${this.quickCrashes} quick crashes`);
      this.options.onGiveUp(reason, this.outputTail);
      return;
    }
    const delay = restartDelayMs(this.quickCrashes, this.timing);
    console.error(`slipway: ${reason}; restarting the engine in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.spawn();
    }, delay);
  }

  private remember(line: string): void {
    this.outputTail = `${this.outputTail}${line}\n`.slice(-OUTPUT_TAIL_CHARS);
  }
}

function isEngineMessage(value: unknown): value is EngineMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.type === 'failed')
    return typeof m.message === 'string' && (m.permanent === undefined || typeof m.permanent === 'boolean');
  return (
    m.type === 'ready' &&
    typeof m.url === 'string' &&
    typeof m.port === 'number' &&
    typeof m.token === 'string' &&
    m.url === `http://127.0.0.1:${m.port}`
  );
}

/** Calls `onLine` for each complete line of a child's output stream; resolves when the stream has ended. */
function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      onLine(pending.slice(0, newline).replace(/\r$/, ''));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  return new Promise((resolve) => {
    stream.on('end', () => {
      if (pending) onLine(pending);
      pending = '';
      resolve();
    });
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
}
