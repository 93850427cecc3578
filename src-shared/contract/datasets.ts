// Replay datasets: what an imported JSONL/CSV file became (its schema: inputs, per-row shapes, features, label)
// and its profile (per feature statistics and a quantile sketch), the reference that drift is measured against.
import { z } from 'zod';

export const FeatureKindSchema = z.enum(['numeric', 'categorical']);
export type FeatureKind = z.infer<typeof FeatureKindSchema>;

/** One model input as the dataset holds it: a fixed per-row shape (no batch axis), values stored as float64. */
export const DatasetInputSchema = z.object({
  name: z.string(),
  /** Per-row shape, without the batch axis ([] for a scalar per row). */
  shape: z.array(z.number().int().nonnegative()),
  /** Element count per row (product of shape). */
  size: z.number().int().nonnegative(),
  /** True when the source held JSON booleans (stored as 0/1). */
  boolean: z.boolean().default(false),
  /** Every present value is a whole number (what an integer model input needs). */
  integer: z.boolean().default(false),
  /** Smallest and largest present value over every element; null when every value is missing. */
  min: z.number().nullable().default(null),
  max: z.number().nullable().default(null),
  /** Missing elements (empty CSV cells, JSON null) over every row. */
  missing: z.number().int().nonnegative().default(0),
  /** False when the input has more elements than are profiled one by one (its features are then not listed). */
  profiled: z.boolean().default(true),
  /** The CSV columns that fill it, element by element (empty for JSONL). */
  columns: z.array(z.string()).default([]),
});
export type DatasetInput = z.infer<typeof DatasetInputSchema>;

export const HistogramSchema = z.object({
  /** Bin edges, ascending (length = counts.length + 1). */
  edges: z.array(z.number()),
  counts: z.array(z.number().int().nonnegative()),
});
export type Histogram = z.infer<typeof HistogramSchema>;

export const CategoryCountSchema = z.object({ value: z.string(), count: z.number().int().nonnegative() });

/** One feature: an element of an input (`pixels[12]`) or a CSV column mapped onto one. */
export const FeatureProfileSchema = z.object({
  /** Display name: the CSV column, else `input[i]` (`input` alone for a scalar input). */
  name: z.string(),
  input: z.string(),
  /** Flat element index within the input's per-row tensor. */
  index: z.number().int().nonnegative(),
  kind: FeatureKindSchema,
  /** Present (non-missing) values. */
  count: z.number().int().nonnegative(),
  /** Missing values (empty CSV cells, JSON null, NaN). */
  missing: z.number().int().nonnegative(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  /** Sample standard deviation (n − 1). */
  std: z.number().nullable(),
  /** Quantiles read from the sketch at p = 0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1. */
  quantiles: z.array(z.object({ p: z.number(), value: z.number() })),
  /** The mergeable quantile sketch itself, serialised (base64): live drift compares against it. */
  sketch: z.string(),
  /** Equal-width bins between min and max (numeric features). */
  histogram: HistogramSchema.nullable(),
  /** Value frequencies, most frequent first (categorical features; at most 100, the rest summed as "(other)"). */
  frequencies: z.array(CategoryCountSchema).nullable(),
  /** Every present value is a whole number. */
  integer: z.boolean().default(false),
});
export type FeatureProfile = z.infer<typeof FeatureProfileSchema>;

export const LabelProfileSchema = z.object({
  /** The JSONL key or CSV column it came from. */
  source: z.string(),
  kind: z.enum(['class', 'regression']),
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  /** Class labels with counts (class labels only). */
  classes: z.array(CategoryCountSchema).nullable(),
});
export type LabelProfile = z.infer<typeof LabelProfileSchema>;

export const DatasetSchema = z.object({
  id: z.string(),
  name: z.string(),
  format: z.enum(['jsonl', 'csv']),
  /** The file it was imported from (as given), and its size and sha256. */
  source: z.string(),
  sourceBytes: z.number().int().nonnegative(),
  sha256: z.string(),
  rows: z.number().int().nonnegative(),
  /** Bad lines skipped because the user allowed it (each is in `skipped`, at most 100 listed). */
  skippedRows: z.number().int().nonnegative(),
  skipped: z.array(z.object({ line: z.number().int().positive(), message: z.string() })),
  inputs: z.array(DatasetInputSchema),
  features: z.array(FeatureProfileSchema),
  label: LabelProfileSchema.nullable(),
  createdAt: z.string(),
  /** Rows' origin when the dataset was cut from a comparison's disagreements. */
  derivedFrom: z.string().nullable().default(null),
});
export type Dataset = z.infer<typeof DatasetSchema>;

export const DatasetSummarySchema = DatasetSchema.pick({
  id: true,
  name: true,
  format: true,
  rows: true,
  createdAt: true,
  source: true,
}).extend({ inputs: z.array(z.string()), hasLabel: z.boolean(), features: z.number().int() });
export type DatasetSummary = z.infer<typeof DatasetSummarySchema>;

/** Why a dataset (or a file's columns) does not fit a model's inputs: one line per mismatch. */
export const FitProblemSchema = z.object({
  kind: z.enum(['missing-input', 'extra-column', 'count', 'dtype', 'shape', 'unmapped-column']),
  /** The model input concerned, when there is one. */
  input: z.string().nullable(),
  /** The CSV column or JSONL key concerned, when there is one. */
  column: z.string().nullable(),
  message: z.string(),
  /** Warnings (an extra input the model ignores, NaN into a float input) do not stop a fit. */
  severity: z.enum(['error', 'warning']).default('error'),
});
export type FitProblem = z.infer<typeof FitProblemSchema>;

export const DatasetFitSchema = z.object({
  /** No problem of severity 'error'. */
  fits: z.boolean(),
  problems: z.array(FitProblemSchema),
  /** For CSV: which columns went to which input, in order. */
  mapping: z.array(z.object({ input: z.string(), columns: z.array(z.string()) })),
});
export type DatasetFit = z.infer<typeof DatasetFitSchema>;

/** How `datasets import` reads a file (the CLI flags and the control API's body). */
export const DatasetImportOptionsSchema = z.object({
  /** Default: the file's stem, sanitised like a model name. */
  name: z.string().optional(),
  /** Default: from the extension (.jsonl/.ndjson, .csv). */
  format: z.enum(['jsonl', 'csv']).optional(),
  /** `column=input` rules, `*` and `?` as globs (CSV); for JSONL, `key=input` renames an input. */
  map: z.array(z.string()).default([]),
  /** CSV columns to leave out (globs). */
  ignore: z.array(z.string()).default([]),
  /** The label column / JSONL key; default `label` when present; null: no label. */
  label: z.string().nullable().optional(),
  /** `auto`: strings, or whole numbers with at most 100 distinct values, are classes; other numbers regression. */
  labelKind: z.enum(['auto', 'class', 'regression']).default('auto'),
  /** NAME[:V]: check the file against this model's inputs (and name the inputs after them). */
  model: z.string().optional(),
  /** Skip bad rows (each is listed) instead of stopping at the first. */
  skipBad: z.boolean().default(false),
  /** What the dataset records as its source; default: the path read (an upload names the user's file). */
  sourceName: z.string().min(1).optional(),
});
export type DatasetImportOptions = z.input<typeof DatasetImportOptionsSchema>;

export const DatasetImportProgressSchema = z.object({
  phase: z.enum(['reading', 'profiling', 'committing']),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  rows: z.number().int().nonnegative(),
});
export type DatasetImportProgress = z.infer<typeof DatasetImportProgressSchema>;

/** A model version's reference dataset (its stored profile is what drift and live drift compare against). */
export const DatasetReferenceSchema = z.object({
  model: z.string(),
  version: z.number().int().positive(),
  datasetId: z.string(),
  datasetName: z.string(),
  boundAt: z.string(),
});
export type DatasetReference = z.infer<typeof DatasetReferenceSchema>;
