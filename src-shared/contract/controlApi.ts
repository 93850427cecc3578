// The control API between the renderer (or any local tool) and the engine: every endpoint's method, path,
// request and response schema, and the Server-Sent Events it streams. Both sides are typed from this file.
import { z } from 'zod';
import {
  LoadRunDetailSchema,
  LoadRunSchema,
  LoadTestConfigSchema,
  LoadTickSchema,
  RunComparisonSchema,
} from './loadTest';
import {
  ComparisonConfigSchema,
  ComparisonSchema,
  ComparisonSummarySchema,
  ExplorerExportRequestSchema,
  PredictionChoiceSchema,
  PredictionRuleSchema,
} from './comparison';
import { BundleImportResultSchema, ExportPlanSchema, ExportRequestSchema, ExportResultSchema } from './bundle';
import {
  DatasetFitSchema,
  DatasetImportOptionsSchema,
  DatasetReferenceSchema,
  DatasetSchema,
  DatasetSummarySchema,
  FitProblemSchema,
} from './datasets';
import {
  DriftOptionsSchema,
  DriftReportSchema,
  LiveDriftAlertSchema,
  LiveDriftSettingsSchema,
  LiveDriftStatusSchema,
} from './drift';
import { ImportResultSchema, ModelSummarySchema, ModelVersionSchema, StageSchema } from './modelVersion';
import { ProviderChoiceSchema, ProviderDecisionSchema, ProviderStatusSchema } from './providers';
import {
  RehearsalConfigSchema,
  RehearsalResultSchema,
  RehearsalSummarySchema,
  RolloutActionRequestSchema,
  RolloutDecisionSchema,
  RolloutSchema,
  RolloutStartRequestSchema,
  StepEvaluationSchema,
} from './rollout';
import { RunResultSchema } from './runResult';
import { FallbackSchema, ServingSettingsSchema } from './servingSettings';

export const API_PREFIX = '/api/v1';

// ---------------------------------------------------------------------------------------------------------
// Engine and app settings

export const EngineInfoSchema = z.object({
  version: z.string(),
  home: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
  rssBytes: z.number().int(),
  /** Provider probe results (null while the probe runs). */
  providers: z.array(ProviderStatusSchema).nullable(),
  /** True in web mode (the UI is a browser tab, not the desktop window). */
  webMode: z.boolean(),
});
export type EngineInfo = z.infer<typeof EngineInfoSchema>;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);
export const AppSettingsSchema = z.object({
  /** Provider for new serving settings and Try it. */
  defaultProvider: ProviderChoiceSchema,
  /** Intra-op threads for Try it (null: automatic). */
  defaultThreads: z.number().int().min(1).max(256).nullable(),
  theme: ThemeSchema,
  /** Desktop: closing the window keeps the engine (and the endpoint) running in the tray. */
  keepServingInTray: z.boolean(),
});
export type AppSettings = z.infer<typeof AppSettingsSchema>;
export const AppSettingsPatchSchema = AppSettingsSchema.partial();

// ---------------------------------------------------------------------------------------------------------
// Models

export const VersionPatchSchema = z
  .object({ stage: StageSchema.optional(), notes: z.string().max(10_000).optional() })
  .refine((p) => p.stage !== undefined || p.notes !== undefined, 'give stage or notes');

export const RemoveResultSchema = z.object({ removed: ModelVersionSchema, fileRemoved: z.boolean() });

export const TryItRequestSchema = z.object({
  inputs: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('values'), values: z.record(z.string(), z.unknown()) }),
    z.object({
      kind: z.literal('synthetic'),
      fill: z.enum(['random', 'zeros']),
      seed: z.number().int().min(0).optional(),
    }),
  ]),
  dims: z.record(z.string(), z.number().int().min(1)).optional(),
  provider: ProviderChoiceSchema.optional(),
  outputs: z.array(z.string()).optional(),
  repeat: z.number().int().min(1).max(1000).optional(),
});
export type TryItRequest = z.infer<typeof TryItRequestSchema>;

export const SampleFileSchema = z.object({
  file: z.string(),
  rows: z.number().int(),
  /** Input names a row carries; a file fits a model whose inputs are exactly these. */
  inputs: z.array(z.string()),
  hasLabel: z.boolean(),
});
export type SampleFile = z.infer<typeof SampleFileSchema>;
export const SampleRowSchema = z.object({ inputs: z.record(z.string(), z.unknown()), label: z.unknown().optional() });

// ---------------------------------------------------------------------------------------------------------
// Jobs

export const JobKindSchema = z.enum(['import', 'dataset-import', 'drift', 'rehearsal', 'export', 'bundle-import']);
export type JobKind = z.infer<typeof JobKindSchema>;

export const JobSchema = z.object({
  id: z.string(),
  /** import: a model file; dataset-import: a replay file; drift: a current dataset against a reference. */
  kind: JobKindSchema,
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  /** 0..1 when known. */
  progress: z.number().min(0).max(1).nullable(),
  message: z.string(),
  createdAt: z.string(),
  error: z.string().optional(),
  /** import: the model version. */
  result: ImportResultSchema.optional(),
  /** dataset-import: the dataset stored. */
  dataset: DatasetSummarySchema.optional(),
  /** drift: the report. */
  drift: DriftReportSchema.optional(),
  /** rehearsal: the stored result (detection time, bad answers, decisions). */
  rehearsal: RehearsalResultSchema.optional(),
  /** export: the bundle written (folder, archive, manifest). */
  export: ExportResultSchema.optional(),
  /** bundle-import: the version the bundle was imported as. */
  bundleImport: BundleImportResultSchema.optional(),
  /** A dataset import refused because the file does not fit the model it was mapped onto: one line each. */
  problems: z.array(FitProblemSchema).optional(),
});
export type Job = z.infer<typeof JobSchema>;

export const RevealRequestSchema = z.object({ path: z.string().min(1) });
export const RevealResultSchema = z.object({ path: z.string(), opened: z.boolean(), message: z.string() });
export type RevealResult = z.infer<typeof RevealResultSchema>;
export const BundleImportRequestSchema = z.object({
  path: z.string().min(1),
  /** Import under this name instead of the manifest's. */
  name: z.string().min(1).optional(),
});

export const ImportPathRequestSchema = z.object({
  path: z.string().min(1),
  name: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------------------
// Serving

export const ServingStartRequestSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8000),
  /** NAME or NAME:V; empty: every model's production versions, else its latest. */
  models: z.array(z.string()).default([]),
  /** Required when host is not loopback (keys stored with `slipway keys` are accepted too). */
  apiKey: z.string().min(8).optional(),
  corsOrigins: z.array(z.string()).default([]),
  /** Live drift: the share of served rows sampled (0 turns it off; default 0.1) and the window in seconds. */
  driftSampleRate: z.number().min(0).max(1).optional(),
  driftWindowSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .optional(),
});
export type ServingStartRequest = z.input<typeof ServingStartRequestSchema>;

export const ServedVersionSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  state: z.enum(['loading', 'ready', 'failed', 'unloading']),
  failure: z.string().optional(),
  provider: ProviderDecisionSchema.optional(),
  instances: z.number().int(),
  batching: z.object({ active: z.boolean(), reason: z.string() }),
  settings: ServingSettingsSchema,
  fallbackOnly: z.boolean(),
});
export type ServedVersionInfo = z.infer<typeof ServedVersionSchema>;

export const ServingStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'stopping']),
  url: z.string().optional(),
  host: z.string().optional(),
  port: z.number().int().optional(),
  /** URLs other machines reach it at (only when bound beyond loopback). */
  exposedUrls: z.array(z.string()),
  apiKeyRequired: z.boolean(),
  versions: z.array(ServedVersionSchema),
  /** Why the last start failed. */
  error: z.string().optional(),
});
export type ServingStatus = z.infer<typeof ServingStatusSchema>;

export const ServingConfigSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  settings: ServingSettingsSchema,
  overridden: z.array(z.string()),
  fallback: FallbackSchema,
});
export type ServingConfigView = z.infer<typeof ServingConfigSchema>;

export const ServingConfigChangeSchema = z.object({
  /** Dotted key → value text (JSON where it parses), as `slipway models config --set`. */
  set: z.record(z.string(), z.string()).default({}),
  unset: z.array(z.string()).default([]),
  /** none, version:N or constant:{…} */
  fallback: z.string().optional(),
});
export type ServingConfigChange = z.input<typeof ServingConfigChangeSchema>;

// ---------------------------------------------------------------------------------------------------------
// Load tests

export const LOAD_REPORT_FORMATS = ['html', 'csv', 'json'] as const;
export const LoadReportFormatSchema = z.enum(LOAD_REPORT_FORMATS);
export type LoadReportFormat = z.infer<typeof LoadReportFormatSchema>;

export const CompareLoadTestsRequestSchema = z.object({
  ids: z.array(z.string().min(1)).min(2, 'compare needs at least two runs').max(20, 'compare at most 20 runs at once'),
});

export const RemovedLoadTestSchema = z.object({ removed: z.string() });

// ---------------------------------------------------------------------------------------------------------
// Datasets, comparisons and drift

/** A replay file on this machine to store as a dataset (desktop: from the native open dialog). */
export const DatasetPathImportSchema = DatasetImportOptionsSchema.extend({
  path: z.string().min(1, 'give the path of a .jsonl or .csv file'),
});
export type DatasetPathImport = z.input<typeof DatasetPathImportSchema>;

export const RemovedDatasetSchema = z.object({ removed: z.string() });

/** A version's reference dataset (what its drift and live drift are measured against); null: none set. */
export const VersionReferenceSchema = DatasetReferenceSchema.nullable();
export const SetReferenceRequestSchema = z.object({
  /** Dataset name or id; null clears the reference. */
  dataset: z.string().min(1).nullable(),
});

/** What a version predicts with: the inferred choice, or the user's override checked against the signature. */
export const PredictionQuerySchema = z.object({
  output: z.string().min(1).optional(),
  rule: PredictionRuleSchema.optional(),
});

/** Drift of a current dataset against a reference: a dataset, or the reference bound to a version. */
export const DriftRequestSchema = z
  .object({
    /** Dataset name or id. */
    current: z.string().min(1, 'name the current dataset'),
    reference: z.string().min(1).optional(),
    /** NAME:V whose reference dataset to measure against (instead of `reference`). */
    referenceOf: z.string().min(1).optional(),
    options: DriftOptionsSchema.prefault({}),
  })
  .refine((r) => (r.reference === undefined) !== (r.referenceOf === undefined), {
    message: 'give either reference (a dataset) or referenceOf (a version whose reference to use)',
    path: ['reference'],
  });
export type DriftRequest = z.input<typeof DriftRequestSchema>;

export const RemovedComparisonSchema = z.object({ removed: z.string() });

export const COMPARISON_REPORT_FORMATS = ['html', 'json'] as const;
export const ComparisonReportFormatSchema = z.enum(COMPARISON_REPORT_FORMATS);
export type ComparisonReportFormat = z.infer<typeof ComparisonReportFormatSchema>;

// ---------------------------------------------------------------------------------------------------------
// Traffic and rollouts (on the endpoint the Serve screen runs)

const weightPercent = z.number().int('weights are whole percents').min(0).max(100);

/** Setting a served model's route directly: weights per version (whole percents summing to 100), shadow, sticky. */
export const TrafficRouteRequestSchema = z
  .object({
    /** Version number (as a string key) → weight. */
    weights: z
      .record(z.string().regex(/^\d+$/, 'weights are keyed by version number'), weightPercent)
      .refine((w) => Object.keys(w).length > 0, 'give at least one version a weight'),
    shadow: z
      .object({ version: z.number().int().positive(), percent: z.number().min(0).max(100) })
      .nullable()
      .default(null),
    stickyHeader: z.string().min(1).max(100).nullable().default(null),
  })
  .refine((r) => Object.values(r.weights).reduce((a, b) => a + b, 0) === 100, {
    message: 'weights must sum to 100',
    path: ['weights'],
  });
export type TrafficRouteRequest = z.input<typeof TrafficRouteRequestSchema>;

/** One served version's traffic over the window (live or shadow answers). */
export const VersionTrafficSchema = z.object({
  version: z.number().int(),
  role: z.enum(['live', 'shadow']),
  requests: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
export type VersionTraffic = z.infer<typeof VersionTrafficSchema>;

/** A served model's route and what each version answered over the last `windowSeconds`. */
export const TrafficViewSchema = z.object({
  model: z.string(),
  /** The versions the endpoint serves for this model. */
  served: z.array(z.object({ version: z.number().int(), state: z.string() })),
  /** null: every request goes to the default (highest ready) version. */
  route: z
    .object({
      weights: z.record(z.string(), z.number()),
      shadow: z.object({ version: z.number().int(), percent: z.number() }).nullable(),
      stickyHeader: z.string().nullable(),
      setAtMs: z.number(),
    })
    .nullable(),
  windowSeconds: z.number(),
  versions: z.array(VersionTrafficSchema),
  shadow: z.array(
    z.object({
      liveVersion: z.number().int(),
      shadowVersion: z.number().int(),
      pairs: z.number().int(),
      agreement: z.number().nullable(),
    }),
  ),
});
export type TrafficView = z.infer<typeof TrafficViewSchema>;

/** A rollout and, when this engine drives it and it runs, its running step judged now (the live view). */
export const RolloutStatusSchema = z.object({ rollout: RolloutSchema, evaluation: StepEvaluationSchema.nullable() });
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

// ---------------------------------------------------------------------------------------------------------
// Live events (GET /api/v1/events, text/event-stream)

export const VersionTickSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  /** Requests finished in the last second (successes and failures). */
  requests: z.number().int(),
  errors: z.number().int(),
  /** Successful requests' latency percentiles in ms over that second (null when none). */
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Requests queued or executing at the tick. */
  queueDepth: z.number().int(),
});
export const MetricsTickSchema = z.object({ t: z.number(), versions: z.array(VersionTickSchema) });
export type MetricsTick = z.infer<typeof MetricsTickSchema>;

export const RequestLogEntrySchema = z.object({
  t: z.number(),
  model: z.string(),
  version: z.string(),
  status: z.number().int(),
  latencyMs: z.number(),
  bytesIn: z.number().int(),
  bytesOut: z.number().int(),
  degraded: z.boolean(),
});
export type RequestLogEntry = z.infer<typeof RequestLogEntrySchema>;

export const LogLineSchema = z.object({ t: z.number(), level: z.enum(['info', 'warn', 'error']), message: z.string() });
export type LogLine = z.infer<typeof LogLineSchema>;

/** One served version in the live-drift feed: its reference, and its monitor's latest verdict. */
export const LiveDriftVersionSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  /** The reference dataset its sampled inputs are compared with; null: none bound, so it is not monitored. */
  reference: z.object({ datasetId: z.string(), datasetName: z.string() }).nullable(),
  /** null until the version's first request (its monitor starts then) or when it has no reference. */
  status: LiveDriftStatusSchema.nullable(),
});
export type LiveDriftVersion = z.infer<typeof LiveDriftVersionSchema>;

/** Live drift of everything the endpoint serves (GET /serving/drift, and the `livedrift` event). */
export const LiveDriftFeedSchema = z.object({
  t: z.number(),
  /** The endpoint's sampling and window; null while it is stopped or when live drift is off. */
  settings: LiveDriftSettingsSchema.nullable(),
  versions: z.array(LiveDriftVersionSchema),
});
export type LiveDriftFeed = z.infer<typeof LiveDriftFeedSchema>;

/** Every event the stream sends, by its SSE `event:` name. */
export const EventSchemas = {
  hello: z.object({ pid: z.number().int(), startedAt: z.string() }),
  metrics: MetricsTickSchema,
  /** Request log entries, batched (up to a few per 100 ms) so 2 000 req/s stays cheap to stream. */
  requests: z.array(RequestLogEntrySchema),
  job: JobSchema,
  serving: ServingStatusSchema,
  library: z.object({ reason: z.string() }),
  log: LogLineSchema,
  /** A running load test's last second (about one a second per run). */
  loadtick: LoadTickSchema,
  /** A load-test run on every state change (started, succeeded, failed, cancelled). */
  loadrun: LoadRunSchema,
  /** A comparison on every state change and, while it runs, its progress (a few a second at most). */
  comparison: ComparisonSummarySchema,
  /** A dataset was stored or removed (imports and exports also finish as `job` events). */
  datasets: z.object({ reason: z.string() }),
  /** While serving: the live-drift feed whenever a verdict or the served set changes (checked every few seconds). */
  livedrift: LiveDriftFeedSchema,
  /** A served version's sampled inputs started drifting from its reference ("quality slipping"), or stopped. */
  driftalert: LiveDriftAlertSchema,
  /** A rollout after every stored change (start, decision, evaluation). */
  rollout: RolloutSchema,
  /** A rollout decision (advance, promote, rollback, pause, resume) with the numbers behind it. */
  rolloutdecision: RolloutDecisionSchema,
} as const;
export type EventName = keyof typeof EventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof EventSchemas)[E]>;

// ---------------------------------------------------------------------------------------------------------
// Endpoints

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Endpoint<Req extends z.ZodType | null, Res extends z.ZodType> {
  method: Method;
  /** find-my-way style, e.g. /models/:name/versions/:version (under API_PREFIX). */
  path: string;
  request: Req;
  response: Res;
}

const endpoint = <Req extends z.ZodType | null, Res extends z.ZodType>(
  method: Method,
  path: string,
  request: Req,
  response: Res,
): Endpoint<Req, Res> => ({ method, path, request, response });

export const ControlApi = {
  engine: endpoint('GET', '/engine', null, EngineInfoSchema),
  settings: endpoint('GET', '/settings', null, AppSettingsSchema),
  updateSettings: endpoint('PATCH', '/settings', AppSettingsPatchSchema, AppSettingsSchema),
  models: endpoint('GET', '/models', null, z.array(ModelSummarySchema)),
  version: endpoint('GET', '/models/:name/versions/:version', null, ModelVersionSchema),
  updateVersion: endpoint('PATCH', '/models/:name/versions/:version', VersionPatchSchema, ModelVersionSchema),
  removeVersion: endpoint('DELETE', '/models/:name/versions/:version', null, RemoveResultSchema),
  tryIt: endpoint('POST', '/models/:name/versions/:version/run', TryItRequestSchema, RunResultSchema),
  samples: endpoint('GET', '/samples', null, z.array(SampleFileSchema)),
  sampleRow: endpoint('GET', '/samples/:file/rows/:index', null, SampleRowSchema),
  /** Body: the raw .onnx bytes (web mode upload); query: fileName, optional name. */
  uploadImport: endpoint('POST', '/imports/upload', null, JobSchema),
  /** A path on this machine (desktop: from the native open dialog). */
  pathImport: endpoint('POST', '/imports/path', ImportPathRequestSchema, JobSchema),
  jobs: endpoint('GET', '/jobs', null, z.array(JobSchema)),
  job: endpoint('GET', '/jobs/:id', null, JobSchema),
  cancelJob: endpoint('POST', '/jobs/:id/cancel', null, JobSchema),
  serving: endpoint('GET', '/serving', null, ServingStatusSchema),
  startServing: endpoint('POST', '/serving/start', ServingStartRequestSchema, ServingStatusSchema),
  stopServing: endpoint('POST', '/serving/stop', null, ServingStatusSchema),
  servingConfig: endpoint('GET', '/models/:name/versions/:version/serving', null, ServingConfigSchema),
  updateServingConfig: endpoint(
    'PATCH',
    '/models/:name/versions/:version/serving',
    ServingConfigChangeSchema,
    ServingConfigSchema,
  ),
  /** Bad configs answer 400 with what was wrong; the run goes on in the background, followed by loadtick/loadrun. */
  startLoadTest: endpoint('POST', '/loadtests', LoadTestConfigSchema, LoadRunSchema),
  loadTests: endpoint('GET', '/loadtests', null, z.array(LoadRunSchema)),
  loadTest: endpoint('GET', '/loadtests/:id', null, LoadRunDetailSchema),
  cancelLoadTest: endpoint('POST', '/loadtests/:id/cancel', null, LoadRunSchema),
  removeLoadTest: endpoint('DELETE', '/loadtests/:id', null, RemovedLoadTestSchema),
  compareLoadTests: endpoint('POST', '/loadtests/compare', CompareLoadTestsRequestSchema, RunComparisonSchema),
  /** Not JSON: the report file (query: format=html|csv|json, default html) as an attachment, with
   * Content-Disposition naming the file. Handled specially by the server, like uploadImport. */
  loadTestReport: endpoint('GET', '/loadtests/:id/report', null, z.string()),
  datasets: endpoint('GET', '/datasets', null, z.array(DatasetSummarySchema)),
  /** By id or name: the schema and the per-feature profile. */
  dataset: endpoint('GET', '/datasets/:id', null, DatasetSchema),
  removeDataset: endpoint('DELETE', '/datasets/:id', null, RemovedDatasetSchema),
  /** Body: the raw .jsonl/.csv bytes (web mode upload); query: fileName, and the DatasetImportOptions (map and
   * ignore repeatable, skipBad=true). Answers a dataset-import job. */
  uploadDataset: endpoint('POST', '/datasets/upload', null, JobSchema),
  pathDataset: endpoint('POST', '/datasets/path', DatasetPathImportSchema, JobSchema),
  /** How a stored dataset fits a version's inputs (fits: false with one problem per mismatch). */
  datasetFit: endpoint('GET', '/datasets/:id/fit/:name/:version', null, DatasetFitSchema),
  versionReference: endpoint('GET', '/models/:name/versions/:version/reference', null, VersionReferenceSchema),
  setVersionReference: endpoint(
    'PUT',
    '/models/:name/versions/:version/reference',
    SetReferenceRequestSchema,
    VersionReferenceSchema,
  ),
  /** Which output a comparison predicts with: the inferred choice, or (with output/rule) the override, checked. */
  prediction: endpoint(
    'POST',
    '/models/:name/versions/:version/prediction',
    PredictionQuerySchema,
    PredictionChoiceSchema,
  ),
  /** Bad configs answer 400 with what was wrong; the replay goes on in the background, followed by `comparison`. */
  startComparison: endpoint('POST', '/comparisons', ComparisonConfigSchema, ComparisonSummarySchema),
  comparisons: endpoint('GET', '/comparisons', null, z.array(ComparisonSummarySchema)),
  comparison: endpoint('GET', '/comparisons/:id', null, ComparisonSchema),
  cancelComparison: endpoint('POST', '/comparisons/:id/cancel', null, ComparisonSummarySchema),
  removeComparison: endpoint('DELETE', '/comparisons/:id', null, RemovedComparisonSchema),
  /** The explorer's rows of one pair (sorted by |Δ| or by flips, the top `limit`) stored as a new dataset. */
  exportComparisonRows: endpoint('POST', '/comparisons/:id/export', ExplorerExportRequestSchema, DatasetSummarySchema),
  /** Not JSON: the offline report (query: format=html|json, default html) as an attachment. */
  comparisonReport: endpoint('GET', '/comparisons/:id/report', null, z.string()),
  /** A drift job: follow its `job` events; the finished job carries the DriftReport. */
  startDrift: endpoint('POST', '/drift', DriftRequestSchema, JobSchema),
  liveDrift: endpoint('GET', '/serving/drift', null, LiveDriftFeedSchema),
  /** Compares every monitored window now rather than at its next turn. */
  evaluateLiveDrift: endpoint('POST', '/serving/drift/evaluate', null, LiveDriftFeedSchema),
  /** A served model's route and per-version traffic (query: windowSeconds, default 60). 409 while stopped. */
  traffic: endpoint('GET', '/traffic/:name', null, TrafficViewSchema),
  /** Sets weights, shadow and sticky header at once (no request lost); refused during a running rollout. */
  setTrafficRoute: endpoint('PUT', '/traffic/:name/route', TrafficRouteRequestSchema, TrafficViewSchema),
  /** Query: model (optional). Newest first. */
  rollouts: endpoint('GET', '/rollouts', null, z.array(RolloutSchema)),
  startRollout: endpoint('POST', '/rollouts', RolloutStartRequestSchema, RolloutSchema),
  rollout: endpoint('GET', '/rollouts/:name', null, RolloutStatusSchema),
  rolloutHistory: endpoint('GET', '/rollouts/:name/history', null, z.array(RolloutDecisionSchema)),
  promoteRollout: endpoint('POST', '/rollouts/:name/promote', RolloutActionRequestSchema, RolloutDecisionSchema),
  pauseRollout: endpoint('POST', '/rollouts/:name/pause', RolloutActionRequestSchema, RolloutDecisionSchema),
  resumeRollout: endpoint('POST', '/rollouts/:name/resume', RolloutActionRequestSchema, RolloutDecisionSchema),
  rollbackRollout: endpoint('POST', '/rollouts/:name/rollback', RolloutActionRequestSchema, RolloutDecisionSchema),
  /** A rehearsal job: follow its `job` events; the finished job carries the RehearsalResult. */
  startRehearsal: endpoint('POST', '/rehearsals', RehearsalConfigSchema, JobSchema),
  rehearsals: endpoint('GET', '/rehearsals', null, z.array(RehearsalSummarySchema)),
  rehearsal: endpoint('GET', '/rehearsals/:id', null, RehearsalResultSchema),
  /** What an export will write (the default folder when the request names none); a bad request is a 400/404. */
  exportPlan: endpoint('POST', '/exports/plan', ExportRequestSchema, ExportPlanSchema),
  /** An export job: checked like exportPlan first, then follow its `job` events; the finished job carries the
   * ExportResult. */
  startExport: endpoint('POST', '/exports', ExportRequestSchema, JobSchema),
  /** Opens a folder this engine exported (or an archive's folder) in the OS file manager; opened: false with a
   * message where there is none to open (headless), so the UI shows the path instead. */
  revealExport: endpoint('POST', '/exports/reveal', RevealRequestSchema, RevealResultSchema),
  /** A bundle-import job (a folder or .tar.gz on this machine): every checksum is verified before the library is
   * touched; the finished job carries the BundleImportResult. */
  importBundle: endpoint('POST', '/bundles/import', BundleImportRequestSchema, JobSchema),
} as const;
export type ControlApiName = keyof typeof ControlApi;
/** Endpoints whose body or reply is not JSON: the server routes them itself, clients call them their own way. */
export const NON_JSON_ENDPOINTS = [
  'uploadImport',
  'loadTestReport',
  'uploadDataset',
  'comparisonReport',
] as const satisfies readonly ControlApiName[];
export type JsonApiName = Exclude<ControlApiName, (typeof NON_JSON_ENDPOINTS)[number]>;

/** The error body every failing control call answers with. */
export const ApiErrorSchema = z.object({ error: z.string(), code: z.string().optional() });
