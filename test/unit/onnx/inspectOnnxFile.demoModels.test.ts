// The demo models shipped in resources/models inspect to what their build script documents.
import { describe, expect, it } from 'vitest';
import { ModelInspectionSchema } from '../../../src-shared/contract/modelInspection';
import { inspectOnnxFile } from '../../../src-main/engine/onnx/inspectOnnxFile';
import { model as demoModelPath } from '../../helpers/paths';

type Io = [name: string, elementType: string, shape: (number | string)[]];

interface Expected {
  file: string;
  opset: number;
  ir: number;
  bytes: number;
  inputs: Io[];
  outputs: Io[];
  ops: string[];
  parameters?: number;
}

const DEMO_MODELS: Expected[] = [
  {
    file: 'digits-mlp-v1.onnx',
    opset: 13,
    ir: 7,
    bytes: 10_826,
    inputs: [['pixels', 'float32', ['batch', 64]]],
    outputs: [
      ['logits', 'float32', ['batch', 10]],
      ['probabilities', 'float32', ['batch', 10]],
    ],
    ops: ['Gemm', 'Relu', 'Softmax'],
    parameters: 64 * 32 + 32 + 32 * 10 + 10,
  },
  {
    file: 'digits-mlp-v2.onnx',
    opset: 13,
    ir: 7,
    bytes: 70_387,
    inputs: [['pixels', 'float32', ['batch', 64]]],
    outputs: [
      ['logits', 'float32', ['batch', 10]],
      ['probabilities', 'float32', ['batch', 10]],
    ],
    ops: ['Gemm', 'Relu', 'Softmax'],
    parameters: 64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10,
  },
  ...['cancer-logreg-v1.onnx', 'cancer-logreg-v2.onnx'].map((file): Expected => ({
    file,
    opset: 13,
    ir: 7,
    bytes: file.includes('v1') ? 1_859 : 1_868,
    inputs: [['features', 'float32', ['batch', 30]]],
    outputs: [
      ['label', 'int64', ['batch']],
      ['probabilities', 'float32', ['batch', 2]],
    ],
    ops: ['Gemm', 'Softmax', 'ArgMax'],
  })),
  {
    file: 'squeezenet1_1.onnx',
    opset: 13,
    ir: 7,
    bytes: 4_950_533,
    inputs: [['image', 'float32', ['batch', 3, 224, 224]]],
    outputs: [['logits', 'float32', ['batch', 1000]]],
    ops: ['Conv', 'Relu', 'Concat', 'MaxPool', 'GlobalAveragePool'],
  },
  {
    file: 'text-classifier.onnx',
    opset: 17,
    ir: 8,
    bytes: 573_608,
    inputs: [
      ['input_ids', 'int64', ['batch', 'sequence']],
      ['attention_mask', 'int64', ['batch', 'sequence']],
    ],
    outputs: [['logits', 'float32', ['batch', 4]]],
    ops: ['Gather', 'MatMul', 'Softmax', 'LayerNormalization'],
  },
  {
    file: 'multi-dtype.onnx',
    opset: 13,
    ir: 7,
    bytes: 1_143,
    inputs: [
      ['x', 'float32', ['batch', 4]],
      ['scale', 'float64', ['batch', 1]],
      ['flags', 'bool', ['batch', 4]],
    ],
    outputs: [
      ['y', 'float32', ['batch', 4]],
      ['count', 'int32', ['batch']],
      ['mask', 'uint8', ['batch', 4]],
    ],
    ops: ['Greater', 'And', 'Cast', 'ReduceSum', 'Mul', 'Where'],
  },
  {
    file: 'slow-matmul.onnx',
    opset: 15,
    ir: 8,
    bytes: 4_225_603,
    inputs: [['x', 'float32', ['batch', 512]]],
    outputs: [['y', 'float32', ['batch', 10]]],
    ops: ['MatMul', 'Add', 'Tanh', 'ReduceMean', 'Gemm'],
  },
];

const signature = ([name, elementType, shape]: Io) => ({ name, kind: 'tensor', elementType, shape });

describe('inspectOnnxFile on the demo models', () => {
  it.each(DEMO_MODELS)('$file', (expected) => {
    const inspection = inspectOnnxFile(demoModelPath(expected.file));

    expect(ModelInspectionSchema.parse(inspection)).toEqual(inspection);
    expect(inspection.inputs).toEqual(expected.inputs.map(signature));
    expect(inspection.outputs).toEqual(expected.outputs.map(signature));
    expect(inspection.irVersion).toBe(expected.ir);
    expect(inspection.opsetImports).toEqual([{ domain: '', version: expected.opset }]);
    expect(inspection.producerName).toBe('slipway-fixtures');
    expect(inspection.fileBytes).toBe(expected.bytes);
    expect(inspection.externalDataFiles).toEqual([]);

    expect(inspection.metadata.name).toBeTruthy();
    expect(inspection.metadata.description).toBeTruthy();
    expect(inspection.metadata.version).toBe(String(inspection.modelVersion));
    expect(inspection.docString).toBe(inspection.metadata.description);

    for (const op of expected.ops) expect(inspection.opHistogram[op], op).toBeGreaterThan(0);
    expect(Object.values(inspection.opHistogram).reduce((a, b) => a + b, 0)).toBe(inspection.nodeCount);

    expect(inspection.initializerCount).toBeGreaterThan(0);
    expect(inspection.parameterCount).toBeGreaterThan(0);
    // Embedded weights are part of the file, so they cannot take more bytes than it has.
    expect(inspection.parameterBytes).toBeLessThanOrEqual(inspection.fileBytes);
    if (expected.parameters !== undefined) {
      expect(inspection.parameterCount).toBe(expected.parameters);
      expect(inspection.parameterBytes).toBe(expected.parameters * 4);
    }
  });

  it('tells the two versions of a model apart by model_version and metadata', () => {
    const v1 = inspectOnnxFile(demoModelPath('digits-mlp-v1.onnx'));
    const v2 = inspectOnnxFile(demoModelPath('digits-mlp-v2.onnx'));
    expect([v1.modelVersion, v2.modelVersion]).toEqual([1, 2]);
    expect(v1.metadata.name).toBe('digits-mlp');
    expect(v2.metadata.name).toBe('digits-mlp');
    expect(v2.parameterCount).toBeGreaterThan(v1.parameterCount);
  });
});
