// Comparisons: every row of a stored dataset replayed through two or more library versions, paired per row.
// The config, the job's state and progress, and the results (per version, per pair against the first version,
// drift against a reference dataset, the disagreement explorer), with every convention stated in the result.
import { z } from 'zod';
import { HistogramSchema } from './datasets';
import { DriftReportSchema, FeatureDriftSchema } from './drift';

/** `NAME:VERSION` with an explicit version number: a comparison is about fixed versions, never "latest". */
export const COMPARISON_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[1-9][0-9]*$/;
export const MAX_COMPARED_VERSIONS = 8;
export const MAX_EXPLORER_ROWS = 1000;

/** How a version's outputs become one prediction per row. */
export const PredictionRuleSchema = z.enum(['label', 'argmax', 'regression']);
export type PredictionRule = z.infer<typeof PredictionRuleSchema>;

/** The user's choice of prediction output (the rule is inferred from the output's signature when left out). */
export const PredictionOverrideSchema = z.object({
  output: z.string().min(1, 'name the output that holds the prediction'),
  rule: PredictionRuleSchema.optional(),
});
export type PredictionOverride = z.infer<typeof PredictionOverrideSchema>;

export const BootstrapSettingsSchema = z.object({
  iterations: z.number().int().min(100).max(100_000).default(1000),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export type BootstrapSettings = z.infer<typeof BootstrapSettingsSchema>;

export const ComparisonConfigSchema = z.object({
  name: z.string().trim().max(200).optional(),
  /** Two or more `NAME:VERSION`; the first is the baseline every other version is paired with. */
  versions: z
    .array(z.string().regex(COMPARISON_VERSION_PATTERN, 'a version is NAME:VERSION, e.g. digits-mlp:2'))
    .min(2, 'compare at least two versions')
    .max(MAX_COMPARED_VERSIONS, `compare at most ${MAX_COMPARED_VERSIONS} versions at once`)
    .refine((v) => new Set(v).size === v.length, 'each version may appear only once'),
  /** The dataset replayed (name or id). */
  dataset: z.string().min(1, 'name the dataset to replay'),
  /** A dataset the inputs and predictions are compared with for drift (name or id). */
  reference: z.string().min(1).nullable().default(null),
  prediction: PredictionOverrideSchema.nullable().default(null),
  /** Rows per inference request; null = automatic (where the batch axis is dynamic: 256, more for a small model
   * on many rows, up to 4096; else the fixed size). */
  batchSize: z.number().int().min(1).max(65_536).nullable().default(null),
  /** Rows kept per pair for the disagreement explorer (each sort). */
  explorerRows: z.number().int().min(0).max(MAX_EXPLORER_ROWS).default(50),
  bootstrap: BootstrapSettingsSchema.prefault({}),
});
export type ComparisonConfig = z.infer<typeof ComparisonConfigSchema>;
export type ComparisonConfigInput = z.input<typeof ComparisonConfigSchema>;

export const ComparisonStateSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type ComparisonState = z.infer<typeof ComparisonStateSchema>;

export const ComparisonPhaseSchema = z.enum([
  'checking',
  'loading',
  'replay',
  'reference',
  'statistics',
  'drift',
  'done',
]);
export type ComparisonPhase = z.infer<typeof ComparisonPhaseSchema>;

export const ComparisonProgressSchema = z.object({
  phase: ComparisonPhaseSchema,
  /** Rows replayed through every version so far (of the current dataset: replay, then reference). */
  rowsDone: z.number().int().nonnegative(),
  rowsTotal: z.number().int().nonnegative(),
  /** 0..1 over the whole comparison. */
  fraction: z.number().min(0).max(1),
  message: z.string(),
});
export type ComparisonProgress = z.infer<typeof ComparisonProgressSchema>;

/** A point estimate with its confidence interval (null bounds where there were too few rows for one). */
export const EstimateSchema = z.object({
  value: z.number(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export type Estimate = z.infer<typeof EstimateSchema>;

export const PredictionChoiceSchema = z.object({
  output: z.string(),
  rule: PredictionRuleSchema,
  source: z.enum(['inferred', 'override']),
  /** Which rule chose it, in words ("int64 output 'label' of shape [batch]: a class label per row"). */
  reason: z.string(),
});
export type PredictionChoice = z.infer<typeof PredictionChoiceSchema>;

/** Per-row inference time: the batch's session.run() time inside its worker, divided by its rows. */
export const RowLatencySchema = z.object({
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  meanMs: z.number().nullable(),
  batches: z.number().int().nonnegative(),
});
export type RowLatency = z.infer<typeof RowLatencySchema>;

export const VersionResultSchema = z.object({
  ref: z.string(),
  model: z.string(),
  version: z.number().int().positive(),
  provider: z.string(),
  prediction: PredictionChoiceSchema,
  /** Rows this version answered, and rows it could not (a failed batch, a non-finite prediction). */
  rows: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** The first few failures, with the row range they hit. */
  errorSamples: z.array(z.object({ row: z.number().int().nonnegative(), message: z.string() })),
  /** Rows with a label that this version answered. */
  labelledRows: z.number().int().nonnegative(),
  /** Class predictions with labels: share of rows predicted right. */
  accuracy: EstimateSchema.nullable(),
  /** Regression predictions with numeric labels. */
  mae: EstimateSchema.nullable(),
  rmse: EstimateSchema.nullable(),
  latency: RowLatencySchema,
});
export type VersionResult = z.infer<typeof VersionResultSchema>;

export const FlipMatrixSchema = z.object({
  /** Class names: rows are the baseline's prediction, columns the candidate's. */
  classes: z.array(z.string()),
  counts: z.array(z.array(z.number().int().nonnegative())),
  /** True when rarer classes were folded into a last "(other)" class to keep the matrix readable. */
  folded: z.boolean(),
});
export type FlipMatrix = z.infer<typeof FlipMatrixSchema>;

export const OutputDeltaSchema = z.object({
  output: z.string(),
  /** Elements per row. */
  elements: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  /** Per row, max over the row's elements of |candidate − baseline|; quantiles over rows. */
  absDelta: z.object({ p50: z.number(), p99: z.number(), max: z.number(), mean: z.number() }).nullable(),
  /** The per-row |Δ| in bins (the first from 0, the rest log-spaced up to the max), for the distribution chart. */
  histogram: HistogramSchema.nullable(),
  /** Cosine similarity of the two rows (vector outputs only; rows where either vector is zero are skipped). */
  cosine: z.object({ mean: z.number(), min: z.number(), rows: z.number().int().nonnegative() }).nullable(),
  /** Wasserstein-1 between the baseline's and the candidate's values, element by element (see basis). */
  distance: z
    .object({
      metric: z.literal('wasserstein-1'),
      /** per-element: mean and max over the output's elements; pooled: all elements as one distribution. */
      basis: z.enum(['per-element', 'pooled']),
      mean: z.number(),
      max: z.number(),
      /** The element with the largest distance (per-element basis). */
      maxElement: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
});
export type OutputDelta = z.infer<typeof OutputDeltaSchema>;

export const McNemarResultSchema = z.object({
  /** Discordant pairs: baseline right and candidate wrong (b), baseline wrong and candidate right (c). */
  b: z.number().int().nonnegative(),
  c: z.number().int().nonnegative(),
  statistic: z.number().nullable(),
  pValue: z.number().nullable(),
  exact: z.boolean(),
  /** The variant used, in words. */
  variant: z.string(),
});
export type McNemarResult = z.infer<typeof McNemarResultSchema>;

export const ExplorerRowSchema = z.object({
  row: z.number().int().nonnegative(),
  label: z.union([z.number(), z.string()]).nullable(),
  /** |Δ| of the explorer's output (see PairResult.explorer.deltaOutput). */
  absDelta: z.number(),
  /** negative: baseline right, candidate wrong; positive: the reverse; changed: the prediction changed otherwise. */
  flip: z.enum(['negative', 'positive', 'changed', 'none']),
  inputs: z.record(z.string(), z.array(z.number().nullable())),
  /** Baseline first, then the candidate: the prediction and the explorer output's values. */
  outputs: z.array(
    z.object({
      ref: z.string(),
      prediction: z.union([z.number(), z.string()]).nullable(),
      values: z.array(z.number().nullable()),
    }),
  ),
});
export type ExplorerRow = z.infer<typeof ExplorerRowSchema>;

export const PairResultSchema = z.object({
  baseline: z.string(),
  candidate: z.string(),
  /** Rows both versions answered. */
  rows: z.number().int().nonnegative(),
  /** Class predictions: share of rows where both predicted the same class, with a bootstrap interval. */
  agreement: EstimateSchema.nullable(),
  disagreements: z.number().int().nonnegative(),
  kappa: z.number().nullable(),
  flipMatrix: FlipMatrixSchema.nullable(),
  outputs: z.array(OutputDeltaSchema),
  /** Outputs not compared, and why (missing in one version, a different size, not numeric). */
  skippedOutputs: z.array(z.object({ output: z.string(), reason: z.string() })),
  /** Class predictions on labelled rows. */
  labels: z
    .object({
      rows: z.number().int().nonnegative(),
      bothRight: z.number().int().nonnegative(),
      bothWrong: z.number().int().nonnegative(),
      negativeFlips: z.number().int().nonnegative(),
      positiveFlips: z.number().int().nonnegative(),
      /** Candidate accuracy − baseline accuracy, paired bootstrap interval. */
      accuracyDelta: EstimateSchema,
      mcnemar: McNemarResultSchema,
    })
    .nullable(),
  /** Regression predictions on labelled rows: mean of |error_candidate| − |error_baseline|, paired interval. */
  regressionLabels: z.object({ rows: z.number().int().nonnegative(), absErrorDelta: EstimateSchema }).nullable(),
  /** Per-row latency, candidate − baseline, paired by batch; ratio = candidate mean / baseline mean. */
  latencyDelta: z.object({ meanMs: EstimateSchema, ratio: z.number().nullable() }).nullable(),
  explorer: z.object({
    /** The output whose per-row |Δ| sorts the explorer. */
    deltaOutput: z.string(),
    byDelta: z.array(ExplorerRowSchema),
    byFlips: z.array(ExplorerRowSchema),
  }),
});
export type PairResult = z.infer<typeof PairResultSchema>;

/** A version's predictions on the reference dataset against its predictions on the compared dataset. */
export const PredictionDriftSchema = z.object({
  ref: z.string(),
  /** The prediction as a feature: categorical for classes, numeric for regression values. */
  kind: z.enum(['categorical', 'numeric']),
  referenceRows: z.number().int().nonnegative(),
  currentRows: z.number().int().nonnegative(),
  drift: FeatureDriftSchema,
});
export type PredictionDrift = z.infer<typeof PredictionDriftSchema>;

export const ComparisonResultsSchema = z.object({
  /** Every convention the numbers follow, in words (prediction rule, interval method, McNemar variant, …). */
  conventions: z.array(z.string()),
  datasetRows: z.number().int().nonnegative(),
  labelledRows: z.number().int().nonnegative(),
  batchSize: z.number().int().positive(),
  versions: z.array(VersionResultSchema),
  pairs: z.array(PairResultSchema),
  /** With a reference dataset: each version's predictions on the reference against those on the dataset. */
  predictionDrift: z.array(PredictionDriftSchema).nullable(),
  /** With a reference dataset: the inputs' drift against it. */
  inputDrift: DriftReportSchema.nullable(),
  /** Replay covers the reference rows too; drift is the input and prediction drift tests; start is opening a
   * session per version (part of the total, not of replay; absent in comparisons stored before it was kept). */
  timing: z.object({
    totalMs: z.number(),
    replayMs: z.number(),
    statisticsMs: z.number(),
    driftMs: z.number(),
    startMs: z.number().optional(),
  }),
});
export type ComparisonResults = z.infer<typeof ComparisonResultsSchema>;

export const ComparisonSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  state: ComparisonStateSchema,
  config: ComparisonConfigSchema,
  progress: ComparisonProgressSchema,
  /** The dataset as it was when the comparison started (name; id in config may be a name). */
  datasetName: z.string(),
  datasetId: z.string(),
  referenceName: z.string().nullable(),
  results: ComparisonResultsSchema.nullable(),
  error: z.string().nullable(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

/** A stored comparison without its results, for lists. */
export const ComparisonSummarySchema = ComparisonSchema.omit({ results: true }).extend({
  /** The first pair's agreement, and each version's accuracy, when known. */
  agreement: z.number().nullable(),
  accuracies: z.array(z.number().nullable()),
});
export type ComparisonSummary = z.infer<typeof ComparisonSummarySchema>;

export const ExplorerExportRequestSchema = z.object({
  sort: z.enum(['delta', 'flips']).default('delta'),
  limit: z.number().int().min(1).max(10_000_000).default(100),
  name: z.string().min(1),
  /** Which pair (index into results.pairs; default the first). */
  pair: z.number().int().nonnegative().default(0),
});
export type ExplorerExportRequest = z.input<typeof ExplorerExportRequestSchema>;
