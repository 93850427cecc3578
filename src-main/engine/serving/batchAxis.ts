// Whether a model's signature allows dynamic batching: every input and output must share one dynamic first
// axis, so that stacking requests along it and slicing the outputs back gives each request its own rows.
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract/modelInspection';

export interface BatchAxis {
  batchable: boolean;
  /** Why the model cannot batch (set only when it cannot). */
  reason?: string;
  /** The symbolic name of the batch axis when the model names it ("batch"); null when every first dim is unnamed. */
  name?: string | null;
}

export function batchAxis(signature: ModelSignature): BatchAxis {
  if (signature.inputs.length === 0) return { batchable: false, reason: 'the model has no inputs' };
  if (signature.outputs.length === 0) return { batchable: false, reason: 'the model has no outputs' };
  // The first named axis seen; an unnamed dynamic dim (null) is compatible with any name, since onnxruntime
  // often drops symbolic names on outputs while the axis is still the batch.
  let named: { name: string; where: string } | undefined;
  const tensors: [string, TensorSignature][] = [
    ...signature.inputs.map((t): [string, TensorSignature] => ['input', t]),
    ...signature.outputs.map((t): [string, TensorSignature] => ['output', t]),
  ];
  for (const [role, t] of tensors) {
    const where = `${role} '${t.name}'`;
    if (t.kind !== 'tensor') return { batchable: false, reason: `${where} is a ${t.elementType}, not a tensor` };
    if (t.shape === null) return { batchable: false, reason: `${where} has no declared rank` };
    if (t.shape.length === 0)
      return { batchable: false, reason: `${where} is a scalar (rank 0), so it has no batch axis` };
    const first = t.shape[0];
    if (typeof first === 'number') return { batchable: false, reason: `${where} has a fixed first dim ${first}` };
    if (typeof first === 'string') {
      if (!named) named = { name: first, where };
      else if (named.name !== first) {
        return {
          batchable: false,
          reason: `${where} has first dim '${first}' but ${named.where} has '${named.name}', so they are not one batch axis`,
        };
      }
    }
  }
  return { batchable: true, name: named?.name ?? null };
}
