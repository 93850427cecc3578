// The queue in front of one served version's session pool: admits or refuses each request at once, orders
// them by priority, drops those whose deadline passes while waiting, and merges compatible ones into dynamic
// batches with Triton's semantics (max batch size, preferred sizes, max queue delay).
import type { ModelSignature } from '../../../src-shared/contract/modelInspection';
import type { DynamicBatching } from '../../../src-shared/contract/servingSettings';
import type { SessionPool } from '../runtime/sessionPool';
import type { WireTensor } from '../runtime/wireTensor';
import { batchAxis } from './batchAxis';
import { batchKey, mergeInputs, rowsOf, splitOutputs } from './mergeBatch';
import { ServingError, badRequest, unavailable } from './servingError';

/** One session run, as Triton's statistics count it. */
export interface SchedulerExecution {
  /** Rows along the batch axis (1 for a model without one). */
  batchSize: number;
  /** Requests merged into this run. */
  requests: number;
  /** Merging inputs. */
  inputNs: number;
  /** pool.run(), hand-off to the worker included. */
  inferNs: number;
  /** Slicing outputs back per request. */
  outputNs: number;
}

export interface InferenceSchedulerOptions {
  pool: Pick<SessionPool, 'run' | 'instances'>;
  signature: ModelSignature;
  /**
   * null (or enabled: false): every request runs alone. Batching is also off for a model without a shared
   * dynamic first axis (see batchAxis); whether batched results are bit-identical is the caller's check
   * (checkBatchEquivalence) before it passes settings here.
   */
  batching: DynamicBatching | null;
  /** Requests waiting (not yet running) beyond which new ones are refused. */
  maxQueueLength: number;
  /** Levels 1 (highest) .. priorityLevels. */
  priorityLevels: number;
  defaultPriority: number;
  /**
   * Executions handed to each instance at once (default 2), so an instance has its next batch at hand when one
   * finishes: the hand-off back to this thread costs tens of µs, more than a small model computes. Requests
   * arriving meanwhile gather in the queue and form the batch after that.
   */
  executionsPerInstance?: number;
  /** Called once per execution, before its requests are answered; it must not throw. */
  onExecution?: (execution: SchedulerExecution) => void;
  /** Clock in ms that deadlines are given on (default performance.now). */
  now?: () => number;
}

export interface ScheduledRequest {
  /** Owned by the scheduler from here on: their buffers may be transferred to a worker. */
  inputs: WireTensor[];
  /** Outputs to compute; undefined: all. Only requests asking for the same outputs share a batch. */
  outputs?: string[];
  /**
   * Time on the now() clock by which the request should be answered: refused at admission when the expected
   * finish is later, dropped (503, `timeout` set) if it is still waiting in the queue when it comes.
   */
  deadline?: number;
  /** 1 is highest; undefined or 0: the default priority. */
  priority?: number;
}

export interface ScheduledResult {
  /** This request's own outputs (its rows of the batch), in fresh buffers it may transfer. */
  outputs: WireTensor[];
  /** Submit until its execution started. */
  queueMs: number;
  inputMs: number;
  inferMs: number;
  outputMs: number;
  /** session.run() inside the worker, part of inferMs. */
  computeMs: number;
  /** Rows of the execution it ran in (its own rows when it ran alone). */
  batchSize: number;
}

export interface SchedulerStats {
  queued: number;
  /** Requests in executions now running. */
  executing: number;
  executions: number;
  /** Smoothed duration of recent executions in ms; null before the first. */
  serviceMs: number | null;
}

interface Entry {
  inputs: WireTensor[];
  outputs: string[] | undefined;
  deadline: number | undefined;
  priority: number;
  enqueuedAt: number;
  /** Rows along the batch axis; 1 when the model has none. */
  rows: number;
  /** Requests with equal keys may share a batch; undefined: it always runs alone. */
  key: string | undefined;
  /** Left the queue (dispatched or dropped); removed from its level at the next compaction. */
  taken: boolean;
  resolve: (result: ScheduledResult) => void;
  reject: (error: ServingError) => void;
}

interface Wakeup {
  at: number;
  cancel: () => void;
}

/** Weight of the newest execution in the smoothed service time and requests per execution. */
const EWMA_WEIGHT = 0.2;
/** Retry-After never says more than this, so a stalled estimate cannot turn clients away for long. */
const MAX_RETRY_AFTER_S = 60;

const ms = (value: number) => (value >= 10 ? String(Math.round(value)) : value.toFixed(1));

export class InferenceScheduler {
  private readonly pool: Pick<SessionPool, 'run' | 'instances'>;
  private readonly batching: DynamicBatching | null;
  private readonly executionsPerInstance: number;
  private readonly preferred: ReadonlySet<number>;
  /** Whether requests have rows along a shared batch axis (batching or not, batchSize counts them). */
  private readonly batchable: boolean;
  private readonly maxQueueLength: number;
  private readonly defaultPriority: number;
  private readonly onExecution: ((execution: SchedulerExecution) => void) | undefined;
  private readonly now: () => number;
  /** One FIFO per priority level, index 0 = priority 1. */
  private levels: Entry[][];
  private queued = 0;
  private executions = 0;
  private executingRequests = 0;
  private serviceMs = Number.NaN;
  private requestsPerExecution = 1;
  private pumping = false;
  private dirtyLevels = new Set<number>();
  private batchWakeup: Wakeup | undefined;
  private deadlineWakeup: Wakeup | undefined;
  private draining: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(options: InferenceSchedulerOptions) {
    const { priorityLevels, defaultPriority, maxQueueLength } = options;
    if (!Number.isInteger(priorityLevels) || priorityLevels < 1) {
      throw new RangeError(`priorityLevels must be an integer of at least 1, got ${priorityLevels}`);
    }
    if (!Number.isInteger(defaultPriority) || defaultPriority < 1 || defaultPriority > priorityLevels) {
      throw new RangeError(`defaultPriority must be an integer from 1 to ${priorityLevels}, got ${defaultPriority}`);
    }
    if (!Number.isInteger(maxQueueLength) || maxQueueLength < 1) {
      throw new RangeError(`maxQueueLength must be an integer of at least 1, got ${maxQueueLength}`);
    }
    this.pool = options.pool;
    this.batchable = batchAxis(options.signature).batchable;
    this.batching = options.batching?.enabled && this.batchable ? options.batching : null;
    this.executionsPerInstance = Math.max(1, options.executionsPerInstance ?? 2);
    this.preferred = new Set(this.batching?.preferredBatchSizes ?? []);
    this.maxQueueLength = maxQueueLength;
    this.defaultPriority = defaultPriority;
    this.onExecution = options.onExecution;
    this.now = options.now ?? (() => performance.now());
    this.levels = Array.from({ length: priorityLevels }, () => []);
  }

  /**
   * Queues a request and resolves with its outputs. Never throws: a request refused at admission (invalid
   * priority: 400; unloading, queue full or a deadline it cannot meet: 503 with retryAfterSeconds) gets a
   * promise that is already rejected when submit returns, so the caller can answer at once.
   */
  submit(request: ScheduledRequest): Promise<ScheduledResult> {
    try {
      return this.admit(request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  stats(): SchedulerStats {
    return {
      queued: this.queued,
      executing: this.executingRequests,
      executions: this.executions,
      serviceMs: Number.isNaN(this.serviceMs) ? null : this.serviceMs,
    };
  }

  /** Stops taking requests (new ones get 503) and resolves once every queued and running one is answered. */
  drain(): Promise<void> {
    if (!this.draining) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.draining = { promise, resolve };
      // Nothing new will join a batch that is waiting to fill, so run it now.
      this.pump();
    }
    return this.draining.promise;
  }

  /** The level a request's priority stands for (undefined or 0: the default); 400 for one outside the levels. */
  priorityOf(requested: number | undefined): number {
    const priority = requested === undefined || requested === 0 ? this.defaultPriority : requested;
    if (!Number.isInteger(priority) || priority < 1 || priority > this.levels.length) {
      throw badRequest(
        `priority must be an integer from 1 (highest) to ${this.levels.length}, or 0 for the default; got ${String(requested)}`,
      );
    }
    return priority;
  }

  private admit(request: ScheduledRequest): Promise<ScheduledResult> {
    if (this.draining) throw unavailable('the model version is unloading; no new requests are taken');
    const priority = this.priorityOf(request.priority);
    if (this.queued >= this.maxQueueLength) {
      throw unavailable(`queue full (${this.queued} waiting, limit ${this.maxQueueLength})`, this.retryAfterSeconds());
    }
    const now = this.now();
    const { deadline } = request;
    if (deadline !== undefined) this.checkDeadline(deadline, priority, now);

    const rows = this.batchable ? rowsOf(request.inputs) : undefined;
    const key = this.batching && rows !== undefined ? batchKey(request.inputs, request.outputs) : undefined;
    return new Promise<ScheduledResult>((resolve, reject) => {
      const entry: Entry = {
        inputs: request.inputs,
        outputs: request.outputs,
        deadline,
        priority,
        enqueuedAt: now,
        rows: rows ?? 1,
        key,
        taken: false,
        resolve,
        reject,
      };
      this.levels[priority - 1]!.push(entry);
      this.queued++;
      if (deadline !== undefined) this.armDeadlineSweep(deadline);
      this.pump();
    });
  }

  /**
   * Refuses a request that would, by the smoothed service time, finish after its deadline: it waits for the
   * queued requests of its priority or higher (merged as recent executions merged them) spread over the
   * execution slots, then runs. Running executions are left out, so the estimate errs towards admitting;
   * one admitted too hopefully is still dropped when its deadline passes in the queue.
   */
  private checkDeadline(deadline: number, priority: number, now: number): void {
    if (deadline <= now) {
      throw unavailable(`cannot finish before its deadline: it passed ${ms(now - deadline)} ms before arrival`);
    }
    if (Number.isNaN(this.serviceMs)) return;
    let ahead = 0;
    for (let p = 0; p < priority; p++) ahead += this.levels[p]!.length;
    const executionsAhead = ahead / this.requestsPerExecution;
    const expectedMs = this.serviceMs * (1 + executionsAhead / this.maxExecutions());
    if (now + expectedMs > deadline) {
      throw unavailable(
        `cannot finish before its deadline: ${ms(deadline - now)} ms left, about ${ms(expectedMs)} ms needed ` +
          `(${ahead} requests ahead, ${ms(this.serviceMs)} ms per execution)`,
        this.retryAfterSeconds(),
      );
    }
  }

  /** Roughly when the queue will have room again: the time to run what waits now. */
  private retryAfterSeconds(): number {
    if (Number.isNaN(this.serviceMs)) return 1;
    const drainMs = (this.serviceMs * (this.queued / this.requestsPerExecution)) / this.maxExecutions();
    return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(drainMs / 1000)));
  }

  private maxExecutions(): number {
    return Math.max(1, this.pool.instances) * this.executionsPerInstance;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    let waitingForBatch = false;
    try {
      while (this.queued > 0 && this.executions < this.maxExecutions()) {
        const now = this.now();
        const head = this.head(now);
        if (!head) break;
        const batch = this.batching && head.key !== undefined ? this.formBatch(head, now) : [head];
        if (!batch) {
          waitingForBatch = true;
          break;
        }
        for (const entry of batch) this.remove(entry);
        this.compact();
        void this.execute(batch);
      }
      this.compact();
    } finally {
      this.pumping = false;
    }
    if (!waitingForBatch) this.cancel('batchWakeup');
    if (this.queued === 0) this.cancel('deadlineWakeup');
    this.checkDrained();
  }

  /** The first request in priority order, dropping those at the front whose deadline has passed. */
  private head(now: number): Entry | undefined {
    for (const level of this.levels) {
      for (const entry of level) {
        if (entry.taken) continue;
        if (!this.expired(entry, now)) return entry;
        this.drop(entry, now);
      }
    }
    return undefined;
  }

  /**
   * The batch to run now, starting at the head and taking compatible requests in queue order while they fit;
   * undefined when it should wait for more (a wake-up is then armed). Triton's rules: a full batch, or one
   * that reached a preferred size, goes at once; a smaller one waits until its oldest request has waited
   * maxQueueDelay. A request that does not fit ends the batch rather than being overtaken by later ones.
   */
  private formBatch(head: Entry, now: number): Entry[] | undefined {
    const batching = this.batching!;
    const max = batching.maxBatchSize;
    if (head.rows >= max) return [head];
    const batch = [head];
    let rows = head.rows;
    let full = false;
    scan: for (const level of this.levels) {
      for (const entry of level) {
        if (entry === head || entry.taken) continue;
        if (this.expired(entry, now)) {
          this.drop(entry, now);
          continue;
        }
        if (entry.key !== head.key) continue;
        if (rows + entry.rows > max) {
          full = true;
          break scan;
        }
        batch.push(entry);
        rows += entry.rows;
        if (rows === max) {
          full = true;
          break scan;
        }
      }
    }
    if (full || this.draining) return batch;
    if (this.preferred.size > 0) {
      let sum = 0;
      let best = 0;
      batch.forEach((entry, i) => {
        sum += entry.rows;
        if (this.preferred.has(sum)) best = i + 1;
      });
      if (best > 0) return batch.slice(0, best);
    }
    let wakeAt = Math.min(...batch.map((e) => e.enqueuedAt)) + batching.maxQueueDelayMicros / 1000;
    // Waiting to fill must not cost a request its deadline: stop waiting a service time (at least 1 ms) before it.
    const margin = Number.isNaN(this.serviceMs) ? 1 : Math.max(1, this.serviceMs);
    for (const entry of batch) if (entry.deadline !== undefined) wakeAt = Math.min(wakeAt, entry.deadline - margin);
    if (wakeAt <= now) return batch;
    this.schedule('batchWakeup', wakeAt, now, () => this.pump());
    return undefined;
  }

  private async execute(batch: Entry[]): Promise<void> {
    this.executions++;
    this.executingRequests += batch.length;
    const rows = batch.map((e) => e.rows);
    const start = this.now();
    try {
      const first = batch[0]!;
      // A lone request's buffers go to the pool as they are (the caller handed them over); merging makes new ones.
      const inputs = batch.length === 1 ? first.inputs : mergeInputs(batch.map((e) => e.inputs));
      for (const entry of batch) entry.inputs = [];
      const merged = this.now();
      const result = await this.pool.run(inputs, first.outputs);
      const ran = this.now();
      const outputs = batch.length === 1 ? [result.outputs] : splitOutputs(result.outputs, rows);
      const split = this.now();

      const elapsed = split - start;
      this.serviceMs = Number.isNaN(this.serviceMs)
        ? elapsed
        : (1 - EWMA_WEIGHT) * this.serviceMs + EWMA_WEIGHT * elapsed;
      this.requestsPerExecution = (1 - EWMA_WEIGHT) * this.requestsPerExecution + EWMA_WEIGHT * batch.length;
      const batchSize = this.batchable ? rows.reduce((a, b) => a + b, 0) : 1;
      this.report({
        batchSize,
        requests: batch.length,
        inputNs: Math.round((merged - start) * 1e6),
        inferNs: Math.round((ran - merged) * 1e6),
        outputNs: Math.round((split - ran) * 1e6),
      });
      batch.forEach((entry, i) =>
        entry.resolve({
          outputs: outputs[i]!,
          queueMs: start - entry.enqueuedAt,
          inputMs: merged - start,
          inferMs: ran - merged,
          outputMs: split - ran,
          computeMs: result.computeMs,
          batchSize,
        }),
      );
    } catch (error) {
      const failure =
        error instanceof ServingError
          ? error
          : new ServingError(500, `inference failed: ${error instanceof Error ? error.message : String(error)}`, {
              failure: 'BACKEND',
            });
      for (const entry of batch) entry.reject(failure);
    } finally {
      this.executions--;
      this.executingRequests -= batch.length;
      this.pump();
    }
  }

  private report(execution: SchedulerExecution): void {
    if (!this.onExecution) return;
    try {
      this.onExecution(execution);
    } catch (error) {
      // Statistics failing must not fail the requests they describe; say so without crashing the server.
      process.emitWarning(`onExecution threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private expired(entry: Entry, now: number): boolean {
    return entry.deadline !== undefined && now >= entry.deadline;
  }

  private drop(entry: Entry, now: number): void {
    this.remove(entry);
    entry.inputs = [];
    entry.reject(
      new ServingError(503, `deadline passed after ${ms(now - entry.enqueuedAt)} ms in the queue`, {
        retryAfterSeconds: 1,
        failure: 'REJECTED',
        timeout: true,
      }),
    );
  }

  private remove(entry: Entry): void {
    entry.taken = true;
    this.queued--;
    this.dirtyLevels.add(entry.priority - 1);
  }

  /** Removes taken entries from their levels: a prefix cut in the common case, a filter when batching skipped some. */
  private compact(): void {
    for (const index of this.dirtyLevels) {
      const level = this.levels[index]!;
      let front = 0;
      while (front < level.length && level[front]!.taken) front++;
      level.splice(0, front);
      if (level.some((e) => e.taken)) this.levels[index] = level.filter((e) => !e.taken);
    }
    this.dirtyLevels.clear();
  }

  /**
   * Drops queued requests whose deadline has passed even while no execution finishes to notice them (a slow
   * model holding every instance), so their callers hear at the deadline rather than when the pool frees up.
   */
  private armDeadlineSweep(deadline: number): void {
    if (this.deadlineWakeup && this.deadlineWakeup.at <= deadline) return;
    this.schedule('deadlineWakeup', deadline, this.now(), () => this.sweepDeadlines());
  }

  private sweepDeadlines(): void {
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const level of this.levels) {
      for (const entry of level) {
        if (entry.taken || entry.deadline === undefined) continue;
        if (this.expired(entry, now)) this.drop(entry, now);
        else next = Math.min(next, entry.deadline);
      }
    }
    this.compact();
    if (next !== Number.POSITIVE_INFINITY) this.schedule('deadlineWakeup', next, now, () => this.sweepDeadlines());
    this.pump();
  }

  /**
   * Runs `callback` at time `at`. Node's timers have 1 ms resolution, too coarse for sub-millisecond batch
   * delays, so the last millisecond is waited out with setImmediate, which still lets requests arrive.
   */
  private schedule(slot: 'batchWakeup' | 'deadlineWakeup', at: number, now: number, callback: () => void): void {
    if (this[slot]?.at === at) return;
    this.cancel(slot);
    const fire = () => {
      this[slot] = undefined;
      callback();
    };
    const wait = at - now;
    if (wait >= 1) {
      // Early by up to 1 ms (and at most ~24.8 days ahead, setTimeout's limit): the callback re-checks the time.
      const timer = setTimeout(fire, Math.min(Math.floor(wait), 2 ** 31 - 1));
      this[slot] = { at, cancel: () => clearTimeout(timer) };
    } else {
      const immediate = setImmediate(fire);
      this[slot] = { at, cancel: () => clearImmediate(immediate) };
    }
  }

  private cancel(slot: 'batchWakeup' | 'deadlineWakeup'): void {
    this[slot]?.cancel();
    this[slot] = undefined;
  }

  private checkDrained(): void {
    if (this.draining && this.queued === 0 && this.executions === 0) this.draining.resolve();
  }
}
