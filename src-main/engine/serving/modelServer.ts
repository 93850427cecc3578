// The set of model versions being served and the rules that pick one per request: default version, hot
// swap (new versions load before old ones drain), unload, and safe mode — a model's fallback answers, marked
// degraded, when its version failed to load, errored or timed out. A request that names no version goes where
// the model's route sends it (weights, sticky key, shadow copy; see traffic/).
import type { Fallback, ProviderStatus, TensorSignature } from '../../../src-shared/contract';
import { encodeFlatInput } from '../runtime/tensorCodec';
import type { WireTensor } from '../runtime/wireTensor';
import { failureOf } from '../traffic/failureOf';
import { ShadowRunner, type LiveAnswer, type ShadowRunnerOptions } from '../traffic/shadowRunner';
import { TrafficMonitor, type TrafficMonitorOptions } from '../traffic/trafficMonitor';
import { TrafficRouter } from '../traffic/trafficRouter';
import type { HeaderLookup, RouteDecision } from '../traffic/trafficTypes';
import type { InferRequest, InferResult } from './inferRequest';
import type { ModelSource } from './modelSource';
import type { ServedInputObserver } from './servedInputObserver';
import { ServedVersion, type VersionInferResult } from './servedVersion';
import { ServingError, notFound, unavailable } from './servingError';
import type { ServingTelemetry } from './servingTelemetry';

export interface RepositoryIndexEntry {
  name: string;
  version: string;
  state: 'READY' | 'LOADING' | 'UNAVAILABLE' | 'UNLOADING';
  reason: string;
}

export interface ServedInference {
  result: InferResult;
  /** The version whose timings these are (the fallback's, when it answered). */
  answeredBy: ServedVersion | undefined;
  timings: Omit<VersionInferResult, 'outputs'>;
  /** The route's decision, when the request named no version and its model has a route. */
  route: RouteDecision | null;
}

/** Where one request goes, decided once so a weight change never moves a request in flight. */
export interface RoutedTarget {
  target: ServedVersion;
  route: RouteDecision | null;
  /** The request named its version. */
  pinned: boolean;
}

/** Health lists a version as degraded while safe mode answered for it within this window. */
export const DEGRADED_WINDOW_MS = 60_000;

/** The latest run of safe-mode answers for one served version. */
interface FallbackRecord {
  reason: string;
  /** On the traffic monitor's clock (ms). */
  lastAtMs: number;
  /** Answers since safe mode last went a whole window without answering. */
  count: number;
}

export interface ModelTrafficOptions {
  /** Seeds the router's PRNG (weighted and shadow draws). */
  seed?: number;
  monitor?: Omit<TrafficMonitorOptions, 'routeOf'>;
  shadow?: ShadowRunnerOptions;
}

export class ModelServer {
  private readonly served = new Map<string, ServedVersion[]>();
  /** Read at load, so the request path never goes back to the source. */
  private readonly fallbacks = new Map<string, Fallback>();
  private readonly unloading = new Set<Promise<void>>();
  /** Per served version object, so a reload starts clean. */
  private readonly fallbackAnswers = new WeakMap<ServedVersion, FallbackRecord>();
  /** Weights, sticky keys and shadow per model; set by the rollout controller or the user. */
  readonly router: TrafficRouter;
  /** Per-version traffic windows (live and shadow) the rollout gates read. */
  readonly monitor: TrafficMonitor;
  readonly shadow: ShadowRunner;

  constructor(
    private readonly source: ModelSource,
    readonly telemetry: ServingTelemetry,
    private readonly options: {
      providerStatuses?: readonly ProviderStatus[];
      inputObserver?: ServedInputObserver;
      traffic?: ModelTrafficOptions;
    } = {},
  ) {
    this.router = new TrafficRouter(
      (model) => {
        const versions = this.served.get(key(model));
        if (!versions) return undefined;
        const list = versions.map((v) => ({ version: v.version, state: v.state, failure: v.failure }));
        return { model: versions[0]!.model, versions: list };
      },
      { seed: options.traffic?.seed },
    );
    this.monitor = new TrafficMonitor({ ...options.traffic?.monitor, routeOf: (model) => this.router.route(model) });
    this.shadow = new ShadowRunner(this.monitor, options.traffic?.shadow);
  }

  /** Loads (or reloads) a model's versions; requests keep going to the old ones until the new ones are in. */
  async load(model: string, versions?: number[]): Promise<ServedVersion[]> {
    const descs = this.source.resolve(model, versions);
    const name = descs[0]!.model;
    const loaded = await Promise.all(
      descs.map((d) => new ServedVersion(d, this.telemetry).load(this.options.providerStatuses)),
    );
    const previous = this.served.get(key(name)) ?? [];
    this.fallbacks.set(key(name), this.source.fallback(name));
    this.served.set(key(name), loaded);
    this.router.reconcile(name);
    for (const old of previous) {
      if (!loaded.some((v) => v.version === old.version)) this.telemetry.removeVersion(old.model, String(old.version));
      this.retire(old);
    }
    return loaded;
  }

  /** Reloads the versions of a model served now (its fallback-only version comes back with them), or its
   * default set when none are: `load` on the repository endpoint must not switch a pinned model to production. */
  async reload(model: string): Promise<ServedVersion[]> {
    const served = this.versionsOf(model)
      .filter((v) => !v.desc.fallbackOnly)
      .map((v) => v.version);
    return this.load(model, served.length > 0 ? served : undefined);
  }

  /** Stops serving a model; requests already accepted finish first. */
  async unload(model: string): Promise<void> {
    const versions = this.served.get(key(model));
    if (!versions)
      throw notFound(`model '${model}' is not loaded; loaded models: ${this.names().join(', ') || '(none)'}`);
    this.served.delete(key(model));
    this.fallbacks.delete(key(model));
    this.router.clearRoute(model);
    this.monitor.forget(model);
    await Promise.all(
      versions.map((v) => {
        this.telemetry.removeVersion(v.model, String(v.version));
        return this.retire(v);
      }),
    );
  }

  private fallbackOf(model: string): Fallback {
    return this.fallbacks.get(key(model)) ?? { kind: 'none' };
  }

  names(): string[] {
    return [...this.served.values()].map((vs) => vs[0]!.model);
  }

  versionsOf(model: string): ServedVersion[] {
    return this.served.get(key(model)) ?? [];
  }

  all(): ServedVersion[] {
    return [...this.served.values()].flat();
  }

  /** A named version, or the model's default: its highest ready version (else its highest), never a version
   * loaded only to be the fallback. */
  target(model: string, version?: string): ServedVersion {
    const versions = this.served.get(key(model));
    if (!versions) {
      const known = this.names();
      throw notFound(`unknown model '${model}'; served models: ${known.length > 0 ? known.join(', ') : '(none)'}`);
    }
    if (version !== undefined) {
      const found = versions.find((v) => String(v.version) === version);
      if (!found) {
        const list = versions.map((v) => v.version).join(', ');
        throw notFound(
          `model '${versions[0]!.model}' has no version '${version}' being served; served versions: ${list}`,
        );
      }
      return found;
    }
    const candidates = versions.filter((v) => !v.desc.fallbackOnly);
    const byVersion = (candidates.length > 0 ? candidates : versions).sort((a, b) => b.version - a.version);
    return byVersion.find((v) => v.state === 'ready') ?? byVersion[0]!;
  }

  /** The version a request goes to: the one it names, else where the model's route sends it (by weights or the
   * sticky header read through `headers`), else the model's default. */
  choose(model: string, version?: string, headers?: HeaderLookup): RoutedTarget {
    if (version !== undefined) return { target: this.target(model, version), route: null, pinned: true };
    const route = this.router.decide(model, headers);
    if (!route) return { target: this.target(model), route: null, pinned: false };
    // The table names only loaded versions (reconciled on every load), so this finds it.
    return { target: this.target(model, String(route.version)), route, pinned: false };
  }

  /** `routed` while its version is still served; else chosen again, since a load or unload finished after it was
   * chosen (while the body arrived): an unnamed version goes to the model's current default or route, a named one
   * to the version of that number now served (404 when none is, or when the model is gone). */
  reroute(routed: RoutedTarget, model: string, version?: string, headers?: HeaderLookup): RoutedTarget {
    if (routed.target.state !== 'unloading' && this.versionsOf(model).includes(routed.target)) return routed;
    return this.choose(model, version, headers);
  }

  /** Answers a request on the chosen version (`routed`, else chosen here), records it in the traffic monitor,
   * and sends a copy to the route's shadow candidate, which the answer never waits for. */
  async infer(
    model: string,
    version: string | undefined,
    request: InferRequest,
    arrivalMs: number,
    options: { headers?: HeaderLookup; routed?: RoutedTarget } = {},
  ): Promise<ServedInference> {
    const { target, route, pinned } = options.routed ?? this.choose(model, version, options.headers);
    const candidate =
      route?.shadowVersion != null ? this.shadowCandidate(target.model, route.shadowVersion) : undefined;
    // The pool takes the input buffers; the shadow needs its own copy to run on.
    const shadowRequest = candidate ? copyInputs(request) : undefined;
    const answering = this.answer(target, request, arrivalMs);
    // Started after the live request is handed to its pool, so both run at once and the candidate's worker uses
    // the time the event loop waits for the live answer; the live answer is given to it when it is in.
    let liveAnswered: (live: LiveAnswer) => void = () => {};
    if (candidate && shadowRequest) {
      const live = new Promise<LiveAnswer>((resolve) => (liveAnswered = resolve));
      this.shadow.run(target.model, candidate, shadowRequest, live);
    }
    let served: ServedInference;
    try {
      served = { ...(await answering), route };
    } catch (error) {
      liveAnswered({ version: target.version, outputs: null, predictions: null, kind: null });
      const failure = failureOf(error);
      this.monitor.record(target.model, {
        version: target.version,
        role: 'live',
        atMs: this.monitor.now(),
        latencyMs: performance.now() - arrivalMs,
        ok: false,
        ...failure,
        pinned,
      });
      throw error;
    }
    let live: LiveAnswer = { version: target.version, outputs: null, predictions: null, kind: null };
    try {
      live = this.recordLive(target, served, arrivalMs, pinned);
    } finally {
      // Always handed over, so a shadow never waits forever (drain waits for every shadow).
      liveAnswered(live);
    }
    return served;
  }

  private shadowCandidate(model: string, version: number): ServedVersion | undefined {
    const candidate = this.versionsOf(model).find((v) => v.version === version);
    if (!candidate) {
      this.monitor.recordShadowDrop(model, version);
      return undefined;
    }
    return this.shadow.admit(model, candidate) ? candidate : undefined;
  }

  /** Records a live answer; safe mode answering counts as the chosen version's failure. */
  private recordLive(target: ServedVersion, served: ServedInference, arrivalMs: number, pinned: boolean): LiveAnswer {
    const base = { version: target.version, role: 'live' as const, atMs: this.monitor.now(), pinned };
    const latencyMs = performance.now() - arrivalMs;
    if (served.result.degraded) {
      this.monitor.record(target.model, { ...base, latencyMs, ok: false, reason: 'FALLBACK' });
      return { version: target.version, outputs: null, predictions: null, kind: null };
    }
    const reader = this.monitor.predictionReader(target.model, target.version, target.signature);
    const outputs = served.result.outputs;
    const predictions = reader.read(outputs);
    this.monitor.record(target.model, {
      ...base,
      latencyMs,
      ok: true,
      predictions: predictions ?? undefined,
      predictionKind: reader.kind,
    });
    return { version: target.version, outputs, predictions, kind: reader.kind };
  }

  private async answer(
    target: ServedVersion,
    request: InferRequest,
    arrivalMs: number,
  ): Promise<Omit<ServedInference, 'route'>> {
    const fallback = this.fallbackOf(target.model);
    // The pool takes the input buffers; a fallback version needs its own copy to run on.
    const spare = fallback.kind === 'version' && fallback.version !== target.version ? copyInputs(request) : undefined;
    this.observe(target, request);
    try {
      const answer = await this.run(target, request, arrivalMs);
      return { result: this.result(target, request, answer.outputs), answeredBy: target, timings: answer };
    } catch (error) {
      const reason = failureReason(target, error);
      if (!reason || fallback.kind === 'none') throw asServingError(target, error);
      const answered = await this.fallback(target, fallback, spare ?? request, reason, error);
      this.noteFallback(target, answered.result.degraded?.reason ?? reason);
      return answered;
    }
  }

  /** Shows the inputs to the observer (live drift) while they are still readable here; its failures stay its own. */
  private observe(target: ServedVersion, request: InferRequest): void {
    const observer = this.options.inputObserver;
    if (!observer || target.state !== 'ready') return;
    try {
      observer.observe(target.model, target.version, request.inputs);
    } catch {
      // A monitor must never fail or slow a request; it reports its own state.
    }
  }

  private async run(target: ServedVersion, request: InferRequest, arrivalMs: number): Promise<VersionInferResult> {
    if (target.state === 'loading')
      throw unavailable(`model '${target.model}' version ${target.version} is still loading`);
    return target.infer(request, arrivalMs);
  }

  private noteFallback(target: ServedVersion, reason: string): void {
    const now = this.monitor.now();
    const last = this.fallbackAnswers.get(target);
    const ongoing = last && now - last.lastAtMs <= DEGRADED_WINDOW_MS;
    this.fallbackAnswers.set(target, { reason, lastAtMs: now, count: ongoing ? last.count + 1 : 1 });
  }

  private async fallback(
    target: ServedVersion,
    fallback: Exclude<Fallback, { kind: 'none' }>,
    request: InferRequest,
    reason: string,
    original: unknown,
  ): Promise<Omit<ServedInference, 'route'>> {
    if (fallback.kind === 'constant') {
      const outputs = constantOutputs(target, fallback, request);
      const result = {
        ...this.result(target, request, outputs),
        degraded: { reason: `${reason}; answered with the declared constant outputs` },
      };
      return {
        result,
        answeredBy: undefined,
        timings: { cacheHit: false, queueNs: 0, inputNs: 0, inferNs: 0, outputNs: 0 },
      };
    }
    const substitute = this.versionsOf(target.model).find((v) => v.version === fallback.version && v.state === 'ready');
    if (!substitute || substitute === target) throw asServingError(target, original);
    // The request's own deadline may be what just passed (a timeout): the substitute gets a fresh one from its own
    // default timeout, counted from now. The request's `timeout` was spent on the version it addressed.
    const answer = await substitute.infer({ ...request, timeoutMicros: undefined }, performance.now());
    const result = {
      ...this.result(substitute, request, answer.outputs),
      degraded: { reason: `${reason}; answered by version ${substitute.version}` },
    };
    return { result, answeredBy: substitute, timings: answer };
  }

  private result(version: ServedVersion, request: InferRequest, outputs: WireTensor[]): InferResult {
    const wanted = request.outputs?.map((o) => o.name) ?? version.signature.outputs.map((o) => o.name);
    const byName = new Map(outputs.map((o) => [o.name, o]));
    return {
      modelName: version.model,
      modelVersion: String(version.version),
      id: request.id,
      outputs: wanted.flatMap((name) => byName.get(name) ?? []),
    };
  }

  /** Ready when every served version is ready, or failed with a fallback that can answer. Degraded: a version
   * that failed to load, or one safe mode answered for (errors, timeouts) within the last DEGRADED_WINDOW_MS. */
  health(): { ready: boolean; degraded: { model: string; version: number; reason: string }[]; notReady: string[] } {
    const degraded: { model: string; version: number; reason: string }[] = [];
    const notReady: string[] = [];
    const now = this.monitor.now();
    for (const v of this.all()) {
      if (v.state === 'ready') {
        const recent = this.fallbackAnswers.get(v);
        if (recent && now - recent.lastAtMs <= DEGRADED_WINDOW_MS) {
          const requests = `${recent.count} request${recent.count === 1 ? '' : 's'}`;
          const ago = Math.max(0, Math.round((now - recent.lastAtMs) / 1000));
          degraded.push({
            model: v.model,
            version: v.version,
            reason: `fallback answered ${requests}, the latest ${ago} s ago: ${recent.reason}`,
          });
        }
        continue;
      }
      if (v.state === 'failed' && this.fallbackOf(v.model).kind !== 'none') {
        degraded.push({
          model: v.model,
          version: v.version,
          reason: `failed to load (${v.failure}); fallback answers`,
        });
      } else notReady.push(`${v.model}:${v.version} is ${v.state}${v.failure ? ` (${v.failure})` : ''}`);
    }
    return { ready: notReady.length === 0, degraded, notReady };
  }

  index(readyOnly: boolean): RepositoryIndexEntry[] {
    const entries: RepositoryIndexEntry[] = [];
    for (const { model, versions } of this.source.list()) {
      const served = this.served.get(key(model)) ?? [];
      for (const version of versions) {
        const v = served.find((s) => s.version === version);
        const state = !v
          ? 'UNAVAILABLE'
          : v.state === 'ready'
            ? 'READY'
            : v.state === 'loading'
              ? 'LOADING'
              : v.state === 'unloading'
                ? 'UNLOADING'
                : 'UNAVAILABLE';
        if (readyOnly && state !== 'READY') continue;
        entries.push({ name: model, version: String(version), state, reason: !v ? 'unloaded' : (v.failure ?? '') });
      }
    }
    return entries;
  }

  /** Finishes every accepted request and stops every worker. */
  async drain(): Promise<void> {
    const versions = this.all();
    this.served.clear();
    this.fallbacks.clear();
    await Promise.all([...versions.map((v) => this.retire(v)), ...this.unloading, this.shadow.settled()]);
  }

  private retire(version: ServedVersion): Promise<void> {
    const done = version.unload().finally(() => this.unloading.delete(done));
    this.unloading.add(done);
    return done;
  }
}

const key = (model: string) => model.toLowerCase();

/** Why safe mode should step in, or undefined when the caller's request itself was at fault or load was shed. */
function failureReason(target: ServedVersion, error: unknown): string | undefined {
  const where = `version ${target.version}`;
  if (target.state === 'failed') return `${where} failed to load (${target.failure})`;
  if (error instanceof ServingError) {
    if (error.status < 500) return undefined;
    if (error.options.timeout) return `${where} timed out (${error.message})`;
    if (error.status === 503) return undefined;
    return `${where} failed (${error.message})`;
  }
  return `${where} failed (${error instanceof Error ? error.message : String(error)})`;
}

function asServingError(target: ServedVersion, error: unknown): ServingError {
  if (error instanceof ServingError) {
    if (error.status !== 500) return error;
    const message = `model '${target.model}' version ${target.version} failed: ${error.message}`;
    return new ServingError(500, message, error.options);
  }
  if (target.state === 'failed') {
    return unavailable(`model '${target.model}' version ${target.version} failed to load: ${target.failure}`, 30);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ServingError(500, `model '${target.model}' version ${target.version} failed: ${message}`, {
    failure: 'BACKEND',
  });
}

function copyInputs(request: InferRequest): InferRequest {
  return {
    ...request,
    inputs: request.inputs.map((t) => ({ ...t, data: Array.isArray(t.data) ? [...t.data] : t.data.slice(0) })),
  };
}

/** The declared constant outputs, with their rows repeated to the request's batch size where the model batches. */
function constantOutputs(
  target: ServedVersion,
  fallback: Extract<Fallback, { kind: 'constant' }>,
  request: InferRequest,
): WireTensor[] {
  const rows = request.inputs[0]?.dims[0] ?? 1;
  return target.signature.outputs.flatMap((sig: TensorSignature) => {
    const declared = fallback.outputs[sig.name];
    if (!declared) return [];
    const batched = typeof sig.shape?.[0] !== 'number' && declared.shape[0] === 1 && rows > 1;
    const shape = batched ? [rows, ...declared.shape.slice(1)] : declared.shape;
    const data = batched ? Array.from({ length: rows }, () => declared.data).flat() : declared.data;
    return [encodeFlatInput(sig, data, shape)];
  });
}
