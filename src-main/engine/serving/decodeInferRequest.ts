// Turns an infer request body (KServe V2 JSON, Triton's binary tensor data extension, or Triton's raw
// single-input form) into input tensors checked against the model's signature, failing with one-line 400s.
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract/modelInspection';
import { ELEMENT_TYPE_INFO, elementTypeFromV2, type ElementType } from '../../../src-shared/elementTypes';
import { formatShape, type Shape } from '../../../src-shared/shapes';
import {
  checkInputNames,
  closestName,
  encodeFlatInput,
  encodeInput,
  feedableElementType,
} from '../runtime/tensorCodec';
import { TensorCodecError } from '../runtime/tensorCodecError';
import type { WireTensor } from '../runtime/wireTensor';
import type { InferRequest, RequestedOutput } from './inferRequest';
import { ServingError, badRequest } from './servingError';

export interface WireLimits {
  /** Deepest nesting of JSON arrays and objects in a request header (a rank-4 nested tensor needs 7). */
  maxJsonDepth: number;
  /** Most elements summed over a request's inputs, checked from the declared shapes before allocating. */
  maxElements: number;
}

export const DEFAULT_WIRE_LIMITS: Readonly<WireLimits> = { maxJsonDepth: 64, maxElements: 64 * 1024 * 1024 };

export interface DecodeInferRequestOptions {
  /** Inference-Header-Content-Length: undefined when absent (the body is all JSON), 0 for the raw form. */
  headerLength?: number;
  signature: ModelSignature;
  limits: WireLimits;
}

/**
 * Decodes one request body. Request-level parameters understood: `binary_data_output` (boolean),
 * `timeout` (µs, non-negative integer; 0 means none, as in Triton) and `priority` (non-negative integer).
 * Any other request parameter is ignored, as Triton forwards unknown ones to the backend.
 * JSON numbers may be written NaN, Infinity and -Infinity, as Triton's parser and Python clients allow.
 */
export function decodeInferRequest(body: Buffer, opts: DecodeInferRequestOptions): InferRequest {
  try {
    if (opts.headerLength === 0) return decodeRawRequest(body, opts.signature, opts.limits);
    return decodeJsonRequest(body, opts);
  } catch (error) {
    if (error instanceof TensorCodecError) throw badRequest(error.message);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// JSON header

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LETTER_N = 0x4e;
const LETTER_I = 0x49;
const MINUS = 0x2d;

/**
 * Rejects nesting beyond `maxDepth` in one pass before JSON.parse sees the text, so a deep body costs a linear
 * scan and never the parser's stack. Reports whether NaN/Infinity literals may appear outside strings.
 */
function scanJson(body: Buffer, end: number, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  let nonFinite = false;
  for (let i = 0; i < end; i++) {
    const c = body[i] as number;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) {
        throw badRequest(
          `request JSON is nested deeper than ${maxDepth} levels at byte ${i}; send tensor data flat with its shape`,
        );
      }
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
    else if (c === LETTER_N || c === LETTER_I) nonFinite = true;
  }
  return nonFinite;
}

// JSON has no NaN or Infinity, yet Triton parses them and Python's json writes them for float arrays, so the
// bare literals become the strings the tensor codec already accepts for float elements.
function quoteNonFiniteLiterals(text: string): string {
  let out = '';
  let copiedTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      continue;
    }
    let literal: string | undefined;
    if (c === LETTER_N && text.startsWith('NaN', i)) literal = 'NaN';
    else if (c === LETTER_I && text.startsWith('Infinity', i)) literal = 'Infinity';
    else if (c === MINUS && text.startsWith('-Infinity', i)) literal = '-Infinity';
    if (literal === undefined) continue;
    out += `${text.slice(copiedTo, i)}"${literal}"`;
    i += literal.length - 1;
    copiedTo = i + 1;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

function parseJsonHeader(body: Buffer, end: number, maxDepth: number): unknown {
  const nonFinite = scanJson(body, end, maxDepth);
  let text = body.toString('utf8', 0, end);
  if (text.trim() === '') throw badRequest('the request body is empty; expected a JSON object with an "inputs" list');
  if (nonFinite) text = quoteNonFiniteLiterals(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
    throw badRequest(`malformed JSON in the request: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Request and output parameters

interface RequestParameters {
  binaryOutputDefault: boolean;
  timeoutMicros?: number;
  priority?: number;
}

function nonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badRequest(`${what} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw badRequest(`${what} must be true or false, got ${describe(value)}`);
}

function readRequestParameters(value: unknown): RequestParameters {
  if (value === undefined) return { binaryOutputDefault: false };
  if (!isObject(value)) throw badRequest(`request "parameters" must be an object, got ${describe(value)}`);
  const out: RequestParameters = {
    binaryOutputDefault: optionalBoolean(value.binary_data_output, 'parameter "binary_data_output"') ?? false,
  };
  if (value.timeout !== undefined) {
    const timeout = nonNegativeInteger(value.timeout, 'parameter "timeout" (microseconds)');
    // Triton reads 0 as "no request timeout": the version's default then applies.
    if (timeout > 0) out.timeoutMicros = timeout;
  }
  if (value.priority !== undefined) out.priority = nonNegativeInteger(value.priority, 'parameter "priority"');
  return out;
}

function readRequestedOutputs(
  value: unknown,
  signature: ModelSignature,
  binaryDefault: boolean,
): RequestedOutput[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw badRequest(`"outputs" must be a list of {"name": ...} objects`);
  // Triton reads an empty list as "every output".
  if (value.length === 0) return undefined;
  const known = signature.outputs.map((o) => o.name);
  const seen = new Set<string>();
  const out: RequestedOutput[] = [];
  value.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.name !== 'string') {
      throw badRequest(`outputs[${index}] must be an object with a "name" string`);
    }
    const name = entry.name;
    if (!known.includes(name)) {
      const guess = closestName(name, known);
      throw badRequest(
        `unknown output '${name}'; the model's outputs are: ${known.join(', ') || '(none)'}${guess ? ` (did you mean '${guess}'?)` : ''}`,
      );
    }
    if (seen.has(name)) throw badRequest(`output '${name}' is requested twice`);
    seen.add(name);
    let binary = binaryDefault;
    if (entry.parameters !== undefined) {
      if (!isObject(entry.parameters)) throw badRequest(`output '${name}': "parameters" must be an object`);
      if (entry.parameters.classification !== undefined) {
        throw new ServingError(501, `output '${name}': the classification extension is not supported`);
      }
      binary = optionalBoolean(entry.parameters.binary_data, `output '${name}': "binary_data"`) ?? binaryDefault;
    }
    out.push({ name, binary });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Inputs

interface InputPlan {
  sig: TensorSignature;
  type: ElementType;
  shape: number[];
  count: number;
  entry: JsonObject;
  /** Set when the elements come from the binary section. */
  binarySize?: number;
}

interface DimOrigin {
  size: number;
  input: string;
  dim: number;
}

function describe(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function v2Name(type: ElementType): string {
  return ELEMENT_TYPE_INFO[type].v2;
}

function checkDatatype(name: string, given: unknown, type: ElementType): void {
  const expected = v2Name(type);
  if (given === expected) return;
  if (typeof given !== 'string')
    throw badRequest(`input '${name}': "datatype" is required; the model expects ${expected}`);
  const known = elementTypeFromV2(given) !== undefined;
  throw badRequest(
    known
      ? `input '${name}': datatype ${given} given, the model expects ${expected}`
      : `input '${name}': unknown datatype '${given}'; the model expects ${expected}`,
  );
}

/** The shape as sent, checked to be sizes and to fit what is left of the request's element budget. */
function readShape(name: string, value: unknown, declared: Shape | null, budget: number, limit: number): number[] {
  const example = declared ? ` such as ${formatShape(declared.map((d) => (typeof d === 'number' ? d : 1)))}` : '';
  if (!Array.isArray(value)) throw badRequest(`input '${name}': "shape" must be a list of sizes${example}`);
  for (const d of value) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) {
      throw badRequest(`input '${name}': shape ${describe(value)} must hold whole numbers${example}`);
    }
    if (d < 0) {
      throw badRequest(`input '${name}': shape ${formatShape(value)} has a negative dim; dims are sizes >= 0`);
    }
  }
  const shape = value as number[];
  let count = 1;
  for (const d of shape) count *= d;
  // onnxruntime kills the whole process (SIGFPE) on some models fed an empty tensor, e.g. a transformer at
  // sequence length 0, and inference runs in worker threads of this process: refuse empty inputs up front.
  if (count === 0) {
    throw badRequest(`input '${name}': shape ${formatShape(shape)} holds no elements; every dim must be at least 1`);
  }
  if (count > budget) {
    const left = budget < limit ? `the ${budget} left of ` : '';
    throw badRequest(
      `input '${name}': shape ${formatShape(shape)} holds ${count} elements, over ${left}the ${limit} a request may carry`,
    );
  }
  return shape;
}

/** Rank, fixed sizes and symbolic dims agreeing across the request, checked before any element is read. */
function checkDeclaredShape(
  name: string,
  declared: Shape | null,
  shape: readonly number[],
  bound: Map<string, DimOrigin>,
): void {
  if (declared === null) return;
  if (shape.length !== declared.length) {
    const withBatch = [1, ...shape];
    const hint =
      shape.length === declared.length - 1 && typeof declared[0] !== 'number' && fitsFixedDims(declared, withBatch)
        ? `; for one sample send shape ${formatShape(withBatch)}`
        : '';
    throw badRequest(
      `input '${name}': shape ${formatShape(shape)} has rank ${shape.length}, the model expects rank ${declared.length} ${formatShape(declared)}${hint}`,
    );
  }
  for (let i = 0; i < declared.length; i++) {
    const dim = declared[i];
    const size = shape[i] as number;
    if (typeof dim === 'number') {
      if (size !== dim) {
        throw badRequest(
          `input '${name}': dim ${i} is ${size}, the model expects ${dim} (shape ${formatShape(declared)})`,
        );
      }
    } else if (typeof dim === 'string') {
      const origin = bound.get(dim);
      if (!origin) bound.set(dim, { size, input: name, dim: i });
      else if (origin.size !== size) {
        const where = origin.input === name ? `dim ${origin.dim}` : `'${origin.input}'`;
        throw badRequest(`input '${name}': dim ${i} '${dim}' is ${size} here but ${origin.size} in ${where}`);
      }
    }
  }
}

function fitsFixedDims(declared: Shape, shape: readonly number[]): boolean {
  return declared.every((d, i) => typeof d !== 'number' || d === shape[i]);
}

function planInput(
  entry: JsonObject,
  sig: TensorSignature,
  budget: number,
  limits: WireLimits,
  bound: Map<string, DimOrigin>,
  hasBinarySection: boolean,
): InputPlan {
  const name = sig.name;
  const type = feedableElementType(sig);
  checkDatatype(name, entry.datatype, type);
  const shape = readShape(name, entry.shape, sig.shape, budget, limits.maxElements);
  checkDeclaredShape(name, sig.shape, shape, bound);
  let count = 1;
  for (const d of shape) count *= d;
  const plan: InputPlan = { sig, type, shape, count, entry };

  const parameters = entry.parameters;
  if (parameters !== undefined && !isObject(parameters)) {
    throw badRequest(`input '${name}': "parameters" must be an object`);
  }
  if (parameters?.shared_memory_region !== undefined) {
    throw new ServingError(501, `input '${name}': the shared memory extension is not supported; send the data`);
  }
  const binarySize = parameters?.binary_data_size;
  if (binarySize !== undefined) {
    plan.binarySize = nonNegativeInteger(binarySize, `input '${name}': "binary_data_size"`);
    if (entry.data !== undefined) throw badRequest(`input '${name}' has both "data" and binary_data_size; send one`);
    if (!hasBinarySection) {
      throw badRequest(
        `input '${name}' has binary_data_size but the request has no Inference-Header-Content-Length header, so no binary section`,
      );
    }
    const width = ELEMENT_TYPE_INFO[type].bytes;
    if (width > 0 && plan.binarySize !== count * width) {
      throw badRequest(
        `input '${name}': binary_data_size is ${plan.binarySize} bytes, shape ${formatShape(shape)} of ${v2Name(type)} needs ${count * width}`,
      );
    }
    return plan;
  }
  if (entry.data === undefined) {
    throw badRequest(`input '${name}' has neither "data" nor parameters.binary_data_size`);
  }
  if (type === 'float16') {
    throw badRequest(
      `input '${name}': FP16 data must be sent in binary form (parameters.binary_data_size with an Inference-Header-Content-Length header), as in Triton`,
    );
  }
  if (!Array.isArray(entry.data)) {
    throw badRequest(`input '${name}': "data" must be a list of values, got ${describe(entry.data)}`);
  }
  return plan;
}

function nestedShape(value: unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function encodeJsonData(plan: InputPlan): WireTensor {
  const data = plan.entry.data as unknown[];
  const name = plan.sig.name;
  if (data.length === 0 || !Array.isArray(data[0])) return encodeFlatInput(plan.sig, data, plan.shape);
  const nested = nestedShape(data);
  if (nested.length !== plan.shape.length || nested.some((d, i) => d !== plan.shape[i])) {
    throw badRequest(
      `input '${name}': data is nested as ${formatShape(nested)} but shape is ${formatShape(plan.shape)}; nest it to match or send it flat`,
    );
  }
  // The nested walk checks raggedness and names the element path of a bad value.
  const tensor = encodeInput(plan.sig, data);
  return { ...tensor, dims: [...plan.shape] };
}

function copyBytes(body: Buffer, start: number, length: number): ArrayBuffer {
  // A copy, never a view: the body may sit in Node's shared pool, and the tensor's buffer is transferred.
  // The bytes go in as they are: V2 binary data is little-endian, as is every host Node runs on.
  const out = new Uint8Array(length);
  out.set(body.subarray(start, start + length));
  return out.buffer;
}

/**
 * Triton's BYTES serialisation: per element a 4-byte little-endian length, then that many bytes. Elements
 * become UTF-8 strings (invalid sequences read as U+FFFD): onnxruntime-node takes string tensors as JS strings.
 */
function readBytesElements(
  name: string,
  body: Buffer,
  start: number,
  end: number,
  expected: number | undefined,
  limit: number,
): string[] {
  const out: string[] = [];
  let p = start;
  while (p < end) {
    if (p + 4 > end) {
      throw badRequest(`input '${name}': BYTES element ${out.length} is cut off inside its 4-byte length prefix`);
    }
    const length = body.readUInt32LE(p);
    p += 4;
    if (length > end - p) {
      throw badRequest(
        `input '${name}': BYTES element ${out.length} declares ${length} bytes but only ${end - p} remain in its data`,
      );
    }
    if (expected !== undefined && out.length === expected) {
      throw badRequest(`input '${name}': binary data holds more than the ${expected} BYTES elements its shape needs`);
    }
    if (out.length === limit) throw badRequest(`input '${name}': more than ${limit} BYTES elements in one request`);
    if (body.subarray(p, p + length).includes(0)) {
      throw badRequest(
        `input '${name}': BYTES element ${out.length} contains a NUL byte, which onnxruntime-node strings cannot carry`,
      );
    }
    out.push(body.toString('utf8', p, p + length));
    p += length;
  }
  if (expected !== undefined && out.length !== expected) {
    throw badRequest(`input '${name}': binary data holds ${out.length} BYTES elements, its shape needs ${expected}`);
  }
  return out;
}

function decodeJsonRequest(body: Buffer, opts: DecodeInferRequestOptions): InferRequest {
  const { headerLength, signature, limits } = opts;
  let jsonEnd = body.length;
  if (headerLength !== undefined) {
    if (!Number.isSafeInteger(headerLength) || headerLength < 0) {
      throw badRequest(`Inference-Header-Content-Length must be a non-negative integer, got ${headerLength}`);
    }
    if (headerLength > body.length) {
      throw badRequest(
        `Inference-Header-Content-Length is ${headerLength} bytes but the body has only ${body.length} bytes`,
      );
    }
    jsonEnd = headerLength;
  }
  const root = parseJsonHeader(body, jsonEnd, limits.maxJsonDepth);
  if (!isObject(root)) throw badRequest('the request must be a JSON object with an "inputs" list');
  if (root.id !== undefined && typeof root.id !== 'string') {
    throw badRequest(`request "id" must be a string, got ${describe(root.id)}`);
  }
  const parameters = readRequestParameters(root.parameters);
  const inputs = decodeInputs(root.inputs, body, jsonEnd, headerLength !== undefined, signature, limits);
  const request: InferRequest = { inputs, binaryOutputDefault: parameters.binaryOutputDefault };
  if (root.id !== undefined) request.id = root.id;
  const outputs = readRequestedOutputs(root.outputs, signature, parameters.binaryOutputDefault);
  if (outputs) request.outputs = outputs;
  if (parameters.timeoutMicros !== undefined) request.timeoutMicros = parameters.timeoutMicros;
  if (parameters.priority !== undefined) request.priority = parameters.priority;
  return request;
}

function decodeInputs(
  value: unknown,
  body: Buffer,
  binaryStart: number,
  hasBinarySection: boolean,
  signature: ModelSignature,
  limits: WireLimits,
): WireTensor[] {
  const expected = signature.inputs.map((i) => `'${i.name}'`).join(', ') || '(none)';
  if (!Array.isArray(value)) throw badRequest(`"inputs" must be a list of tensors; the model's inputs are ${expected}`);
  const entries: JsonObject[] = [];
  const names: string[] = [];
  value.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.name !== 'string') {
      throw badRequest(`inputs[${index}] must be an object with a "name" string; the model's inputs are ${expected}`);
    }
    if (names.includes(entry.name)) throw badRequest(`input '${entry.name}' appears twice in the request`);
    entries.push(entry);
    names.push(entry.name);
  });
  checkInputNames(signature.inputs, names);

  // Planned in request order: that is the order inputs consume the binary section.
  const bound = new Map<string, DimOrigin>();
  const plans: InputPlan[] = [];
  let budget = limits.maxElements;
  let binaryTotal = 0;
  for (const entry of entries) {
    const sig = signature.inputs.find((s) => s.name === entry.name) as TensorSignature;
    const plan = planInput(entry, sig, budget, limits, bound, hasBinarySection);
    budget -= plan.count;
    binaryTotal += plan.binarySize ?? 0;
    plans.push(plan);
  }
  const binaryBytes = body.length - binaryStart;
  if (hasBinarySection && binaryTotal !== binaryBytes) {
    throw badRequest(
      `the binary section is ${binaryBytes} bytes (body ${body.length} minus header ${binaryStart}) but the inputs' binary_data_size add up to ${binaryTotal}`,
    );
  }

  const byName = new Map<string, WireTensor>();
  let offset = binaryStart;
  for (const plan of plans) {
    const { sig, type, shape, binarySize } = plan;
    let tensor: WireTensor;
    if (binarySize === undefined) tensor = encodeJsonData(plan);
    else if (type === 'string') {
      const data = readBytesElements(sig.name, body, offset, offset + binarySize, plan.count, limits.maxElements);
      tensor = { name: sig.name, type, dims: [...shape], data };
    } else tensor = { name: sig.name, type, dims: [...shape], data: copyBytes(body, offset, binarySize) };
    offset += binarySize ?? 0;
    byName.set(sig.name, tensor);
  }
  return signature.inputs.map((s) => byName.get(s.name) as WireTensor);
}

// ---------------------------------------------------------------------------------------------------------
// Raw single-input form

function decodeRawRequest(body: Buffer, signature: ModelSignature, limits: WireLimits): InferRequest {
  if (signature.inputs.length !== 1) {
    const names = signature.inputs.map((i) => `'${i.name}'`).join(', ') || 'none';
    throw badRequest(
      `a raw binary request (Inference-Header-Content-Length: 0) feeds a model's only input, but this model has ${signature.inputs.length} inputs (${names}); send a JSON header`,
    );
  }
  const sig = signature.inputs[0] as TensorSignature;
  const type = feedableElementType(sig);
  const width = ELEMENT_TYPE_INFO[type].bytes;
  if (type === 'string') {
    const data = readBytesElements(sig.name, body, 0, body.length, undefined, limits.maxElements);
    const dims = rawShape(sig, data.length, (n) => `${n} BYTES elements`, limits);
    return { inputs: [{ name: sig.name, type, dims, data }], binaryOutputDefault: true };
  }
  if (body.length % width !== 0) {
    throw badRequest(
      `raw body for input '${sig.name}' is ${body.length} bytes, not a whole number of ${v2Name(type)} elements (${width} bytes each)`,
    );
  }
  const size = (n: number) => `${n * width} bytes`;
  const dims = rawShape(sig, body.length / width, size, limits);
  const data = copyBytes(body, 0, body.length);
  return { inputs: [{ name: sig.name, type, dims, data }], binaryOutputDefault: true };
}

/** The input's declared dims with at most the first one dynamic, its size deduced from the element count. */
function rawShape(
  sig: TensorSignature,
  count: number,
  size: (elements: number) => string,
  limits: WireLimits,
): number[] {
  const declared = sig.shape;
  const ask = 'send a JSON header with the shape';
  // Empty tensors can crash onnxruntime (see readShape).
  if (count === 0) throw badRequest(`raw body for input '${sig.name}' is empty; send at least one element`);
  if (declared === null) {
    throw badRequest(`input '${sig.name}' has no declared rank, so a raw body's shape cannot be deduced; ${ask}`);
  }
  const dynamic = declared.flatMap((d, i) => (typeof d === 'number' ? [] : [i]));
  if (dynamic.length > 1 || (dynamic.length === 1 && dynamic[0] !== 0)) {
    throw badRequest(
      `input '${sig.name}' ${formatShape(declared)} has dynamic dims beyond the first, so a raw body's shape cannot be deduced; ${ask}`,
    );
  }
  const fixed = declared.slice(dynamic.length) as number[];
  let perRow = 1;
  for (const d of fixed) perRow *= d;
  if (count > limits.maxElements) {
    throw badRequest(
      `raw body for input '${sig.name}' holds ${count} elements, over the ${limits.maxElements} allowed`,
    );
  }
  if (dynamic.length === 0) {
    if (count !== perRow) {
      throw badRequest(
        `raw body for input '${sig.name}' is ${size(count)}, shape ${formatShape(declared)} needs ${size(perRow)}`,
      );
    }
    return [...fixed];
  }
  if (perRow === 0) {
    throw badRequest(
      `input '${sig.name}' ${formatShape(declared)} has rows of 0 elements, so a raw body's first dim cannot be deduced; ${ask}`,
    );
  }
  if (count % perRow !== 0) {
    throw badRequest(
      `raw body for input '${sig.name}' is ${size(count)}, not a whole number of rows of ${formatShape(fixed)} (${size(perRow)} each)`,
    );
  }
  return [count / perRow, ...fixed];
}
