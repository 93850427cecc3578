// Deploy bundles: what an export writes (targets, layout, the manifest that lists every file with its sha256 and
// what Slipway knows about the version), the standalone server's config, and the requests that export and import.
import { z } from 'zod';
import { DatasetInputSchema, FeatureProfileSchema, LabelProfileSchema } from './datasets';
import { ModelSignatureSchema } from './modelInspection';
import { ModelNameSchema, StageSchema } from './modelVersion';
import { ProviderChoiceSchema } from './providers';
import { RolloutPlanSchema, RolloutStateSchema } from './rollout';
import { FallbackSchema, ServingSettingsSchema } from './servingSettings';

/** The manifest format this Slipway writes and the newest it reads; a newer bundle is refused, never guessed at. */
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_MANIFEST_FILE = 'slipway-manifest.json';

/**
 * triton: a Triton model repository (`triton/<name>/config.pbtxt`, `triton/<name>/<v>/model.onnx`).
 * kserve: an InferenceService (`kserve/inferenceservice.yaml`) pointing at that repository (written with it).
 * standalone: `standalone/`, Slipway's own server in one file with the model, package.json, Dockerfile, README.
 * edge: `edge/`, the same server around a CPU-optimised model, with a parity report against the original.
 */
export const BundleTargetSchema = z.enum(['triton', 'kserve', 'standalone', 'edge']);
export type BundleTarget = z.infer<typeof BundleTargetSchema>;
export const BUNDLE_TARGETS = BundleTargetSchema.options;

/** Folder of each target inside a bundle (kserve's YAML points at the triton folder). */
export const BUNDLE_TARGET_DIRS: Record<BundleTarget, string> = {
  triton: 'triton',
  kserve: 'kserve',
  standalone: 'standalone',
  edge: 'edge',
};

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits');

/** A bundle-relative path: forward slashes, no `..`, not absolute. */
export const BundlePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\'), 'a relative path with / separators')
  .refine((p) => p.split('/').every((part) => part !== '..' && part !== '.' && part !== ''), 'no "..", "." or "//"');

export const BundleFileSchema = z.object({
  path: BundlePathSchema,
  bytes: z.number().int().nonnegative(),
  sha256: Sha256Schema,
});
export type BundleFile = z.infer<typeof BundleFileSchema>;

/** The last finished load test of the version (capacity at SLO when it searched for it). */
export const BundleLoadTestSchema = z.object({
  runId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  targetLabel: z.string(),
  requests: z.number().int(),
  achievedRate: z.number(),
  /** Latency from the intended send (coordinated-omission corrected). */
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  errorShare: z.number(),
  capacity: z
    .object({
      budgetMs: z.number(),
      capacityRate: z.number().nullable(),
      saturationRate: z.number().nullable(),
      kneeRate: z.number().nullable(),
    })
    .nullable(),
});
export type BundleLoadTest = z.infer<typeof BundleLoadTestSchema>;

/** The last finished comparison that replayed the version: agreement, accuracy and dataset drift at a glance. */
export const BundleComparisonSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  datasetName: z.string(),
  referenceName: z.string().nullable(),
  versions: z.array(z.object({ model: z.string(), version: z.number().int() })),
  /** First pair's agreement (0..1). */
  agreement: z.number().nullable(),
  /** This version's accuracy on the dataset's labels. */
  accuracy: z.number().nullable(),
  /** Features of the dataset that drifted from the reference, when drift was tested. */
  driftedFeatures: z.array(z.string()).nullable(),
  featuresTested: z.number().int().nullable(),
});
export type BundleComparison = z.infer<typeof BundleComparisonSchema>;

/** The version's reference profile, so drift can be monitored where the bundle is deployed. */
export const ReferenceProfileSchema = z.object({
  datasetName: z.string(),
  datasetSha256: z.string(),
  rows: z.number().int().nonnegative(),
  inputs: z.array(DatasetInputSchema),
  features: z.array(FeatureProfileSchema),
  label: LabelProfileSchema.nullable(),
});
export type ReferenceProfile = z.infer<typeof ReferenceProfileSchema>;

/** The rollout the version takes part in (the running one, else the latest). */
export const BundleRolloutSchema = z.object({
  id: z.string(),
  model: z.string(),
  baseline: z.number().int(),
  candidate: z.number().int(),
  state: RolloutStateSchema,
  stepIndex: z.number().int(),
  plan: RolloutPlanSchema,
  /** The candidate's share of traffic now (running rollouts), which KServe's canaryTrafficPercent carries. */
  canaryTrafficPercent: z.number().int().min(0).max(100).nullable(),
});
export type BundleRollout = z.infer<typeof BundleRolloutSchema>;

export const OutputParitySchema = z.object({
  name: z.string(),
  elements: z.number().int().nonnegative(),
  maxAbsError: z.number(),
  /** |a - b| / max(|a|, |b|), over elements where either is non-zero. */
  maxRelError: z.number(),
});

/** The edge model against the original on the same inputs. */
export const EdgeParitySchema = z.object({
  /** onnxruntime's graph optimisation level used for the file written to disk. */
  optimizationLevel: z.enum(['basic', 'extended', 'all']),
  originalBytes: z.number().int(),
  optimizedBytes: z.number().int(),
  originalNodes: z.number().int(),
  optimizedNodes: z.number().int(),
  /** Where the sample inputs came from: the reference dataset, a sample file, or synthetic values. */
  samplesFrom: z.string(),
  samples: z.number().int().positive(),
  outputs: z.array(OutputParitySchema),
  maxAbsError: z.number(),
  maxRelError: z.number(),
  tolerance: z.number(),
  /**
   * Absolute differences at or below this pass too: an element passes when |a - b| <= tolerance * max(|a|, |b|)
   * or |a - b| <= absFloor, so near-zero values (whose relative error is noise) can pass with maxRelError above
   * the tolerance. Absent in bundles written before it was recorded.
   */
  absFloor: z.number().optional(),
  passed: z.boolean(),
});
export type EdgeParity = z.infer<typeof EdgeParitySchema>;

export const BundleManifestSchema = z.object({
  format: z.literal('slipway-bundle'),
  formatVersion: z.number().int().positive(),
  createdAt: z.string(),
  slipwayVersion: z.string(),
  targets: z.array(BundleTargetSchema).min(1),
  source: z.object({
    model: ModelNameSchema,
    version: z.number().int().positive(),
    sha256: Sha256Schema,
    fileBytes: z.number().int().nonnegative(),
    stage: StageSchema,
    notes: z.string(),
    sourceName: z.string(),
  }),
  signature: ModelSignatureSchema,
  runtime: z.object({
    onnxruntimeVersion: z.string(),
    /** The version's provider setting, and the provider it ran on here when it last loaded (null: not known). */
    provider: ProviderChoiceSchema,
    providerUsed: z.string().nullable(),
  }),
  serving: z.object({ settings: ServingSettingsSchema, fallback: FallbackSchema }),
  loadTest: BundleLoadTestSchema.nullable(),
  comparison: BundleComparisonSchema.nullable(),
  referenceProfile: ReferenceProfileSchema.nullable(),
  rollout: BundleRolloutSchema.nullable(),
  edge: EdgeParitySchema.nullable(),
  /** Where the InferenceService reads the Triton repository from; `placeholder` when the user gave none. */
  kserve: z.object({ storageUri: z.string(), placeholder: z.boolean() }).nullable(),
  /** Every file of the bundle but the manifest itself. */
  files: z.array(BundleFileSchema),
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** The standalone server config format this Slipway writes and its server.js reads; a newer one is refused. */
export const STANDALONE_SERVER_FORMAT_VERSION = 1;
export const STANDALONE_SERVER_CONFIG_FILE = 'slipway-server.json';

/** What the standalone server reads at start (`slipway-server.json` next to server.js). */
export const StandaloneServerConfigSchema = z.object({
  format: z.literal('slipway-server'),
  formatVersion: z.number().int().positive(),
  /** Bind address and port unless HOST / PORT or --host / --port say otherwise. */
  host: z.string(),
  port: z.number().int().min(0).max(65535),
  models: z
    .array(
      z.object({
        model: ModelNameSchema,
        version: z.number().int().positive(),
        /** Relative to the config file. */
        path: BundlePathSchema,
        weightBytes: z.number().int().nonnegative(),
        signature: ModelSignatureSchema,
        settings: ServingSettingsSchema,
        fallback: FallbackSchema,
      }),
    )
    .min(1),
});
export type StandaloneServerConfig = z.infer<typeof StandaloneServerConfigSchema>;

export const ExportRequestSchema = z.object({
  model: ModelNameSchema,
  version: z.number().int().positive(),
  targets: z.array(BundleTargetSchema).min(1, 'pick at least one target: triton, kserve, standalone or edge'),
  /** The bundle folder to write; it must not exist or be empty. Default: <home>/exports/<model>-v<version>. */
  outDir: z.string().min(1).optional(),
  /** Also write <outDir>.tar.gz. */
  tar: z.boolean().default(false),
  /** KServe's storageUri (s3://, gs://, pvc://, ...) where the triton/ folder will be uploaded. */
  storageUri: z.string().min(1).max(2048).optional(),
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;
export type ExportRequestInput = z.input<typeof ExportRequestSchema>;

/** One file an export will write, before it runs. */
export const PlannedFileSchema = z.object({
  path: z.string(),
  target: BundleTargetSchema.nullable(),
  description: z.string(),
  /** Known ahead for copies; null for files produced by the export (optimised model, manifest). */
  bytes: z.number().int().nonnegative().nullable(),
});
export type PlannedFile = z.infer<typeof PlannedFileSchema>;

export const ExportPlanSchema = z.object({
  outDir: z.string(),
  archive: z.string().nullable(),
  files: z.array(PlannedFileSchema),
  /** What the manifest will carry and lack (no load test yet, placeholder storageUri, ...). */
  notes: z.array(z.string()),
});
export type ExportPlan = z.infer<typeof ExportPlanSchema>;

export const ExportResultSchema = z.object({
  outDir: z.string(),
  archive: z.string().nullable(),
  archiveBytes: z.number().int().nullable(),
  totalBytes: z.number().int(),
  manifest: BundleManifestSchema,
  notes: z.array(z.string()),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

export const BundleImportResultSchema = z.object({
  model: z.string(),
  version: z.number().int().positive(),
  /** False when the library already held these bytes under this name (that version is returned). */
  created: z.boolean(),
  verifiedFiles: z.number().int(),
  settingsApplied: z.boolean(),
  referenceProfile: z.boolean(),
  notes: z.array(z.string()),
});
export type BundleImportResult = z.infer<typeof BundleImportResultSchema>;
