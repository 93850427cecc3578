// Models and versions in the library, as the CLI prints them and the control API returns them.
import { z } from 'zod';
import { ModelInspectionSchema } from './modelInspection';

export const STAGES = ['dev', 'staging', 'production', 'archived'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/** `[A-Za-z0-9][A-Za-z0-9._-]{0,63}` — safe in URLs (/v2/models/{name}), file names and Triton repositories. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ModelNameSchema = z
  .string()
  .regex(MODEL_NAME_PATTERN, 'a model name is 1-64 characters of A-Z a-z 0-9 . _ - and starts with a letter or digit');

export const ModelVersionSchema = z.object({
  model: ModelNameSchema,
  version: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileBytes: z.number().int().nonnegative(),
  stage: StageSchema,
  notes: z.string(),
  /** File name the version was imported from (no directory). */
  sourceName: z.string(),
  createdAt: z.string(),
  inspection: ModelInspectionSchema,
});
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

export const ModelSummarySchema = z.object({
  name: ModelNameSchema,
  versions: z.array(ModelVersionSchema),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

export const ImportResultSchema = z.object({
  /** False when these exact bytes were already in the library under this name: `version` is that existing one. */
  created: z.boolean(),
  version: ModelVersionSchema,
});
export type ImportResult = z.infer<typeof ImportResultSchema>;
