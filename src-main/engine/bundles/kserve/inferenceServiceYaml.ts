// A KServe InferenceService (serving.kserve.io/v1beta1) that runs the bundle's Triton repository on KServe's
// Triton runtime: its name, the resources it asks for, and the YAML text with the comments a user needs.
import { Document, isScalar } from 'yaml';
import type { ServingSettings } from '../../../../src-shared/contract';
import { isGpuProvider } from '../../runtime/providerPolicy';
import type { ExportSource } from '../exportSource';

const MIB = 1024 * 1024;
const DNS_LABEL_MAX = 63;

/**
 * The InferenceService name for a model: a DNS-1035 label, as Kubernetes requires of it. Lower-cased; every
 * character outside [a-z0-9-] (`_`, `.`) becomes `-`; runs of `-` collapse into one; a name that does not start
 * with a letter gets `model-` in front; cut to 63 characters; no `-` at either end.
 * `squeezenet1_1` → `squeezenet1-1`, `Digits.MLP` → `digits-mlp`, `3d_unet` → `model-3d-unet`.
 */
export function inferenceServiceName(model: string): string {
  let name = model
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = name === '' ? 'model' : `model-${name}`;
  return name.slice(0, DNS_LABEL_MAX).replace(/-+$/, '');
}

export interface PredictorResources {
  requests: Record<string, string>;
  limits: Record<string, string>;
}

/**
 * What the predictor pod asks for, from the serving settings and the model size. CPU: one core per intra-op thread
 * of every instance (1 thread when left to onnxruntime). Memory: 1 GiB for tritonserver itself, twice the model
 * file per instance (the weights plus onnxruntime's arena), and the response cache when it is on. Requests equal
 * limits, so the pod is in the Guaranteed QoS class and is not throttled below what the settings assume.
 */
export function predictorResources(source: ExportSource): PredictorResources {
  const s: ServingSettings = source.settings;
  const cores = s.instances * (s.intraOpThreads ?? 1);
  const bytes = 1024 * MIB + s.instances * 2 * source.inspection.fileBytes + (s.cache.enabled ? s.cache.maxBytes : 0);
  const quantities = { cpu: String(cores), memory: `${Math.ceil(bytes / MIB)}Mi` };
  return {
    requests: { ...quantities },
    // Extended resources such as GPUs go in limits (Kubernetes sets the request to match).
    limits: isGpuProvider(source.provider) ? { ...quantities, 'nvidia.com/gpu': '1' } : { ...quantities },
  };
}

export interface InferenceServiceInput {
  source: ExportSource;
  storageUri: string;
  /** The storageUri is a placeholder the user must replace. */
  placeholder: boolean;
  canaryTrafficPercent: number | null;
}

/** The InferenceService as a plain object (what the YAML holds). */
export function inferenceService(input: InferenceServiceInput): Record<string, unknown> {
  const { source } = input;
  const settings = source.settings;
  // Triton only caches responses when the server has a cache: the model's response_cache needs this flag.
  const args = settings.cache.enabled ? [`--cache-config=local,size=${settings.cache.maxBytes}`] : [];
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: inferenceServiceName(source.model) },
    spec: {
      predictor: {
        ...(input.canaryTrafficPercent === null ? {} : { canaryTrafficPercent: input.canaryTrafficPercent }),
        model: {
          modelFormat: { name: 'onnx' },
          runtime: 'kserve-tritonserver',
          protocolVersion: 'v2',
          storageUri: input.storageUri,
          ...(args.length > 0 ? { args } : {}),
          resources: predictorResources(source),
        },
      },
    },
  };
}

export function inferenceServiceYaml(input: InferenceServiceInput): string {
  const { source } = input;
  const doc = new Document(inferenceService(input));
  doc.commentBefore = [
    ` KServe InferenceService for ${source.model} version ${source.version}, written by Slipway.`,
    ` storageUri is the root of the Triton model repository: the folder that holds ${source.model}/config.pbtxt`,
    ` (this bundle's triton/ folder). Clients call /v2/models/${source.model}/infer.`,
  ].join('\n');
  if (input.placeholder) {
    const node = doc.getIn(['spec', 'predictor', 'model', 'storageUri'], true);
    if (isScalar(node)) {
      node.comment = " REPLACE-ME: upload the bundle's triton/ folder there, then put its URI here";
    }
  }
  return doc.toString({ lineWidth: 0 });
}
