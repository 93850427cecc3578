// Load tests as a job: validates a config completely (shape, target, inputs, endpoint) before anything runs,
// stores the run, drives the generator in the background (a shape, or a capacity search window by window),
// stores every second with the server's queue/compute split and the engine's CPU and memory, and finishes
// with the summary. The CLI and the control plane both use it; live views follow onTick and onRun.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  LoadTestConfigSchema,
  MAX_SHAPE_SECONDS,
  type CapacityResult,
  type CapacitySearch,
  type LoadInputs,
  type LoadRun,
  type LoadRunDetail,
  type LoadSummary,
  type LoadTestConfig,
  type LoadTestConfigInput,
  type LoadTick,
  type RunComparison,
  type Shape,
} from '../../../src-shared/contract';
import { compileShape, ShapeError, type Schedule } from '../../../src-shared/loadtest/schedule';
import type { Engine } from '../engine';
import { startServing } from '../servingSession';
import type { StoredInterval } from '../store/loadTestRepository';
import { UserError } from '../userError';
import { capacitySearch, type LevelRunner, type WindowResult } from './analysis/capacitySearch';
import { compareRuns } from './analysis/compareRuns';
import { renderHtmlReport, toCsv, toJson } from './analysis/loadReport';
import { errorRate, runSpectrum, summarizeRun, SUCCESS_STATUSES } from './analysis/summarizeRun';
import { LoadGenerator, type GeneratorRunOptions, type GeneratorStream } from './loadGenerator';
import type { GeneratorInterval, GeneratorTarget } from './loadGeneratorProtocol';
import { modelPath, resolveTarget, type ResolvedTarget } from './loadTarget';
import { encodeRequests, prepareInputs } from './requestBodies';
import { ServerMetricsScraper, type ServerTimes } from './serverMetrics';

/** Outcomes without an answer from the target. */
const NO_ANSWER: readonly string[] = ['timeout', 'connection', 'cancelled'];

/** A local endpoint serving the model for a run; released when the run ends. */
export interface LocalEndpoint {
  /** Base URL of the data plane, e.g. http://127.0.0.1:8000. */
  url: string;
  /** Sent with every request (e.g. an API key the endpoint requires). */
  headers?: Record<string, string>;
  release(): Promise<void>;
}

export interface LoadTestServiceOptions {
  /** Each second of a running test as it is measured (a second may come again with late answers: replace it). */
  onTick?: (tick: LoadTick) => void;
  /** A run on every state change: when it starts ('running') and when it ends. */
  onRun?: (run: LoadRun) => void;
  /**
   * The endpoint for an `endpoint` target. Default: a temporary endpoint for just that version on a free
   * loopback port, stopped after the run. The control plane passes one that reuses its running endpoint.
   */
  localEndpoint?: (ref: { model: string; version: number }) => Promise<LocalEndpoint>;
}

export type LoadReportFormat = 'html' | 'json' | 'csv';

export interface LoadReportFile {
  body: string;
  contentType: string;
  fileName: string;
}

interface ActiveRun {
  cancel(): void;
  done: Promise<LoadRun>;
}

/** Everything start() settled before the run was stored. */
interface PreparedRun {
  config: LoadTestConfig;
  schedule: Schedule | undefined;
  target: ResolvedTarget;
  generatorTarget: GeneratorTarget;
  connections: number;
  endpoint: LocalEndpoint | undefined;
  scraper: ServerMetricsScraper | undefined;
}

export class LoadTestService {
  private readonly active = new Map<string, ActiveRun>();

  constructor(
    private readonly engine: Engine,
    private readonly options: LoadTestServiceOptions = {},
  ) {}

  /**
   * Checks the whole config — shape, target, inputs — and readies the target (a local endpoint is started),
   * so every bad input is refused here with a UserError; then stores the run as running and returns it while
   * the run goes on in the background. Follow it with onTick/onRun, or wait().
   */
  async start(input: LoadTestConfigInput): Promise<LoadRun> {
    const prepared = await this.prepare(input);
    const run: LoadRun = {
      id: newRunId(),
      name: prepared.config.name?.trim() || defaultName(prepared.config, prepared.target),
      createdAt: new Date().toISOString(),
      state: 'running',
      config: prepared.config,
      targetLabel: prepared.endpoint ? `${prepared.target.label} at ${prepared.endpoint.url}` : prepared.target.label,
    };
    try {
      this.engine.loadTestRuns.insertRun(run);
    } catch (error) {
      await prepared.endpoint?.release();
      throw error;
    }
    const execution = new RunExecution(this.engine, run, prepared, this.options);
    const done = execution.execute().finally(() => this.active.delete(run.id));
    this.active.set(run.id, { cancel: () => execution.cancel(), done });
    this.options.onRun?.(run);
    return run;
  }

  /** Stops a running test: nothing more is sent, answers in flight get a short wait; what was measured stays. */
  cancel(id: string): LoadRun {
    const run = this.get(id);
    this.active.get(id)?.cancel();
    return run;
  }

  /** Resolves when the run has ended (at once for one that already has). */
  async wait(id: string): Promise<LoadRun> {
    const active = this.active.get(id);
    return active ? active.done : this.get(id);
  }

  /** Stored runs, newest first. */
  list(): LoadRun[] {
    return this.engine.loadTestRuns.runs();
  }

  get(id: string): LoadRun {
    const run = this.engine.loadTestRuns.run(id);
    if (!run) throw new UserError('not-found', `no load test run '${id}'; list runs with \`slipway loadtest runs\``);
    return run;
  }

  detail(id: string): LoadRunDetail {
    const run = this.get(id);
    const stored = this.engine.loadTestRuns.intervals(id);
    return { ...run, intervals: stored.map((s) => s.interval), spectrum: runSpectrum(stored) };
  }

  report(id: string, format: LoadReportFormat): LoadReportFile {
    const detail = this.detail(id);
    const fileName = `slipway-loadtest-${id}.${format}`;
    switch (format) {
      case 'html':
        return { body: renderHtmlReport(detail), contentType: 'text/html; charset=utf-8', fileName };
      case 'csv':
        return { body: toCsv(detail), contentType: 'text/csv; charset=utf-8', fileName };
      case 'json':
        return { body: toJson(detail), contentType: 'application/json; charset=utf-8', fileName };
      default:
        throw new UserError('bad-input', `unknown report format '${String(format)}': expected html, csv or json`);
    }
  }

  /** The runs against the first: p99 ratios with bootstrap intervals, throughput and error deltas, verdicts. */
  compare(ids: string[]): RunComparison {
    const runs = ids.map((id) => ({ run: this.get(id), intervals: this.engine.loadTestRuns.intervals(id) }));
    return compareRuns(runs);
  }

  /** Deletes a run and its figures (a running one is cancelled first). */
  async remove(id: string): Promise<void> {
    this.get(id);
    const active = this.active.get(id);
    if (active) {
      active.cancel();
      await active.done;
    }
    this.engine.loadTestRuns.deleteRun(id);
  }

  /** Cancels every running test and waits for them to end (before the engine closes). */
  async close(): Promise<void> {
    const running = [...this.active.values()];
    for (const r of running) r.cancel();
    await Promise.all(running.map((r) => r.done));
  }

  // -------------------------------------------------------------------------------------------------------

  private async prepare(input: LoadTestConfigInput): Promise<PreparedRun> {
    const parsed = LoadTestConfigSchema.safeParse(input);
    if (!parsed.success) throw new UserError('bad-input', describeConfigIssue(parsed.error.issues[0]!, input));
    const config: LoadTestConfig = { ...parsed.data, inputs: this.resolveReplayPath(parsed.data.inputs) };
    if (!config.shape && !config.capacity) {
      throw new UserError(
        'bad-input',
        'a load test needs a shape (the traffic to send) or a capacity search (which steps the rate up itself)',
      );
    }
    if (config.shape && config.capacity) {
      throw new UserError('bad-input', 'give a shape or a capacity search, not both: the search builds its own steps');
    }
    if (config.capacity && config.capacity.startRate > config.capacity.maxRate) {
      throw new UserError(
        'bad-input',
        `capacity search: the start rate ${config.capacity.startRate} is above the max rate ${config.capacity.maxRate}`,
      );
    }
    let schedule: Schedule | undefined;
    try {
      schedule = config.shape ? compileShape(config.shape) : undefined;
    } catch (error) {
      if (error instanceof ShapeError) throw new UserError('bad-input', error.message);
      throw error;
    }

    const target = await resolveTarget(this.engine, config.target);
    const inputs = prepareInputs(target.signature, config.inputs);
    const connections = Math.max(config.connections, maxConcurrency(config.shape));
    if (target.kind === 'runtime') {
      const settings = this.engine.servingConfig.effective(target.version).settings;
      return {
        config,
        schedule,
        target,
        connections,
        endpoint: undefined,
        scraper: undefined,
        generatorTarget: {
          kind: 'runtime',
          pool: {
            modelPath: this.engine.library.filePath(target.version),
            instances: settings.instances,
            intraOpThreads: settings.intraOpThreads ?? undefined,
            provider: settings.provider,
            weightBytes: target.version.inspection.parameterBytes,
          },
          inputs: inputs.sets,
        },
      };
    }

    const requests = encodeRequests(inputs.sets, config.protocol);
    let endpoint: LocalEndpoint | undefined;
    let baseUrl: string;
    let headers: Record<string, string>;
    let name: string;
    let version: string | undefined;
    if (target.kind === 'endpoint') {
      const ref = { model: target.version.model, version: target.version.version };
      endpoint = await (this.options.localEndpoint ?? ((r) => temporaryEndpoint(this.engine, r)))(ref);
      baseUrl = endpoint.url.replace(/\/+$/, '');
      headers = endpoint.headers ?? {};
      name = ref.model;
      version = String(ref.version);
    } else {
      baseUrl = target.baseUrl;
      headers = target.headers;
      name = target.modelName;
      version = target.modelVersion;
    }
    const origin = new URL(baseUrl).origin;
    const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
    return {
      config,
      schedule,
      target,
      connections,
      endpoint,
      scraper: new ServerMetricsScraper(`${origin}${prefix}/metrics`, name, version, headers),
      generatorTarget: {
        kind: 'http',
        origin,
        path: `${modelPath(baseUrl, name, version)}/infer`,
        headers,
        requests,
      },
    };
  }

  /** A relative replay file is looked up in the working folder, then among the sample files the app ships. */
  private resolveReplayPath(inputs: LoadInputs): LoadInputs {
    if (inputs.kind !== 'replay' || isAbsolute(inputs.file)) return inputs;
    const here = resolve(inputs.file);
    if (existsSync(here) || !this.engine.resourcesDir) return { ...inputs, file: here };
    const sample = join(this.engine.resourcesDir, 'data', inputs.file);
    return { ...inputs, file: existsSync(sample) ? sample : here };
  }
}

// ---------------------------------------------------------------------------------------------------------
// One run in the background

class RunExecution {
  private cancelled = false;
  private readonly abort = new AbortController();
  private generator: LoadGenerator | undefined;
  private startedAt = 0;
  private cancelledAt: number | undefined;
  private readonly recorder: IntervalRecorder;

  constructor(
    private readonly engine: Engine,
    private readonly run: LoadRun,
    private readonly prepared: PreparedRun,
    private readonly options: LoadTestServiceOptions,
  ) {
    const durationSeconds = prepared.schedule ? prepared.schedule.durationMs / 1000 : null;
    this.recorder = new IntervalRecorder(engine, run.id, durationSeconds, prepared, options.onTick, () =>
      this.generator ? this.generator.cpuMs : null,
    );
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelledAt = performance.now();
    this.abort.abort();
    this.generator?.cancel();
  }

  async execute(): Promise<LoadRun> {
    const repo = this.engine.loadTestRuns;
    let state: LoadRun['state'] = 'succeeded';
    let error: string | undefined;
    let summary: LoadSummary | undefined;
    let durationSeconds = 0;
    try {
      this.generator = await LoadGenerator.start({
        target: this.prepared.generatorTarget,
        connections: this.prepared.connections,
        timeoutMs: this.prepared.config.timeoutMs,
      });
      await this.prepared.scraper?.sample(); // the baseline the first second's deltas start from
      this.startedAt = performance.now();
      this.recorder.start(this.startedAt);
      if (this.cancelled) {
        // Cancelled while the generator was starting: nothing was sent.
      } else if (this.prepared.config.capacity) {
        const result = await this.searchCapacity(this.prepared.config.capacity);
        await this.recorder.settled();
        durationSeconds = this.recorder.secondsUsed;
        summary = { ...summarizeRun(repo.intervals(this.run.id), durationSeconds), capacity: result };
      } else {
        const shape = this.prepared.config.shape!;
        await this.generator.run(shape, this.recorder.runOptions(0));
        await this.recorder.settled();
        durationSeconds = this.cancelledAt
          ? Math.min((this.cancelledAt - this.startedAt) / 1000, this.prepared.schedule!.durationMs / 1000)
          : this.prepared.schedule!.durationMs / 1000;
        summary = summarizeRun(repo.intervals(this.run.id), durationSeconds);
      }
      if (this.cancelled) state = 'cancelled';
    } catch (e) {
      state = 'failed';
      error = e instanceof Error ? e.message : String(e);
      try {
        await this.recorder.settled();
        const stored = repo.intervals(this.run.id);
        if (stored.length > 0) summary = summarizeRun(stored, Math.max(durationSeconds, this.recorder.secondsUsed));
      } catch {
        // The failure is what the run reports; a summary of what was measured is a bonus.
      }
    } finally {
      await this.generator?.close().catch(() => {});
      await this.prepared.endpoint?.release().catch(() => {});
    }
    repo.finishRun(this.run.id, state, summary, error);
    const finished = repo.run(this.run.id) ?? { ...this.run, state, summary, error };
    this.options.onRun?.(finished);
    return finished;
  }

  /**
   * The capacity search. Each level is one continuous stream of traffic at its rate, its windows measured on
   * whole seconds while the stream keeps going (a queue the level builds up is still there in its next
   * window, as in production). A new level starts from a drained target: the previous stream is cancelled
   * (what still waits for a connection is dropped, counted as cancelled) so a backlog never leaks into it.
   */
  private async searchCapacity(config: CapacitySearch): Promise<CapacityResult> {
    // A window's answers are awaited this long after it ends; what is still out by then is at least that slow.
    const maxWaitMs = Math.min(this.prepared.config.timeoutMs, Math.max(1_000, 4 * config.budgetMs));
    const watcher = new WindowWatcher(maxWaitMs);
    let stream: GeneratorStream | undefined;
    let rate = 0;
    const runner: LevelRunner = {
      runWindow: async (next: number, seconds: number): Promise<WindowResult> => {
        if (stream && next !== rate) {
          await stream.cancel().catch(() => {});
          stream = undefined;
        }
        let from = watcher.tickSecond;
        if (!stream) {
          const offset = this.recorder.secondsUsed;
          watcher.restart(offset);
          stream = this.generator!.stream(next, this.recorder.runOptions(offset, watcher));
          from = offset;
        }
        rate = next;
        const span = Math.max(1, Math.round(seconds));
        const measured = await watcher.window(from, from + span, stream.done);
        return windowResult(measured.intervals, span, measured.unresolved, maxWaitMs);
      },
    };
    try {
      return await capacitySearch(runner, config, this.abort.signal);
    } finally {
      await (stream as GeneratorStream | undefined)?.stop().catch(() => {});
    }
  }
}

/** The seconds of a capacity-search stream as they come, for measuring windows on them. */
class WindowWatcher {
  private readonly latest = new Map<number, GeneratorInterval>();
  private wake: (() => void) | undefined;
  /** The second in progress: seconds before it have ended. */
  tickSecond = 0;

  constructor(private readonly maxWaitMs: number) {}

  /** A new stream starts at `second` of the run's timeline. */
  restart(second: number): void {
    this.latest.clear();
    this.tickSecond = second;
  }

  onInterval(iv: GeneratorInterval): void {
    this.latest.set(iv.stored.interval.second, iv);
    this.wake?.();
  }

  onTick(second: number): void {
    this.tickSecond = second;
    this.wake?.();
  }

  /**
   * The seconds [from, to) once they have ended and every answer in them is in, or `maxWaitMs` after they
   * ended (an overloaded target would otherwise make every window wait for its timeouts), or when the stream
   * ends. `unresolved` counts the requests of the window with no outcome yet.
   */
  async window(
    from: number,
    to: number,
    ended: Promise<unknown>,
  ): Promise<{ intervals: StoredInterval[]; unresolved: number }> {
    let over = false;
    void ended.then(
      () => (over = true),
      () => (over = true),
    );
    let endedAt: number | undefined;
    const ready = () => {
      if (this.tickSecond < to) return false;
      endedAt ??= performance.now();
      if (performance.now() - endedAt >= this.maxWaitMs) return true;
      for (let s = from; s < to; s++) if (!this.latest.get(s)?.final) return false;
      return true;
    };
    while (!ready() && !over) {
      await new Promise<void>((resolve) => {
        const timer =
          endedAt === undefined ? undefined : setTimeout(resolve, this.maxWaitMs - (performance.now() - endedAt));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        void ended.then(this.wake, this.wake);
      });
      this.wake = undefined;
    }
    const intervals: StoredInterval[] = [];
    let unresolved = 0;
    for (let s = from; s < to; s++) {
      const iv = this.latest.get(s);
      if (!iv) continue;
      intervals.push(iv.stored);
      const outcomes = Object.values(iv.stored.interval.statuses).reduce((a, b) => a + b, 0);
      unresolved += Math.max(0, iv.stored.interval.offered - outcomes);
    }
    for (const s of [...this.latest.keys()]) if (s < to) this.latest.delete(s);
    return { intervals, unresolved };
  }
}

/**
 * A window's figures for the capacity search. Achieved counts the successful answers that arrived during the
 * window's seconds (whenever they were sent); latency and errors are those of the requests intended in the
 * window, where requests still unanswered after `waitedMs` count as at least that slow.
 */
function windowResult(window: StoredInterval[], seconds: number, unresolved: number, waitedMs: number): WindowResult {
  const summary = summarizeRun(window, seconds);
  // `completed` counts every answer that arrived; the successful share of answers (timeouts and dropped
  // connections are no answers) turns it into throughput.
  const arrived = window.reduce((n, s) => n + s.interval.completed, 0);
  let answers = 0;
  let successes = 0;
  for (const [status, n] of Object.entries(summary.statuses)) {
    if (NO_ANSWER.includes(status)) continue;
    answers += n;
    if (SUCCESS_STATUSES.includes(status)) successes += n;
  }
  const errors = errorRate(summary.statuses);
  const offered = window.reduce((n, s) => n + s.interval.offered, 0);
  const atLeast = (percentile: number, measured: number | null): number | null =>
    offered > 0 && unresolved / offered > 1 - percentile / 100 ? Math.max(measured ?? 0, waitedMs) : measured;
  return {
    offeredRate: summary.offeredRate,
    // With no outcome known yet for the window's own requests, the answers arriving count as they are.
    achievedRate: (answers === 0 ? arrived : (arrived * successes) / answers) / seconds,
    p50Ms: atLeast(50, summary.corrected.p50),
    p99Ms: atLeast(99, summary.corrected.p99),
    errorRate: errors,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Storing seconds

interface EngineFigures {
  cpuPercent: number;
  rssBytes: number;
}

/**
 * Stores each second as the generator reports it, with the server's queue/compute times scraped when that
 * second ended and the engine's CPU and memory, and tells live views. A second is written again when late
 * answers or its figures arrive after it; writes happen in order on one chain.
 */
class IntervalRecorder {
  private chain: Promise<void> = Promise.resolve();
  /** Seconds not settled yet: their latest figures from the generator, and whether those were final. */
  private readonly latest = new Map<number, GeneratorInterval>();
  private readonly figures = new Map<number, { server?: ServerTimes; engine?: EngineFigures; ready: boolean }>();
  private readonly scrapes = new Set<Promise<void>>();
  private startedAt = 0;
  private lastCpu: { at: number; usage: NodeJS.CpuUsage; generatorMs: number | null } | undefined;
  /** Seconds of the run's timeline used so far (capacity windows follow each other on it). */
  secondsUsed = 0;

  constructor(
    private readonly engine: Engine,
    private readonly runId: string,
    private readonly durationSeconds: number | null,
    private readonly prepared: PreparedRun,
    private readonly onTick: LoadTestServiceOptions['onTick'],
    private readonly generatorCpuMs: () => number | null,
  ) {}

  start(at: number): void {
    this.startedAt = at;
    this.lastCpu = { at, usage: process.cpuUsage(), generatorMs: this.generatorCpuMs() };
  }

  advanceTo(second: number): void {
    this.secondsUsed = Math.max(this.secondsUsed, second);
  }

  runOptions(offset: number, also?: Pick<WindowWatcher, 'onInterval' | 'onTick'>): GeneratorRunOptions {
    return {
      secondOffset: offset,
      onInterval: (iv) => {
        const second = iv.stored.interval.second;
        this.advanceTo(second + 1);
        this.latest.set(second, iv);
        this.write(second);
        also?.onInterval(iv);
      },
      onTick: (second) => {
        this.secondEnded(second - 1);
        also?.onTick(second);
      },
    };
  }

  /** Resolves once every second reported so far is stored with its figures. */
  async settled(): Promise<void> {
    while (this.scrapes.size > 0) await Promise.all(this.scrapes);
    await this.chain;
  }

  private secondEnded(second: number): void {
    const engine = this.prepared.target.kind === 'url' ? undefined : this.sampleEngine();
    const scraper = this.prepared.scraper;
    const entry: { server?: ServerTimes; engine?: EngineFigures; ready: boolean } = { engine, ready: !scraper };
    this.figures.set(second, entry);
    if (!scraper) {
      if (this.latest.has(second)) this.write(second);
      return;
    }
    const scrape = scraper
      .sample()
      .then((server) => {
        if (server) entry.server = server;
      })
      .catch(() => {})
      .finally(() => {
        entry.ready = true;
        this.scrapes.delete(scrape);
        if (this.latest.has(second)) this.write(second);
      });
    this.scrapes.add(scrape);
  }

  /** The engine process's CPU (all cores, less the generator's own threads) and resident memory. */
  private sampleEngine(): EngineFigures | undefined {
    const now = performance.now();
    const usage = process.cpuUsage();
    const generatorMs = this.generatorCpuMs();
    const last = this.lastCpu;
    this.lastCpu = { at: now, usage, generatorMs };
    if (!last || now - last.at < 100) return undefined;
    let cpuMs = (usage.user - last.usage.user + usage.system - last.usage.system) / 1000;
    if (generatorMs !== null && last.generatorMs !== null) cpuMs -= generatorMs - last.generatorMs;
    return {
      cpuPercent: Math.max(0, Math.round((1000 * cpuMs) / (now - last.at)) / 10),
      rssBytes: process.memoryUsage.rss(),
    };
  }

  /** Queues a write of the second as now known; it waits for a scrape of that second still under way. */
  private write(second: number): void {
    const figures = this.figures.get(second);
    if (figures && !figures.ready) return; // written when the scrape ends
    const iv = this.latest.get(second);
    if (!iv) return;
    const interval = { ...iv.stored.interval };
    if (figures?.server) interval.server = figures.server;
    if (figures?.engine) interval.engine = figures.engine;
    // Settled: final figures from the generator and the second's own figures in.
    if (iv.final && figures) {
      this.latest.delete(second);
      this.figures.delete(second);
    }
    const stored: StoredInterval = { ...iv.stored, interval };
    this.chain = this.chain
      .then(() => {
        this.engine.loadTestRuns.addInterval(this.runId, stored);
        if (!this.onTick) return;
        const elapsedSeconds = (performance.now() - this.startedAt) / 1000;
        this.onTick({
          runId: this.runId,
          elapsedSeconds,
          progress: this.durationSeconds ? Math.min(1, elapsedSeconds / this.durationSeconds) : null,
          interval,
        });
      })
      .catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** The default `endpoint` target: the version alone on a free loopback port, with a key only this run knows. */
export async function temporaryEndpoint(
  engine: Engine,
  ref: { model: string; version: number },
): Promise<LocalEndpoint> {
  const key = randomBytes(24).toString('base64url');
  const session = await startServing(engine, {
    host: '127.0.0.1',
    port: 0,
    models: [`${ref.model}:${ref.version}`],
    apiKeys: [key],
    allowedHosts: [],
    corsOrigins: [],
    log: () => {},
  });
  const failed = session.versions.find((v) => v.state !== 'ready');
  if (failed) {
    await session.stop();
    throw new UserError(
      'unavailable',
      `${ref.model}:${ref.version} could not be served for the load test: ${failed.failure ?? failed.state}`,
    );
  }
  return {
    url: session.url,
    // Keys are only checked when some exist; this one makes the endpoint accept the run's requests either way.
    headers: { authorization: `Bearer ${key}` },
    release: () => session.stop(),
  };
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `lt-${t}-${randomBytes(3).toString('hex')}`;
}

function maxConcurrency(shape: Shape | undefined): number {
  let max = 0;
  for (const s of shape?.segments ?? []) {
    if (s.kind === 'concurrency') for (const l of s.levels) max = Math.max(max, l.concurrency);
  }
  return max;
}

function defaultName(config: LoadTestConfig, target: ResolvedTarget): string {
  if (config.capacity) return `${target.label} · capacity at p99 ≤ ${config.capacity.budgetMs} ms`;
  const kinds = config.shape!.segments.map((s) => s.kind);
  return `${target.label} · ${kinds.length > 3 ? `${kinds.length} segments` : kinds.join(' + ')}`;
}

interface ConfigIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  maximum?: unknown;
}

/** A zod issue as one line: where in the config (a shape segment by number and kind) and what was expected. */
function describeConfigIssue(issue: ConfigIssue, input: LoadTestConfigInput): string {
  const path = issue.path.map(String);
  let where = path.join('.');
  if (path[0] === 'shape' && path[1] === 'segments' && path[2] !== undefined) {
    const index = Number(path[2]);
    const kind = (input.shape?.segments?.[index] as { kind?: unknown } | undefined)?.kind;
    where = `shape segment ${index + 1}${typeof kind === 'string' ? ` (${kind})` : ''}${path.length > 3 ? ` ${path.slice(3).join('.')}` : ''}`;
  }
  let message = issue.message;
  if (issue.code === 'too_big' && issue.maximum === MAX_SHAPE_SECONDS) {
    message = `at most ${MAX_SHAPE_SECONDS} s: the limit is a day (a longer shape is almost surely a unit mistake)`;
  }
  return `invalid load test: ${where ? `${where}: ` : ''}${message}`;
}
