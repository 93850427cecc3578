// Load tests: the traffic shape (segments that compose), the target and inputs, and what a run records and
// reports. The shape is compiled into intended send times by src-shared/loadtest/schedule (pure, so the UI can
// preview a schedule without the engine).
import { z } from 'zod';

/** A day: longer shapes are refused (a schedule longer than that is almost surely a unit mistake). */
export const MAX_SHAPE_SECONDS = 86_400;
export const MAX_RATE = 1_000_000;

const rate = z
  .number()
  .positive('a rate must be above 0 requests/s')
  .max(MAX_RATE, `a rate must be at most ${MAX_RATE} requests/s`);
const seconds = z.number().positive('a duration must be above 0 s').max(MAX_SHAPE_SECONDS);
const nonNegativeSeconds = z.number().min(0).max(MAX_SHAPE_SECONDS);
/** Arrivals at exact intervals (`uniform`, as wrk2) or as a Poisson process with the same rate curve. */
const arrivals = z.enum(['uniform', 'poisson']).default('uniform');

export const SegmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), rate, duration: seconds, arrivals }),
  z.object({ kind: z.literal('ramp'), from: rate, to: rate, duration: seconds, arrivals }),
  /** A staircase: `count` steps of `stepDuration` s, from `from` up by `step` req/s each time. */
  z.object({
    kind: z.literal('steps'),
    from: rate,
    step: z.number(),
    count: z.number().int().min(1).max(10_000),
    stepDuration: seconds,
    arrivals,
  }),
  /** base for `before` s, up to `peak` over `rise` s, `hold` s at peak, back over `fall` s, base for `after` s. */
  z.object({
    kind: z.literal('spike'),
    base: rate,
    peak: rate,
    before: nonNegativeSeconds,
    rise: nonNegativeSeconds,
    hold: nonNegativeSeconds,
    fall: nonNegativeSeconds,
    after: nonNegativeSeconds,
    arrivals,
  }),
  /** mean + amplitude·sin(2π t / period + phase): a diurnal curve when the period is long. */
  z.object({
    kind: z.literal('sine'),
    mean: rate,
    amplitude: z.number().min(0),
    period: seconds,
    phase: z.number().default(0),
    duration: seconds,
    arrivals,
  }),
  /** Poisson arrivals at a constant rate (constant with arrivals: poisson). */
  z.object({ kind: z.literal('poisson'), rate, duration: seconds }),
  /** `rate` for `on` s, then `offRate` (default 0) for `off` s, repeated for `duration` s. */
  z.object({
    kind: z.literal('bursts'),
    rate,
    on: seconds,
    off: seconds,
    offRate: z.number().min(0).max(MAX_RATE).default(0),
    duration: seconds,
    arrivals,
  }),
  /** Recorded traffic: timestamps (s, from any origin) or gaps (s), sped up `speedup` times, played `loops` times. */
  z.object({
    kind: z.literal('trace'),
    times: z.array(z.number()).min(1).max(10_000_000),
    format: z.enum(['timestamps', 'gaps']),
    speedup: z.number().positive().default(1),
    loops: z.number().int().min(1).max(1_000_000).default(1),
  }),
  /** Closed loop, as perf_analyzer's concurrency mode: N clients each sending when its last answer arrives. */
  z.object({
    kind: z.literal('concurrency'),
    levels: z
      .array(z.object({ concurrency: z.number().int().min(1).max(10_000), duration: seconds }))
      .min(1)
      .max(1000),
  }),
]);
export type Segment = z.infer<typeof SegmentSchema>;
export type SegmentInput = z.input<typeof SegmentSchema>;

export const ShapeSchema = z.object({
  segments: z.array(SegmentSchema).min(1, 'a shape needs at least one segment').max(1000),
  seed: z.number().int().min(0).default(1),
});
export type Shape = z.infer<typeof ShapeSchema>;
export type ShapeInput = z.input<typeof ShapeSchema>;

export const LoadTargetSchema = z.discriminatedUnion('kind', [
  /** The session pool in the engine's process, without HTTP: the model's own capacity. */
  z.object({ kind: z.literal('runtime'), model: z.string(), version: z.number().int().positive().optional() }),
  /** Slipway's local endpoint serving the model (started for the run when it is not already serving). */
  z.object({ kind: z.literal('endpoint'), model: z.string(), version: z.number().int().positive().optional() }),
  /** Any KServe V2 endpoint. */
  z.object({
    kind: z.literal('url'),
    url: z.string().url(),
    modelName: z.string().min(1),
    modelVersion: z.string().optional(),
    headers: z.record(z.string(), z.string()).default({}),
  }),
]);
export type LoadTarget = z.infer<typeof LoadTargetSchema>;

export const LoadInputsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('synthetic'),
    fill: z.enum(['random', 'zeros']).default('random'),
    dims: z.record(z.string(), z.number().int().min(1)).default({}),
    seed: z.number().int().min(0).default(0),
    /** Distinct request bodies to cycle through. */
    variants: z.number().int().min(1).max(10_000).default(16),
  }),
  /** Rows of a replay file (JSONL with {"inputs": …} per row, or CSV with one column per feature), cycled. */
  z.object({ kind: z.literal('replay'), file: z.string().min(1) }),
]);
export type LoadInputs = z.infer<typeof LoadInputsSchema>;

export const CapacitySearchSchema = z.object({
  /** The latency budget on p99 of corrected latency. */
  budgetMs: z.number().positive(),
  startRate: rate.default(10),
  maxRate: rate.default(100_000),
  /** Bisect until the bracket is within this fraction of the rate. */
  precision: z.number().positive().max(0.5).default(0.05),
  /** Seconds per measurement window. */
  windowSeconds: z.number().positive().max(60).default(1),
});
export type CapacitySearch = z.infer<typeof CapacitySearchSchema>;

export const LoadTestConfigSchema = z.object({
  name: z.string().max(200).optional(),
  target: LoadTargetSchema,
  inputs: LoadInputsSchema.default({ kind: 'synthetic', fill: 'random', dims: {}, seed: 0, variants: 16 }),
  /** The traffic; optional when a capacity search builds its own steps. */
  shape: ShapeSchema.optional(),
  protocol: z.enum(['json', 'binary']).default('json'),
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  /** Connections the generator may open (open-loop shapes). */
  connections: z.number().int().min(1).max(10_000).default(128),
  capacity: CapacitySearchSchema.optional(),
});
export type LoadTestConfig = z.infer<typeof LoadTestConfigSchema>;
export type LoadTestConfigInput = z.input<typeof LoadTestConfigSchema>;

/** Latency percentiles in ms; null where no request finished. */
export const PercentilesSchema = z.object({
  count: z.number().int(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  p999: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
});
export type Percentiles = z.infer<typeof PercentilesSchema>;

/** Outcomes by kind: ok, degraded, shed (429/503), timeout, connection, http:<code> for other statuses. */
export const StatusCountsSchema = z.record(z.string(), z.number().int());
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

export const LoadIntervalSchema = z.object({
  /** Second of the run (by intended send time). */
  second: z.number().int(),
  /** Sends the schedule asked for in this second (open loop), or sends made (closed loop). */
  offered: z.number().int(),
  /** Answers that arrived during this second (any status). */
  completed: z.number().int(),
  statuses: StatusCountsSchema,
  /** From the intended send time: what a user waiting on that schedule experienced. */
  corrected: PercentilesSchema,
  /** From the actual send: what most tools report. */
  uncorrected: PercentilesSchema,
  /** Actual send minus intended send. */
  sendLag: PercentilesSchema,
  /** From the endpoint's /metrics when it is Slipway's or Triton's: mean queue and compute time per request. */
  server: z.object({ queueMs: z.number().nullable(), computeMs: z.number().nullable() }).optional(),
  /** The engine's process when it runs the target (runtime or local endpoint). */
  engine: z.object({ cpuPercent: z.number(), rssBytes: z.number().int() }).optional(),
});
export type LoadInterval = z.infer<typeof LoadIntervalSchema>;

export const CapacityLevelSchema = z.object({
  offeredRate: z.number(),
  achievedRate: z.number(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  windows: z.number().int(),
  stable: z.boolean(),
  meetsBudget: z.boolean(),
});
export type CapacityLevel = z.infer<typeof CapacityLevelSchema>;

export const CapacityResultSchema = z.object({
  budgetMs: z.number(),
  /** The highest offered rate whose p99 met the budget with achieved tracking offered. */
  capacityRate: z.number().nullable(),
  /** Where achieved stops tracking offered (achieved < 95 % of offered). */
  saturationRate: z.number().nullable(),
  /** Point of maximum curvature of p99 against offered rate (Kneedle). */
  kneeRate: z.number().nullable(),
  levels: z.array(CapacityLevelSchema),
});
export type CapacityResult = z.infer<typeof CapacityResultSchema>;

export const LoadSummarySchema = z.object({
  requests: z.number().int(),
  durationSeconds: z.number(),
  offeredRate: z.number(),
  achievedRate: z.number(),
  statuses: StatusCountsSchema,
  corrected: PercentilesSchema,
  uncorrected: PercentilesSchema,
  sendLag: PercentilesSchema,
  /** Share of sends that left more than 1 ms after their intended time. */
  lateSendShare: z.number(),
  /** More than 1 % of sends were over 1 ms late: the generator, not the target, limited the run. */
  generatorBound: z.boolean(),
  capacity: CapacityResultSchema.optional(),
});
export type LoadSummary = z.infer<typeof LoadSummarySchema>;

export const LoadRunStateSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

export const LoadRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  state: LoadRunStateSchema,
  config: LoadTestConfigSchema,
  /** What the target resolved to (model:version, URL). */
  targetLabel: z.string(),
  summary: LoadSummarySchema.optional(),
  error: z.string().optional(),
});
export type LoadRun = z.infer<typeof LoadRunSchema>;

/** A run with its per-second series, for charts and reports. */
export const LoadRunDetailSchema = LoadRunSchema.extend({
  intervals: z.array(LoadIntervalSchema),
  /** Corrected and uncorrected latency at percentiles from 0 to 99.999 (the spectrum), whole run. */
  spectrum: z.array(z.object({ percentile: z.number(), correctedMs: z.number(), uncorrectedMs: z.number() })),
});
export type LoadRunDetail = z.infer<typeof LoadRunDetailSchema>;

/** Live progress while a run goes. */
export const LoadTickSchema = z.object({
  runId: z.string(),
  elapsedSeconds: z.number(),
  /** 0..1 of the planned duration (null for a capacity search, whose length is not known ahead). */
  progress: z.number().nullable(),
  interval: LoadIntervalSchema,
});
export type LoadTick = z.infer<typeof LoadTickSchema>;

export const RunComparisonSchema = z.object({
  runs: z.array(z.object({ id: z.string(), name: z.string(), summary: LoadSummarySchema })),
  /** Against the first run: p99 ratio with a bootstrap 95 % interval over the runs' per-second histograms. */
  deltas: z.array(
    z.object({
      id: z.string(),
      p99Ratio: z.number().nullable(),
      p99RatioLow: z.number().nullable(),
      p99RatioHigh: z.number().nullable(),
      achievedRateRatio: z.number().nullable(),
      errorRateDelta: z.number(),
      verdict: z.string(),
    }),
  ),
});
export type RunComparison = z.infer<typeof RunComparisonSchema>;
