// Writes generated ONNX models (or raw bytes posing as one) into a test folder.
import fs from 'node:fs';
import path from 'node:path';
import { encodeOnnxModel, type OnnxModelDescription } from '../../src-main/engine/onnx/encodeOnnxModel';

/** Writes an encoded model (or raw bytes) into `dir` and returns its path. */
export function writeModel(dir: string, file: string, model: OnnxModelDescription | Uint8Array): string {
  const target = path.join(dir, file);
  fs.writeFileSync(target, model instanceof Uint8Array ? model : encodeOnnxModel(model));
  return target;
}
