// Stacks several requests' inputs along axis 0 into one batch and slices the batch's outputs back per request.
// Tensors are row-major, so stacking along the first axis is plain concatenation of their bytes.
import { ELEMENT_TYPE_INFO } from '../../../src-shared/elementTypes';
import { elementCount, formatShape } from '../../../src-shared/shapes';
import type { WireTensor } from '../runtime/wireTensor';

/**
 * Rows of a request along the batch axis: the first dim its inputs share. Undefined when an input is a scalar
 * or the inputs disagree on their first dim, since such a request cannot be sliced out of a batch again.
 */
export function rowsOf(inputs: readonly WireTensor[]): number | undefined {
  let rows: number | undefined;
  for (const t of inputs) {
    const first = t.dims[0];
    if (first === undefined) return undefined;
    if (rows === undefined) rows = first;
    else if (rows !== first) return undefined;
  }
  return rows;
}

/**
 * A string equal for two requests exactly when they can share a batch: the same inputs in the same order with
 * the same element types and the same dims after the first, and the same outputs asked for. Undefined for a
 * request that can share a batch with none (see rowsOf).
 */
export function batchKey(inputs: readonly WireTensor[], outputs?: readonly string[]): string | undefined {
  if (inputs.length === 0 || rowsOf(inputs) === undefined) return undefined;
  // JSON keeps names that contain separators unambiguous.
  return JSON.stringify([inputs.map((t) => [t.name, t.type, t.dims.slice(1)]), outputs ?? null]);
}

/** One tensor per input holding every request's rows in order. Requests must share a batchKey. */
export function mergeInputs(requests: readonly (readonly WireTensor[])[]): WireTensor[] {
  const first = requests[0];
  if (!first) throw new Error('cannot merge an empty batch');
  return first.map((model, i) => {
    const parts = requests.map((r) => {
      const t = r[i];
      if (!t || t.name !== model.name || t.type !== model.type) {
        throw new Error(`cannot merge requests whose input ${i} differs ('${model.name}' vs '${t?.name ?? '-'}')`);
      }
      return t;
    });
    const rows = parts.reduce((n, t) => n + (t.dims[0] ?? 0), 0);
    const dims = [rows, ...model.dims.slice(1)];
    if (model.type === 'string') {
      return { name: model.name, type: model.type, dims, data: parts.flatMap((t) => t.data as string[]) };
    }
    const total = parts.reduce((n, t) => n + (t.data as ArrayBuffer).byteLength, 0);
    const merged = new Uint8Array(total);
    let offset = 0;
    for (const t of parts) {
      const bytes = new Uint8Array(t.data as ArrayBuffer);
      merged.set(bytes, offset);
      offset += bytes.byteLength;
    }
    return { name: model.name, type: model.type, dims, data: merged.buffer };
  });
}

/**
 * Each request's slice of a batch's outputs, in the order of `rows`. Every slice owns a fresh buffer, so each
 * response can be transferred or cached on its own. Throws when an output's first dim is not the batch's
 * total rows: then the model's first output axis is not the batch axis, and slicing would mix requests up.
 */
export function splitOutputs(outputs: readonly WireTensor[], rows: readonly number[]): WireTensor[][] {
  const total = rows.reduce((a, b) => a + b, 0);
  const perRequest: WireTensor[][] = rows.map(() => []);
  for (const t of outputs) {
    if (t.dims[0] !== total) {
      throw new Error(
        `output '${t.name}' has shape ${formatShape(t.dims)} for a batch of ${total} rows; its first dim must be the batch`,
      );
    }
    const rowElements = elementCount(t.dims.slice(1));
    let row = 0;
    rows.forEach((n, r) => {
      const dims = [n, ...t.dims.slice(1)];
      const start = row * rowElements;
      const end = (row + n) * rowElements;
      row += n;
      let data: WireTensor['data'];
      if (t.type === 'string') data = (t.data as string[]).slice(start, end);
      else {
        const width = ELEMENT_TYPE_INFO[t.type].bytes;
        data = (t.data as ArrayBuffer).slice(start * width, end * width);
      }
      perRequest[r]!.push({ name: t.name, type: t.type, dims, data });
    });
  }
  return perRequest;
}
