// The tensor element-type table every layer agrees on: ONNX enum numbers, onnxruntime's type strings,
// KServe V2 datatypes and Triton config names, byte widths and integer ranges.

/** Element types Slipway can feed to and read from onnxruntime (onnxruntime-node's names). */
export const ELEMENT_TYPES = [
  'float32',
  'float64',
  'float16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

export interface ElementTypeInfo {
  /** onnxruntime-node's name for the type. */
  readonly name: ElementType;
  /** TensorProto.DataType enum value. */
  readonly onnx: number;
  /** Upper-case ONNX name as in onnx.proto (FLOAT, DOUBLE, ...). */
  readonly onnxName: string;
  /** KServe V2 / Open Inference Protocol datatype. */
  readonly v2: string;
  /** Triton model-config data type. */
  readonly triton: string;
  /** Bytes per element; 0 for variable-length strings. */
  readonly bytes: number;
  readonly kind: 'float' | 'int' | 'bool' | 'string';
  /** Inclusive range of integer types, as bigint so 64-bit bounds are exact. */
  readonly min?: bigint;
  readonly max?: bigint;
}

const int = (bits: number, signed: boolean) =>
  signed
    ? { min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n }
    : { min: 0n, max: (1n << BigInt(bits)) - 1n };

export const ELEMENT_TYPE_INFO: Readonly<Record<ElementType, ElementTypeInfo>> = {
  float32: { name: 'float32', onnx: 1, onnxName: 'FLOAT', v2: 'FP32', triton: 'TYPE_FP32', bytes: 4, kind: 'float' },
  float64: { name: 'float64', onnx: 11, onnxName: 'DOUBLE', v2: 'FP64', triton: 'TYPE_FP64', bytes: 8, kind: 'float' },
  float16: { name: 'float16', onnx: 10, onnxName: 'FLOAT16', v2: 'FP16', triton: 'TYPE_FP16', bytes: 2, kind: 'float' },
  int8: {
    name: 'int8',
    onnx: 3,
    onnxName: 'INT8',
    v2: 'INT8',
    triton: 'TYPE_INT8',
    bytes: 1,
    kind: 'int',
    ...int(8, true),
  },
  int16: {
    name: 'int16',
    onnx: 5,
    onnxName: 'INT16',
    v2: 'INT16',
    triton: 'TYPE_INT16',
    bytes: 2,
    kind: 'int',
    ...int(16, true),
  },
  int32: {
    name: 'int32',
    onnx: 6,
    onnxName: 'INT32',
    v2: 'INT32',
    triton: 'TYPE_INT32',
    bytes: 4,
    kind: 'int',
    ...int(32, true),
  },
  int64: {
    name: 'int64',
    onnx: 7,
    onnxName: 'INT64',
    v2: 'INT64',
    triton: 'TYPE_INT64',
    bytes: 8,
    kind: 'int',
    ...int(64, true),
  },
  uint8: {
    name: 'uint8',
    onnx: 2,
    onnxName: 'UINT8',
    v2: 'UINT8',
    triton: 'TYPE_UINT8',
    bytes: 1,
    kind: 'int',
    ...int(8, false),
  },
  uint16: {
    name: 'uint16',
    onnx: 4,
    onnxName: 'UINT16',
    v2: 'UINT16',
    triton: 'TYPE_UINT16',
    bytes: 2,
    kind: 'int',
    ...int(16, false),
  },
  uint32: {
    name: 'uint32',
    onnx: 12,
    onnxName: 'UINT32',
    v2: 'UINT32',
    triton: 'TYPE_UINT32',
    bytes: 4,
    kind: 'int',
    ...int(32, false),
  },
  uint64: {
    name: 'uint64',
    onnx: 13,
    onnxName: 'UINT64',
    v2: 'UINT64',
    triton: 'TYPE_UINT64',
    bytes: 8,
    kind: 'int',
    ...int(64, false),
  },
  bool: { name: 'bool', onnx: 9, onnxName: 'BOOL', v2: 'BOOL', triton: 'TYPE_BOOL', bytes: 1, kind: 'bool' },
  string: { name: 'string', onnx: 8, onnxName: 'STRING', v2: 'BYTES', triton: 'TYPE_STRING', bytes: 0, kind: 'string' },
};

/** ONNX TensorProto.DataType names, including types onnxruntime-node cannot feed from JS. */
export const ONNX_DATA_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
};

/** Byte widths of ONNX data types for sizing initializers (sub-byte types are rounded by the caller). */
export const ONNX_DATA_TYPE_BITS: Readonly<Record<number, number>> = {
  1: 32,
  2: 8,
  3: 8,
  4: 16,
  5: 16,
  6: 32,
  7: 64,
  9: 8,
  10: 16,
  11: 64,
  12: 32,
  13: 64,
  14: 64,
  15: 128,
  16: 16,
  17: 8,
  18: 8,
  19: 8,
  20: 8,
  21: 4,
  22: 4,
  23: 4,
};

const byOnnx = new Map<number, ElementTypeInfo>(Object.values(ELEMENT_TYPE_INFO).map((i) => [i.onnx, i]));
const byV2 = new Map<string, ElementTypeInfo>(Object.values(ELEMENT_TYPE_INFO).map((i) => [i.v2, i]));

export function isElementType(value: string): value is ElementType {
  return (ELEMENT_TYPES as readonly string[]).includes(value);
}

/** The element type for an ONNX enum value, or undefined for types Slipway cannot feed (bfloat16, complex...). */
export function elementTypeFromOnnx(onnx: number): ElementType | undefined {
  return byOnnx.get(onnx)?.name;
}

export function elementTypeFromV2(datatype: string): ElementType | undefined {
  return byV2.get(datatype)?.name;
}
