// How one model version is served, stored per version (fallback per model). Defaults come from the model
// (see engine/serving/defaultServingSettings) and every field can be changed with `slipway models config`.
import { z } from 'zod';
import { ProviderChoiceSchema } from './providers';

export const DynamicBatchingSchema = z.object({
  /** Merge queued requests into one session run. Only models whose inputs and outputs share a dynamic first
   * axis can batch, and only when batched results are bit-identical to single runs (checked at load). */
  enabled: z.boolean(),
  /** Rows per executed batch. */
  maxBatchSize: z.number().int().min(1).max(4096),
  /** How long the oldest queued request may wait for a batch to fill (0: take what is queued now). */
  maxQueueDelayMicros: z.number().int().min(0).max(10_000_000),
  /** Batch sizes to prefer: a batch stops growing at the largest preferred size reached. */
  preferredBatchSizes: z.array(z.number().int().min(1)),
});
export type DynamicBatching = z.infer<typeof DynamicBatchingSchema>;

export const ResponseCacheSchema = z.object({
  enabled: z.boolean(),
  /** LRU capacity: outputs are evicted least-recently-used first once their bytes exceed this. */
  maxBytes: z.number().int().min(0),
});

export const ServingSettingsSchema = z.object({
  instances: z.number().int().min(1).max(64),
  /** onnxruntime intra-op threads per instance; null: cores / instances. */
  intraOpThreads: z.number().int().min(1).max(256).nullable(),
  provider: ProviderChoiceSchema,
  dynamicBatching: DynamicBatchingSchema,
  cache: ResponseCacheSchema,
  /** Requests waiting beyond this are refused with 503 and Retry-After at once. */
  maxQueueLength: z.number().int().min(1),
  /** Deadline of every request, from arrival; a request's `timeout` parameter (µs) may only lower it. 0: none. */
  defaultTimeoutMicros: z.number().int().min(0),
  /** Priority levels 1 (highest) .. priorityLevels; requests without `priority` get defaultPriority. */
  priorityLevels: z.number().int().min(1).max(16),
  defaultPriority: z.number().int().min(1).max(16),
});
export type ServingSettings = z.infer<typeof ServingSettingsSchema>;

/** What answers for a model when its version fails to load, errors or times out (safe mode). */
export const FallbackSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('version'), version: z.number().int().positive() }),
  z.object({
    kind: z.literal('constant'),
    /** Output name → value: flat `data` in row-major order plus `shape` (per request: batch rows are repeated). */
    outputs: z.record(
      z.string(),
      z.object({ shape: z.array(z.number().int().nonnegative()), data: z.array(z.unknown()) }),
    ),
  }),
]);
export type Fallback = z.infer<typeof FallbackSchema>;

export const ModelServingSchema = z.object({ fallback: FallbackSchema });
export type ModelServing = z.infer<typeof ModelServingSchema>;
