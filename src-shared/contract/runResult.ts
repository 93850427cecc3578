// The result of running a model once (or a few times for timing) on given or synthetic inputs.
import { z } from 'zod';
import { ProviderDecisionSchema } from './providers';

export const TensorValueSchema = z.object({
  name: z.string(),
  elementType: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  /** Nested arrays; int64/uint64 beyond 2^53 as decimal strings. */
  data: z.unknown(),
});
export type TensorValue = z.infer<typeof TensorValueSchema>;

export const RunResultSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  provider: ProviderDecisionSchema,
  inputs: z.array(z.object({ name: z.string(), elementType: z.string(), shape: z.array(z.number().int()) })),
  /** Sizes given to symbolic dims that the caller left unbound. */
  appliedDims: z.record(z.string(), z.number().int()),
  outputs: z.array(TensorValueSchema),
  timing: z.object({
    /** Session creation (first instance). */
    loadMs: z.number(),
    /** The warm-up run at load; null when warm-up could not run. */
    warmupMs: z.number().nullable(),
    runs: z.number().int().positive(),
    /** Per request, from hand-off to the pool to the result (includes thread hand-off). */
    medianMs: z.number(),
    minMs: z.number(),
    maxMs: z.number(),
    /** session.run() alone, median. */
    computeMedianMs: z.number(),
  }),
});
export type RunResult = z.infer<typeof RunResultSchema>;
