// One library version as the exporters see it: its file, signature and effective serving settings. Targets take
// this instead of the library so they stay testable with any ONNX file.
import type { Fallback, ModelInspection, ModelVersion, ServingSettings } from '../../../src-shared/contract';
import type { ModelLibrary } from '../library/modelLibrary';
import type { ServingConfig } from '../library/servingConfig';

export interface ExportSource {
  model: string;
  version: number;
  /** The stored ONNX file. */
  modelPath: string;
  sha256: string;
  inspection: ModelInspection;
  settings: ServingSettings;
  fallback: Fallback;
  /** The provider sessions run on here (cpu, webgpu, cuda, ...), which picks KIND_CPU or KIND_GPU. */
  provider: string;
}

/** A library version with its effective settings and its model's fallback, to run on `provider`. */
export function exportSourceOf(
  library: ModelLibrary,
  servingConfig: ServingConfig,
  version: ModelVersion,
  provider: string,
): ExportSource {
  return {
    model: version.model,
    version: version.version,
    modelPath: library.filePath(version),
    sha256: version.sha256,
    inspection: version.inspection,
    settings: servingConfig.effective(version).settings,
    fallback: servingConfig.fallback(version.model),
    provider,
  };
}
