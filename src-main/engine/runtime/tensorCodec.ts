// Converts between the JSON users write and read (nested arrays, or flat data plus a shape as KServe V2 sends)
// and WireTensors, checking shape and every element against the model's signature with one-line errors.
import type { TensorSignature } from '../../../src-shared/contract/modelInspection';
import { ELEMENT_TYPE_INFO, isElementType, type ElementType } from '../../../src-shared/elementTypes';
import { elementCount, formatShape, type Shape } from '../../../src-shared/shapes';
import { fromFloat16Bits, toFloat16Bits } from './float16';
import { TensorCodecError } from './tensorCodecError';
import type { WireTensor } from './wireTensor';

/** Sizes chosen for symbolic dims ("batch", "sequence") within one request. */
export type DimBindings = Record<string, number>;

/** One element as JSON carries it. */
export type JsonElement = number | string | boolean;
/** Nested arrays for a tensor of rank >= 1, a bare element for rank 0. */
export type NestedTensorData = JsonElement | NestedTensorData[];

export interface DecodedTensor {
  name: string;
  elementType: ElementType;
  shape: number[];
  data: NestedTensorData;
}

export interface DecodedFlatTensor {
  name: string;
  elementType: ElementType;
  shape: number[];
  /** Row-major elements. */
  data: JsonElement[];
}

export type ElementArray =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint32Array
  | BigUint64Array;

type SmallIntArray = Exclude<ElementArray, Float32Array | Float64Array | BigInt64Array | BigUint64Array>;

interface ElementArrayConstructor {
  new (length: number): ElementArray;
  new (buffer: ArrayBuffer): ElementArray;
}

const ARRAY_TYPE: Readonly<Record<Exclude<ElementType, 'string'>, ElementArrayConstructor>> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

const FLOAT32_MAX = 3.4028234663852886e38;

// ---------------------------------------------------------------------------------------------------------
// Names

/** The candidate a mistyped name most likely meant (case-insensitive edit distance, or containment), if any. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const distance = editDistance(wanted, c);
    const close = distance <= Math.max(1, Math.floor(wanted.length / 3));
    const contained = wanted.length >= 3 && (c.includes(wanted) || wanted.includes(c));
    if ((close || contained) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function describeSignature(sig: TensorSignature): string {
  return `${sig.elementType} ${formatShape(sig.shape)}`;
}

/**
 * Throws for a name the model does not have (suggesting the closest one) and for inputs left out, so a request
 * is rejected before any tensor is built.
 */
export function checkInputNames(inputs: readonly TensorSignature[], given: readonly string[]): void {
  const known = inputs.map((i) => i.name);
  for (const name of given) {
    if (known.includes(name)) continue;
    const guess = closestName(name, known);
    const list = known.length > 0 ? known.join(', ') : '(none)';
    throw new TensorCodecError(
      `unknown input '${name}'; the model's inputs are: ${list}${guess ? ` (did you mean '${guess}'?)` : ''}`,
      { tensor: name },
    );
  }
  const missing = inputs.filter((i) => !given.includes(i.name));
  if (missing.length > 0) {
    const list = missing.map((i) => `'${i.name}' (${describeSignature(i)})`).join(', ');
    throw new TensorCodecError(`missing input${missing.length > 1 ? 's' : ''} ${list}`, { tensor: missing[0]?.name });
  }
}

/** The element type to feed for an input, or a clear error for sequences, maps and types JS cannot build. */
export function feedableElementType(sig: TensorSignature): ElementType {
  if (sig.kind !== 'tensor') {
    throw new TensorCodecError(
      `input '${sig.name}' is a ${sig.kind} (${sig.elementType}); Slipway can only feed tensor inputs`,
      { tensor: sig.name },
    );
  }
  if (!isElementType(sig.elementType)) {
    throw new TensorCodecError(
      `input '${sig.name}' has element type ${sig.elementType}, which onnxruntime-node cannot feed from JavaScript`,
      { tensor: sig.name },
    );
  }
  return sig.elementType;
}

// ---------------------------------------------------------------------------------------------------------
// Shapes and symbolic dims

interface DimOrigin {
  input: string;
  dim: number;
}

// Where each binding came from, kept beside the caller's plain record so the mismatch message can point at
// the input that fixed the size without changing the record's shape.
const bindingOrigins = new WeakMap<DimBindings, Map<string, DimOrigin>>();

function originsOf(bindings: DimBindings): Map<string, DimOrigin> {
  let origins = bindingOrigins.get(bindings);
  if (!origins) {
    origins = new Map();
    bindingOrigins.set(bindings, origins);
  }
  return origins;
}

function bindSymbolicDims(name: string, declared: Shape, shape: readonly number[], bindings: DimBindings): void {
  const origins = originsOf(bindings);
  declared.forEach((dim, i) => {
    if (typeof dim !== 'string') return;
    const size = shape[i] as number;
    if (!Object.hasOwn(bindings, dim)) {
      bindings[dim] = size;
      origins.set(dim, { input: name, dim: i });
      return;
    }
    const bound = bindings[dim];
    if (bound === size) return;
    const origin = origins.get(dim);
    const where = !origin
      ? `'${dim}' is set to ${bound} for this request`
      : origin.input === name
        ? `${bound} in dim ${origin.dim}`
        : `${bound} in '${origin.input}'`;
    throw new TensorCodecError(`input '${name}': dim ${i} '${dim}' is ${size} here but ${where}`, { tensor: name });
  });
}

function checkRank(name: string, declared: Shape, shape: readonly number[]): void {
  if (shape.length === declared.length) return;
  let hint = '';
  const wouldFitWithBatch =
    shape.length === declared.length - 1 &&
    typeof declared[0] !== 'number' &&
    shape.every((size, i) => typeof declared[i + 1] !== 'number' || declared[i + 1] === size);
  if (wouldFitWithBatch) hint = '; for one sample, wrap it in [ ] to add the batch axis';
  throw new TensorCodecError(
    `input '${name}': rank ${shape.length} given, the model expects rank ${declared.length} ${formatShape(declared)}${hint}`,
    { tensor: name },
  );
}

function formatPath(path: readonly number[]): string {
  return path.map((i) => `[${i}]`).join('');
}

/** Shape of nested arrays, read along the first element of each level; raggedness is found by `flattenNested`. */
function inferShape(value: unknown): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/** Row-major leaves of nested arrays, checking each level against the declared fixed size and the first sibling. */
function flattenNested(name: string, value: unknown, shape: readonly number[], declared: Shape | null): unknown[] {
  const leaves: unknown[] = [];
  const path: number[] = [];
  const reference = (depth: number) => formatPath(new Array<number>(depth).fill(0));
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) {
        throw new TensorCodecError(
          `input '${name}': ragged array: ${formatPath(path)} is an array, ${reference(depth)} is a value`,
          { tensor: name, path: [...path] },
        );
      }
      leaves.push(v);
      return;
    }
    if (!Array.isArray(v)) {
      throw new TensorCodecError(
        `input '${name}': ragged array: ${formatPath(path)} is a value, ${reference(depth)} has ${shape[depth]} elements`,
        { tensor: name, path: [...path] },
      );
    }
    const fixed = declared?.[depth];
    if (typeof fixed === 'number' && v.length !== fixed) {
      const at = path.length > 0 ? ` (at ${formatPath(path)})` : '';
      throw new TensorCodecError(`input '${name}': expected ${fixed} values in dim ${depth}, got ${v.length}${at}`, {
        tensor: name,
        path: [...path],
      });
    }
    if (v.length !== shape[depth]) {
      throw new TensorCodecError(
        `input '${name}': ragged array: ${formatPath(path)} has ${v.length} elements, ${reference(depth)} has ${shape[depth]}`,
        { tensor: name, path: [...path] },
      );
    }
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      walk(v[i], depth + 1);
      path.pop();
    }
  };
  walk(value, 0);
  return leaves;
}

function unravel(index: number, shape: readonly number[]): number[] {
  const path = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    path[d] = index % size;
    index = Math.floor(index / size);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------------------
// Elements

/** An element-level problem; the caller adds the input name and index path. */
class ElementError extends Error {}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return truncate(JSON.stringify(v));
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === undefined) return 'undefined';
  try {
    return truncate(JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function looksNumeric(v: string): boolean {
  return v.trim() !== '' && !Number.isNaN(Number(v));
}

function toFloat(v: unknown, type: 'float16' | 'float32' | 'float64'): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'string' && Object.hasOwn(NON_FINITE, v)) n = NON_FINITE[v] as number;
  else {
    const hint = typeof v === 'string' && looksNumeric(v) ? ' (write numbers without quotes)' : '';
    throw new ElementError(`${describeValue(v)} is not a number${hint}`);
  }
  // A finite value that only fits as Infinity is almost always a unit mistake, so say so instead of storing Inf.
  if (Number.isFinite(n)) {
    if (type === 'float32' && !Number.isFinite(Math.fround(n))) {
      throw new ElementError(`${describeValue(v)} is out of range for float32 (±${FLOAT32_MAX})`);
    }
    if (type === 'float16' && (toFloat16Bits(n) & 0x7fff) === 0x7c00) {
      throw new ElementError(`${describeValue(v)} is out of range for float16 (±65504)`);
    }
  }
  return n;
}

function outOfRange(v: unknown, type: ElementType, min: bigint, max: bigint): ElementError {
  return new ElementError(`${describeValue(v)} is out of range for ${type} (${min}..${max})`);
}

function notAnInteger(v: unknown, type: ElementType): ElementError {
  const hint = typeof v === 'string' && looksNumeric(v) ? ' (write numbers without quotes)' : '';
  return new ElementError(`${describeValue(v)} is not an integer (${type})${hint}`);
}

function toSmallInt(v: unknown, type: ElementType, min: bigint, max: bigint): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw notAnInteger(v, type);
    if (v < Number(min) || v > Number(max)) throw outOfRange(v, type, min, max);
    return v;
  }
  if (typeof v === 'bigint') {
    if (v < min || v > max) throw outOfRange(v, type, min, max);
    return Number(v);
  }
  throw notAnInteger(v, type);
}

function toBigInt(v: unknown, type: ElementType, min: bigint, max: bigint): bigint {
  let n: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw notAnInteger(v, type);
    // Beyond 2^53 the JSON parser has already rounded the value, so storing it would silently change it.
    if (!Number.isSafeInteger(v)) {
      throw new ElementError(
        `${describeValue(v)} is beyond ±2^53 and may have lost precision; send ${type} values this large as decimal strings`,
      );
    }
    n = BigInt(v);
  } else if (typeof v === 'bigint') n = v;
  else if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) n = BigInt(v);
  else throw notAnInteger(v, type);
  if (n < min || n > max) throw outOfRange(v, type, min, max);
  return n;
}

function toBool(v: unknown): number {
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  throw new ElementError(`${describeValue(v)} is not a boolean (use true/false or 1/0)`);
}

function toStringElement(v: unknown): string {
  // onnxruntime-node passes strings to C as NUL-terminated, so a NUL would silently cut the element short.
  if (typeof v === 'string') {
    if (v.includes('\0'))
      throw new ElementError('contains a NUL character, which onnxruntime-node strings cannot carry');
    return v;
  }
  throw new ElementError(`${describeValue(v)} is not a string`);
}

function encodeElements(
  name: string,
  type: ElementType,
  leaves: readonly unknown[],
  pathOf: (index: number) => number[],
): ArrayBuffer | string[] {
  const n = leaves.length;
  let i = 0;
  try {
    switch (type) {
      case 'string': {
        const out: string[] = [];
        for (; i < n; i++) out.push(toStringElement(leaves[i]));
        return out;
      }
      case 'bool': {
        const out = new Uint8Array(n);
        for (; i < n; i++) out[i] = toBool(leaves[i]);
        return out.buffer;
      }
      case 'float16': {
        const out = new Uint16Array(n);
        for (; i < n; i++) out[i] = toFloat16Bits(toFloat(leaves[i], type));
        return out.buffer;
      }
      case 'float32':
      case 'float64': {
        const out = type === 'float32' ? new Float32Array(n) : new Float64Array(n);
        for (; i < n; i++) out[i] = toFloat(leaves[i], type);
        return out.buffer;
      }
      case 'int64':
      case 'uint64': {
        const { min, max } = ELEMENT_TYPE_INFO[type] as { min: bigint; max: bigint };
        const out = type === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
        for (; i < n; i++) out[i] = toBigInt(leaves[i], type, min, max);
        return out.buffer;
      }
      default: {
        const { min, max } = ELEMENT_TYPE_INFO[type] as { min: bigint; max: bigint };
        const out = new ARRAY_TYPE[type](n) as SmallIntArray;
        for (; i < n; i++) out[i] = toSmallInt(leaves[i], type, min, max);
        return out.buffer as ArrayBuffer;
      }
    }
  } catch (error) {
    if (!(error instanceof ElementError)) throw error;
    const path = pathOf(i);
    const where = path.length > 0 ? ` ${formatPath(path)}` : '';
    throw new TensorCodecError(`input '${name}'${where}: ${error.message}`, { tensor: name, path });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes one input from the nested arrays a user writes (a bare value for rank 0). Symbolic dims are checked
 * against and recorded into `bindings`: pass the same object for every input of one request so "batch" and
 * "sequence" agree across inputs (or use `encodeInputs`).
 */
export function encodeInput(sig: TensorSignature, value: unknown, bindings: DimBindings = {}): WireTensor {
  const type = feedableElementType(sig);
  const shape = inferShape(value);
  if (sig.shape) checkRank(sig.name, sig.shape, shape);
  const leaves = flattenNested(sig.name, value, shape, sig.shape);
  if (sig.shape) bindSymbolicDims(sig.name, sig.shape, shape, bindings);
  const data = encodeElements(sig.name, type, leaves, (i) => unravel(i, shape));
  return { name: sig.name, type, dims: shape, data };
}

/**
 * Encodes one input from row-major `data` and an explicit `shape`, as the KServe V2 protocol sends it.
 * Element errors name the flat index. `bindings` works as in `encodeInput`.
 */
export function encodeFlatInput(
  sig: TensorSignature,
  data: unknown[],
  shape: number[],
  bindings: DimBindings = {},
): WireTensor {
  const name = sig.name;
  const type = feedableElementType(sig);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TensorCodecError(
      `input '${name}': shape must be a list of non-negative integers, got ${describeValue(shape)}`,
      {
        tensor: name,
      },
    );
  }
  if (!Array.isArray(data)) {
    throw new TensorCodecError(`input '${name}': data must be a flat list of values, got ${describeValue(data)}`, {
      tensor: name,
    });
  }
  const needed = elementCount(shape);
  if (data.length !== needed) {
    throw new TensorCodecError(
      `input '${name}': shape ${formatShape(shape)} needs ${needed} value${needed === 1 ? '' : 's'}, got ${data.length}`,
      { tensor: name },
    );
  }
  if (sig.shape) {
    checkRank(name, sig.shape, shape);
    sig.shape.forEach((dim, i) => {
      if (typeof dim === 'number' && shape[i] !== dim) {
        throw new TensorCodecError(`input '${name}': dim ${i} is ${shape[i]}, the model expects ${dim}`, {
          tensor: name,
        });
      }
    });
    bindSymbolicDims(name, sig.shape, shape, bindings);
  }
  const encoded = encodeElements(name, type, data, (i) => [i]);
  return { name, type, dims: [...shape], data: encoded };
}

/**
 * Encodes every input of one request from `{ name: nested value }`, in the model's input order. Unknown and
 * missing names are rejected first; symbolic dims must agree across inputs (and with `bindings`, which is
 * not modified).
 */
export function encodeInputs(
  inputs: readonly TensorSignature[],
  values: Record<string, unknown>,
  bindings: DimBindings = {},
): WireTensor[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new TensorCodecError(
      `inputs must be an object keyed by input name; the model's inputs are: ${inputs.map((i) => i.name).join(', ')}`,
    );
  }
  checkInputNames(inputs, Object.keys(values));
  const requestBindings: DimBindings = { ...bindings };
  return inputs.map((sig) => encodeInput(sig, values[sig.name], requestBindings));
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

/** A typed-array view of a WireTensor's elements (strings as their array), after checking its size. */
export function elementView(t: WireTensor): ElementArray | string[] {
  const count = elementCount(t.dims);
  if (t.type === 'string') {
    if (!Array.isArray(t.data) || t.data.length !== count) {
      throw new TensorCodecError(
        `tensor '${t.name}': string tensor of shape ${formatShape(t.dims)} needs ${count} strings`,
        {
          tensor: t.name,
        },
      );
    }
    return t.data;
  }
  const needed = count * ELEMENT_TYPE_INFO[t.type].bytes;
  if (!(t.data instanceof ArrayBuffer) || t.data.byteLength !== needed) {
    const given = t.data instanceof ArrayBuffer ? `${t.data.byteLength} bytes` : 'a string array';
    throw new TensorCodecError(
      `tensor '${t.name}': ${given} given, shape ${formatShape(t.dims)} of ${t.type} needs ${needed} bytes`,
      { tensor: t.name },
    );
  }
  return new ARRAY_TYPE[t.type](t.data);
}

function nonFinite(n: number): string {
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

// Printing the exact double of a float32 shows noise (0.1 -> 0.10000000149011612); the shortest decimal that
// rounds back to the same float32 reads as the user wrote it and still decodes to identical bits. Whole
// numbers stay exact (65504, not the equally valid 65500): a count or class id must read as itself.
function shortestFloat32(v: number): number {
  if (Number.isSafeInteger(v)) return v;
  for (let digits = 6; digits <= 9; digits++) {
    const n = Number(v.toPrecision(digits));
    if (Math.fround(n) === v) return n;
  }
  return v;
}

function shortestFloat16(bits: number): number {
  const v = fromFloat16Bits(bits);
  if (Number.isSafeInteger(v)) return v;
  for (let digits = 1; digits <= 5; digits++) {
    const n = Number(v.toPrecision(digits));
    if (toFloat16Bits(n) === bits) return n;
  }
  return v;
}

/**
 * Row-major JSON elements of a tensor. Floats are numbers (float32 and float16 as the shortest decimal that
 * reads back to the same bits), and NaN/±Infinity, which JSON cannot hold, as the strings "NaN", "Infinity",
 * "-Infinity" (the same strings `encodeInput` accepts). bool is true/false. int64/uint64 are numbers while
 * they are safe integers (|v| <= 2^53 - 1) and decimal strings beyond, so no client parses a rounded value.
 */
export function decodeOutputFlat(t: WireTensor): DecodedFlatTensor {
  const view = elementView(t);
  const out: JsonElement[] = new Array<JsonElement>(view.length);
  switch (t.type) {
    case 'string':
      for (let i = 0; i < view.length; i++) out[i] = view[i] as string;
      break;
    case 'bool':
      for (let i = 0; i < view.length; i++) out[i] = view[i] !== 0;
      break;
    case 'float16':
      for (let i = 0; i < view.length; i++) {
        const bits = view[i] as number;
        const v = fromFloat16Bits(bits);
        out[i] = Number.isFinite(v) ? shortestFloat16(bits) : nonFinite(v);
      }
      break;
    case 'float32':
    case 'float64':
      for (let i = 0; i < view.length; i++) {
        const v = view[i] as number;
        out[i] = !Number.isFinite(v) ? nonFinite(v) : t.type === 'float32' ? shortestFloat32(v) : v;
      }
      break;
    case 'int64':
    case 'uint64':
      for (let i = 0; i < view.length; i++) {
        const v = view[i] as bigint;
        out[i] = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
      }
      break;
    default:
      for (let i = 0; i < view.length; i++) out[i] = view[i] as number;
  }
  return { name: t.name, elementType: t.type, shape: [...t.dims], data: out };
}

function nest(flat: readonly JsonElement[], shape: readonly number[]): NestedTensorData {
  if (shape.length === 0) return flat[0] as JsonElement;
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d] as number;
  }
  const build = (depth: number, offset: number): NestedTensorData[] => {
    const size = shape[depth] as number;
    const out = new Array<NestedTensorData>(size);
    if (depth === shape.length - 1) {
      for (let i = 0; i < size; i++) out[i] = flat[offset + i] as JsonElement;
    } else {
      for (let i = 0; i < size; i++) out[i] = build(depth + 1, offset + i * (strides[depth] as number));
    }
    return out;
  };
  return build(0, 0);
}

/** The nested JSON users read (a bare value for rank 0); element encoding as in `decodeOutputFlat`. */
export function decodeOutput(t: WireTensor): DecodedTensor {
  const flat = decodeOutputFlat(t);
  return { ...flat, data: nest(flat.data, flat.shape) };
}
