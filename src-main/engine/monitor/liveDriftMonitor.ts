// Live drift for one served version: samples served input rows at a set rate, keeps nothing but per-feature
// quantile sketches in time buckets, compares the sliding window with the version's reference profile, and
// raises an alert when dataset drift starts (and when it ends). The data plane feeds it; it stores nothing.
import {
  type FeatureProfile,
  type LiveDriftAlert,
  type LiveDriftSettings,
  type LiveDriftSettingsInput,
  LiveDriftSettingsSchema,
  type LiveDriftStatus,
} from '../../../src-shared/contract';
import { mulberry32 } from '../../../src-shared/seededRandom';
import { type CurrentColumn, driftAgainstProfile } from '../compare/drift/driftAgainstProfile';
import { QuantileSketch } from '../compare/stats/quantileSketch';

/** Where the reference profile comes from (the library implements it; serving never imports the library). */
export interface ReferenceProfileSource {
  /** The stored reference profile of a version, or null when it has none. */
  referenceProfile(model: string, version: number): Promise<readonly FeatureProfile[] | null>;
}

/** One served request's inputs as the data plane decoded them: name → row-major values, `rows` rows. */
export type ServedInputs = ReadonlyMap<string, ArrayLike<number>>;

interface Bucket {
  start: number;
  sketches: QuantileSketch[];
  missing: Float64Array;
  rows: number;
}

/** Sketch size for live windows: smaller than a profile's (many buckets, rank error still about 1 %). */
const LIVE_SKETCH_K = 128;
const MAX_ALERT_FEATURES = 10;

export interface LiveDriftMonitorDeps {
  /** Milliseconds since the epoch (tests pass a fake clock). */
  now?: () => number;
  /** Uniform [0, 1) numbers for sampling (tests pass a seeded one). */
  random?: () => number;
}

export class LiveDriftMonitor {
  readonly settings: LiveDriftSettings;
  private readonly now: () => number;
  private readonly random: () => number;
  private buckets: Bucket[] = [];
  private state: LiveDriftStatus['state'] = 'warming-up';
  private readonly listeners = new Set<(alert: LiveDriftAlert) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private latest: LiveDriftStatus | null = null;

  constructor(
    readonly model: string,
    readonly version: number,
    private readonly profile: readonly FeatureProfile[],
    settings: LiveDriftSettingsInput = {},
    deps: LiveDriftMonitorDeps = {},
  ) {
    // Calibration stays off unless asked for by name: it would run on the serving thread.
    const calibration = { enabled: false, ...settings.drift?.calibration };
    this.settings = LiveDriftSettingsSchema.parse({ ...settings, drift: { ...settings.drift, calibration } });
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? mulberry32(Date.now() >>> 0);
  }

  /** Builds a monitor from the source's stored profile; null when the version has no reference profile. */
  static async forVersion(
    source: ReferenceProfileSource,
    model: string,
    version: number,
    settings: LiveDriftSettingsInput = {},
    deps: LiveDriftMonitorDeps = {},
  ): Promise<LiveDriftMonitor | null> {
    const profile = await source.referenceProfile(model, version);
    return profile && profile.length > 0 ? new LiveDriftMonitor(model, version, profile, settings, deps) : null;
  }

  /**
   * Offers one request's `rows` input rows; each is kept with probability `sampleRate`. An input the profile
   * does not name is ignored; a profiled input missing from the request counts its features as missing.
   */
  offer(inputs: ServedInputs, rows: number): void {
    if (rows <= 0) return;
    const bucket = this.currentBucket();
    for (let r = 0; r < rows; r++) {
      if (this.random() >= this.settings.sampleRate) continue;
      bucket.rows++;
      this.profile.forEach((feature, f) => {
        const values = inputs.get(feature.input);
        const size = values ? values.length / rows : 0;
        const v = values && feature.index < size ? values[r * size + feature.index]! : Number.NaN;
        if (v === v) bucket.sketches[f]!.add(v);
        else bucket.missing[f]!++;
      });
    }
  }

  /** Compares the window with the reference profile now; alerts listeners when the verdict flips. */
  evaluate(): LiveDriftStatus {
    const now = this.now();
    this.dropOld(now);
    const windowRows = this.buckets.reduce((n, b) => n + b.rows, 0);
    const windowStart = this.buckets[0]?.start ?? now;
    const stamp = (ms: number) => new Date(ms).toISOString();
    let report: LiveDriftStatus['report'] = null;
    let state: LiveDriftStatus['state'] = 'warming-up';
    if (windowRows >= this.settings.minRows) {
      const current = new Map<string, CurrentColumn>();
      this.profile.forEach((feature, f) => {
        const sketch = new QuantileSketch(LIVE_SKETCH_K);
        let missing = 0;
        for (const bucket of this.buckets) {
          sketch.merge(bucket.sketches[f]!);
          missing += bucket.missing[f]!;
        }
        current.set(feature.name, { sketch, missing });
      });
      report = driftAgainstProfile(this.profile, current, this.settings.drift);
      state = report.datasetDrift ? 'drift' : 'ok';
    }
    let alertToSend: LiveDriftAlert | null = null;
    if (state !== 'warming-up' && state !== this.state && report && (state === 'drift' || this.state === 'drift')) {
      const alert: LiveDriftAlert = {
        kind: state === 'drift' ? 'drift-started' : 'drift-ended',
        model: this.model,
        version: this.version,
        at: stamp(now),
        driftedShare: report.driftedShare,
        features: report.features
          .filter((f) => f.drifted)
          .slice(0, MAX_ALERT_FEATURES)
          .map((f) => f.name),
        message:
          state === 'drift'
            ? `quality slipping — consider retraining: ${report.driftedFeatures} of ${report.features.length} features of ${this.model}:${this.version} drifted from its reference`
            : `inputs of ${this.model}:${this.version} are back in line with its reference`,
      };
      alertToSend = alert;
    }
    if (state !== 'warming-up') this.state = state;
    this.latest = {
      model: this.model,
      version: this.version,
      state,
      windowRows,
      windowStart: stamp(windowStart),
      windowEnd: stamp(now),
      evaluatedAt: stamp(now),
      report,
    };
    // Listeners run after the new state is recorded: one that reads the status must not see the old verdict.
    if (alertToSend) for (const listener of this.listeners) listener(alertToSend);
    return this.latest;
  }

  /** The last evaluation (null before the first). */
  status(): LiveDriftStatus | null {
    return this.latest;
  }

  onAlert(listener: (alert: LiveDriftAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Evaluates every `evaluateEverySeconds` (an unref'd timer: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.evaluate(), this.settings.evaluateEverySeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private currentBucket(): Bucket {
    const now = this.now();
    const span = this.settings.bucketSeconds * 1000;
    const start = Math.floor(now / span) * span;
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    this.dropOld(now);
    const bucket: Bucket = {
      start,
      sketches: this.profile.map(() => new QuantileSketch(LIVE_SKETCH_K)),
      missing: new Float64Array(this.profile.length),
      rows: 0,
    };
    this.buckets.push(bucket);
    return bucket;
  }

  /** Keeps the buckets that overlap the window ending now. */
  private dropOld(now: number): void {
    const windowStart = now - this.settings.windowSeconds * 1000;
    const span = this.settings.bucketSeconds * 1000;
    this.buckets = this.buckets.filter((bucket) => bucket.start + span > windowStart);
  }
}
