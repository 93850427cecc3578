// Signatures (from the demo models and synthetic ones for what they lack) and request bodies for the
// wire-format tests.
import { inspectOnnxFile } from '../../../../src-main/engine/onnx/inspectOnnxFile';
import { DEFAULT_WIRE_LIMITS, decodeInferRequest } from '../../../../src-main/engine/serving/decodeInferRequest';
import type { InferRequest } from '../../../../src-main/engine/serving/inferRequest';
import { ServingError } from '../../../../src-main/engine/serving/servingError';
import type { ModelSignature } from '../../../../src-shared/contract/modelInspection';
import type { ElementType } from '../../../../src-shared/elementTypes';
import { model } from '../../../helpers/paths';
import { sig } from '../../../helpers/signatures';
import { thrown } from '../../../helpers/thrown';

export function demoSignature(file: string): ModelSignature {
  const { inputs, outputs } = inspectOnnxFile(model(file));
  return { inputs, outputs };
}

/** Tensor names as exported graphs often have them, with path separators and output indices. */
export const slashColonSignature: ModelSignature = {
  inputs: [sig('encoder/input_ids:0', 'int64', ['batch', 'sequence'])],
  outputs: [sig('head/logits:0', 'float32', ['batch', 2]), sig('head/score:0', 'float32', [])],
};

/** Every dim fixed: nothing to deduce, nothing to batch. */
export const fixedSignature: ModelSignature = {
  inputs: [sig('grid', 'float32', [2, 3])],
  outputs: [sig('total', 'float32', [])],
};

export const textSignature: ModelSignature = {
  inputs: [sig('text', 'string', ['batch']), sig('weight', 'float32', ['batch'])],
  outputs: [sig('label', 'string', ['batch'])],
};

export const halfSignature: ModelSignature = {
  inputs: [sig('h', 'float16', ['batch', 2])],
  outputs: [sig('h_out', 'float16', ['batch', 2])],
};

/** A one-input model of any element type, for the per-datatype round trips. */
export function oneInput(type: ElementType, shape: (number | string)[] = ['batch', 3]): ModelSignature {
  return { inputs: [sig('t', type, shape)], outputs: [sig('out', type, shape)] };
}

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** A Triton binary request: the JSON header, then each chunk in order. */
export function binaryRequest(header: unknown, ...chunks: ArrayBufferView[]): { body: Buffer; headerLength: number } {
  const head = Buffer.from(JSON.stringify(header));
  return {
    body: Buffer.concat([head, ...chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))]),
    headerLength: head.length,
  };
}

/** Triton's BYTES serialisation: a 4-byte little-endian length before each element's UTF-8 bytes. */
export function serializeBytes(values: readonly string[]): Buffer {
  return Buffer.concat(
    values.map((v) => {
      const bytes = Buffer.from(v, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return Buffer.concat([length, bytes]);
    }),
  );
}

export function decode(
  signature: ModelSignature,
  body: Buffer,
  headerLength?: number,
  limits = DEFAULT_WIRE_LIMITS,
): InferRequest {
  return decodeInferRequest(body, { headerLength, signature, limits });
}

export const rejection = (fn: () => unknown): ServingError => thrown(fn, ServingError);

export function bytesOf(data: ArrayBuffer | string[]): number[] {
  if (!(data instanceof ArrayBuffer)) throw new Error('expected element bytes, got strings');
  return Array.from(new Uint8Array(data));
}
