// Runs the engine in an Electron utilityProcess and keeps it alive: restarts it with backoff when it dies, on
// the same port and with the same token so the window's apiBase and token stay valid, and gives up after a
// run of quick crashes. Stopping asks the engine to drain ({type:'shutdown'}) before it is killed.
import { utilityProcess, type UtilityProcess } from 'electron';

export interface RunningEngine {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  token: string;
}

export interface EngineSupervisorOptions {
  /** The built engine entry (out/main/engine/engineProcess.js). */
  scriptPath: string;
  /** Per-launch token, made by main, kept across restarts. */
  token: string;
  /** Extra environment for the engine (home, sqlite binding, resources). */
  env: Record<string, string>;
  /** Every time the engine is up; `restarted` is false only the first time. */
  onReady(engine: RunningEngine, restarted: boolean): void;
  /** The engine died `MAX_QUICK_CRASHES` times in a row soon after starting; nothing restarts it now. */
  onGiveUp(reason: string, output: string): void;
}

/** A run shorter than this counts as a quick crash. */
const QUICK_CRASH_MS = 60_000;
const MAX_QUICK_CRASHES = 5;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
const OUTPUT_TAIL_CHARS = 4_000;

type EngineMessage = { type: 'ready'; url: string; port: number; token: string } | { type: 'failed'; message: string };

export class EngineSupervisor {
  private child: UtilityProcess | undefined;
  private running: RunningEngine | undefined;
  /** 0 until the engine first listens; then its port, reused by restarts. */
  private port = 0;
  private everReady = false;
  private startedAt = 0;
  private readyThisRun = false;
  private quickCrashes = 0;
  private lastFailure: string | undefined;
  private outputTail = '';
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: EngineSupervisorOptions) {}

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
      child.once('exit', () => {
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
    const child = utilityProcess.fork(this.options.scriptPath, [], {
      serviceName: 'Slipway engine',
      env,
      stdio: 'pipe',
    });
    this.child = child;
    this.startedAt = Date.now();
    this.readyThisRun = false;
    this.lastFailure = undefined;
    this.outputTail = '';
    forwardLines(child.stdout, (line) => {
      console.log(`[engine] ${line}`);
      this.remember(line);
    });
    forwardLines(child.stderr, (line) => {
      console.error(`[engine] ${line}`);
      this.remember(line);
    });
    child.on('message', (message: unknown) => this.onMessage(child, message));
    child.on('exit', (code) => this.onExit(child, code));
  }

  private onMessage(child: UtilityProcess, message: unknown): void {
    if (child !== this.child || !isEngineMessage(message)) return;
    if (message.type === 'failed') {
      this.lastFailure = message.message;
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

  private onExit(child: UtilityProcess, code: number): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.running = undefined;
    if (this.stopping) return;
    const quick = !this.readyThisRun || Date.now() - this.startedAt < QUICK_CRASH_MS;
    this.quickCrashes = quick ? this.quickCrashes + 1 : 0;
    const reason = this.lastFailure ?? `the engine process exited with code ${code}`;
    if (this.quickCrashes >= MAX_QUICK_CRASHES) {
      console.error(`slipway: ${reason}; giving up after ${MAX_QUICK_CRASHES} quick crashes`);
      this.options.onGiveUp(reason, this.outputTail);
      return;
    }
    const delay = Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, this.quickCrashes - 1), MAX_DELAY_MS);
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
  if (m.type === 'failed') return typeof m.message === 'string';
  return (
    m.type === 'ready' &&
    typeof m.url === 'string' &&
    typeof m.port === 'number' &&
    typeof m.token === 'string' &&
    m.url === `http://127.0.0.1:${m.port}`
  );
}

/** Calls `onLine` for each complete line of a child's output stream. */
function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
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
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}
