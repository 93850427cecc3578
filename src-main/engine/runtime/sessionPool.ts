// A pool of inference instances for one model version: N worker threads, each with its own InferenceSession
// and intra-op thread count. Requests go to the least busy instance; tensors move as transferred buffers.
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { ModelSignature, ProviderChoice, ProviderDecision, ProviderStatus } from '../../../src-shared/contract';
import { UserError } from '../userError';
import { probeProviders } from './providerProbe';
import { isGpuProvider, planProviders, AUTO_GPU_MIN_WEIGHT_BYTES, type ProviderPlan } from './providerPolicy';
import type { GraphOptimization, ProviderAttempt, RunReply, SessionWorkerConfig, WorkerEvent } from './sessionProtocol';
import { CONTROL_REPLY_SEQ, CONTROL_REQUEST_SEQ, CONTROL_SLOTS } from './sessionProtocol';
import { siblingScript, startSiblingWorker } from './siblingScript';
import { transferablesOf, type WireTensor } from './wireTensor';

export interface SessionPoolOptions {
  modelPath: string;
  /** Worker threads, each with its own session (default 1). */
  instances?: number;
  /** onnxruntime intra-op threads per instance (default: cores / instances, at least 1). */
  intraOpThreads?: number;
  provider?: ProviderChoice;
  /** Size of the model's weights, for the auto policy (default: the file size). */
  weightBytes?: number;
  /** Provider probe results to plan with; probed (once per process) when a GPU is in question. */
  providerStatuses?: readonly ProviderStatus[];
  graphOptimization?: GraphOptimization;
  warmup?: boolean;
  /** How long idle workers poll for the next request before sleeping, in µs (default 200; 0 saves CPU). */
  spinMicros?: number;
  /**
   * How long run() may poll for the reply of a lone request to a fast model before yielding, in µs (default
   * 100; 0 disables). A sleeping thread takes 30-60 µs to wake on a VM, more than a small model computes, so
   * when nothing else is in flight and recent round trips were shorter than this, polling answers sooner.
   */
  replySpinMicros?: number;
  /** Told when an instance's thread died and a replacement is starting (for telemetry and logs). */
  onRestart?: (instance: number, why: string) => void;
  /** Requests handed to one instance before others queue in the pool (default 4, so it never idles between them). */
  maxInFlightPerInstance?: number;
}

export interface PoolRunResult {
  outputs: WireTensor[];
  /** session.run() time inside the worker. */
  computeMs: number;
  /** Time from run() until the request was handed to an instance. */
  queueMs: number;
  instance: number;
}

export interface PoolStats {
  instances: number;
  inFlight: number;
  queued: number;
  completed: number;
  failed: number;
  restarts: number;
}

interface Pending {
  id: number;
  inputs: WireTensor[];
  outputs?: string[];
  enqueuedAt: number;
  dispatchedAt: number;
  resolve: (result: PoolRunResult) => void;
  reject: (error: Error) => void;
}

interface Instance {
  index: number;
  worker: Worker;
  port: MessagePort;
  control: Int32Array;
  inFlight: Map<number, Pending>;
  ready: boolean;
  /** True while a loop awaits this instance's replies (only while requests are in flight). */
  collecting: boolean;
}

type ReadyEvent = Extract<WorkerEvent, { type: 'ready' }>;
type FailedEvent = Extract<WorkerEvent, { type: 'failed' }>;

/** Hand-off cost of a request and its reply between two awake threads, measured at ~5-10 µs. */
const REPLY_TRANSIT_MS = 0.015;

export class SessionPool {
  private readonly live: (Instance | undefined)[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closing = false;
  private counts = { completed: 0, failed: 0, restarts: 0 };
  private drained: (() => void) | undefined;
  /** Smoothed session.run() time of recent requests, in ms (NaN until the first reply). It decides whether a
   * reply is worth polling for, and unlike the round trip it does not depend on whether we polled. */
  private computeMs = Number.NaN;

  private constructor(
    private readonly config: Omit<SessionWorkerConfig, 'control' | 'port' | 'providers'>,
    private readonly tuning: { maxInFlight: number; replySpinMs: number; onRestart?: SessionPoolOptions['onRestart'] },
    readonly signature: ModelSignature,
    readonly decision: ProviderDecision,
    readonly intraOpThreads: number,
    /** Session creation time of the first instance and its warm-up run. */
    readonly loadMs: number,
    readonly warmupMs: number | null,
    readonly warmupError: string | undefined,
    instances: (Instance | undefined)[],
  ) {
    this.live = instances;
    instances.forEach((instance) => instance && this.attach(instance));
  }

  static async open(options: SessionPoolOptions): Promise<SessionPool> {
    const instances = Math.max(1, Math.floor(options.instances ?? 1));
    const intraOpThreads = Math.max(1, Math.floor(options.intraOpThreads ?? availableParallelism() / instances));
    const choice = options.provider ?? 'auto';
    const weightBytes = options.weightBytes ?? statSync(options.modelPath).size;
    const plan = await makePlan(choice, weightBytes, options.providerStatuses);
    const config = {
      modelPath: options.modelPath,
      intraOpThreads,
      graphOptimization: options.graphOptimization ?? 'all',
      warmup: options.warmup ?? true,
      spinMicros: options.spinMicros ?? 200,
    };

    const first = await startInstance(0, config, plan.attempts);
    if (first.event.type === 'failed') throw providerFailure(choice, first.event.failedAttempts);
    const ready = first.event;
    const rest = await Promise.allSettled(
      Array.from({ length: instances - 1 }, (_, i) => startInstance(i + 1, config, [ready.provider])),
    );
    const started = [first.instance, ...rest.flatMap((r) => (r.status === 'fulfilled' ? [r.value.instance] : []))];
    const failure = rest.find((r) => r.status === 'rejected' || r.value.event.type === 'failed');
    if (failure) {
      await Promise.all(started.map((i) => i.worker.terminate()));
      const why =
        failure.status === 'rejected'
          ? String(failure.reason)
          : describeAttempts((failure.value.event as FailedEvent).failedAttempts);
      throw new Error(`could not start ${instances} instances of ${options.modelPath}: ${why}`);
    }
    const decision: ProviderDecision = { requested: choice, actual: ready.provider, reason: explain(plan, ready) };
    return new SessionPool(
      config,
      {
        maxInFlight: Math.max(1, options.maxInFlightPerInstance ?? 4),
        replySpinMs: Math.max(0, options.replySpinMicros ?? 100) / 1000,
        onRestart: options.onRestart,
      },
      ready.signature,
      decision,
      intraOpThreads,
      ready.loadMs,
      ready.warmupMs,
      ready.warmupError,
      started,
    );
  }

  get instances(): number {
    return this.live.length;
  }

  /** Runs one request. The input buffers are transferred to the worker: the caller must not reuse them. */
  run(inputs: WireTensor[], outputs?: string[]): Promise<PoolRunResult> {
    if (this.closing)
      return Promise.reject(new UserError('unavailable', 'the model is unloading; no new requests are taken'));
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        id: this.nextId++,
        inputs,
        outputs,
        enqueuedAt: performance.now(),
        dispatchedAt: 0,
        resolve,
        reject,
      };
      const instance = this.leastBusy();
      if (instance) this.dispatch(instance, pending);
      else this.queue.push(pending);
    });
  }

  /** Fault drill: instance `index` dies when its next request arrives (see CrashDrillRequest). */
  crashOnNextRun(index = 0): void {
    const instance = this.live[index];
    if (!instance) throw new Error(`no live instance ${index}`);
    instance.port.postMessage({ type: 'crash-on-next-run' });
    this.wake(instance);
  }

  stats(): PoolStats {
    return { instances: this.live.length, inFlight: this.inFlightCount(), queued: this.queue.length, ...this.counts };
  }

  private inFlightCount(): number {
    let n = 0;
    for (const instance of this.live) n += instance?.inFlight.size ?? 0;
    return n;
  }

  /** Finishes every accepted request, then stops the workers and releases their sessions. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.inFlightCount() + this.queue.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await Promise.all(
      this.live.map(async (instance) => {
        if (!instance) return;
        const exited = new Promise<void>((resolve) => instance.worker.once('exit', () => resolve()));
        instance.port.postMessage({ type: 'close' });
        this.wake(instance);
        const timeout = setTimeout(() => void instance.worker.terminate(), 5_000);
        await exited;
        clearTimeout(timeout);
        instance.port.close();
      }),
    );
  }

  private leastBusy(): Instance | undefined {
    let best: Instance | undefined;
    for (const instance of this.live) {
      if (!instance?.ready || instance.inFlight.size >= this.tuning.maxInFlight) continue;
      if (!best || instance.inFlight.size < best.inFlight.size) best = instance;
    }
    return best;
  }

  private dispatch(instance: Instance, pending: Pending): void {
    pending.dispatchedAt = performance.now();
    const { id, inputs, outputs } = pending;
    const lone = this.inFlightCount() === 0 && this.queue.length === 0;
    const repliesBefore = Atomics.load(instance.control, CONTROL_REPLY_SEQ);
    instance.inFlight.set(pending.id, pending);
    instance.port.postMessage({ type: 'run', id, inputs, outputs }, transferablesOf(inputs));
    pending.inputs = [];
    this.wake(instance);
    if (lone && this.computeMs + REPLY_TRANSIT_MS <= this.tuning.replySpinMs) this.pollReply(instance, repliesBefore);
    if (instance.inFlight.size > 0 && !instance.collecting) void this.collect(instance);
  }

  /** Polls briefly for the reply of a lone request to a fast model (see replySpinMicros). */
  private pollReply(instance: Instance, repliesBefore: number): void {
    const until = performance.now() + Math.min(this.tuning.replySpinMs, 2 * (this.computeMs + REPLY_TRANSIT_MS));
    while (Atomics.load(instance.control, CONTROL_REPLY_SEQ) === repliesBefore && performance.now() < until) {
      /* spin */
    }
    this.drain(instance);
  }

  private drain(instance: Instance): void {
    for (let m = receiveMessageOnPort(instance.port); m; m = receiveMessageOnPort(instance.port)) {
      this.settle(instance, m.message as RunReply);
    }
  }

  private wake(instance: Instance): void {
    Atomics.add(instance.control, CONTROL_REQUEST_SEQ, 1);
    Atomics.notify(instance.control, CONTROL_REQUEST_SEQ);
  }

  /** Drains an instance's replies while it has requests in flight. Atomics.waitAsync wakes this thread sooner
   * than a MessagePort 'message' event does, and the loop stops when idle so nothing polls a quiet pool. */
  private async collect(instance: Instance): Promise<void> {
    instance.collecting = true;
    try {
      while (instance.inFlight.size > 0 && this.live[instance.index] === instance) {
        const seen = Atomics.load(instance.control, CONTROL_REPLY_SEQ);
        this.drain(instance);
        if (instance.inFlight.size === 0) break;
        const wait = Atomics.waitAsync(instance.control, CONTROL_REPLY_SEQ, seen);
        if (wait.async) await wait.value;
      }
    } finally {
      instance.collecting = false;
    }
  }

  private attach(instance: Instance): void {
    instance.worker.on('error', (error) => this.lost(instance, error.message));
    instance.worker.on('exit', (code) => this.lost(instance, `exit code ${code}`));
  }

  private settle(instance: Instance, reply: RunReply): void {
    const pending = instance.inFlight.get(reply.id);
    if (!pending) return;
    instance.inFlight.delete(reply.id);
    if (reply.ok) {
      this.computeMs = Number.isNaN(this.computeMs) ? reply.computeMs : 0.8 * this.computeMs + 0.2 * reply.computeMs;
      this.counts.completed++;
      pending.resolve({
        outputs: reply.outputs,
        computeMs: reply.computeMs,
        queueMs: pending.dispatchedAt - pending.enqueuedAt,
        instance: instance.index,
      });
    } else {
      this.counts.failed++;
      pending.reject(new Error(reply.error));
    }
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const instance = this.leastBusy();
      if (!instance) break;
      this.dispatch(instance, this.queue.shift()!);
    }
    if (this.drained && this.inFlightCount() === 0 && this.queue.length === 0) {
      this.drained();
      this.drained = undefined;
    }
  }

  /** A worker died (native crash, out of memory): fail its requests, start a replacement unless closing. */
  private lost(instance: Instance, why: string): void {
    if (this.live[instance.index] !== instance) return;
    this.live[instance.index] = undefined;
    instance.port.close();
    Atomics.notify(instance.control, CONTROL_REPLY_SEQ); // releases its reply loop
    for (const pending of instance.inFlight.values()) {
      this.counts.failed++;
      pending.reject(new Error(`inference instance ${instance.index} stopped (${why})`));
    }
    instance.inFlight.clear();
    if (this.closing) {
      this.pump();
      return;
    }
    this.counts.restarts++;
    this.tuning.onRestart?.(instance.index, why);
    startInstance(instance.index, this.config, [this.decision.actual])
      .then(({ instance: replacement, event }) => {
        if (event.type !== 'ready' || this.closing) {
          void replacement.worker.terminate();
          return;
        }
        this.live[instance.index] = replacement;
        this.attach(replacement);
        this.pump();
      })
      .catch(() => this.pump());
  }
}

async function makePlan(
  choice: ProviderChoice,
  weightBytes: number,
  known: readonly ProviderStatus[] | undefined,
): Promise<ProviderPlan> {
  const gpuInQuestion = choice === 'auto' ? weightBytes >= AUTO_GPU_MIN_WEIGHT_BYTES : isGpuProvider(choice);
  const statuses = known ?? (gpuInQuestion ? await probeProviders() : []);
  if (choice !== 'auto') {
    const status = statuses.find((s) => s.name === choice);
    // Refuse with the probe's reason (which includes native loader messages) rather than try again.
    if (status && !status.available) {
      throw new UserError('unavailable', `${choice} cannot start here: ${status.reason}. Choose auto or cpu instead`);
    }
    if (known && !status) {
      const names = known.map((s) => s.name).join(', ');
      throw new UserError(
        'bad-input',
        `unknown execution provider '${choice}'; onnxruntime-node offers: ${names}, or auto`,
      );
    }
  }
  return planProviders(choice, weightBytes, statuses);
}

function explain(plan: ProviderPlan, ready: ReadyEvent): string {
  if (ready.failedAttempts.length === 0) return plan.reason;
  const failures = ready.failedAttempts.map((f) => `${f.provider} could not start (${f.error})`).join('; ');
  return `${plan.reason}; ${failures}, so it runs on ${ready.provider}`;
}

const describeAttempts = (attempts: ProviderAttempt[]) => attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');

function providerFailure(choice: ProviderChoice, attempts: ProviderAttempt[]): Error {
  const detail = describeAttempts(attempts);
  if (choice === 'auto') return new Error(`the model could not be loaded (${detail})`);
  return new UserError('unavailable', `could not start a session on ${choice}: ${detail}`);
}

async function startInstance(
  index: number,
  config: Omit<SessionWorkerConfig, 'control' | 'port' | 'providers'>,
  providers: string[],
): Promise<{ instance: Instance; event: ReadyEvent | FailedEvent }> {
  const script = siblingScript(import.meta.url, 'sessionWorker');
  const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const channel = new MessageChannel();
  const workerData: SessionWorkerConfig = { ...config, providers, control, port: channel.port2 };
  const worker = startSiblingWorker(script, { workerData, transferList: [channel.port2], name: `inference-${index}` });
  const instance: Instance = {
    index,
    worker,
    port: channel.port1,
    control: new Int32Array(control),
    inFlight: new Map(),
    ready: false,
    collecting: false,
  };
  const event = await new Promise<ReadyEvent | FailedEvent>((resolve, reject) => {
    const onMessage = (e: WorkerEvent) => {
      if (e.type !== 'ready' && e.type !== 'failed') return;
      cleanup();
      resolve(e);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`inference worker exited with code ${code} while loading`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  instance.ready = event.type === 'ready';
  if (!instance.ready) await worker.terminate();
  return { instance, event };
}
