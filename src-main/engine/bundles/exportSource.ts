// One library version as the exporters see it: its file, signature and effective serving settings. Targets take
// this instead of the library so they stay testable with any ONNX file.
import type { Fallback, ModelInspection, ServingSettings } from '../../../src-shared/contract';

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
