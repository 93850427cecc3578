// The parent-side handle of a load generator: starts its sender and stats threads, runs shapes on it one after
// another (connections stay warm between capacity-search windows), relays each second's figures, and cancels.
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { ShapeInput } from '../../../src-shared/contract';
import { siblingScript, startSiblingWorker } from '../runtime/siblingScript';
import type {
  GeneratorCommand,
  GeneratorEvent,
  GeneratorInterval,
  GeneratorTarget,
  GeneratorWorkerData,
  StatsEvent,
} from './loadGeneratorProtocol';

export interface LoadGeneratorOptions {
  target: GeneratorTarget;
  /** Most requests in flight at once (the HTTP connection pool's size). */
  connections: number;
  /** Client-side deadline of each request, from its send. */
  timeoutMs: number;
}

export interface GeneratorRunOptions {
  /** Seconds already used by earlier runs of the same load test (capacity-search windows follow each other). */
  secondOffset?: number;
  /** A second's figures; the same second may come again with more answers (replace it). */
  onInterval?: (interval: GeneratorInterval) => void;
  /** A wall-clock second of the run ended: seconds before `second` are over. */
  onTick?: (second: number) => void;
}

export interface GeneratorRunResult {
  elapsedMs: number;
  cancelled: boolean;
}

export interface GeneratorStream {
  setRate(rate: number): void;
  /** Stops sending and resolves once the answers in flight are in. */
  stop(): Promise<GeneratorRunResult>;
  /** Stops sending and drops what waits for a connection; answers in flight get a bounded wait. */
  cancel(): Promise<GeneratorRunResult>;
  done: Promise<GeneratorRunResult>;
}

interface ActiveRun {
  token: number;
  options: GeneratorRunOptions;
  resolve: (result: GeneratorRunResult) => void;
  reject: (error: Error) => void;
}

export class LoadGenerator {
  private nextToken = 1;
  private active: ActiveRun | undefined;
  private closed = false;
  private senderCpu: number | null = null;
  private statsCpu: number | null = null;
  private failure: Error | undefined;

  private constructor(
    private readonly sender: Worker,
    private readonly stats: Worker,
  ) {
    sender.on('message', (event: GeneratorEvent) => this.onSenderEvent(event));
    stats.on('message', (event: StatsEvent) => this.onStatsEvent(event));
    const lost = (which: string) => (why: Error | number) => {
      if (this.closed) return;
      this.failure = new Error(
        `the load generator's ${which} thread stopped (${typeof why === 'number' ? `exit code ${why}` : why.message})`,
      );
      this.active?.reject(this.failure);
      this.active = undefined;
    };
    sender.on('error', lost('sender'));
    sender.on('exit', lost('sender'));
    stats.on('error', lost('stats'));
    stats.on('exit', lost('stats'));
  }

  /** Starts the threads and waits until the sender is ready (its session pool loaded, for the runtime target). */
  static async start(options: LoadGeneratorOptions): Promise<LoadGenerator> {
    const channel = new MessageChannel();
    const stats = startSiblingWorker(siblingScript(import.meta.url, 'loadStatsWorker'), {
      name: 'loadtest-stats',
      workerData: { recordsPort: channel.port2 },
      transferList: [channel.port2],
    });
    const workerData: GeneratorWorkerData = { ...options, statsPort: channel.port1 };
    const sender = startSiblingWorker(siblingScript(import.meta.url, 'loadGeneratorWorker'), {
      name: 'loadtest-sender',
      // A roomier young generation: scavenges (each a pause in sending) come several times less often.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
      workerData,
      transferList: [channel.port1],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (event: GeneratorEvent) => {
          if (event.type === 'ready') done(resolve);
          else if (event.type === 'init-failed') done(() => reject(new Error(event.message)));
        };
        const onError = (error: Error) => done(() => reject(error));
        const onExit = (code: number) =>
          done(() => reject(new Error(`the load generator stopped while starting (exit code ${code})`)));
        const done = (then: () => void) => {
          sender.off('message', onMessage);
          sender.off('error', onError);
          sender.off('exit', onExit);
          stats.off('error', onError);
          then();
        };
        sender.on('message', onMessage);
        sender.on('error', onError);
        sender.on('exit', onExit);
        stats.on('error', onError);
      });
    } catch (error) {
      await Promise.all([sender.terminate(), stats.terminate()]);
      throw error;
    }
    return new LoadGenerator(sender, stats);
  }

  /** Follows `shape` from now until its end (or a cancel), waiting for answers still in flight. */
  run(shape: ShapeInput, options: GeneratorRunOptions = {}): Promise<GeneratorRunResult> {
    return this.begin(options, (token) => ({ type: 'run', token, shape, secondOffset: options.secondOffset ?? 0 }))
      .done;
  }

  /**
   * Sends at a constant rate until stopped, the rate changing on request: traffic keeps flowing while a
   * capacity search measures window after window. `done` resolves once stopped (or cancelled) and drained.
   */
  stream(rate: number, options: GeneratorRunOptions = {}): GeneratorStream {
    const { token, done } = this.begin(options, (t) => ({
      type: 'stream',
      token: t,
      rate,
      secondOffset: options.secondOffset ?? 0,
    }));
    return {
      setRate: (r) => this.command({ type: 'rate', token, rate: r }),
      stop: () => {
        this.command({ type: 'stop', token });
        return done;
      },
      cancel: () => {
        this.command({ type: 'cancel', token });
        return done;
      },
      done,
    };
  }

  private begin(
    options: GeneratorRunOptions,
    command: (token: number) => GeneratorCommand,
  ): { token: number; done: Promise<GeneratorRunResult> } {
    const token = this.nextToken++;
    const refused = this.failure ?? (this.closed ? new Error('the load generator is closed') : undefined);
    if (refused) return { token, done: Promise.reject(refused) };
    if (this.active) return { token, done: Promise.reject(new Error('the load generator is already running')) };
    const done = new Promise<GeneratorRunResult>((resolve, reject) => {
      this.active = { token, options, resolve, reject };
      this.command(command(token));
    });
    return { token, done };
  }

  /** Stops sending at once; answers in flight get a bounded wait, then the run resolves as cancelled. */
  cancel(): void {
    if (this.active) this.command({ type: 'cancel', token: this.active.token });
  }

  /** CPU time the generator's own threads have used, in ms (null where the platform does not say). */
  get cpuMs(): number | null {
    if (this.senderCpu === null && this.statsCpu === null) return null;
    return (this.senderCpu ?? 0) + (this.statsCpu ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = (w: Worker) => new Promise<void>((resolve) => w.once('exit', () => resolve()));
    const both = Promise.all([exited(this.sender), exited(this.stats)]);
    this.command({ type: 'close' });
    const timer = setTimeout(() => {
      void this.sender.terminate();
      void this.stats.terminate();
    }, 10_000);
    await both;
    clearTimeout(timer);
    this.active?.reject(new Error('the load generator was closed during a run'));
    this.active = undefined;
  }

  private command(command: GeneratorCommand): void {
    this.sender.postMessage(command);
  }

  private onSenderEvent(event: GeneratorEvent): void {
    if (event.type === 'run-failed' && this.active?.token === event.token) {
      const active = this.active;
      this.active = undefined;
      active.reject(new Error(event.message));
    }
  }

  private onStatsEvent(event: StatsEvent): void {
    const active = this.active;
    if (!active || active.token !== event.token) return;
    if (event.type === 'interval') {
      active.options.onInterval?.(event);
      return;
    }
    if (event.type === 'tick') {
      if (event.senderCpuMs !== null) this.senderCpu = event.senderCpuMs;
      if (event.statsCpuMs !== null) this.statsCpu = event.statsCpuMs;
      active.options.onTick?.(event.second);
      return;
    }
    if (event.senderCpuMs !== null) this.senderCpu = event.senderCpuMs;
    if (event.statsCpuMs !== null) this.statsCpu = event.statsCpuMs;
    this.active = undefined;
    active.resolve({ elapsedMs: event.elapsedMs, cancelled: event.cancelled });
  }
}
