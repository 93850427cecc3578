// Writes small but valid ONNX ModelProtos from a plain description: the runtime's probe model, and test and
// benchmark models (external data, subgraphs, multi-hundred-megabyte weights streamed to disk).
import fs from 'node:fs';
import { ELEMENT_TYPE_INFO, isElementType, type ElementType } from '../../../src-shared/elementTypes';
import type { Dim } from '../../../src-shared/shapes';

/** onnxruntime's type name, or the TensorProto.DataType number for types it has no name for (16 = bfloat16). */
export type OnnxElementType = ElementType | number;

export type OnnxTypeDescription =
  | { kind: 'tensor' | 'sparse_tensor'; elementType: OnnxElementType; shape?: readonly Dim[] | null }
  | { kind: 'sequence' | 'optional'; of: OnnxTypeDescription }
  | { kind: 'map'; key: OnnxElementType; value: OnnxTypeDescription };

/** A graph input or output: a tensor by element type and shape (omitted shape = unknown rank), or any type. */
export type OnnxValueDescription = { name: string; docString?: string } & (
  { elementType: OnnxElementType; shape?: readonly Dim[] | null } | { type: OnnxTypeDescription }
);

/** Raw tensor bytes that are only produced while writing, so a huge model never sits in memory. */
export interface LazyRawData {
  rawDataLength: number;
  /** Byte value repeated over the whole length (default 0). */
  fill?: number;
}

export interface OnnxTensorDescription {
  name: string;
  elementType: OnnxElementType;
  dims: readonly number[];
  rawData?: Uint8Array | LazyRawData;
  /** Values in the typed float_data field instead of raw_data. */
  floatData?: readonly number[];
  /** Data kept in a file next to the model (data_location = EXTERNAL). */
  externalData?: { location: string; offset?: number; length?: number };
}

export interface OnnxSparseTensorDescription {
  values: OnnxTensorDescription;
  indices: OnnxTensorDescription;
  dims: readonly number[];
}

export type OnnxAttributeValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'tensor'; value: OnnxTensorDescription }
  | { type: 'graph'; value: OnnxGraphDescription };

export interface OnnxNodeDescription {
  opType: string;
  domain?: string;
  name?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

export interface OnnxGraphDescription {
  /** Default: "main" for the model's graph, the attribute name for a subgraph. */
  name?: string;
  docString?: string;
  nodes?: readonly OnnxNodeDescription[];
  inputs?: readonly OnnxValueDescription[];
  outputs?: readonly OnnxValueDescription[];
  initializers?: readonly OnnxTensorDescription[];
  sparseInitializers?: readonly OnnxSparseTensorDescription[];
}

export interface OnnxModelDescription {
  /** Default 8. */
  irVersion?: number;
  /** Default: the standard domain at opset 17. */
  opsetImports?: readonly { domain?: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
  graph: OnnxGraphDescription;
}

// AttributeProto.AttributeType values.
const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7 } as const;
const DATA_LOCATION_EXTERNAL = 1;

type Part = Uint8Array | LazyRawData;

/** Accumulates one message as byte parts; lazy parts only carry their length until the message is written. */
class ProtoWriter {
  readonly parts: Part[] = [];
  length = 0;
  private pending: number[] = [];

  varint(field: number, value: number): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  /** Skips empty strings and zeros, as protobuf does for unset optional scalars. */
  optionalString(field: number, value: string | undefined): this {
    return value ? this.bytes(field, Buffer.from(value, 'utf8')) : this;
  }

  optionalVarint(field: number, value: number | undefined): this {
    return value ? this.varint(field, value) : this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = Buffer.allocUnsafe(4);
    b.writeFloatLE(value);
    this.pending.push(...b);
    return this;
  }

  bytes(field: number, data: Uint8Array | LazyRawData): this {
    this.tag(field, 2);
    const length = data instanceof Uint8Array ? data.length : data.rawDataLength;
    this.rawVarint(length);
    // Short strings join the pending bytes so a graph with many names stays a handful of parts.
    if (data instanceof Uint8Array && length <= 1024) {
      for (const b of data) this.pending.push(b);
      return this;
    }
    this.flush();
    this.parts.push(data);
    this.length += length;
    return this;
  }

  message(field: number, sub: ProtoWriter): this {
    sub.flush();
    this.tag(field, 2);
    this.rawVarint(sub.length);
    this.flush();
    for (const part of sub.parts) this.parts.push(part);
    this.length += sub.length;
    return this;
  }

  packedFloats(field: number, values: readonly number[]): this {
    const b = Buffer.allocUnsafe(values.length * 4);
    values.forEach((v, i) => b.writeFloatLE(v, i * 4));
    return this.bytes(field, b);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(Uint8Array.from(this.pending));
    this.length += this.pending.length;
    this.pending = [];
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** Negative values take ten bytes (64-bit two's complement), as int64 and int32 fields require. */
  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`Cannot encode ${value} as a protobuf varint`);
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.pending.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
  }
}

function onnxTypeNumber(type: OnnxElementType): number {
  if (typeof type === 'number') return type;
  if (!isElementType(type)) throw new Error(`Unknown element type "${String(type)}"`);
  return ELEMENT_TYPE_INFO[type].onnx;
}

function encodeShape(shape: readonly Dim[]): ProtoWriter {
  const w = new ProtoWriter();
  for (const dim of shape) {
    const d = new ProtoWriter();
    if (typeof dim === 'number') d.varint(1, dim);
    else if (typeof dim === 'string') d.optionalString(2, dim);
    w.message(1, d);
  }
  return w;
}

function encodeType(type: OnnxTypeDescription): ProtoWriter {
  const w = new ProtoWriter();
  const inner = new ProtoWriter();
  switch (type.kind) {
    case 'tensor':
    case 'sparse_tensor':
      inner.varint(1, onnxTypeNumber(type.elementType));
      if (type.shape) inner.message(2, encodeShape(type.shape));
      return w.message(type.kind === 'tensor' ? 1 : 8, inner);
    case 'sequence':
    case 'optional':
      return w.message(type.kind === 'sequence' ? 4 : 9, inner.message(1, encodeType(type.of)));
    case 'map':
      inner.varint(1, onnxTypeNumber(type.key)).message(2, encodeType(type.value));
      return w.message(5, inner);
  }
}

function encodeValueInfo(value: OnnxValueDescription): ProtoWriter {
  const type: OnnxTypeDescription =
    'type' in value ? value.type : { kind: 'tensor', elementType: value.elementType, shape: value.shape };
  return new ProtoWriter()
    .optionalString(1, value.name)
    .message(2, encodeType(type))
    .optionalString(3, value.docString);
}

function encodeTensor(tensor: OnnxTensorDescription): ProtoWriter {
  const w = new ProtoWriter();
  for (const dim of tensor.dims) w.varint(1, dim);
  w.varint(2, onnxTypeNumber(tensor.elementType));
  if (tensor.floatData) w.packedFloats(4, tensor.floatData);
  w.optionalString(8, tensor.name);
  if (tensor.rawData) w.bytes(9, tensor.rawData);
  const external = tensor.externalData;
  if (external) {
    const entries: [string, string | undefined][] = [
      ['location', external.location],
      ['offset', external.offset?.toString()],
      ['length', external.length?.toString()],
    ];
    for (const [key, value] of entries) {
      if (value !== undefined) w.message(13, new ProtoWriter().optionalString(1, key).optionalString(2, value));
    }
    w.varint(14, DATA_LOCATION_EXTERNAL);
  }
  return w;
}

function encodeAttribute(name: string, attribute: OnnxAttributeValue): ProtoWriter {
  const w = new ProtoWriter().optionalString(1, name);
  switch (attribute.type) {
    case 'float':
      w.float(2, attribute.value);
      break;
    case 'int':
      w.varint(3, attribute.value);
      break;
    case 'string':
      w.bytes(4, Buffer.from(attribute.value, 'utf8'));
      break;
    case 'tensor':
      w.message(5, encodeTensor(attribute.value));
      break;
    case 'graph':
      w.message(6, encodeGraph(attribute.value, name));
      break;
    case 'floats':
      for (const v of attribute.value) w.float(7, v);
      break;
    case 'ints':
      for (const v of attribute.value) w.varint(8, v);
      break;
  }
  return w.varint(20, ATTRIBUTE_TYPES[attribute.type]);
}

function encodeNode(node: OnnxNodeDescription): ProtoWriter {
  const w = new ProtoWriter();
  // Empty names are meaningful in node inputs (an omitted optional input), so they are written.
  for (const input of node.inputs) w.bytes(1, Buffer.from(input, 'utf8'));
  for (const output of node.outputs) w.bytes(2, Buffer.from(output, 'utf8'));
  w.optionalString(3, node.name).optionalString(4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes ?? {})) w.message(5, encodeAttribute(name, attribute));
  return w.optionalString(7, node.domain);
}

/** Graph names default to `fallbackName`: onnxruntime rejects a subgraph without one. */
function encodeGraph(graph: OnnxGraphDescription, fallbackName: string): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes ?? []) w.message(1, encodeNode(node));
  w.optionalString(2, graph.name || fallbackName);
  for (const tensor of graph.initializers ?? []) w.message(5, encodeTensor(tensor));
  w.optionalString(10, graph.docString);
  for (const input of graph.inputs ?? []) w.message(11, encodeValueInfo(input));
  for (const output of graph.outputs ?? []) w.message(12, encodeValueInfo(output));
  for (const sparse of graph.sparseInitializers ?? []) {
    const s = new ProtoWriter().message(1, encodeTensor(sparse.values)).message(2, encodeTensor(sparse.indices));
    for (const dim of sparse.dims) s.varint(3, dim);
    w.message(15, s);
  }
  return w;
}

function encodeModel(desc: OnnxModelDescription): ProtoWriter {
  const w = new ProtoWriter()
    .varint(1, desc.irVersion ?? 8)
    .optionalString(2, desc.producerName)
    .optionalString(3, desc.producerVersion)
    .optionalString(4, desc.domain)
    .optionalVarint(5, desc.modelVersion)
    .optionalString(6, desc.docString)
    .message(7, encodeGraph(desc.graph, 'main'));
  for (const opset of desc.opsetImports ?? [{ domain: '', version: 17 }]) {
    w.message(8, new ProtoWriter().optionalString(1, opset.domain).varint(2, opset.version));
  }
  for (const [key, value] of Object.entries(desc.metadata ?? {})) {
    w.message(14, new ProtoWriter().optionalString(1, key).optionalString(2, value));
  }
  w.flush();
  return w;
}

/** The serialized model, with lazy raw data filled in memory. */
export function encodeOnnxModel(desc: OnnxModelDescription): Buffer {
  const model = encodeModel(desc);
  return Buffer.concat(
    model.parts.map((part) => (part instanceof Uint8Array ? part : Buffer.alloc(part.rawDataLength, part.fill ?? 0))),
  );
}

/** Writes the model to `path`, streaming lazy raw data in chunks so memory stays small whatever the size. */
export function writeOnnxModelFile(path: string, desc: OnnxModelDescription): void {
  const chunkBytes = 4 * 1024 * 1024;
  const model = encodeModel(desc);
  const fd = fs.openSync(path, 'w');
  try {
    let small: Uint8Array[] = [];
    const writeSmall = () => {
      if (small.length > 0) writeAll(fd, Buffer.concat(small));
      small = [];
    };
    for (const part of model.parts) {
      if (part instanceof Uint8Array) {
        small.push(part);
        continue;
      }
      writeSmall();
      const chunk = Buffer.alloc(Math.min(chunkBytes, part.rawDataLength), part.fill ?? 0);
      for (let left = part.rawDataLength; left > 0; left -= chunk.length) {
        writeAll(fd, chunk.subarray(0, Math.min(left, chunk.length)));
      }
    }
    writeSmall();
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length;) done += fs.writeSync(fd, data, done);
}

/** y = x + x over float32 [1, 4]: the smallest model that proves a runtime can load and run something. */
export function tinyProbeModel(): Buffer {
  const value = (name: string): OnnxValueDescription => ({ name, elementType: 'float32', shape: [1, 4] });
  return encodeOnnxModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'slipway',
    graph: {
      name: 'slipway-probe',
      nodes: [{ opType: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
      inputs: [value('x')],
      outputs: [value('y')],
    },
  });
}
