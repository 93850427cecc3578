// Models written by encodeOnnxModel inspect back to what was described: the encoder and the inspector agree on
// the format, including the cases real exporters produce (old IR, subgraphs, external and sparse weights).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeOnnxModel,
  writeOnnxModelFile,
  type OnnxGraphDescription,
  type OnnxModelDescription,
  type OnnxTensorDescription,
} from '../../../src-main/engine/onnx/encodeOnnxModel';
import { inspectOnnxFile, inspectOnnxReader } from '../../../src-main/engine/onnx/inspectOnnxFile';
import { ProtoFileReader } from '../../../src-main/engine/onnx/protoFileReader';
import { writeModel } from '../../helpers/onnxModels';
import { tempDir } from '../../helpers/tempDir';

const dir = tempDir();

let count = 0;
const inspect = (model: OnnxModelDescription) => inspectOnnxFile(writeModel(dir, `model-${count++}.onnx`, model));

const floats = (name: string, dims: number[]): OnnxTensorDescription => ({
  name,
  elementType: 'float32',
  dims,
  rawData: new Uint8Array(dims.reduce((a, b) => a * b, 1) * 4),
});

describe('encodeOnnxModel -> inspectOnnxFile', () => {
  it('gives back every model-level field and the signature', () => {
    const inspection = inspect({
      irVersion: 9,
      opsetImports: [
        { domain: '', version: 19 },
        { domain: 'com.microsoft', version: 1 },
      ],
      producerName: 'slipway-tests',
      producerVersion: '0.1',
      domain: 'dev.slipway',
      modelVersion: 42,
      docString: 'round trip',
      metadata: { name: 'rt', version: '42', ünïcode: 'välue' },
      graph: {
        name: 'main',
        nodes: [
          { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
          { opType: 'FusedGelu', domain: 'com.microsoft', inputs: ['h'], outputs: ['y'] },
          {
            opType: 'Softmax',
            domain: 'ai.onnx',
            inputs: ['y'],
            outputs: ['p'],
            attributes: { axis: { type: 'int', value: -1 } },
          },
        ],
        inputs: [
          { name: 'x', elementType: 'float32', shape: ['batch', null, 8], docString: 'features' },
          { name: 'unranked', elementType: 'int64' },
          { name: 'scalar', elementType: 'float64', shape: [] },
          { name: 'half', elementType: 'float16', shape: [1] },
          { name: 'brain', elementType: 16, shape: [2, 'n'] },
        ],
        outputs: [
          { name: 'y', elementType: 'float32', shape: ['batch', 4] },
          { name: 'p', elementType: 'string', shape: [0] },
        ],
        initializers: [floats('w', [8, 4])],
      },
    });

    expect(inspection).toEqual({
      inputs: [
        { name: 'x', kind: 'tensor', elementType: 'float32', shape: ['batch', null, 8], docString: 'features' },
        { name: 'unranked', kind: 'tensor', elementType: 'int64', shape: null },
        { name: 'scalar', kind: 'tensor', elementType: 'float64', shape: [] },
        { name: 'half', kind: 'tensor', elementType: 'float16', shape: [1] },
        { name: 'brain', kind: 'tensor', elementType: 'bfloat16', shape: [2, 'n'] },
      ],
      outputs: [
        { name: 'y', kind: 'tensor', elementType: 'float32', shape: ['batch', 4] },
        { name: 'p', kind: 'tensor', elementType: 'string', shape: [0] },
      ],
      irVersion: 9,
      opsetImports: [
        { domain: '', version: 19 },
        { domain: 'com.microsoft', version: 1 },
      ],
      producerName: 'slipway-tests',
      producerVersion: '0.1',
      domain: 'dev.slipway',
      modelVersion: 42,
      docString: 'round trip',
      metadata: { name: 'rt', version: '42', ünïcode: 'välue' },
      graphName: 'main',
      opHistogram: { MatMul: 1, 'com.microsoft:FusedGelu': 1, Softmax: 1 },
      nodeCount: 3,
      initializerCount: 1,
      parameterCount: 32,
      parameterBytes: 128,
      fileBytes: expect.any(Number) as number,
      externalDataFiles: [],
    });
  });

  it('writes negative int64 values as ten-byte varints that read back negative', () => {
    expect(inspect({ modelVersion: -3, graph: {} }).modelVersion).toBe(-3);
  });

  it('names an unnamed graph "main", since runtimes reject graphs without a name', () => {
    expect(inspect({ graph: {} }).graphName).toBe('main');
  });

  it('describes non-tensor inputs and outputs', () => {
    const inspection = inspect({
      graph: {
        inputs: [
          {
            name: 'seq',
            type: {
              kind: 'sequence',
              of: { kind: 'map', key: 'int64', value: { kind: 'tensor', elementType: 'float32' } },
            },
          },
          { name: 'opt', type: { kind: 'optional', of: { kind: 'tensor', elementType: 'int32', shape: [3] } } },
          { name: 'sparse', type: { kind: 'sparse_tensor', elementType: 'float32', shape: [100, 100] } },
          { name: 'names', type: { kind: 'sequence', of: { kind: 'sparse_tensor', elementType: 'string' } } },
        ],
        outputs: [
          { name: 'scores', type: { kind: 'map', key: 'string', value: { kind: 'tensor', elementType: 'float32' } } },
        ],
      },
    });
    expect(inspection.inputs).toEqual([
      { name: 'seq', kind: 'sequence', elementType: 'sequence(map(int64, float32))', shape: null },
      { name: 'opt', kind: 'optional', elementType: 'optional(int32)', shape: null },
      { name: 'sparse', kind: 'sparse_tensor', elementType: 'float32', shape: [100, 100] },
      { name: 'names', kind: 'sequence', elementType: 'sequence(sparse_tensor(string))', shape: null },
    ]);
    expect(inspection.outputs).toEqual([
      { name: 'scores', kind: 'map', elementType: 'map(string, float32)', shape: null },
    ]);
  });

  it('leaves out initializers that IR 3 models also list as graph inputs', () => {
    const inspection = inspect({
      irVersion: 3,
      opsetImports: [{ version: 8 }],
      graph: {
        nodes: [{ opType: 'Gemm', inputs: ['x', 'W', 'b'], outputs: ['y'] }],
        inputs: [
          { name: 'x', elementType: 'float32', shape: [1, 3] },
          { name: 'W', elementType: 'float32', shape: [3, 2] },
          { name: 'b', elementType: 'float32', shape: [2] },
        ],
        outputs: [{ name: 'y', elementType: 'float32', shape: [1, 2] }],
        initializers: [floats('W', [3, 2]), floats('b', [2])],
      },
    });
    expect(inspection.inputs.map((i) => i.name)).toEqual(['x']);
    expect(inspection.irVersion).toBe(3);
    expect(inspection.initializerCount).toBe(2);
    expect(inspection.parameterCount).toBe(8);
  });

  it('counts the nodes of subgraphs, nested ones included', () => {
    const branch = (op: string, nodes = 1): OnnxGraphDescription => ({
      nodes: Array.from({ length: nodes }, (_, i) => ({ opType: op, inputs: [`a${i}`], outputs: [`b${i}`] })),
      outputs: [{ name: `b${nodes - 1}`, elementType: 'float32' }],
    });
    const loopBody: OnnxGraphDescription = {
      nodes: [
        { opType: 'Add', inputs: ['i', 'one'], outputs: ['j'] },
        { opType: 'Custom', domain: 'my.ops', inputs: ['j'], outputs: ['k'] },
      ],
      initializers: [floats('one', [1])],
    };
    const thenBranch: OnnxGraphDescription = {
      nodes: [
        { opType: 'Relu', inputs: ['x'], outputs: ['r'] },
        {
          opType: 'Loop',
          inputs: ['n', 'c'],
          outputs: ['l'],
          attributes: { body: { type: 'graph', value: loopBody } },
        },
      ],
    };
    const inspection = inspect({
      graph: {
        nodes: [
          {
            opType: 'If',
            inputs: ['cond'],
            outputs: ['y'],
            attributes: {
              then_branch: { type: 'graph', value: thenBranch },
              else_branch: { type: 'graph', value: branch('Neg', 3) },
            },
          },
          { opType: 'Identity', inputs: ['y'], outputs: ['z'] },
        ],
        inputs: [{ name: 'cond', elementType: 'bool', shape: [] }],
        outputs: [{ name: 'z', elementType: 'float32' }],
      },
    });
    expect(inspection.opHistogram).toEqual({
      If: 1,
      Identity: 1,
      Relu: 1,
      Loop: 1,
      Add: 1,
      'my.ops:Custom': 1,
      Neg: 3,
    });
    expect(inspection.nodeCount).toBe(9);
    expect(inspection.parameterCount).toBe(1);
    // A subgraph's own inputs and outputs are not the model's.
    expect(inspection.inputs.map((i) => i.name)).toEqual(['cond']);
    expect(inspection.outputs.map((o) => o.name)).toEqual(['z']);
  });

  it('skips attributes of every type while counting nodes', () => {
    const inspection = inspect({
      graph: {
        nodes: [
          {
            opType: 'Resize',
            inputs: ['x'],
            outputs: ['y'],
            attributes: {
              mode: { type: 'string', value: 'linear' },
              cubic_coeff_a: { type: 'float', value: -0.75 },
              axes: { type: 'ints', value: [-2, -1] },
              scales: { type: 'floats', value: [1.5, 2] },
              exclude_outside: { type: 'int', value: 0 },
            },
          },
          {
            opType: 'Constant',
            inputs: [],
            outputs: ['c'],
            attributes: { value: { type: 'tensor', value: floats('c', [3]) } },
          },
        ],
      },
    });
    expect(inspection.opHistogram).toEqual({ Resize: 1, Constant: 1 });
    // A Constant node's tensor is not an initializer.
    expect(inspection.parameterCount).toBe(0);
  });

  it('lists the files that externally stored weights live in', () => {
    const external = (name: string, location: string, offset: number): OnnxTensorDescription => ({
      name,
      elementType: 'float32',
      dims: [256, 256],
      externalData: { location, offset, length: 256 * 256 * 4 },
    });
    const inspection = inspect({
      graph: {
        initializers: [
          external('a', 'weights.bin', 0),
          external('b', 'weights.bin', 262_144),
          floats('c', [4]),
          external('d', 'extra/more.bin', 0),
        ],
      },
    });
    expect(inspection.externalDataFiles).toEqual(['weights.bin', 'extra/more.bin']);
    expect(inspection.initializerCount).toBe(4);
    expect(inspection.parameterCount).toBe(3 * 65_536 + 4);
    expect(inspection.parameterBytes).toBe((3 * 65_536 + 4) * 4);
    expect(inspection.fileBytes).toBeLessThan(2000);
  });

  it('counts sparse initializers by their stored values, and sizes sub-byte and wide types', () => {
    const inspection = inspect({
      graph: {
        initializers: [
          { name: 'q', elementType: 22, dims: [3], rawData: new Uint8Array(2) }, // int4: 3 x 4 bits -> 2 bytes
          { name: 'd', elementType: 'float64', dims: [2, 2], rawData: new Uint8Array(32) },
          { name: 'z', elementType: 'int64', dims: [0] },
        ],
        sparseInitializers: [
          {
            values: { name: 's', elementType: 'float32', dims: [3], rawData: new Uint8Array(12) },
            indices: { name: 's_idx', elementType: 'int64', dims: [3], rawData: new Uint8Array(24) },
            dims: [100, 100],
          },
        ],
      },
    });
    expect(inspection.initializerCount).toBe(4);
    expect(inspection.parameterCount).toBe(3 + 4 + 0 + 3);
    expect(inspection.parameterBytes).toBe(2 + 32 + 0 + 12);
  });

  it('writes the same bytes to a file as it encodes in memory', () => {
    const desc: OnnxModelDescription = {
      graph: {
        name: 'lazy',
        initializers: [
          { name: 'big', elementType: 'uint8', dims: [5000], rawData: { rawDataLength: 5000, fill: 7 } },
          { name: 'small', elementType: 'uint8', dims: [3], rawData: new Uint8Array([1, 2, 3]) },
        ],
      },
    };
    const file = path.join(dir, 'streamed.onnx');
    writeOnnxModelFile(file, desc);
    expect(fs.readFileSync(file).equals(encodeOnnxModel(desc))).toBe(true);
  });
});

describe('inspecting a large model', () => {
  it('seeks past tensor data instead of reading it', () => {
    const chunk = 5 * 1024 * 1024;
    const file = path.join(dir, 'large.onnx');
    writeOnnxModelFile(file, {
      graph: {
        name: 'large',
        nodes: [{ opType: 'MatMul', inputs: ['x', 'w0'], outputs: ['y'] }],
        inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 1024] }],
        outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', 1280] }],
        initializers: Array.from({ length: 10 }, (_, i) => ({
          name: `w${i}`,
          elementType: 'float32',
          dims: [1024, 1280],
          rawData: { rawDataLength: chunk, fill: i },
        })),
      },
    });
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(50 * 1024 * 1024);

    const reader = ProtoFileReader.open(file);
    try {
      const inspection = inspectOnnxReader(reader, file);
      expect(inspection.parameterCount).toBe(10 * 1024 * 1280);
      expect(inspection.parameterBytes).toBe(10 * chunk);
      expect(inspection.fileBytes).toBe(size);
      expect(reader.bytesRead).toBeLessThan(size / 100);
    } finally {
      reader.close();
    }
  });

  it('seeks past typed float_data as well as raw_data', () => {
    const values = new Array<number>(250_000).fill(0.5);
    const file = writeModel(dir, 'typed.onnx', {
      graph: { initializers: [{ name: 'w', elementType: 'float32', dims: [500, 500], floatData: values }] },
    });
    const reader = ProtoFileReader.open(file);
    try {
      expect(inspectOnnxReader(reader, file).parameterCount).toBe(250_000);
      expect(reader.bytesRead).toBeLessThan(fs.statSync(file).size / 5);
    } finally {
      reader.close();
    }
  });
});
