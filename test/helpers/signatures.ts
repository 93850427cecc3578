// Tensor signatures written briefly for codec tests.
import type { TensorSignature } from '../../src-shared/contract/modelInspection';
import type { Shape } from '../../src-shared/shapes';

export const sig = (name: string, elementType: string, shape: Shape | null): TensorSignature => ({
  name,
  kind: 'tensor',
  elementType,
  shape: shape === null ? null : [...shape],
});
