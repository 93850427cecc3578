// Tensor shapes as models declare them: fixed sizes, symbolic names kept by name, or unknown.

/** One dimension: a fixed size, a symbolic name such as "batch", or null when the model leaves it unnamed. */
export type Dim = number | string | null;
export type Shape = readonly Dim[];

export function isFixedShape(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

/** Number of elements of a concrete shape ([] is a scalar: 1 element). */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** "[batch, 3, 224, 224]"; unnamed dynamic dims print as "?". */
export function formatShape(shape: Shape | null): string {
  if (shape === null) return '(unknown rank)';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
