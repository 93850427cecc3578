// Reads served outputs as numbers per row without copying where the element type allows: what predictions and
// shadow-vs-live |Δ| are computed from.
import { fromFloat16Array } from '../runtime/float16';
import { elementView } from '../runtime/tensorCodec';
import type { WireTensor } from '../runtime/wireTensor';

export interface RowValues {
  rows: number;
  /** Elements per row. */
  width: number;
  /** Row-major; strings are not numbers and come back null. */
  values: ArrayLike<number>;
}

/** The tensor as rows (first axis) of numbers; null for strings or a rank-0 tensor. */
export function rowValues(t: WireTensor): RowValues | null {
  if (t.type === 'string' || t.dims.length === 0) return null;
  const view = elementView(t);
  if (Array.isArray(view)) return null;
  const rows = t.dims[0]!;
  const width = rows === 0 ? 0 : view.length / rows;
  let values: ArrayLike<number>;
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) values = Array.from(view, Number);
  else if (t.type === 'float16') values = fromFloat16Array(view as Uint16Array);
  else values = view as Exclude<typeof view, BigInt64Array | BigUint64Array>;
  return { rows, width, values };
}

/** The tensor's strings per row (a label output of BYTES), else null. */
export function rowStrings(t: WireTensor): string[] | null {
  if (t.type !== 'string' || !Array.isArray(t.data) || t.dims.length === 0) return null;
  const rows = t.dims[0]!;
  if (rows === 0 || t.data.length !== rows) return rows === 0 ? [] : null;
  return t.data;
}
