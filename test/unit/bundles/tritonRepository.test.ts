// The Triton target for every shipped model: the repository layout, and config.pbtxt read back through Triton's
// own model_config.proto, checked against what the model's signature and serving settings say it must be.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleFolder } from '../../../src-main/engine/bundles/bundleFolder';
import type { ExportSource } from '../../../src-main/engine/bundles/exportSource';
import { modelLabels, parseLabelList } from '../../../src-main/engine/bundles/triton/modelLabels';
import { textFormatString } from '../../../src-main/engine/bundles/triton/tritonConfigText';
import { writeTritonRepository } from '../../../src-main/engine/bundles/triton/writeTritonRepository';
import type { OnnxModelDescription } from '../../../src-main/engine/onnx/encodeOnnxModel';
import { sharedBatchAxis } from '../../../src-main/engine/serving/tritonModelConfig';
import { UserError } from '../../../src-main/engine/userError';
import type { ModelInspection, ModelVersion, ServingSettings, TensorSignature } from '../../../src-shared/contract';
import { openDemoExportLibrary } from '../../helpers/demoExportSources';
import { writeModel } from '../../helpers/onnxModels';
import { tempDir } from '../../helpers/tempDir';
import { parseTritonModelConfig, type ModelConfig } from '../../helpers/tritonModelConfigParser';

const demo = openDemoExportLibrary();
afterAll(() => demo.close());

/** Triton's names for the element types, written out here rather than taken from the code under test. */
const TRITON_TYPES: Record<string, string> = {
  float32: 'TYPE_FP32',
  float64: 'TYPE_FP64',
  float16: 'TYPE_FP16',
  int8: 'TYPE_INT8',
  int16: 'TYPE_INT16',
  int32: 'TYPE_INT32',
  int64: 'TYPE_INT64',
  uint8: 'TYPE_UINT8',
  uint16: 'TYPE_UINT16',
  uint32: 'TYPE_UINT32',
  uint64: 'TYPE_UINT64',
  bool: 'TYPE_BOOL',
  string: 'TYPE_STRING',
};

type Io = [name: string, type: string, dims: number[]];
/** What each shipped model's config must say, by hand: [name, TYPE, dims without the batch axis]. */
const EXPECTED: Record<string, { inputs: Io[]; outputs: Io[] }> = {
  'digits-mlp': {
    inputs: [['pixels', 'TYPE_FP32', [64]]],
    outputs: [
      ['logits', 'TYPE_FP32', [10]],
      ['probabilities', 'TYPE_FP32', [10]],
    ],
  },
  'cancer-logreg': {
    inputs: [['features', 'TYPE_FP32', [30]]],
    // [batch] alone: Triton wants dims, so [1] reshaped to [] (checked below).
    outputs: [
      ['label', 'TYPE_INT64', [1]],
      ['probabilities', 'TYPE_FP32', [2]],
    ],
  },
  squeezenet1_1: { inputs: [['image', 'TYPE_FP32', [3, 224, 224]]], outputs: [['logits', 'TYPE_FP32', [1000]]] },
  'text-classifier': {
    inputs: [
      ['input_ids', 'TYPE_INT64', [-1]],
      ['attention_mask', 'TYPE_INT64', [-1]],
    ],
    outputs: [['logits', 'TYPE_FP32', [4]]],
  },
  'multi-dtype': {
    inputs: [
      ['x', 'TYPE_FP32', [4]],
      ['scale', 'TYPE_FP64', [1]],
      ['flags', 'TYPE_BOOL', [4]],
    ],
    outputs: [
      ['y', 'TYPE_FP32', [4]],
      ['count', 'TYPE_INT32', [1]],
      ['mask', 'TYPE_UINT8', [4]],
    ],
  },
  'slow-matmul': { inputs: [['x', 'TYPE_FP32', [512]]], outputs: [['y', 'TYPE_FP32', [10]]] },
};

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function exportTriton(source: ExportSource) {
  const folder = new BundleFolder(tempDir('slipway-triton-'));
  const written = await writeTritonRepository(folder, source);
  const config = parseTritonModelConfig(readFileSync(folder.pathOf(written.configPath), 'utf8'));
  return { folder, written, config };
}

/** The dims a tensor must have in the config, derived from the signature alone. */
function expectedIo(tensor: TensorSignature, batched: boolean) {
  const wire = tensor.shape!.map((d) => (typeof d === 'number' ? d : -1));
  const dims = batched ? wire.slice(1) : wire;
  return {
    name: tensor.name,
    data_type: TRITON_TYPES[tensor.elementType],
    dims: dims.length === 0 ? [1] : dims,
    reshape: dims.length === 0 ? { shape: [] } : null,
  };
}

function withSettings(source: ExportSource, change: (s: ServingSettings) => ServingSettings): ExportSource {
  return { ...source, settings: change(structuredClone(source.settings)) };
}

describe('writeTritonRepository on every shipped model', () => {
  it('covers every model of resources/models', () => {
    expect(demo.versions.map((v) => `${v.model}:${v.version}`)).toEqual([
      'cancer-logreg:1',
      'cancer-logreg:2',
      'digits-mlp:1',
      'digits-mlp:2',
      'multi-dtype:1',
      'slow-matmul:1',
      'squeezenet1_1:1',
      'text-classifier:1',
    ]);
  });

  describe.each(demo.versions.map((v): [string, ModelVersion] => [`${v.model}:${v.version}`, v]))(
    '%s',
    (_, version) => {
      const source = demo.source(version);
      const name = version.model;
      const batched = sharedBatchAxis(version.inspection);

      it('writes <name>/config.pbtxt, <name>/<v>/model.onnx (the same bytes) and labels.txt only with labels', async () => {
        const { folder, written } = await exportTriton(source);
        const labels = name === 'cancer-logreg';
        expect(folder.files()).toEqual(
          [
            `triton/${name}/${version.version}/model.onnx`,
            `triton/${name}/config.pbtxt`,
            ...(labels ? [`triton/${name}/labels.txt`] : []),
          ].sort(),
        );
        expect(written.repositoryDir).toBe('triton');
        expect(written.configPath).toBe(`triton/${name}/config.pbtxt`);
        for (const file of folder.files()) expect(existsSync(folder.pathOf(file)), file).toBe(true);
        expect(sha256(folder.pathOf(`triton/${name}/${version.version}/model.onnx`))).toBe(version.sha256);
        if (labels) {
          // cancer-logreg's metadata says classes "0=malignant,1=benign", and probabilities is [batch, 2].
          expect(written.labelsPath).toBe(`triton/${name}/labels.txt`);
          expect(readFileSync(folder.pathOf(written.labelsPath!), 'utf8')).toBe('malignant\nbenign\n');
        } else {
          expect(written.labelsPath).toBeNull();
        }
      });

      it('config.pbtxt parses as ModelConfig with the name, platform, batch size, types and dims of the model', async () => {
        const { config } = await exportTriton(source);
        expect(config.name).toBe(name);
        expect(config.platform).toBe('onnxruntime_onnx');
        // Every shipped model has a dynamic "batch" first axis.
        expect(batched).toBe(true);
        expect(config.max_batch_size).toBe(source.settings.dynamicBatching.maxBatchSize);
        const io = (t: ModelConfig['input'][number] | ModelConfig['output'][number]) => ({
          name: t.name,
          data_type: t.data_type,
          dims: t.dims,
          reshape: t.reshape,
        });
        expect(config.input.map(io)).toEqual(version.inspection.inputs.map((t) => expectedIo(t, batched)));
        expect(config.output.map(io)).toEqual(version.inspection.outputs.map((t) => expectedIo(t, batched)));
        const table = EXPECTED[name]!;
        expect(config.input.map((t): Io => [t.name, t.data_type, t.dims])).toEqual(table.inputs);
        expect(config.output.map((t): Io => [t.name, t.data_type, t.dims])).toEqual(table.outputs);
        expect(config.version_policy).toEqual({ specific: { versions: [version.version] } });
        expect(config.output.filter((o) => o.label_filename !== '').map((o) => [o.name, o.label_filename])).toEqual(
          name === 'cancer-logreg' ? [['probabilities', 'labels.txt']] : [],
        );
      });

      it('dynamic_batching and its queue policy come from the serving settings, only while batching is on', async () => {
        const on = withSettings(source, (s) => ({
          ...s,
          dynamicBatching: { enabled: true, maxBatchSize: 16, maxQueueDelayMicros: 250, preferredBatchSizes: [4, 8] },
          maxQueueLength: 77,
          defaultTimeoutMicros: 1_500_000,
          priorityLevels: 3,
          defaultPriority: 2,
        }));
        const { config } = await exportTriton(on);
        expect(config.max_batch_size).toBe(16);
        expect(config.dynamic_batching).toEqual({
          preferred_batch_size: [4, 8],
          max_queue_delay_microseconds: 250,
          preserve_ordering: false,
          priority_levels: 3,
          default_priority_level: 2,
          default_queue_policy: {
            timeout_action: 'REJECT',
            default_timeout_microseconds: 1_500_000,
            allow_timeout_override: true,
            max_queue_size: 77,
          },
          priority_queue_policy: {},
        });
        const off = withSettings(on, (s) => ({ ...s, dynamicBatching: { ...s.dynamicBatching, enabled: false } }));
        const { config: unbatched } = await exportTriton(off);
        expect(unbatched.dynamic_batching ?? null).toBeNull();
        // Still a batch axis: Triton may take batched requests, it just does not merge them.
        expect(unbatched.max_batch_size).toBe(16);
      });

      it('instance_group follows the instances and the provider (KIND_CPU, KIND_GPU on gpu 0)', async () => {
        const two = withSettings(source, (s) => ({ ...s, instances: 2 }));
        const cpu = (await exportTriton(two)).config.instance_group;
        expect(cpu.map((g) => [g.kind, g.count, g.gpus])).toEqual([['KIND_CPU', 2, []]]);
        const gpu = (await exportTriton({ ...two, provider: 'cuda' })).config.instance_group;
        expect(gpu.map((g) => [g.kind, g.count, g.gpus])).toEqual([['KIND_GPU', 2, [0]]]);
      });

      it('parameters carry intra_op_thread_count only when it is set; response_cache follows the cache', async () => {
        const { config } = await exportTriton(source);
        expect(source.settings.intraOpThreads).toBeNull();
        expect(config.parameters).toEqual({});
        expect(config.response_cache).toEqual({ enable: false });
        const tuned = withSettings(source, (s) => ({
          ...s,
          intraOpThreads: 3,
          cache: { enabled: true, maxBytes: 1024 },
        }));
        const { config: set } = await exportTriton(tuned);
        expect(set.parameters).toEqual({ intra_op_thread_count: { string_value: '3' } });
        expect(set.response_cache).toEqual({ enable: true });
      });
    },
  );
});

describe('writeTritonRepository on generated models', () => {
  const dir = tempDir();
  const importModel = (file: string, desc: OnnxModelDescription, name: string) =>
    demo.library.library.importModel(writeModel(dir, file, desc), { name }).version;

  it('writes a labels file from a JSON labels list and points the classification output at it', async () => {
    const version = importModel(
      'animals.onnx',
      {
        metadata: { labels: '["cat", "dog", "bird"]', classes: '0..2' },
        graph: {
          nodes: [
            { opType: 'Softmax', inputs: ['x'], outputs: ['scores'], attributes: { axis: { type: 'int', value: 1 } } },
            {
              opType: 'ArgMax',
              inputs: ['x'],
              outputs: ['label'],
              attributes: { axis: { type: 'int', value: 1 }, keepdims: { type: 'int', value: 0 } },
            },
          ],
          inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 3] }],
          outputs: [
            { name: 'scores', elementType: 'float32', shape: ['batch', 3] },
            { name: 'label', elementType: 'int64', shape: ['batch'] },
          ],
        },
      },
      'animals',
    );
    const { folder, written, config } = await exportTriton(demo.source(version));
    expect(written.labelsPath).toBe('triton/animals/labels.txt');
    expect(readFileSync(folder.pathOf('triton/animals/labels.txt'), 'utf8')).toBe('cat\ndog\nbird\n');
    expect(config.output.map((o) => [o.name, o.label_filename])).toEqual([
      ['scores', 'labels.txt'],
      ['label', ''],
    ]);
  });

  it('a model without a shared dynamic batch axis gets max_batch_size 0, full dims and no dynamic_batching', async () => {
    const version = importModel(
      'fixed.onnx',
      {
        graph: {
          nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
          inputs: [{ name: 'x', elementType: 'float32', shape: [1, 3] }],
          outputs: [{ name: 'y', elementType: 'float32', shape: [1, 3] }],
        },
      },
      'fixed',
    );
    expect(sharedBatchAxis(version.inspection)).toBe(false);
    const source = withSettings(demo.source(version), (s) => ({
      ...s,
      dynamicBatching: { ...s.dynamicBatching, enabled: true },
    }));
    const { config } = await exportTriton(source);
    expect(config.max_batch_size).toBe(0);
    expect(config.input.map((i) => [i.name, i.dims])).toEqual([['x', [1, 3]]]);
    expect(config.output.map((o) => [o.name, o.dims])).toEqual([['y', [1, 3]]]);
    expect(config.dynamic_batching ?? null).toBeNull();
  });

  it('escapes tensor names so they read back exactly', async () => {
    const odd = 'in "x"\\y\ttab é';
    const version = importModel(
      'odd.onnx',
      {
        graph: {
          nodes: [{ opType: 'Identity', inputs: [odd], outputs: ['out'] }],
          inputs: [{ name: odd, elementType: 'float32', shape: ['n', 2] }],
          outputs: [{ name: 'out', elementType: 'float32', shape: ['n', 2] }],
        },
      },
      'odd',
    );
    const { folder, config } = await exportTriton(demo.source(version));
    expect(config.input.map((i) => i.name)).toEqual([odd]);
    expect(readFileSync(folder.pathOf('triton/odd/config.pbtxt'), 'utf8')).toContain(textFormatString(odd));
    expect(textFormatString('a"b\\c\n\u0001')).toBe('"a\\"b\\\\c\\n\\001"');
  });

  it('refuses a model Triton cannot serve, naming the tensor, and writes nothing', async () => {
    const version = importModel(
      'bf16.onnx',
      {
        graph: {
          nodes: [{ opType: 'Identity', inputs: ['half'], outputs: ['y'] }],
          inputs: [{ name: 'half', elementType: 16, shape: ['batch', 4] }],
          outputs: [{ name: 'y', elementType: 16, shape: ['batch', 4] }],
        },
      },
      'bf16',
    );
    const folder = new BundleFolder(tempDir());
    const error = await writeTritonRepository(folder, demo.source(version)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('bad-input');
    expect((error as UserError).message).toMatch(/Triton cannot serve bf16:1: input 'half' is a bfloat16 tensor/);
    expect(folder.files()).toEqual([]);
  });
});

describe('modelLabels', () => {
  const inspection = (metadata: Record<string, string>, outputs: TensorSignature[]): ModelInspection => ({
    ...demo.versions[0]!.inspection,
    metadata,
    outputs,
  });
  const float = (name: string, width: number): TensorSignature => ({
    name,
    kind: 'tensor',
    elementType: 'float32',
    shape: ['batch', width],
  });

  it('takes none from the shipped models but cancer-logreg: "0..9" and "topic 0..3" are not lists', () => {
    const found = demo.versions.map((v) => [v.model, modelLabels(v.inspection)]);
    expect(found.filter(([, labels]) => labels !== null)).toEqual([
      ['cancer-logreg', { output: 'probabilities', labels: ['malignant', 'benign'] }],
      ['cancer-logreg', { output: 'probabilities', labels: ['malignant', 'benign'] }],
    ]);
    expect(demo.versions.find((v) => v.model === 'text-classifier')!.inspection.metadata.classes).toBe('topic 0..3');
  });

  it('reads JSON arrays and objects, Python dicts, and comma or newline lists with or without indices', () => {
    expect(parseLabelList('["a", "b"]')).toEqual(['a', 'b']);
    expect(parseLabelList('{"1": "b", "0": "a"}')).toEqual(['a', 'b']);
    expect(parseLabelList("{0: 'person', 1: \"bi'cycle\", 2: 'car'}")).toEqual(['person', "bi'cycle", 'car']);
    expect(parseLabelList('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(parseLabelList('a, b\nc\n')).toEqual(['a, b', 'c']);
    expect(parseLabelList('1=benign,0=malignant')).toEqual(['malignant', 'benign']);
    expect(parseLabelList('0: cat\n1: dog')).toEqual(['cat', 'dog']);
  });

  it('refuses what is not a list of labels', () => {
    for (const text of [
      '0..9',
      'topic 0..3',
      '[1, 2]',
      '["a", 3]',
      '{"a": "b"}',
      '0=a,2=b',
      '0=a,0=b',
      'a,,b',
      '{0: a}',
      '[',
    ]) {
      expect(parseLabelList(text), text).toBeNull();
    }
  });

  it('needs exactly one float output as wide as the list', () => {
    const labels = { labels: '["a", "b", "c"]' };
    expect(modelLabels(inspection(labels, [float('scores', 3)]))).toEqual({
      output: 'scores',
      labels: ['a', 'b', 'c'],
    });
    expect(modelLabels(inspection(labels, [float('scores', 4)]))).toBeNull();
    expect(modelLabels(inspection(labels, [float('logits', 3), float('probabilities', 3)]))).toBeNull();
    const ints: TensorSignature = { ...float('ids', 3), elementType: 'int64' };
    expect(modelLabels(inspection(labels, [ints]))).toBeNull();
    const dynamic: TensorSignature = { ...float('scores', 3), shape: ['batch', 'classes'] };
    expect(modelLabels(inspection(labels, [dynamic]))).toBeNull();
    // Keys are tried in order and case does not matter; a key that does not fit gives way to the next.
    expect(modelLabels(inspection({ Class_Names: 'x,y,z', labels: 'p,q' }, [float('s', 3)]))?.labels).toEqual([
      'x',
      'y',
      'z',
    ]);
    expect(modelLabels(inspection({ description: 'a,b,c' }, [float('s', 3)]))).toBeNull();
  });
});
