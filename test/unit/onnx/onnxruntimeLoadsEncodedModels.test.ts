// onnxruntime-node, the runtime Slipway ships, loads and runs what encodeOnnxModel writes: the probe model the
// runtime relies on, and the shapes of model the tests generate (external weights, subgraphs, IR 3 inputs).
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, tinyProbeModel } from '../../../src-main/engine/onnx/encodeOnnxModel';
import { inspectOnnxFile } from '../../../src-main/engine/onnx/inspectOnnxFile';
import { writeModel } from '../../helpers/onnxModels';
import { tempDir } from '../../helpers/tempDir';

const dir = tempDir();

const float32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);
const bytesOf = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

async function run(model: Uint8Array | string, feeds: Record<string, ort.Tensor>): Promise<number[]> {
  const session =
    typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  try {
    const results = await session.run(feeds);
    const output = results[session.outputNames[0]!]!;
    return Array.from(output.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('onnxruntime-node loads encoded models', () => {
  it('runs the probe model: y = x + x', async () => {
    const model = tinyProbeModel();
    expect(await run(model, { x: float32([1, 2, 3, 4], [1, 4]) })).toEqual([2, 4, 6, 8]);

    const inspection = inspectOnnxFile(writeModel(dir, 'probe.onnx', model));
    expect(inspection.irVersion).toBe(8);
    expect(inspection.opsetImports).toEqual([{ domain: '', version: 17 }]);
    expect(inspection.inputs).toEqual([{ name: 'x', kind: 'tensor', elementType: 'float32', shape: [1, 4] }]);
  });

  it('runs a model whose weights are in an external data file', async () => {
    fs.writeFileSync(path.join(dir, 'ext.weights'), Buffer.concat([Buffer.alloc(16), bytesOf([10, 20, 30, 40])]));
    const file = writeModel(dir, 'ext.onnx', {
      graph: {
        nodes: [{ opType: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
        inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 4] }],
        outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', 4] }],
        initializers: [
          {
            name: 'w',
            elementType: 'float32',
            dims: [4],
            externalData: { location: 'ext.weights', offset: 16, length: 16 },
          },
        ],
      },
    });
    expect(await run(file, { x: float32([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]) })).toEqual([11, 22, 33, 44, 15, 26, 37, 48]);
    expect(inspectOnnxFile(file).externalDataFiles).toEqual(['ext.weights']);
  });

  it('runs an If whose branches are subgraphs', async () => {
    const branch = (op: string) => ({
      nodes: [{ opType: op, inputs: ['x'], outputs: [`${op}_out`] }],
      outputs: [{ name: `${op}_out`, elementType: 'float32' as const, shape: [2] }],
    });
    const model = encodeOnnxModel({
      graph: {
        nodes: [
          {
            opType: 'If',
            inputs: ['cond'],
            outputs: ['y'],
            attributes: {
              then_branch: { type: 'graph', value: branch('Neg') },
              else_branch: { type: 'graph', value: branch('Abs') },
            },
          },
        ],
        inputs: [
          { name: 'cond', elementType: 'bool', shape: [] },
          { name: 'x', elementType: 'float32', shape: [2] },
        ],
        outputs: [{ name: 'y', elementType: 'float32', shape: [2] }],
      },
    });
    const x = float32([-1, 2], [2]);
    expect(await run(model, { cond: new ort.Tensor('bool', [true], []), x })).toEqual([1, -2]);
    expect(await run(model, { cond: new ort.Tensor('bool', [false], []), x })).toEqual([1, 2]);
  });

  it('runs an IR 3 model that lists its initializers as inputs, fed only x', async () => {
    const model = encodeOnnxModel({
      irVersion: 3,
      opsetImports: [{ version: 8 }],
      graph: {
        nodes: [{ opType: 'Gemm', inputs: ['x', 'W', 'b'], outputs: ['y'] }],
        inputs: [
          { name: 'x', elementType: 'float32', shape: [1, 2] },
          { name: 'W', elementType: 'float32', shape: [2, 2] },
          { name: 'b', elementType: 'float32', shape: [2] },
        ],
        outputs: [{ name: 'y', elementType: 'float32', shape: [1, 2] }],
        initializers: [
          { name: 'W', elementType: 'float32', dims: [2, 2], rawData: bytesOf([1, 0, 0, 1]) },
          { name: 'b', elementType: 'float32', dims: [2], rawData: bytesOf([0.5, -0.5]) },
        ],
      },
    });
    expect(await run(model, { x: float32([3, 4], [1, 2]) })).toEqual([3.5, 3.5]);
  });
});
