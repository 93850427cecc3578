// Moves tensors between the transferable WireTensor form and onnxruntime-node's Tensor, without copying on
// the way in and copying on the way out only when onnxruntime's array is a view into a larger buffer.
import * as ort from 'onnxruntime-node';
import { ELEMENT_TYPE_INFO, isElementType } from '../../../src-shared/elementTypes';
import { elementCount, formatShape } from '../../../src-shared/shapes';
import { elementView } from './tensorCodec';
import { TensorCodecError } from './tensorCodecError';
import type { WireTensor } from './wireTensor';

/** An onnxruntime Tensor over the WireTensor's buffer (shared, not copied: don't transfer it while in use). */
export function toOrtTensor(t: WireTensor): ort.Tensor {
  return new ort.Tensor(t.type, elementView(t), t.dims);
}

/**
 * A WireTensor holding exactly `tensor`'s element bytes in an ArrayBuffer of its own, so it can be put in a
 * postMessage transfer list. The buffer is reused when the typed array spans all of it.
 */
export function fromOrtTensor(name: string, tensor: ort.Tensor): WireTensor {
  const type = tensor.type;
  if (!isElementType(type)) {
    throw new TensorCodecError(`output '${name}' has element type ${type}, which Slipway cannot read`, {
      tensor: name,
    });
  }
  if (tensor.location !== 'cpu' && tensor.location !== 'cpu-pinned') {
    throw new TensorCodecError(`output '${name}' is on ${tensor.location}; ask onnxruntime for CPU outputs`, {
      tensor: name,
    });
  }
  const dims = [...tensor.dims];
  const count = elementCount(dims);
  const data = tensor.data;
  if (type === 'string') {
    if (!Array.isArray(data)) throw new TensorCodecError(`output '${name}': string tensor without a string array`);
    return { name, type, dims, data: [...(data as string[])] };
  }
  if (!ArrayBuffer.isView(data)) {
    throw new TensorCodecError(`output '${name}': ${type} tensor without a typed array`, { tensor: name });
  }
  const byteLength = count * ELEMENT_TYPE_INFO[type].bytes;
  if (data.byteLength !== byteLength) {
    throw new TensorCodecError(
      `output '${name}': ${data.byteLength} bytes for shape ${formatShape(dims)} of ${type}, expected ${byteLength}`,
      { tensor: name },
    );
  }
  const { buffer, byteOffset } = data;
  // A SharedArrayBuffer cannot be transferred, and a view's neighbours must not travel with it.
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && buffer.byteLength === byteLength) {
    return { name, type, dims, data: buffer };
  }
  const copy = new Uint8Array(byteLength);
  copy.set(new Uint8Array(buffer, byteOffset, byteLength));
  return { name, type, dims, data: copy.buffer };
}
