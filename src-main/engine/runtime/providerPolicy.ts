// Which execution providers a session should try, in order, and the words that explain the choice.
// `auto` uses a GPU only where it is likely to help: tiny models run slower there (per-op dispatch cost).
import type { ProviderChoice, ProviderStatus } from '../../../src-shared/contract';
import { formatBytes } from '../../../src-shared/units';

/** Weights at or above this size suggest enough compute per request to pay for GPU dispatch. Measured on an
 * H200: squeezenet (4.9 MB) 1.5x and slow-matmul (4.2 MB) 15x faster on WebGPU, digits-mlp (70 kB) 27x slower. */
export const AUTO_GPU_MIN_WEIGHT_BYTES = 4_000_000;

/** GPU providers auto may pick, best first. */
export const GPU_PROVIDERS = ['cuda', 'tensorrt', 'webgpu', 'dml', 'coreml'] as const;

export interface ProviderPlan {
  /** Providers to try in order; the session runs on the first that starts. */
  attempts: string[];
  /** Why these, in words; completed with what happened once the session started. */
  reason: string;
}

export function isGpuProvider(name: string): boolean {
  return (GPU_PROVIDERS as readonly string[]).includes(name);
}

export function planProviders(
  choice: ProviderChoice,
  weightBytes: number,
  statuses: readonly ProviderStatus[],
): ProviderPlan {
  if (choice !== 'auto') return { attempts: [choice], reason: `${choice} requested` };
  const size = formatBytes(weightBytes);
  if (weightBytes < AUTO_GPU_MIN_WEIGHT_BYTES) {
    return {
      attempts: ['cpu'],
      reason: `auto: ${size} of weights is below ${formatBytes(AUTO_GPU_MIN_WEIGHT_BYTES)}, where GPU dispatch costs more than it saves`,
    };
  }
  const gpu = GPU_PROVIDERS.map((name) => statuses.find((s) => s.name === name)).find((s) => s?.available);
  if (gpu) {
    return {
      attempts: [gpu.name, 'cpu'],
      reason: `auto: ${size} of weights, large enough for the GPU (${gpu.name})`,
    };
  }
  const tried = statuses.filter((s) => s.kind === 'gpu' && s.bundled);
  const why = tried.map((s) => `${s.name}: ${s.reason ?? 'unavailable'}`).join('; ');
  return {
    attempts: ['cpu'],
    reason: `auto: ${size} of weights would suit a GPU, but none is usable here${why ? ` (${why})` : ''}`,
  };
}
