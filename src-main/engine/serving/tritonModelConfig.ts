// The JSON form of a Triton ModelConfig for `GET /v2/models/{m}[/versions/{v}]/config` (model_configuration
// extension), describing what Slipway really does with the version: batching, queue policy, instances, cache.
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract/modelInspection';
import type { ServingSettings } from '../../../src-shared/contract/servingSettings';
import { ELEMENT_TYPE_INFO, isElementType } from '../../../src-shared/elementTypes';
import { isGpuProvider } from '../runtime/providerPolicy';
import { batchAxis } from './batchAxis';
import { wireDims } from './modelMetadata';

// Field names are model_config.proto's. Triton prints the config with protobuf's JSON printer (proto field names,
// primitive fields printed even at their defaults, enums by name) and then rewrites the 64-bit fields that protobuf
// prints as strings (dims, versions, max_queue_delay_microseconds, default_timeout_microseconds, priority_levels,
// default_priority_level) back into JSON numbers; so every number here is a JSON number.

export interface TritonModelInput {
  name: string;
  /** TYPE_FP32, TYPE_INT64, ...; TYPE_INVALID for a type Slipway cannot feed. */
  data_type: string;
  format: 'FORMAT_NONE';
  /** Without the batch dimension when max_batch_size > 0; -1 for a dynamic dimension. */
  dims: number[];
  is_shape_tensor: false;
  allow_ragged_batch: false;
  optional: false;
  is_non_linear_format_io: false;
}

export interface TritonModelOutput {
  name: string;
  data_type: string;
  dims: number[];
  label_filename: '';
  is_shape_tensor: false;
  is_non_linear_format_io: false;
}

export interface TritonQueuePolicy {
  timeout_action: 'REJECT';
  /** 0: no timeout. */
  default_timeout_microseconds: number;
  /** A request's `timeout` parameter may lower the default (never raise it). */
  allow_timeout_override: true;
  max_queue_size: number;
}

export interface TritonDynamicBatching {
  preferred_batch_size: number[];
  max_queue_delay_microseconds: number;
  preserve_ordering: false;
  priority_levels: number;
  default_priority_level: number;
  default_queue_policy: TritonQueuePolicy;
  priority_queue_policy: Record<string, TritonQueuePolicy>;
}

export interface TritonInstanceGroup {
  name: string;
  kind: 'KIND_CPU' | 'KIND_GPU';
  count: number;
  gpus: number[];
  secondary_devices: [];
  profile: [];
  passive: false;
  host_policy: '';
}

export interface TritonModelConfigJson {
  name: string;
  platform: 'onnxruntime_onnx';
  backend: 'onnxruntime';
  runtime: '';
  version_policy: { specific: { versions: number[] } };
  /** 0: the model takes no batch dimension of its own (dims are the full shapes). */
  max_batch_size: number;
  input: TritonModelInput[];
  output: TritonModelOutput[];
  batch_input: [];
  batch_output: [];
  /** Present only while requests are actually merged into batches. */
  dynamic_batching?: TritonDynamicBatching;
  instance_group: TritonInstanceGroup[];
  default_model_filename: '';
  cc_model_filenames: Record<string, string>;
  metric_tags: Record<string, string>;
  /** The onnxruntime backend's own parameter for intra-op threads, when one is set. */
  parameters: Record<string, { string_value: string }>;
  model_warmup: [];
  model_transaction_policy: { decoupled: false };
  response_cache: { enable: boolean };
}

export interface TritonModelConfigInput {
  name: string;
  versions: number[];
  signature: ModelSignature;
  settings: ServingSettings;
  /** Whether the scheduler merges requests into batches for this version (enabled and passed the load check). */
  batching: { active: boolean };
  /** The provider sessions actually run on (cpu, webgpu, cuda, ...), not the one asked for. */
  provider: string;
}

/**
 * Whether the model can take a batch, i.e. whether its config has max_batch_size > 0: every input and output is a
 * tensor of known rank ≥ 1 whose first dimension is dynamic, and the first dimensions that carry a symbolic name
 * all carry the same one (unnamed ones are accepted: exporters often drop the name on outputs). A rank-0 tensor, a
 * fixed first dimension or two different names ("batch" and "sequence") mean no shared batch axis. It is the
 * scheduler's own test (batchAxis), so the config never disagrees with what the server does.
 */
export function sharedBatchAxis(signature: ModelSignature): boolean {
  return batchAxis(signature).batchable;
}

/** Triton's data type name for a tensor; TYPE_INVALID where Slipway cannot feed it (bfloat16, maps, ...). */
function tritonDataType(tensor: TensorSignature): string {
  return tensor.kind === 'tensor' && isElementType(tensor.elementType)
    ? ELEMENT_TYPE_INFO[tensor.elementType].triton
    : 'TYPE_INVALID';
}

export function tritonModelConfig(input: TritonModelConfigInput): TritonModelConfigJson {
  const { name, signature, settings } = input;
  const batchable = sharedBatchAxis(signature);
  const maxBatchSize = batchable ? settings.dynamicBatching.maxBatchSize : 0;
  const dims = (tensor: TensorSignature) => {
    const all = wireDims(tensor.shape);
    return maxBatchSize > 0 ? all.slice(1) : all;
  };
  const gpu = isGpuProvider(input.provider);
  const batching = settings.dynamicBatching;
  return {
    name,
    platform: 'onnxruntime_onnx',
    backend: 'onnxruntime',
    runtime: '',
    version_policy: { specific: { versions: [...input.versions].sort((a, b) => a - b) } },
    max_batch_size: maxBatchSize,
    input: signature.inputs.map((tensor) => ({
      name: tensor.name,
      data_type: tritonDataType(tensor),
      format: 'FORMAT_NONE',
      dims: dims(tensor),
      is_shape_tensor: false,
      allow_ragged_batch: false,
      optional: false,
      is_non_linear_format_io: false,
    })),
    output: signature.outputs.map((tensor) => ({
      name: tensor.name,
      data_type: tritonDataType(tensor),
      dims: dims(tensor),
      label_filename: '',
      is_shape_tensor: false,
      is_non_linear_format_io: false,
    })),
    batch_input: [],
    batch_output: [],
    // Batching needs a batch axis: the config never claims merging the model cannot do.
    ...(input.batching.active && maxBatchSize > 0
      ? {
          dynamic_batching: {
            preferred_batch_size: [...batching.preferredBatchSizes],
            max_queue_delay_microseconds: batching.maxQueueDelayMicros,
            preserve_ordering: false,
            priority_levels: settings.priorityLevels,
            default_priority_level: settings.defaultPriority,
            default_queue_policy: {
              timeout_action: 'REJECT',
              default_timeout_microseconds: settings.defaultTimeoutMicros,
              allow_timeout_override: true,
              max_queue_size: settings.maxQueueLength,
            },
            priority_queue_policy: {},
          },
        }
      : {}),
    instance_group: [
      {
        // Triton names an unnamed group <model>_<index>.
        name: `${name}_0`,
        kind: gpu ? 'KIND_GPU' : 'KIND_CPU',
        count: settings.instances,
        gpus: gpu ? [0] : [],
        secondary_devices: [],
        profile: [],
        passive: false,
        host_policy: '',
      },
    ],
    default_model_filename: '',
    cc_model_filenames: {},
    metric_tags: {},
    parameters:
      settings.intraOpThreads === null
        ? {}
        : { intra_op_thread_count: { string_value: String(settings.intraOpThreads) } },
    model_warmup: [],
    model_transaction_policy: { decoupled: false },
    response_cache: { enable: settings.cache.enabled },
  };
}
