// Per-version serving telemetry: Triton's statistics extension (`GET /v2/models[/{m}[/versions/{v}]]/stats`)
// and the Prometheus `/metrics` text with Triton's metric names, both fed from the same ServingEvents.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FailureReason } from './servingError';
import type { ServingEvent } from './servingEvent';

/** Triton's `$duration_stat`: how many times, and their cumulative nanoseconds. */
export interface DurationStat {
  count: number;
  ns: number;
}

export interface TritonInferenceStats {
  /** Successful requests, cache hits included; ns from arrival to response written. */
  success: DurationStat;
  fail: DurationStat;
  /** Successful requests (cache hits included) and their time in the scheduler's queue. */
  queue: DurationStat;
  /** Successful requests that ran the model (cache hits excluded), each with its execution's durations. */
  compute_input: DurationStat;
  compute_infer: DurationStat;
  compute_output: DurationStat;
  /** Response-cache lookups that hit, and the lookup time. */
  cache_hit: DurationStat;
  /** Response-cache lookups that missed, and the lookup (and insert) time. */
  cache_miss: DurationStat;
}

/** Executions of one batch size: count is the number of executions, ns their cumulative durations. */
export interface TritonBatchStat {
  batch_size: number;
  compute_input: DurationStat;
  compute_infer: DurationStat;
  compute_output: DurationStat;
}

export interface TritonModelStat {
  name: string;
  version: string;
  /** Milliseconds since the epoch of the last answered request or execution; 0 before any. */
  last_inference: number;
  /** Batch rows executed by the model (a request of batch 8 counts 8); cache hits excluded. */
  inference_count: number;
  /** Model executions (a dynamic batch of many requests counts 1); cache hits excluded. */
  execution_count: number;
  inference_stats: TritonInferenceStats;
  /** One entry per batch size executed, ascending. */
  batch_stats: TritonBatchStat[];
}

/** The body of Triton's statistics response. */
export interface TritonStatistics {
  model_stats: TritonModelStat[];
}

export interface StatisticsFilter {
  model?: string;
  version?: string;
}

/** Every failure reason, in the order Triton lists them; the Record makes a new FailureReason a type error here. */
const FAILURE_REASONS = Object.keys({
  OTHER: true,
  BACKEND: true,
  CANCELED: true,
  REJECTED: true,
} satisfies Record<FailureReason, true>) as FailureReason[];

/** 10 µs .. 10 s in 1-2.5-5 steps: local CPU models answer in tens of µs, queued GPU batches in seconds. */
const LATENCY_BUCKETS_SECONDS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  5, 10,
];
/** Powers of two up to the largest max batch size settings allow (4096). */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

const LABELS = ['model', 'version'] as const;
type Label = (typeof LABELS)[number];
type Labels = Record<Label, string>;

const duration = (): DurationStat => ({ count: 0, ns: 0 });

/** Durations come from different clocks; a negative or non-finite one counts as 0 rather than breaking counters. */
const cleanNs = (ns: number): number => (Number.isFinite(ns) && ns > 0 ? Math.round(ns) : 0);

function add(stat: DurationStat, ns: number): void {
  stat.count += 1;
  stat.ns += ns;
}

/** The µs counters are floor(ns / 1000) of the statistics' totals, so the two never drift apart. */
const micros = (stat: DurationStat): number => Math.floor(stat.ns / 1000);

/** Versions get cache metrics once they have looked something up, as in Triton. */
const usedCache = (e: VersionEntry): boolean => e.stats.cache_hit.count + e.stats.cache_miss.count > 0;

interface BatchTotals {
  input: DurationStat;
  infer: DurationStat;
  output: DurationStat;
}

/** One model version's running totals; `labels` is kept so every metric call reuses one object. */
interface VersionEntry {
  labels: Labels;
  /** Requests inside the version (queued or executing), for the pending gauge. */
  pending: number;
  failures: Record<FailureReason, number>;
  lastInferenceMs: number;
  /** Inference instances replaced after their thread died. */
  restarts: number;
  inferenceCount: number;
  executionCount: number;
  stats: TritonInferenceStats;
  batches: Map<number, BatchTotals>;
}

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export class ServingTelemetry {
  private readonly registry = new Registry();
  private readonly versions = new Map<string, Map<string, VersionEntry>>();
  private readonly now: () => number;

  // Names, help texts and units are Triton's (core/src/metrics.cc) so existing dashboards read them unchanged.
  // Counters and the gauge read the running totals when scraped, so a request costs no prom-client call for them.
  private readonly success = this.counter(
    'nv_inference_request_success',
    'Number of successful inference requests, all batch sizes',
    (e) => e.stats.success.count,
  );
  private readonly failure = this.failureCounter();
  private readonly inferenceCount = this.counter(
    'nv_inference_count',
    'Number of inferences performed (does not include cached requests)',
    (e) => e.inferenceCount,
  );
  private readonly execCount = this.counter(
    'nv_inference_exec_count',
    'Number of model executions performed (does not include cached requests)',
    (e) => e.executionCount,
  );
  private readonly pending = this.pendingGauge();
  private readonly requestUs = this.counter(
    'nv_inference_request_duration_us',
    'Cumulative inference request duration in microseconds (includes cached requests)',
    (e) => micros(e.stats.success),
  );
  private readonly queueUs = this.counter(
    'nv_inference_queue_duration_us',
    'Cumulative inference queuing duration in microseconds (includes cached requests)',
    (e) => micros(e.stats.queue),
  );
  private readonly computeInputUs = this.counter(
    'nv_inference_compute_input_duration_us',
    'Cumulative compute input duration in microseconds (does not include cached requests)',
    (e) => micros(e.stats.compute_input),
  );
  private readonly computeInferUs = this.counter(
    'nv_inference_compute_infer_duration_us',
    'Cumulative compute inference duration in microseconds (does not include cached requests)',
    (e) => micros(e.stats.compute_infer),
  );
  private readonly computeOutputUs = this.counter(
    'nv_inference_compute_output_duration_us',
    'Cumulative inference compute output duration in microseconds (does not include cached requests)',
    (e) => micros(e.stats.compute_output),
  );
  // Only versions that used the response cache get these, as in Triton.
  private readonly cacheHits = this.counter('nv_cache_num_hits_per_model', 'Number of cache hits per model', (e) =>
    usedCache(e) ? e.stats.cache_hit.count : undefined,
  );
  private readonly cacheHitUs = this.counter(
    'nv_cache_hit_duration_per_model',
    'Total cache hit duration per model, in microseconds',
    (e) => (usedCache(e) ? micros(e.stats.cache_hit) : undefined),
  );
  private readonly cacheMisses = this.counter(
    'nv_cache_num_misses_per_model',
    'Number of cache misses per model',
    (e) => (usedCache(e) ? e.stats.cache_miss.count : undefined),
  );
  private readonly cacheMissUs = this.counter(
    'nv_cache_miss_duration_per_model',
    'Total cache miss (insert+lookup) duration per model, in microseconds',
    (e) => (usedCache(e) ? micros(e.stats.cache_miss) : undefined),
  );

  private readonly restarts = this.counter(
    'slipway_instance_restarts_total',
    'Inference instances replaced after their worker thread died',
    (e) => e.restarts,
  );

  // Triton's counters only give means; these give percentiles.
  private readonly requestSeconds = this.histogram(
    'slipway_request_duration_seconds',
    'Successful inference request duration, arrival to response written, in seconds (includes cached requests)',
    LATENCY_BUCKETS_SECONDS,
  );
  private readonly queueSeconds = this.histogram(
    'slipway_queue_duration_seconds',
    'Time successful inference requests waited in the scheduling queue, in seconds (includes cached requests)',
    LATENCY_BUCKETS_SECONDS,
  );
  private readonly executionSeconds = this.histogram(
    'slipway_execution_duration_seconds',
    'Model execution (session run) duration per executed batch, in seconds',
    LATENCY_BUCKETS_SECONDS,
  );
  private readonly batchSize = this.histogram(
    'slipway_batch_size',
    'Batch rows per model execution (dynamic batches merge several requests)',
    BATCH_SIZE_BUCKETS,
  );
  private readonly histograms = [this.requestSeconds, this.queueSeconds, this.executionSeconds, this.batchSize];

  /** @param options.now clock for `last_inference` (ms since the epoch); tests pin it. */
  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The Content-Type for `metrics()`' text (Prometheus text format 0.0.4). */
  get metricsContentType(): string {
    return this.registry.contentType;
  }

  /** Starts tracking a loaded version: it is listed with zeros until traffic arrives. Registering again keeps its
   * totals. Events for versions not registered are ignored, so a request finishing after its version was removed
   * does not bring the version back. */
  registerVersion(model: string, version: string): void {
    let byVersion = this.versions.get(model);
    if (!byVersion) {
      byVersion = new Map();
      this.versions.set(model, byVersion);
    }
    if (byVersion.has(version)) return;
    const labels: Labels = { model, version };
    byVersion.set(version, {
      labels,
      pending: 0,
      failures: { OTHER: 0, BACKEND: 0, CANCELED: 0, REJECTED: 0 },
      lastInferenceMs: 0,
      restarts: 0,
      inferenceCount: 0,
      executionCount: 0,
      stats: {
        success: duration(),
        fail: duration(),
        queue: duration(),
        compute_input: duration(),
        compute_infer: duration(),
        compute_output: duration(),
        cache_hit: duration(),
        cache_miss: duration(),
      },
      batches: new Map(),
    });
    for (const histogram of this.histograms) histogram.zero(labels);
  }

  /** Forgets an unloaded version: its statistics and every metric series labelled with it. */
  removeVersion(model: string, version: string): void {
    const byVersion = this.versions.get(model);
    const entry = byVersion?.get(version);
    if (!byVersion || !entry) return;
    byVersion.delete(version);
    if (byVersion.size === 0) this.versions.delete(model);
    for (const histogram of this.histograms) histogram.remove(entry.labels);
  }

  /** Requests queued or executing for a version (`nv_inference_pending_request_count`). */
  setPending(model: string, version: string, count: number): void {
    const entry = this.entry(model, version);
    if (entry) entry.pending = count;
  }

  record(event: ServingEvent): void {
    const entry = this.entry(event.model, event.version);
    if (!entry) return;
    const { labels, stats } = entry;
    switch (event.kind) {
      case 'success': {
        const requestNs = cleanNs(event.requestNs);
        const queueNs = cleanNs(event.queueNs);
        entry.lastInferenceMs = Math.max(entry.lastInferenceMs, this.now());
        add(stats.success, requestNs);
        add(stats.queue, queueNs);
        this.requestSeconds.observe(labels, requestNs / 1e9);
        this.queueSeconds.observe(labels, queueNs / 1e9);
        // A cache hit never reached the model: Triton leaves compute stats to requests that ran it.
        if (!event.cacheHit) {
          add(stats.compute_input, cleanNs(event.inputNs));
          add(stats.compute_infer, cleanNs(event.inferNs));
          add(stats.compute_output, cleanNs(event.outputNs));
        }
        return;
      }
      case 'failure': {
        add(stats.fail, cleanNs(event.requestNs));
        entry.failures[event.reason] += 1;
        return;
      }
      case 'execution': {
        const rows = Math.max(1, Math.round(event.batchSize));
        const inferNs = cleanNs(event.inferNs);
        entry.lastInferenceMs = Math.max(entry.lastInferenceMs, this.now());
        entry.inferenceCount += rows;
        entry.executionCount += 1;
        let batch = entry.batches.get(rows);
        if (!batch) {
          batch = { input: duration(), infer: duration(), output: duration() };
          entry.batches.set(rows, batch);
        }
        add(batch.input, cleanNs(event.inputNs));
        add(batch.infer, inferNs);
        add(batch.output, cleanNs(event.outputNs));
        this.executionSeconds.observe(labels, inferNs / 1e9);
        this.batchSize.observe(labels, rows);
        return;
      }
      case 'cache': {
        add(event.hit ? stats.cache_hit : stats.cache_miss, cleanNs(event.lookupNs));
        return;
      }
      case 'restart': {
        entry.restarts += 1;
        return;
      }
    }
  }

  /** Triton's statistics for every registered version, one model, or one version; versions not registered give an
   * empty list (the HTTP layer answers 404 for those). Sorted by model name, then version. */
  statistics(filter: StatisticsFilter = {}): TritonStatistics {
    const models =
      filter.model === undefined
        ? [...this.versions.keys()].sort()
        : this.versions.has(filter.model)
          ? [filter.model]
          : [];
    const model_stats: TritonModelStat[] = [];
    for (const model of models) {
      const byVersion = this.versions.get(model)!;
      const versions =
        filter.version === undefined
          ? [...byVersion.keys()].sort(compareVersions)
          : byVersion.has(filter.version)
            ? [filter.version]
            : [];
      for (const version of versions) model_stats.push(snapshot(model, version, byVersion.get(version)!));
    }
    return { model_stats };
  }

  /** The Prometheus text exposition of every metric (see `metricsContentType`). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private entry(model: string, version: string): VersionEntry | undefined {
    return this.versions.get(model)?.get(version);
  }

  private entries(): VersionEntry[] {
    return [...this.versions.values()].flatMap((byVersion) => [...byVersion.values()]);
  }

  /** A counter whose per-version values are read from the running totals at scrape time (undefined: no series). */
  private counter(name: string, help: string, value: (e: VersionEntry) => number | undefined): Counter<Label> {
    const entries = () => this.entries();
    return new Counter({
      name,
      help,
      labelNames: LABELS,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const e of entries()) {
          const v = value(e);
          if (v !== undefined) this.inc(e.labels, v);
        }
      },
    });
  }

  private failureCounter(): Counter<'model' | 'reason' | 'version'> {
    const entries = () => this.entries();
    return new Counter({
      name: 'nv_inference_request_failure',
      help: 'Number of failed inference requests, all batch sizes',
      labelNames: ['model', 'reason', 'version'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const e of entries()) {
          const { model, version } = e.labels;
          for (const reason of FAILURE_REASONS) this.inc({ model, reason, version }, e.failures[reason]);
        }
      },
    });
  }

  private pendingGauge(): Gauge<Label> {
    const entries = () => this.entries();
    return new Gauge({
      name: 'nv_inference_pending_request_count',
      help: 'Instantaneous number of pending requests awaiting execution per-model.',
      labelNames: LABELS,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const e of entries()) this.set(e.labels, e.pending);
      },
    });
  }

  private histogram(name: string, help: string, buckets: number[]): Histogram<Label> {
    return new Histogram({ name, help, buckets, labelNames: LABELS, registers: [this.registry] });
  }
}

const copy = (stat: DurationStat): DurationStat => ({ count: stat.count, ns: stat.ns });

/** A detached copy, so callers can serialize or keep it while traffic goes on. */
function snapshot(name: string, version: string, entry: VersionEntry): TritonModelStat {
  const s = entry.stats;
  return {
    name,
    version,
    last_inference: entry.lastInferenceMs,
    inference_count: entry.inferenceCount,
    execution_count: entry.executionCount,
    inference_stats: {
      success: copy(s.success),
      fail: copy(s.fail),
      queue: copy(s.queue),
      compute_input: copy(s.compute_input),
      compute_infer: copy(s.compute_infer),
      compute_output: copy(s.compute_output),
      cache_hit: copy(s.cache_hit),
      cache_miss: copy(s.cache_miss),
    },
    batch_stats: [...entry.batches.entries()]
      .sort(([a], [b]) => a - b)
      .map(([batch_size, b]) => ({
        batch_size,
        compute_input: copy(b.input),
        compute_infer: copy(b.infer),
        compute_output: copy(b.output),
      })),
  };
}
