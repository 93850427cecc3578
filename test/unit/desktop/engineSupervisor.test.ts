// EngineSupervisor's own rules, with a scripted stand-in for the engine process (the real engine is exercised in
// test/integration/desktop/engineSupervisor.test.ts): the backoff schedule, a stop that has to kill, and a
// ready message that does not carry the launch token.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RESTART_TIMING,
  EngineSupervisor,
  restartDelayMs,
  type EngineChild,
} from '../../../src-main/desktop/engineSupervisor';

/** A child that does only what the test tells it to. */
class ScriptedChild implements EngineChild {
  readonly pid = undefined;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly received: unknown[] = [];
  killed = 0;
  private readonly events = new EventEmitter();
  constructor(private readonly exitOnKill: boolean) {}
  postMessage(message: unknown): void {
    this.received.push(message);
  }
  kill(): void {
    this.killed++;
    if (this.exitOnKill) this.exit(143);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.events.on('message', listener);
  }
  onExit(listener: (code: number) => void): void {
    this.events.once('exit', listener);
  }
  send(message: unknown): void {
    this.events.emit('message', message);
  }
  /** Exits; `lateStderr` arrives after the exit is reported, as output still in a pipe does. */
  exit(code: number, lateStderr?: string): void {
    this.stdout.end();
    if (lateStderr === undefined) this.stderr.end();
    this.events.emit('exit', code);
    if (lateStderr !== undefined) setTimeout(() => this.stderr.end(lateStderr), 20);
  }
}

function scripted(exitOnKill = true) {
  const children: ScriptedChild[] = [];
  const onReady = vi.fn();
  const onGiveUp = vi.fn();
  const supervisor = new EngineSupervisor({
    scriptPath: '/engine.js',
    fork: () => {
      const child = new ScriptedChild(exitOnKill);
      children.push(child);
      return child;
    },
    token: 'the-token',
    env: {},
    timing: { firstDelayMs: 10, maxDelayMs: 40, maxQuickCrashes: 4 },
    onReady,
    onGiveUp,
  });
  return { supervisor, children, onReady, onGiveUp };
}

describe('restartDelayMs', () => {
  it('doubles from one second up to thirty by default', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(restartDelayMs(0, DEFAULT_RESTART_TIMING)).toBe(1_000);
  });
});

describe('EngineSupervisor', () => {
  it('asks the engine to shut down, and kills it when it does not exit in time', async () => {
    const { supervisor, children } = scripted();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    supervisor.start();
    const t0 = Date.now();
    await supervisor.stop(100);
    expect(children[0]!.received).toEqual([{ type: 'shutdown' }]);
    expect(children[0]!.killed).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
  });

  it('does not kill an engine that exits when asked', async () => {
    const { supervisor, children } = scripted();
    supervisor.start();
    const stopped = supervisor.stop(5_000);
    children[0]!.exit(0);
    await stopped;
    expect(children[0]!.killed).toBe(0);
  });

  it('ignores a ready message with another token, and one whose url does not match its port', async () => {
    const { supervisor, children, onReady } = scripted();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    supervisor.start();
    children[0]!.send({ type: 'ready', url: 'http://127.0.0.1:5000', port: 5000, token: 'not-the-token' });
    children[0]!.send({ type: 'ready', url: 'http://evil.example:5000', port: 5000, token: 'the-token' });
    expect(onReady).not.toHaveBeenCalled();
    expect(supervisor.engine).toBeUndefined();
    children[0]!.send({ type: 'ready', url: 'http://127.0.0.1:5000', port: 5000, token: 'the-token' });
    expect(onReady).toHaveBeenCalledWith({ url: 'http://127.0.0.1:5000', port: 5000, token: 'the-token' }, false);
    const stopped = supervisor.stop();
    children[0]!.exit(0);
    await stopped;
  });

  it('gives the last output line, written just before the exit, to the give-up callback', async () => {
    const { supervisor, children, onGiveUp } = scripted();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    supervisor.start();
    const child = children[0]!;
    child.send({ type: 'failed', message: 'the home is locked', permanent: true });
    child.exit(1, 'slipway engine: the home is locked\n');
    await vi.waitFor(() => expect(onGiveUp).toHaveBeenCalled());
    expect(onGiveUp).toHaveBeenCalledWith('the home is locked', 'slipway engine: the home is locked\n');
    expect(children).toHaveLength(1);
  });

  it('retries after giving up, with a fresh count', async () => {
    const { supervisor, children, onGiveUp } = scripted();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    supervisor.start();
    for (let i = 0; i < 4; i++) {
      await vi.waitFor(() => expect(children).toHaveLength(i + 1));
      children[i]!.exit(1);
    }
    await vi.waitFor(() => expect(onGiveUp).toHaveBeenCalledTimes(1));
    expect(onGiveUp.mock.calls[0]![0]).toBe('the engine process exited with code 1');
    supervisor.retry();
    expect(children).toHaveLength(5);
    children[4]!.exit(1);
    // One crash after the retry restarts again rather than giving up.
    await vi.waitFor(() => expect(children).toHaveLength(6));
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    const stopped = supervisor.stop();
    children[5]!.exit(0);
    await stopped;
  });
});
