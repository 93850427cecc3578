// What `slipway` prints under --json where no control-API type already says it (README, "--json output").
import { z } from 'zod';
import { ModelInspectionSchema } from './modelInspection';
import { ProviderStatusSchema } from './providers';

/** `slipway models inspect FILE.onnx --json`: a file outside the library. */
export const FileInspectionSchema = z.object({ file: z.string(), inspection: ModelInspectionSchema });
export type FileInspection = z.infer<typeof FileInspectionSchema>;

/** `slipway info --json`: where the library is, what is in it and which providers work. */
export const LibraryInfoSchema = z.object({
  slipway: z.string(),
  home: z.string(),
  database: z.string(),
  models: z.number().int().nonnegative(),
  versions: z.number().int().nonnegative(),
  /** Demo models this open imported (a new library). */
  demoImported: z.array(z.string()),
  /** Files an interrupted write had left, removed at this open. */
  sweptOrphans: z.array(z.string()),
  providers: z.array(ProviderStatusSchema),
});
export type LibraryInfo = z.infer<typeof LibraryInfoSchema>;

/** Every `slipway` error under --json, on stderr. `code` is a UserError code, or `usage` for a wrong command line. */
export const CliErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type CliError = z.infer<typeof CliErrorSchema>;
