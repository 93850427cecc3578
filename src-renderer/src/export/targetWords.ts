// What each export target is, in one line each, for the target checkboxes and the plan table.
import type { BundleTarget } from '../../../src-shared/contract';

export const TARGET_WORDS: Record<BundleTarget, { label: string; line: string }> = {
  triton: {
    label: 'Triton',
    line: 'A Triton Inference Server model repository: config.pbtxt and the model, loads as-is in tritonserver.',
  },
  kserve: {
    label: 'KServe',
    line: 'A KServe InferenceService (Triton runtime, V2 protocol) that reads the Triton repository from storageUri.',
  },
  standalone: {
    label: 'Standalone server',
    line: "Slipway's own V2 server in one file with the model, package.json and a Dockerfile: npm install && node server.js.",
  },
  edge: {
    label: 'Edge',
    line: 'The standalone server around a CPU-optimised model, with a parity check against the original.',
  },
};
