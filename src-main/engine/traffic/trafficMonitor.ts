// Per model, what each version did with its traffic, by role (live, shadow): counts, errors, latency and
// prediction samples, and shadow-vs-live agreement — the windows a rollout's gates read with snapshot().
import type { ModelSignature } from '../../../src-shared/contract';
import { predictionReaderFor, type PredictionReader } from './predictionReader';
import { ShadowPairLog } from './shadowPairLog';
import type {
  RouteTable,
  ShadowPairRecord,
  SnapshotOptions,
  TrafficMonitorApi,
  TrafficRecord,
  TrafficRole,
  TrafficSnapshot,
} from './trafficTypes';
import { VersionTrafficLog, type TrafficLogLimits } from './versionTrafficLog';

export const DEFAULT_MAX_SAMPLES = 10_000;

export interface TrafficMonitorOptions {
  /** Time the windows are kept in; Date.now() by default (a rehearsal can pass its own). */
  clock?: () => number;
  limits?: Partial<TrafficLogLimits> & { pairs?: number };
  /** The model's current route, shown in snapshots. */
  routeOf?: (model: string) => RouteTable | null;
}

interface ModelTraffic {
  name: string;
  logs: Map<string, VersionTrafficLog>;
  pairs: ShadowPairLog;
  labelCodes: Map<string, number>;
  readers: Map<number, { signature: ModelSignature; reader: PredictionReader }>;
}

export class TrafficMonitor implements TrafficMonitorApi {
  private readonly models = new Map<string, ModelTraffic>();
  readonly now: () => number;
  private readonly limits: TrafficLogLimits;
  private readonly pairCapacity: number;

  constructor(private readonly options: TrafficMonitorOptions = {}) {
    this.now = options.clock ?? Date.now;
    this.limits = {
      requests: options.limits?.requests ?? 20_000,
      predictions: options.limits?.predictions ?? 20_000,
      retentionSeconds: options.limits?.retentionSeconds ?? 6 * 3600,
    };
    this.pairCapacity = options.limits?.pairs ?? 20_000;
  }

  private modelOf(model: string): ModelTraffic {
    const k = model.toLowerCase();
    let m = this.models.get(k);
    if (!m) {
      m = {
        name: model,
        logs: new Map(),
        pairs: new ShadowPairLog(this.pairCapacity),
        labelCodes: new Map(),
        readers: new Map(),
      };
      this.models.set(k, m);
    }
    return m;
  }

  /** How a version's predictions are read (cached per signature, so a reload with a new signature re-chooses). */
  predictionReader(model: string, version: number, signature: ModelSignature): PredictionReader {
    const m = this.modelOf(model);
    const cached = m.readers.get(version);
    if (cached && cached.signature === signature) return cached.reader;
    const reader = predictionReaderFor(signature, m.labelCodes);
    m.readers.set(version, { signature, reader });
    return reader;
  }

  record(model: string, record: TrafficRecord): void {
    const m = this.modelOf(model);
    const k = logKey(record.version, record.role);
    let log = m.logs.get(k);
    if (!log) {
      log = new VersionTrafficLog(record.version, record.role, this.limits);
      m.logs.set(k, log);
    }
    log.add(record, record.predictionKind ?? null);
  }

  recordPair(model: string, pair: ShadowPairRecord): void {
    this.modelOf(model).pairs.add(pair);
  }

  recordShadowDrop(model: string, version: number): void {
    this.modelOf(model).pairs.drop(version, this.now());
  }

  snapshot(model: string, options: SnapshotOptions = {}): TrafficSnapshot {
    const sinceMs = options.sinceMs ?? 0;
    const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
    const m = this.models.get(model.toLowerCase());
    const route = this.options.routeOf?.(model) ?? null;
    const atMs = this.now();
    if (!m) return { model: route?.model ?? model, sinceMs, atMs, route, versions: [], shadow: [], shadowDropped: {} };
    const versions = [...m.logs.values()]
      .sort((a, b) => a.version - b.version || roleOrder(a.role) - roleOrder(b.role))
      .map((log) => log.window(sinceMs, maxSamples))
      .filter((w) => w.requests > 0);
    return {
      model: route?.model ?? m.name,
      sinceMs,
      atMs,
      route,
      versions,
      shadow: m.pairs.windows(sinceMs),
      shadowDropped: m.pairs.dropped(sinceMs),
    };
  }

  forget(model: string): void {
    this.models.delete(model.toLowerCase());
  }
}

const logKey = (version: number, role: TrafficRole) => `${version}:${role}`;
const roleOrder = (role: TrafficRole) => (role === 'live' ? 0 : 1);
