// What the data plane needs from wherever models live (the library, or a standalone bundle's config): the
// versions it may serve, their files and settings, and each model's fallback. Serving never reads the store.
import type { Fallback, ModelSignature, ServingSettings } from '../../../src-shared/contract';

export interface ServableVersion {
  model: string;
  version: number;
  modelPath: string;
  /** Weights size, for the auto provider policy. */
  weightBytes: number;
  signature: ModelSignature;
  settings: ServingSettings;
  /** Loaded only so the model's fallback can answer: never the model's default version. */
  fallbackOnly?: boolean;
}

export interface ModelSource {
  /** Every model and version available, for the repository index. */
  list(): { model: string; versions: number[] }[];
  /** The versions to serve: those named, or the model's default set (production, else latest). Throws a
   * ServingError 404 for an unknown model or version. */
  resolve(model: string, versions?: number[]): ServableVersion[];
  fallback(model: string): Fallback;
}
