// Whatever the user points Slipway at, a file that is not a usable ONNX model gets an error naming the file,
// saying what is wrong with it and what was expected.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  inspectOnnxFile,
  OnnxFormatError,
  type OnnxFormatErrorCode,
} from '../../../src-main/engine/onnx/inspectOnnxFile';
import { writeModel } from '../../helpers/onnxModels';
import { model as demoModelPath } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

const dir = tempDir();

function inspectionError(file: string): OnnxFormatError {
  try {
    inspectOnnxFile(file);
  } catch (error) {
    if (error instanceof OnnxFormatError) return error;
    throw error;
  }
  throw new Error(`expected ${file} to be rejected`);
}

function expectRejected(file: string, code: OnnxFormatErrorCode, ...phrases: (string | RegExp)[]): void {
  const error = inspectionError(file);
  expect(error.code).toBe(code);
  expect(error.path).toBe(file);
  expect(error.message).toContain(file);
  for (const phrase of phrases) expect(error.message).toMatch(phrase);
}

const bytes = (file: string, content: Uint8Array | string) =>
  writeModel(dir, file, typeof content === 'string' ? Buffer.from(content) : content);

describe('inspectOnnxFile rejects what is not an ONNX model', () => {
  it('a missing path', () => {
    expectRejected(path.join(dir, 'nope.onnx'), 'not-found', 'No file at', 'ONNX model file');
  });

  it('a directory, naming the models inside it', () => {
    const folder = path.join(dir, 'exported');
    fs.mkdirSync(folder);
    fs.copyFileSync(demoModelPath('multi-dtype.onnx'), path.join(folder, 'model.onnx'));
    expectRejected(folder, 'is-directory', 'is a directory', 'model.onnx');
  });

  it('an empty file', () => {
    expectRejected(bytes('empty.onnx', ''), 'empty', 'is empty (0 bytes)', 'Expected an ONNX model');
  });

  it('a text file, quoting how it starts', () => {
    const json = bytes('config.onnx', '{"model": "resnet", "layers": 50}\n');
    expectRejected(json, 'text-file', 'looks like a text file', 'it starts with "{\\"model\\": \\"resnet');
  });

  it('a Git LFS pointer in place of the model, saying how to fetch it', () => {
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n';
    expectRejected(bytes('lfs.onnx', pointer), 'text-file', 'Git LFS pointer', 'git lfs pull');
  });

  it('a zip archive such as a PyTorch checkpoint', () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 1)]);
    expectRejected(bytes('model.pt', zip), 'archive', 'zip archive', 'PyTorch', 'torch.onnx.export');
  });

  it('a truncated model, saying where it ends', () => {
    const whole = fs.readFileSync(demoModelPath('squeezenet1_1.onnx'));
    expectRejected(bytes('cut.onnx', whole.subarray(0, 100_000)), 'truncated', /ends early, at byte 100000 of \d+/);
    // Cut inside a small model's metadata, not only inside its weights.
    const small = fs.readFileSync(demoModelPath('multi-dtype.onnx'));
    expectRejected(bytes('cut-small.onnx', small.subarray(0, small.length - 20)), 'truncated', 'ends early');
  });

  it('binary data that is not a protobuf ModelProto', () => {
    let seed = 12345;
    const noise = Buffer.alloc(4096, 0).map(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23);
    expectRejected(bytes('noise.onnx', noise), 'not-onnx', 'does not parse as an ONNX model');

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]);
    expectRejected(bytes('image.onnx', png), 'not-onnx', 'Expected an ONNX model');
  });

  it('a protobuf without a graph or without an ir_version', () => {
    expectRejected(bytes('no-graph.onnx', Buffer.from([0x08, 0x07])), 'not-onnx', 'has no graph');
    // graph (field 7) holding only a name (field 2): "g"
    expectRejected(bytes('no-ir.onnx', Buffer.from([0x3a, 0x03, 0x12, 0x01, 0x67])), 'not-onnx', 'has no ir_version');
  });

  it('a known field with the wrong wire type', () => {
    // ir_version 7, then graph (field 7) written as a varint
    expectRejected(bytes('wire.onnx', Buffer.from([0x08, 0x07, 0x38, 0x01])), 'not-onnx', 'field 7 is varint');
  });
});
