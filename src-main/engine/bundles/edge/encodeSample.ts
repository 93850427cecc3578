// Turns one parity sample (nested-array JSON per input, one row without the batch axis as sample files hold it,
// or already batched) into the tensors of one request, adding the batch axis where the model's rank says so.
import type { ModelSignature } from '../../../../src-shared/contract';
import { encodeInputs } from '../../runtime/tensorCodec';
import type { WireTensor } from '../../runtime/wireTensor';

/** Nesting depth of a JSON value: 0 for a bare element, 1 for a flat list, ... (by first elements). */
function depthOf(value: unknown): number {
  let depth = 0;
  let v = value;
  while (Array.isArray(v)) {
    depth++;
    v = v[0];
  }
  return depth;
}

/**
 * One request's tensors for `sample`, in the signature's input order. An input given with one dim fewer than
 * the model declares is one row and gets a batch axis of 1; anything else is encoded as given, so a wrong
 * shape or element gets the codec's one-line error (a TensorCodecError).
 */
export function encodeSample(signature: ModelSignature, sample: Record<string, unknown>): WireTensor[] {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(sample)) {
    const sig = signature.inputs.find((s) => s.name === name);
    const rank = sig?.shape?.length;
    values[name] = rank !== undefined && rank >= 1 && depthOf(value) === rank - 1 ? [value] : value;
  }
  return encodeInputs(signature.inputs, values);
}
