// One model version being served: its session pool, scheduler (queue, admission, dynamic batching) and
// response cache, with the load-time decision whether batching is safe for it.
import type { ModelSignature, ProviderDecision, ProviderStatus } from '../../../src-shared/contract';
import { SessionPool } from '../runtime/sessionPool';
import type { WireTensor } from '../runtime/wireTensor';
import { batchAxis } from './batchAxis';
import { checkBatchEquivalence } from './batchEquivalence';
import type { InferRequest } from './inferRequest';
import { InferenceScheduler } from './inferenceScheduler';
import type { ServableVersion } from './modelSource';
import { ResponseCache } from './responseCache';
import { badRequest, unavailable } from './servingError';
import type { ServingTelemetry } from './servingTelemetry';

export type VersionState = 'loading' | 'ready' | 'failed' | 'unloading';

export interface BatchingDecision {
  active: boolean;
  /** Why batching is on or off, in words. */
  reason: string;
}

export interface VersionInferResult {
  outputs: WireTensor[];
  cacheHit: boolean;
  queueNs: number;
  inputNs: number;
  inferNs: number;
  outputNs: number;
}

const msToNs = (ms: number) => Math.round(ms * 1e6);

export class ServedVersion {
  state: VersionState = 'loading';
  failure: string | undefined;
  private pool: SessionPool | undefined;
  private scheduler: InferenceScheduler | undefined;
  private cache: ResponseCache | undefined;
  /** Requests inside infer(), for the pending-request gauge. */
  private pending = 0;
  batching: BatchingDecision = { active: false, reason: 'not loaded' };
  /** The model shares a dynamic first axis, so the config advertises max_batch_size (see batchAxis). */
  private batchable = false;

  constructor(
    readonly desc: ServableVersion,
    private readonly telemetry: ServingTelemetry,
  ) {
    telemetry.registerVersion(desc.model, String(desc.version));
  }

  get model(): string {
    return this.desc.model;
  }

  get version(): number {
    return this.desc.version;
  }

  /** The signature the session accepts once loaded (onnxruntime's), else the library's inspection. */
  get signature(): ModelSignature {
    return this.pool?.signature ?? this.desc.signature;
  }

  get provider(): ProviderDecision | undefined {
    return this.pool?.decision;
  }

  /** Requests inside infer() now: queued or executing. */
  get pendingRequests(): number {
    return this.pending;
  }

  get instances(): number {
    return this.pool?.instances ?? this.desc.settings.instances;
  }

  /** Loads the session pool and decides batching; on failure the version stays, in state 'failed'. */
  async load(providerStatuses?: readonly ProviderStatus[]): Promise<this> {
    const { settings } = this.desc;
    try {
      this.pool = await SessionPool.open({
        modelPath: this.desc.modelPath,
        instances: settings.instances,
        intraOpThreads: settings.intraOpThreads ?? undefined,
        provider: settings.provider,
        weightBytes: this.desc.weightBytes,
        providerStatuses,
        // This thread also parses and answers HTTP: polling for a reply would hold back requests that are
        // waiting to be read, which costs more throughput than the faster wake-up gains latency.
        replySpinMicros: 0,
        onRestart: (instance, reason) =>
          this.telemetry.record({
            kind: 'restart',
            model: this.model,
            version: String(this.version),
            instance,
            reason,
          }),
      });
      this.batchable = batchAxis(this.pool.signature).batchable;
      this.batching = await this.decideBatching(this.pool);
      this.scheduler = new InferenceScheduler({
        pool: this.pool,
        signature: this.pool.signature,
        batching: this.batching.active ? settings.dynamicBatching : null,
        maxQueueLength: settings.maxQueueLength,
        priorityLevels: settings.priorityLevels,
        defaultPriority: settings.defaultPriority,
        onExecution: (e) =>
          this.telemetry.record({
            kind: 'execution',
            model: this.model,
            version: String(this.version),
            batchSize: e.batchSize,
            inputNs: e.inputNs,
            inferNs: e.inferNs,
            outputNs: e.outputNs,
          }),
      });
      if (settings.cache.enabled) this.cache = new ResponseCache(settings.cache.maxBytes);
      this.state = 'ready';
    } catch (error) {
      this.state = 'failed';
      this.failure = error instanceof Error ? error.message : String(error);
      await this.pool?.close().catch(() => undefined);
      this.pool = undefined;
    }
    return this;
  }

  private async decideBatching(pool: SessionPool): Promise<BatchingDecision> {
    const { dynamicBatching } = this.desc.settings;
    if (!dynamicBatching.enabled) return { active: false, reason: 'off in the settings' };
    const axis = batchAxis(pool.signature);
    if (!axis.batchable) return { active: false, reason: `the model cannot batch: ${axis.reason}` };
    // The largest merge the scheduler may form is checked too: kernels are picked by shape, so a batch of 32 can
    // round differently from one of 8. The rows beyond the first few repeat (see checkBatchEquivalence), so this
    // costs about one full batch more than checking up to 8.
    const max = dynamicBatching.maxBatchSize;
    const sizes = [2, 3, 8, max].filter((n) => n <= max);
    if (sizes.length === 0) return { active: true, reason: 'max batch size 1' };
    const check = await checkBatchEquivalence(pool, pool.signature, { sizes });
    return check.identical
      ? { active: true, reason: check.detail }
      : { active: false, reason: `kept off: ${check.detail}` };
  }

  async infer(request: InferRequest, arrivalMs: number): Promise<VersionInferResult> {
    if (this.state === 'failed') throw new Error(`failed to load: ${this.failure}`);
    // Loading, or retired by a swap or unload: retried a moment later, the request finds the new version (or a 404).
    if (this.state !== 'ready' || !this.scheduler) {
      throw unavailable(`model '${this.model}' version ${this.version} is ${this.state}; retry the request`);
    }
    const { settings } = this.desc;
    // The config advertises max_batch_size to clients (perf_analyzer sizes batches by it); hold requests to it as Triton does.
    const rows = request.inputs[0]?.dims[0];
    if (this.batchable && rows !== undefined && rows > settings.dynamicBatching.maxBatchSize) {
      throw badRequest(
        `batch of ${rows} rows exceeds max_batch_size ${settings.dynamicBatching.maxBatchSize} of '${this.model}'; ` +
          'split the request or raise dynamicBatching.maxBatchSize',
      );
    }
    // Checked before the cache too, so a request that would be refused uncached is refused when cached.
    this.scheduler.priorityOf(request.priority || undefined);
    const outputNames = request.outputs?.map((o) => o.name);
    const key = this.cache?.key(this.model, String(this.version), request.inputs, outputNames);
    if (key !== undefined) {
      const started = performance.now();
      const hit = this.cache!.get(key);
      const lookupNs = msToNs(performance.now() - started);
      this.telemetry.record({ kind: 'cache', model: this.model, version: String(this.version), hit: !!hit, lookupNs });
      if (hit) return { outputs: hit, cacheHit: true, queueNs: 0, inputNs: lookupNs, inferNs: 0, outputNs: 0 };
    }
    const timeouts = [settings.defaultTimeoutMicros, request.timeoutMicros ?? 0].filter((t) => t > 0);
    const deadline = timeouts.length > 0 ? arrivalMs + Math.min(...timeouts) / 1000 : undefined;
    this.updatePending(1);
    try {
      const result = await this.scheduler.submit({
        inputs: request.inputs,
        outputs: outputNames,
        deadline,
        priority: request.priority || undefined,
      });
      if (key !== undefined) this.cache!.set(key, result.outputs);
      return {
        outputs: result.outputs,
        cacheHit: false,
        queueNs: msToNs(result.queueMs),
        inputNs: msToNs(result.inputMs),
        inferNs: msToNs(result.inferMs),
        outputNs: msToNs(result.outputMs),
      };
    } finally {
      this.updatePending(-1);
    }
  }

  private updatePending(delta: number): void {
    this.pending += delta;
    this.telemetry.setPending(this.model, String(this.version), this.pending);
  }

  /** Fault drill: the version's first instance dies when its next request arrives. */
  crashOnNextRun(): void {
    if (!this.pool) throw new Error(`${this.model}:${this.version} is not loaded`);
    this.pool.crashOnNextRun(0);
  }

  /** Finishes queued and running requests, then stops the workers. */
  async unload(): Promise<void> {
    this.state = 'unloading';
    await this.scheduler?.drain();
    await this.pool?.close();
  }
}
