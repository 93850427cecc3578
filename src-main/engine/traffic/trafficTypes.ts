// The data-plane traffic API the rollout controller codes against: route tables (weights, shadow, sticky
// header), the router's per-request decision, and per-version traffic windows the gates read.

/** The request header that carries a sticky route key when a route asks for one without naming another. */
export const DEFAULT_STICKY_HEADER = 'x-slipway-route-key';

export type TrafficRole = 'live' | 'shadow';

/** A share of live traffic ALSO sent to a candidate; its answers are compared, never returned. */
export interface ShadowRoute {
  version: number;
  /** 0..100, fractions allowed; 0 turns shadowing off without dropping the setting. */
  percent: number;
}

/** What setRoute accepts. */
export interface RouteSpec {
  /** Version → integer weight; weights sum to exactly 100, each version loaded and ready. Weight 0 keeps a
   * version in the table without sending it traffic (a rolled-back candidate). */
  weights: Record<number, number>;
  /** Must not be a version with weight above 0; null or absent: no shadow. */
  shadow?: ShadowRoute | null;
  /** Header whose value pins a request to a version; null or absent: no sticky routing. */
  stickyHeader?: string | null;
}

/** An installed route: immutable, swapped whole, so a request sees one table from start to finish. */
export interface RouteTable {
  /** The model's name as served (its canonical spelling). */
  readonly model: string;
  readonly weights: Readonly<Record<number, number>>;
  readonly shadow: Readonly<ShadowRoute> | null;
  /** Lower-cased. */
  readonly stickyHeader: string | null;
  /** Increases with every setRoute on any model; tells tables apart. */
  readonly revision: number;
  /** Date.now() when installed. */
  readonly setAtMs: number;
}

/** Where one request goes. */
export interface RouteDecision {
  version: number;
  /** The candidate to shadow this request to, or null. */
  shadowVersion: number | null;
  /** The decision came from the request's sticky key (else from the PRNG). */
  sticky: boolean;
  /** The table's revision (0 when the model has no route and its default version answered). */
  revision: number;
}

/** Reads request headers by lower-cased name, so the router needs no HTTP types. */
export type HeaderLookup = (name: string) => string | undefined;

export interface TrafficRouterApi {
  /** Validates and installs a route at once (throws UserError naming what was wrong); returns the table. */
  setRoute(model: string, spec: RouteSpec): RouteTable;
  /** The current table, or null when the model is routed to its default version. */
  route(model: string): RouteTable | null;
  /** Back to the default version (highest ready). */
  clearRoute(model: string): void;
  /** The version for a request that named none; null when the model has no route. */
  decide(model: string, headers?: HeaderLookup): RouteDecision | null;
}

/** One request as the monitor records it (the rehearsal may feed these directly). */
export interface TrafficRecord {
  version: number;
  role: TrafficRole;
  /** Clock time (the monitor's clock, Date.now() by default) when it finished. */
  atMs: number;
  /** Arrival to answer. */
  latencyMs: number;
  ok: boolean;
  /** The request itself was at fault (a 4xx: bad input, too big a batch): counted as `rejected`, not as an
   * error of the version. */
  callerError?: boolean;
  /** Why it failed, when !ok: 'BACKEND', 'TIMEOUT', 'REJECTED' (shed: queue full), 'OTHER', 'FALLBACK' (safe
   * mode answered in its place), or the caller's error ('BAD_REQUEST'). */
  reason?: string;
  /** Per row: the predicted class (argmax or label) or the predicted value; absent when it failed. */
  predictions?: readonly number[];
  /** How `predictions` read. */
  predictionKind?: 'class' | 'value' | null;
  /** The request named its version (not routed by weights). */
  pinned?: boolean;
}

/** A shadow answer compared with the live answer to the same request. */
export interface ShadowPairRecord {
  liveVersion: number;
  shadowVersion: number;
  atMs: number;
  /** Rows compared. */
  rows: number;
  /** Rows whose prediction (argmax / label / value) was the same. */
  agreeingRows: number;
  /** Per output name, per row: the largest |live − shadow| over that row's elements (numeric outputs). */
  absDelta: Record<string, number[]>;
}

export interface Quantiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface VersionTrafficWindow {
  version: number;
  role: TrafficRole;
  /** Exact counts over the window (to the second beyond the newest `requests` limit of the monitor). */
  requests: number;
  ok: number;
  /** Failures that are the version's: 5xx, timeouts, shed load, safe mode answering in its place. */
  errors: number;
  /** Failures that were the caller's (4xx); in `requests`, not in `errorRate`. */
  rejected: number;
  /** errors / (ok + errors); null with neither. */
  errorRate: number | null;
  errorsByReason: Record<string, number>;
  /** Requests that named this version (included in `requests`). */
  pinned: number;
  /** Latency (ms) of the requests answered ok in the window that the per-request ring still holds (the newest
   * 20 000 by default). */
  latency: Quantiles | null;
  /** Those latencies in ms, up to `maxSamples` spread evenly over the window, in finishing order. */
  latencySamplesMs: number[];
  /** Per-row predictions (class index or value), up to `maxSamples`, for output drift. */
  predictions: number[];
  /** How the predictions read: classes (argmax or label) or values (a single float per row). */
  predictionKind: 'class' | 'value' | null;
  /** The window held more samples than were returned. */
  samplesTruncated: boolean;
}

export interface ShadowComparisonWindow {
  liveVersion: number;
  shadowVersion: number;
  /** Requests whose shadow and live answers were both there to compare. */
  pairs: number;
  rows: number;
  agreeingRows: number;
  /** agreeingRows / rows; null with no rows. */
  agreement: number | null;
  /** Per output name, over rows. */
  absDelta: Record<string, Quantiles>;
}

export interface TrafficSnapshot {
  model: string;
  sinceMs: number;
  atMs: number;
  route: RouteTable | null;
  /** One per (version, role) seen in the window, by version then role. */
  versions: VersionTrafficWindow[];
  /** One per (live, shadow) version pair seen in the window. */
  shadow: ShadowComparisonWindow[];
  /** Shadow requests dropped in the window because the candidate was over its queue limit, per version. */
  shadowDropped: Record<number, number>;
}

export interface SnapshotOptions {
  /** Only what finished at or after this clock time; absent: 0, everything kept. */
  sinceMs?: number;
  /** Cap on latency samples and predictions per (version, role); default 10 000. */
  maxSamples?: number;
}

export interface TrafficMonitorApi {
  record(model: string, record: TrafficRecord): void;
  recordPair(model: string, pair: ShadowPairRecord): void;
  recordShadowDrop(model: string, version: number): void;
  snapshot(model: string, options?: SnapshotOptions): TrafficSnapshot;
  /** Forgets a model's windows (on unload). */
  forget(model: string): void;
}
