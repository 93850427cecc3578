// Drift: per-feature tests of a current sample against a reference (dataset or stored profile), the dataset-level
// verdict, and what each verdict can be trusted for (false-alarm rate, smallest detectable shift).
import { z } from 'zod';
import { FeatureKindSchema } from './datasets';

export const DriftTestNameSchema = z.enum(['ks', 'wasserstein', 'psi', 'jensenShannon', 'chiSquare', 'zTest']);
export type DriftTestName = z.infer<typeof DriftTestNameSchema>;

/** How a feature was tested: numeric, categorical, or binary (≤ 2 distinct values in reference ∪ current). */
export const DriftFeatureTreatmentSchema = z.enum(['numeric', 'categorical', 'binary']);
export type DriftFeatureTreatment = z.infer<typeof DriftFeatureTreatmentSchema>;

const threshold = z.number().positive().finite();

export const DriftThresholdsSchema = z.object({
  /** p-value below which KS says drift. */
  ks: threshold.default(0.05),
  chiSquare: threshold.default(0.05),
  zTest: threshold.default(0.05),
  /** Distances at or above which the test says drift. */
  wasserstein: threshold.default(0.1),
  jensenShannon: threshold.default(0.1),
  psi: threshold.default(0.1),
});
export type DriftThresholds = z.infer<typeof DriftThresholdsSchema>;

export const DriftOptionsSchema = z.object({
  thresholds: DriftThresholdsSchema.prefault({}),
  /** Evidently's switch: references with at most this many rows use p-value tests, larger ones distances. */
  smallSampleMaxRows: z.number().int().positive().default(1000),
  /** A numeric feature with at most this many distinct values (reference ∪ current) is tested as categorical. */
  numericMinDistinct: z.number().int().nonnegative().default(5),
  /** The test that decides per feature: 'auto' is Evidently's choice by size and kind. */
  test: z.union([z.literal('auto'), DriftTestNameSchema]).default('auto'),
  /** Dataset drift when at least this share of the features drifted. */
  datasetDriftShare: z.number().gt(0).max(1).default(0.5),
  /**
   * Dataset drift also when a feature whose decisive test gives a p-value stays below this family-wise level
   * after Holm's correction over those features (a strong drift in a few features); null turns it off.
   */
  familyWiseAlpha: z.number().gt(0).lt(1).nullable().default(0.05),
  psiBins: z.number().int().min(2).max(100).default(10),
  psiEpsilon: z.number().positive().max(0.1).default(1e-4),
  /** Bins of the reference/current overlay histogram for numeric features (equal width over both ranges). */
  histogramBins: z.number().int().min(2).max(200).default(20),
  calibration: z
    .object({
      enabled: z.boolean().default(true),
      /** Reference splits (false alarms) and resamples per bisection step (detectable shift). */
      resamples: z.number().int().min(5).max(1000).default(40),
      /** Rows drawn per side in each resample (bounds the cost on large data). */
      maxRows: z.number().int().min(20).max(100_000).default(1000),
      /** Power at which a shift counts as detectable. */
      power: z.number().gt(0).lt(1).default(0.8),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .default(1),
    })
    .prefault({}),
  /** Features (by name) to test; default all. */
  features: z.array(z.string()).nullable().default(null),
});
export type DriftOptions = z.infer<typeof DriftOptionsSchema>;
export type DriftOptionsInput = z.input<typeof DriftOptionsSchema>;

export const DriftTestSchema = z.object({
  test: DriftTestNameSchema,
  /** The statistic or distance (KS D, z, χ², PSI, JS distance, normalised Wasserstein); null if it is infinite. */
  value: z.number().nullable(),
  /** For KS, chi-square and z: the p-value; null for distances. */
  pValue: z.number().min(0).max(1).nullable(),
  threshold: z.number(),
  /** 'pValueBelow': drift when pValue < threshold; 'valueAtLeast': drift when value ≥ threshold. */
  rule: z.enum(['pValueBelow', 'valueAtLeast']),
  drifted: z.boolean(),
  /** The test that decides this feature's verdict. */
  decisive: z.boolean(),
  /** Computed from a sketch or histogram rather than the raw values (see `method`). */
  approximate: z.boolean(),
  /** How it was computed (e.g. 'exact', 'asymp', 'sketch'). */
  method: z.string(),
  /** Share of reference-vs-reference splits this test flagged (null when not calibrated). */
  falseAlarmRate: z.number().min(0).max(1).nullable(),
  /**
   * Smallest shift detected with the configured power at the current sample size (decisive test only): numeric,
   * a mean shift in reference standard deviations; categorical, the share of rows moved to the rarest reference
   * category. null when not calibrated; +∞ is reported as null with `shiftUndetectable`.
   */
  minimalDetectableShift: z.number().nonnegative().nullable(),
  shiftUndetectable: z.boolean().default(false),
});
export type DriftTest = z.infer<typeof DriftTestSchema>;

/** Reference and current counts on the same bins, for the overlay chart. */
export const DriftHistogramSchema = z.object({
  /** Numeric: bin edges (length = counts + 1). Categorical: null. */
  edges: z.array(z.number()).nullable(),
  /** Categorical: the category of each bin. Numeric: null. */
  categories: z.array(z.string()).nullable(),
  reference: z.array(z.number().nonnegative()),
  current: z.array(z.number().nonnegative()),
});
export type DriftHistogram = z.infer<typeof DriftHistogramSchema>;

export const FeatureDriftSchema = z.object({
  name: z.string(),
  /** The dataset's own kind for the feature, and how the tests treated it. */
  kind: FeatureKindSchema,
  treatment: DriftFeatureTreatmentSchema,
  referenceCount: z.number().int().nonnegative(),
  currentCount: z.number().int().nonnegative(),
  referenceMissing: z.number().int().nonnegative(),
  currentMissing: z.number().int().nonnegative(),
  /** Distinct present values in reference ∪ current (capped at 1000 when counted from samples). */
  distinct: z.number().int().nonnegative(),
  drifted: z.boolean(),
  /** Decisive test value over its threshold (p-tests: log p / log threshold); ≥ 1 means drifted. Sort key. */
  severity: z.number().nonnegative(),
  tests: z.array(DriftTestSchema),
  histogram: DriftHistogramSchema,
  /** The split sizes and count the false-alarm rates and detectable shift were measured with. */
  calibration: z
    .object({
      referenceRows: z.number().int().nonnegative(),
      currentRows: z.number().int().nonnegative(),
      resamples: z.number().int().nonnegative(),
      /** The detectable shift was scaled from the measured size to the current one (p-value tests). */
      shiftScaled: z.boolean(),
    })
    .nullable(),
  /** Decisive p-value still significant after Holm's correction across features; null for distance tests. */
  holmSignificant: z.boolean().nullable(),
  /** Why a feature was handled specially (constant, empty side), when it was. */
  note: z.string().nullable(),
});
export type FeatureDrift = z.infer<typeof FeatureDriftSchema>;

export const DriftReportSchema = z.object({
  /** 'samples': every value of both sides; 'profile': the reference's stored sketch and frequencies. */
  source: z.enum(['samples', 'profile']),
  referenceRows: z.number().int().nonnegative(),
  currentRows: z.number().int().nonnegative(),
  /** Features tested, most severe first. */
  features: z.array(FeatureDriftSchema),
  driftedFeatures: z.number().int().nonnegative(),
  driftedShare: z.number().min(0).max(1),
  datasetDrift: z.boolean(),
  /** What made it dataset drift: the share of drifted features, or a feature significant after Holm's correction. */
  datasetDriftReason: z.enum(['share', 'familyWise']).nullable(),
  /** Features significant after Holm's correction (p-value tests only). */
  familyWiseDrifted: z.number().int().nonnegative(),
  options: DriftOptionsSchema,
  /** Every convention the numbers follow, in words. */
  conventions: z.array(z.string()),
});
export type DriftReport = z.infer<typeof DriftReportSchema>;

/** Live drift on a served version: sampled inputs, sketched per feature over a sliding window. */
export const LiveDriftSettingsSchema = z.object({
  /** Share of served rows sampled (each row independently). */
  sampleRate: z.number().gt(0).max(1).default(0.1),
  /** The sliding window compared with the reference profile. */
  windowSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .default(600),
  /** The window moves in steps of this many seconds (one set of sketches per step). */
  bucketSeconds: z.number().int().min(1).max(3600).default(60),
  /** No verdict before the window holds this many sampled rows. */
  minRows: z.number().int().min(10).default(200),
  /** How often the window is compared (seconds). */
  evaluateEverySeconds: z.number().int().min(1).max(3600).default(30),
  /** Tests and thresholds; calibration is off by default here (it would run on the serving thread). */
  drift: DriftOptionsSchema.prefault({ calibration: { enabled: false } }),
});
export type LiveDriftSettings = z.infer<typeof LiveDriftSettingsSchema>;
export type LiveDriftSettingsInput = z.input<typeof LiveDriftSettingsSchema>;

export const LiveDriftStatusSchema = z.object({
  model: z.string(),
  version: z.number().int().positive(),
  state: z.enum(['warming-up', 'ok', 'drift']),
  /** Sampled rows in the window, and the window's span. */
  windowRows: z.number().int().nonnegative(),
  windowStart: z.string(),
  windowEnd: z.string(),
  evaluatedAt: z.string(),
  /** The latest comparison (null while warming up). */
  report: DriftReportSchema.nullable(),
});
export type LiveDriftStatus = z.infer<typeof LiveDriftStatusSchema>;

export const LiveDriftAlertSchema = z.object({
  kind: z.enum(['drift-started', 'drift-ended']),
  model: z.string(),
  version: z.number().int().positive(),
  at: z.string(),
  driftedShare: z.number().min(0).max(1),
  /** The drifted features, most severe first (at most 10). */
  features: z.array(z.string()),
  message: z.string(),
});
export type LiveDriftAlert = z.infer<typeof LiveDriftAlertSchema>;
