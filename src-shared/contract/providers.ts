// Execution providers: which exist, which work here and why not, and which one a session actually runs on.
import { z } from 'zod';

export const ProviderNameSchema = z.string().regex(/^[a-z][a-z0-9]*$/);
export type ProviderName = z.infer<typeof ProviderNameSchema>;

/** What a user asks for: a provider by name, or `auto` (GPU only where it is likely to help). */
export const ProviderChoiceSchema = z.union([z.literal('auto'), ProviderNameSchema]);
export type ProviderChoice = z.infer<typeof ProviderChoiceSchema>;

export const ProviderStatusSchema = z.object({
  name: ProviderNameSchema,
  /** Shipped inside onnxruntime-node (no extra install). */
  bundled: z.boolean(),
  /** A session could be created with it on this machine. */
  available: z.boolean(),
  /** Why it is not available: the provider's own error, shortened to its message. */
  reason: z.string().optional(),
  kind: z.enum(['cpu', 'gpu']),
  /** Time the probe took to create a tiny session. */
  probeMs: z.number(),
});
export type ProviderStatus = z.infer<typeof ProviderStatusSchema>;

export const ProviderDecisionSchema = z.object({
  requested: ProviderChoiceSchema,
  /** The provider the session runs on. */
  actual: ProviderNameSchema,
  /** Why: the auto policy's reasoning, or the fallback's cause. */
  reason: z.string(),
});
export type ProviderDecision = z.infer<typeof ProviderDecisionSchema>;
