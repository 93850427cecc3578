// GET .../config answers with the Triton ModelConfig JSON that tritonclient and perf_analyzer read: batch support,
// TYPE_* data types, dims without the batch axis, the real dynamic batching and instance settings.
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../../src-shared/contract/modelInspection';
import type { ServingSettings } from '../../../../src-shared/contract/servingSettings';
import { inspectOnnxFile } from '../../../../src-main/engine/onnx/inspectOnnxFile';
import { sharedBatchAxis, tritonModelConfig } from '../../../../src-main/engine/serving/tritonModelConfig';
import { writeModel } from '../../../helpers/onnxModels';
import { model } from '../../../helpers/paths';
import { sig } from '../../../helpers/signatures';
import { tempDir } from '../../../helpers/tempDir';

const signatureOf = (path: string): ModelSignature => {
  const { inputs, outputs } = inspectOnnxFile(path);
  return { inputs, outputs };
};

const SETTINGS: ServingSettings = {
  instances: 2,
  intraOpThreads: null,
  provider: 'auto',
  dynamicBatching: { enabled: true, maxBatchSize: 16, maxQueueDelayMicros: 500, preferredBatchSizes: [4, 8] },
  cache: { enabled: false, maxBytes: 1024 },
  maxQueueLength: 256,
  defaultTimeoutMicros: 2_000_000,
  priorityLevels: 3,
  defaultPriority: 2,
};

/** A model with no dynamic axes at all: x [1, 4] -> y [1, 4]. */
function fixedShapeSignature(): ModelSignature {
  const file = writeModel(tempDir(), 'fixed.onnx', {
    graph: {
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', elementType: 'float32', shape: [1, 4] }],
      outputs: [{ name: 'y', elementType: 'float32', shape: [1, 4] }],
    },
  });
  return signatureOf(file);
}

describe('tritonModelConfig', () => {
  it('describes digits-mlp as batchable, with dynamic batching and CPU instances as configured', () => {
    const config = tritonModelConfig({
      name: 'digits-mlp',
      versions: [2, 1],
      signature: signatureOf(model('digits-mlp-v1.onnx')),
      settings: SETTINGS,
      batching: { active: true },
      provider: 'cpu',
    });
    expect(config).toEqual({
      name: 'digits-mlp',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      runtime: '',
      version_policy: { specific: { versions: [1, 2] } },
      max_batch_size: 16,
      input: [
        {
          name: 'pixels',
          data_type: 'TYPE_FP32',
          format: 'FORMAT_NONE',
          dims: [64],
          is_shape_tensor: false,
          allow_ragged_batch: false,
          optional: false,
          is_non_linear_format_io: false,
        },
      ],
      output: ['logits', 'probabilities'].map((name) => ({
        name,
        data_type: 'TYPE_FP32',
        dims: [10],
        label_filename: '',
        is_shape_tensor: false,
        is_non_linear_format_io: false,
      })),
      batch_input: [],
      batch_output: [],
      dynamic_batching: {
        preferred_batch_size: [4, 8],
        max_queue_delay_microseconds: 500,
        preserve_ordering: false,
        priority_levels: 3,
        default_priority_level: 2,
        default_queue_policy: {
          timeout_action: 'REJECT',
          default_timeout_microseconds: 2_000_000,
          allow_timeout_override: true,
          max_queue_size: 256,
        },
        priority_queue_policy: {},
      },
      instance_group: [
        {
          name: 'digits-mlp_0',
          kind: 'KIND_CPU',
          count: 2,
          gpus: [],
          secondary_devices: [],
          profile: [],
          passive: false,
          host_policy: '',
        },
      ],
      default_model_filename: '',
      cc_model_filenames: {},
      metric_tags: {},
      parameters: {},
      model_warmup: [],
      model_transaction_policy: { decoupled: false },
      response_cache: { enable: false },
    });
  });

  it("writes Triton's 64-bit fields as JSON numbers, not protobuf's strings", () => {
    const config = tritonModelConfig({
      name: 'digits-mlp',
      versions: [1],
      signature: signatureOf(model('digits-mlp-v1.onnx')),
      settings: SETTINGS,
      batching: { active: true },
      provider: 'cpu',
    });
    const text = JSON.stringify(config);
    expect(text).toContain('"max_queue_delay_microseconds":500');
    expect(text).toContain('"default_timeout_microseconds":2000000');
    expect(text).toContain('"priority_levels":3');
    expect(text).toContain('"versions":[1]');
    expect(text).toContain('"dims":[64]');
  });

  it('keeps max_batch_size but leaves out dynamic_batching when requests are not merged', () => {
    const config = tritonModelConfig({
      name: 'digits-mlp',
      versions: [1],
      signature: signatureOf(model('digits-mlp-v1.onnx')),
      settings: { ...SETTINGS, dynamicBatching: { ...SETTINGS.dynamicBatching, enabled: false } },
      batching: { active: false },
      provider: 'cpu',
    });
    expect(config.max_batch_size).toBe(16);
    expect('dynamic_batching' in config).toBe(false);
  });

  it('gives a model without dynamic axes max_batch_size 0 and its full dims, never dynamic batching', () => {
    const config = tritonModelConfig({
      name: 'fixed',
      versions: [1],
      signature: fixedShapeSignature(),
      settings: SETTINGS,
      batching: { active: true },
      provider: 'cpu',
    });
    expect(config.max_batch_size).toBe(0);
    expect(config.input.map((t) => [t.name, t.data_type, t.dims])).toEqual([['x', 'TYPE_FP32', [1, 4]]]);
    expect(config.output.map((t) => [t.name, t.data_type, t.dims])).toEqual([['y', 'TYPE_FP32', [1, 4]]]);
    expect('dynamic_batching' in config).toBe(false);
  });

  it('gives text-classifier two INT64 inputs whose dynamic sequence length is -1', () => {
    const config = tritonModelConfig({
      name: 'text-classifier',
      versions: [1],
      signature: signatureOf(model('text-classifier.onnx')),
      settings: SETTINGS,
      batching: { active: false },
      provider: 'cpu',
    });
    expect(config.max_batch_size).toBe(16);
    expect(config.input.map((t) => [t.name, t.data_type, t.dims])).toEqual([
      ['input_ids', 'TYPE_INT64', [-1]],
      ['attention_mask', 'TYPE_INT64', [-1]],
    ]);
    expect(config.output.map((t) => [t.name, t.data_type, t.dims])).toEqual([['logits', 'TYPE_FP32', [4]]]);
  });

  it('maps every multi-dtype tensor to its TYPE_* name; a batch-only tensor has no dims left', () => {
    const config = tritonModelConfig({
      name: 'multi-dtype',
      versions: [1],
      signature: signatureOf(model('multi-dtype.onnx')),
      settings: SETTINGS,
      batching: { active: true },
      provider: 'cpu',
    });
    expect(config.input.map((t) => [t.name, t.data_type, t.dims])).toEqual([
      ['x', 'TYPE_FP32', [4]],
      ['scale', 'TYPE_FP64', [1]],
      ['flags', 'TYPE_BOOL', [4]],
    ]);
    expect(config.output.map((t) => [t.name, t.data_type, t.dims])).toEqual([
      ['y', 'TYPE_FP32', [4]],
      ['count', 'TYPE_INT32', []],
      ['mask', 'TYPE_UINT8', [4]],
    ]);
  });

  it('puts instances on the GPU for a GPU provider and shows intra-op threads as the onnxruntime parameter', () => {
    const config = tritonModelConfig({
      name: 'squeezenet',
      versions: [3],
      signature: signatureOf(model('squeezenet1_1.onnx')),
      settings: { ...SETTINGS, instances: 1, intraOpThreads: 4, cache: { enabled: true, maxBytes: 1 << 20 } },
      batching: { active: false },
      provider: 'webgpu',
    });
    expect(config.instance_group).toEqual([
      {
        name: 'squeezenet_0',
        kind: 'KIND_GPU',
        count: 1,
        gpus: [0],
        secondary_devices: [],
        profile: [],
        passive: false,
        host_policy: '',
      },
    ]);
    expect(config.parameters).toEqual({ intra_op_thread_count: { string_value: '4' } });
    expect(config.response_cache).toEqual({ enable: true });
    expect(config.input[0]!.dims).toEqual([3, 224, 224]);
  });

  it('reports types Slipway cannot feed as TYPE_INVALID and an unknown rank as one dynamic dim', () => {
    const config = tritonModelConfig({
      name: 'odd',
      versions: [1],
      signature: { inputs: [sig('a', 'bfloat16', [2]), sig('b', 'float32', null)], outputs: [sig('y', 'int8', [])] },
      settings: SETTINGS,
      batching: { active: false },
      provider: 'cpu',
    });
    expect(config.max_batch_size).toBe(0);
    expect(config.input.map((t) => [t.data_type, t.dims])).toEqual([
      ['TYPE_INVALID', [2]],
      ['TYPE_FP32', [-1]],
    ]);
    expect(config.output.map((t) => [t.data_type, t.dims])).toEqual([['TYPE_INT8', []]]);
  });
});

describe('sharedBatchAxis', () => {
  it.each([
    ['digits-mlp-v1.onnx', true],
    ['text-classifier.onnx', true],
    ['multi-dtype.onnx', true],
    ['squeezenet1_1.onnx', true],
  ])('%s has a shared dynamic first axis: %s', (file, expected) => {
    expect(sharedBatchAxis(signatureOf(model(file)))).toBe(expected);
  });

  it('is false without a dynamic first axis, for a scalar, an unknown rank, or two differently named axes', () => {
    const io = (inputs: ModelSignature['inputs'], outputs: ModelSignature['outputs']) =>
      sharedBatchAxis({ inputs, outputs });
    expect(sharedBatchAxis(fixedShapeSignature())).toBe(false);
    expect(io([sig('x', 'float32', ['batch', 4])], [sig('y', 'float32', [])])).toBe(false);
    expect(io([sig('x', 'float32', null)], [sig('y', 'float32', ['batch'])])).toBe(false);
    expect(io([sig('x', 'float32', ['batch', 4])], [sig('y', 'float32', ['sequence', 4])])).toBe(false);
  });

  it('accepts an unnamed dynamic first axis next to a named one', () => {
    expect(
      sharedBatchAxis({ inputs: [sig('x', 'float32', ['batch', 4])], outputs: [sig('y', 'float32', [null, 2])] }),
    ).toBe(true);
  });
});
