// The onnxruntime-node version this process runs: bundles record it, and the standalone server pins it.
import { createRequire } from 'node:module';

let cached: string | undefined;

export function onnxruntimeVersion(): string {
  cached ??= (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  return cached;
}
