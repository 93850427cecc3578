// Shared by tests that need ONNX files: the demo models in resources/models and scratch folders for generated ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeOnnxModel, type OnnxModelDescription } from '../../src-main/engine/onnx/encodeOnnxModel';

export const MODELS_DIR = fileURLToPath(new URL('../../resources/models/', import.meta.url));

export function demoModelPath(file: string): string {
  return path.join(MODELS_DIR, file);
}

/** A fresh folder under the OS temp dir; remove it with removeTempDir when the test file is done. */
export function makeTempDir(prefix = 'slipway-onnx-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes an encoded model (or raw bytes) into `dir` and returns its path. */
export function writeModel(dir: string, file: string, model: OnnxModelDescription | Uint8Array): string {
  const target = path.join(dir, file);
  fs.writeFileSync(target, model instanceof Uint8Array ? model : encodeOnnxModel(model));
  return target;
}
