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
import { ImportResultSchema, ModelSummarySchema, ModelVersionSchema, StageSchema } from './modelVersion';
import { ProviderChoiceSchema, ProviderDecisionSchema, ProviderStatusSchema } from './providers';
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

export const JobSchema = z.object({
  id: z.string(),
  kind: z.enum(['import']),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  /** 0..1 when known. */
  progress: z.number().min(0).max(1).nullable(),
  message: z.string(),
  createdAt: z.string(),
  error: z.string().optional(),
  result: ImportResultSchema.optional(),
});
export type Job = z.infer<typeof JobSchema>;

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
} as const;
export type ControlApiName = keyof typeof ControlApi;
/** Endpoints whose body or reply is not JSON: the server routes them itself, clients call them their own way. */
export const NON_JSON_ENDPOINTS = ['uploadImport', 'loadTestReport'] as const satisfies readonly ControlApiName[];
export type JsonApiName = Exclude<ControlApiName, (typeof NON_JSON_ENDPOINTS)[number]>;

/** The error body every failing control call answers with. */
export const ApiErrorSchema = z.object({ error: z.string(), code: z.string().optional() });
