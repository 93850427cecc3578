// Serving settings derived from the model itself, before any user override: what `slipway models config`
// shows as defaults and what the UI starts from.
import type { ModelSignature, ServingSettings } from '../../../src-shared/contract';
import { batchAxis } from './batchAxis';

export function defaultServingSettings(signature: ModelSignature): ServingSettings {
  return {
    instances: 1,
    intraOpThreads: null,
    provider: 'auto',
    dynamicBatching: {
      // On wherever the model has a shared dynamic batch axis; the load-time equivalence check may still
      // keep it off for models whose batched results are not bit-identical.
      enabled: batchAxis(signature).batchable,
      maxBatchSize: 32,
      // Triton's default: batch whatever is queued when an instance frees up, never wait for more.
      maxQueueDelayMicros: 0,
      preferredBatchSizes: [],
    },
    cache: { enabled: false, maxBytes: 64 * 1024 * 1024 },
    maxQueueLength: 1024,
    defaultTimeoutMicros: 30_000_000,
    priorityLevels: 1,
    defaultPriority: 1,
  };
}
