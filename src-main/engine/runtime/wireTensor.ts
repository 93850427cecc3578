// The form tensors take between threads: a plain object whose buffer is transferred, never serialised as JSON.
import type { ElementType } from '../../../src-shared/elementTypes';

export interface WireTensor {
  name: string;
  type: ElementType;
  dims: number[];
  /** Exactly the element bytes, laid out as the typed array of `type` (float16 as IEEE half bits in a
   * Uint16Array, bool as one byte per element); strings travel as an array. */
  data: ArrayBuffer | string[];
}

/** Buffers to list in postMessage's transfer list so tensors move between threads without a copy. */
export function transferablesOf(tensors: readonly WireTensor[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const t of tensors) if (t.data instanceof ArrayBuffer && t.data.byteLength > 0) out.push(t.data);
  return out;
}
