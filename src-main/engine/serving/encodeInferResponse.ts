// Writes an inference result as a KServe V2 response: a JSON header with flat `data`, plus Triton's binary
// section for outputs asked for in binary. The JSON text is built by hand: it is on every request's path.
import { ELEMENT_TYPE_INFO } from '../../../src-shared/elementTypes';
import { elementView, type ElementArray } from '../runtime/tensorCodec';
import { TensorCodecError } from '../runtime/tensorCodecError';
import type { WireTensor } from '../runtime/wireTensor';
import type { InferRequest, InferResult } from './inferRequest';
import { ServingError } from './servingError';

export interface EncodedInferResponse {
  body: Buffer;
  /** Inference-Header-Content-Length: set when a binary section follows the JSON header. */
  headerLength?: number;
  contentType: string;
}

/**
 * Encodes `result` for the request that produced it. In JSON `data`:
 * - floats are the exact value of each element (a float32 prints as its double, so it parses back to the
 *   same bits; -0 as -0.0). NaN and ±Infinity, which JSON cannot hold, are the strings "NaN", "Infinity" and
 *   "-Infinity": Triton writes bare NaN/Infinity tokens, which strict parsers (JSON.parse, Go, browsers)
 *   reject, while the strings still load with tritonclient's as_numpy (numpy converts them) and are what
 *   Slipway's own tensor codec reads and writes.
 * - INT64/UINT64 are JSON numbers written exactly from their BigInt value, as Triton writes them; readers
 *   that parse numbers as doubles round values beyond 2^53, so ask for those outputs in binary.
 * - FP16 outputs always go in the binary section, as in Triton, which has no JSON form for them.
 */
export function encodeInferResponse(result: InferResult, requested: InferRequest): EncodedInferResponse {
  let header = `{"model_name":${JSON.stringify(result.modelName)},"model_version":${JSON.stringify(result.modelVersion)}`;
  const id = result.id ?? requested.id;
  if (id !== undefined) header += `,"id":${JSON.stringify(id)}`;
  if (result.degraded) {
    header += `,"parameters":{"degraded":true,"reason":${JSON.stringify(result.degraded.reason)}}`;
  }
  header += ',"outputs":[';

  let binaries: Buffer[] | undefined;
  let binaryBytes = 0;
  const outputs = result.outputs;
  for (let i = 0; i < outputs.length; i++) {
    const t = outputs[i] as WireTensor;
    const view = checkedView(t);
    header += `${i > 0 ? ',' : ''}{"name":${JSON.stringify(t.name)},"datatype":"${ELEMENT_TYPE_INFO[t.type].v2}","shape":[${t.dims.join(',')}]`;
    if (t.type === 'float16' || wantsBinary(t.name, requested)) {
      const bytes = binaryOf(view);
      header += `,"parameters":{"binary_data_size":${bytes.length}}}`;
      (binaries ??= []).push(bytes);
      binaryBytes += bytes.length;
    } else {
      header += `,"data":${dataText(t, view)}}`;
    }
  }
  header += ']}';

  if (!binaries) return { body: Buffer.from(header, 'utf8'), contentType: 'application/json' };
  const headerLength = Buffer.byteLength(header, 'utf8');
  const body = Buffer.allocUnsafe(headerLength + binaryBytes);
  body.write(header, 0, 'utf8');
  let offset = headerLength;
  for (const bytes of binaries) {
    bytes.copy(body, offset);
    offset += bytes.length;
  }
  return { body, headerLength, contentType: 'application/octet-stream' };
}

function wantsBinary(name: string, requested: InferRequest): boolean {
  const wanted = requested.outputs;
  if (!wanted) return requested.binaryOutputDefault;
  for (let i = 0; i < wanted.length; i++) {
    const o = wanted[i];
    if (o?.name === name) return o.binary;
  }
  return requested.binaryOutputDefault;
}

function checkedView(t: WireTensor): ElementArray | string[] {
  try {
    return elementView(t);
  } catch (error) {
    // The runtime produced a tensor whose bytes do not match its shape: our bug, not the caller's.
    if (error instanceof TensorCodecError) throw new ServingError(500, `output '${t.name}': ${error.message}`);
    throw error;
  }
}

/** The binary section bytes of one output: raw little-endian elements, or Triton's length-prefixed BYTES. */
function binaryOf(view: ElementArray | string[]): Buffer {
  if (!Array.isArray(view)) return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const encoded = new Array<Buffer>(view.length);
  let total = 0;
  for (let i = 0; i < view.length; i++) {
    const bytes = Buffer.from(view[i] as string, 'utf8');
    encoded[i] = bytes;
    total += 4 + bytes.length;
  }
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  for (let i = 0; i < encoded.length; i++) {
    const bytes = encoded[i] as Buffer;
    out.writeUInt32LE(bytes.length, p);
    bytes.copy(out, p + 4);
    p += 4 + bytes.length;
  }
  return out;
}

function floatText(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0';
  // v - v is 0 for every finite number and NaN for NaN and ±Infinity.
  if (v - v !== 0) return v !== v ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
  return String(v);
}

function dataText(t: WireTensor, view: ElementArray | string[]): string {
  const n = view.length;
  if (n === 0) return '[]';
  let s = '[';
  switch (t.type) {
    case 'float32':
    case 'float64': {
      const a = view as Float32Array | Float64Array;
      s += floatText(a[0] as number);
      for (let i = 1; i < n; i++) s += `,${floatText(a[i] as number)}`;
      break;
    }
    case 'bool': {
      const a = view as Uint8Array;
      s += a[0] !== 0 ? 'true' : 'false';
      for (let i = 1; i < n; i++) s += a[i] !== 0 ? ',true' : ',false';
      break;
    }
    case 'string': {
      const a = view as string[];
      s += JSON.stringify(a[0]);
      for (let i = 1; i < n; i++) s += `,${JSON.stringify(a[i])}`;
      break;
    }
    case 'int64':
    case 'uint64': {
      // Decimal text straight from the BigInt: going through Number would round beyond 2^53.
      const a = view as BigInt64Array | BigUint64Array;
      s += (a[0] as bigint).toString();
      for (let i = 1; i < n; i++) s += `,${(a[i] as bigint).toString()}`;
      break;
    }
    case 'float16':
      throw new ServingError(500, `output '${t.name}': FP16 has no JSON form`);
    default: {
      const a = view as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
      s += String(a[0]);
      for (let i = 1; i < n; i++) s += `,${a[i] as number}`;
    }
  }
  return `${s}]`;
}
