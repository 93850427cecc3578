// onnxruntime's input/output metadata as the contract's ModelSignature (symbolic dims kept by name).
import type * as ort from 'onnxruntime-node';
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract';

type ValueMetadata = ort.InferenceSession['inputMetadata'][number];

function toSignature(m: ValueMetadata): TensorSignature {
  if (!m.isTensor) return { name: m.name, kind: 'unknown', elementType: 'non-tensor', shape: null };
  return { name: m.name, kind: 'tensor', elementType: m.type, shape: m.shape.map((d) => (d === '' ? null : d)) };
}

export function sessionSignature(session: ort.InferenceSession): ModelSignature {
  return { inputs: session.inputMetadata.map(toSignature), outputs: session.outputMetadata.map(toSignature) };
}
