// A protobuf TEXT-format parser driven by a .proto through protobufjs reflection (protobufjs parses .proto files
// and JSON, not text format), used to read config.pbtxt as Triton does: inference.ModelConfig from Triton's own
// model_config.proto. Unknown fields, values of the wrong kind, repeated-ness and oneof violations are errors.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import type { Enum, Field, MapField, Root, Type } from 'protobufjs';
import { ROOT } from './paths';

export const MODEL_CONFIG_PROTO = `${ROOT}test/fixtures/triton/model_config.proto`;

export class TextFormatError extends Error {}

type Token =
  | { kind: 'ident'; text: string; line: number; col: number }
  | { kind: 'number'; text: string; line: number; col: number }
  | { kind: 'string'; text: string; value: string; line: number; col: number }
  | { kind: 'punct'; text: string; line: number; col: number }
  | { kind: 'end'; text: ''; line: number; col: number };

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  "'": "'",
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '?': '?',
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string): never => {
    throw new TextFormatError(`${line}:${i - lineStart + 1}: ${message}`);
  };
  while (i < text.length) {
    const c = text[i]!;
    const col = i - lineStart + 1;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'ident', text: m, line, col });
      i += m.length;
    } else if (/[0-9.]/.test(c) && /^\.?[0-9]/.test(text.slice(i))) {
      const m = /^(0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fF]?)/.exec(text.slice(i))![0];
      if (/^[A-Za-z_]/.test(text.slice(i + m.length))) fail(`malformed number '${m}${text[i + m.length]}'`);
      tokens.push({ kind: 'number', text: m, line, col });
      i += m.length;
    } else if (c === '"' || c === "'") {
      const bytes: number[] = [];
      let j = i + 1;
      for (;;) {
        if (j >= text.length || text[j] === '\n') fail('unterminated string');
        const ch = text[j]!;
        if (ch === c) break;
        if (ch === '\\') {
          const next = text[j + 1] ?? '';
          if (/[0-7]/.test(next)) {
            const oct = /^[0-7]{1,3}/.exec(text.slice(j + 1))![0];
            bytes.push(parseInt(oct, 8) & 0xff);
            j += 1 + oct.length;
          } else if (next === 'x' && /^[0-9a-fA-F]/.test(text.slice(j + 2))) {
            const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(j + 2))![0];
            bytes.push(parseInt(hex, 16));
            j += 2 + hex.length;
          } else if (next in ESCAPES) {
            bytes.push(ESCAPES[next]!.charCodeAt(0));
            j += 2;
          } else {
            fail(`invalid escape '\\${next}'`);
          }
        } else {
          const cp = text.codePointAt(j)!;
          const ch2 = String.fromCodePoint(cp);
          bytes.push(...Buffer.from(ch2, 'utf8'));
          j += ch2.length;
        }
      }
      const value = Buffer.from(bytes).toString('utf8');
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), value, line, col });
      i = j + 1;
    } else if ('{}[]<>:,;-'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, line, col });
      i++;
    } else {
      fail(`unexpected character '${c}'`);
    }
  }
  tokens.push({ kind: 'end', text: '', line, col: i - lineStart + 1 });
  return tokens;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

type JsonValue = string | number | boolean | JsonObject | JsonValue[];
interface JsonObject {
  [key: string]: JsonValue;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private fail(token: Token, message: string): never {
    throw new TextFormatError(`${token.line}:${token.col}: ${message}`);
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private expectPunct(text: string, what: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) this.fail(t, `expected '${text}' ${what}, got ${describe(t)}`);
  }

  /** Fields until `close` (or the end of input for the top-level message). */
  message(type: Type, close: string | null): JsonObject {
    const out: JsonObject = {};
    const seen = new Set<string>();
    const oneofs = new Map<string, string>();
    for (;;) {
      const t = this.peek();
      if (close === null ? t.kind === 'end' : t.kind === 'punct' && t.text === close) break;
      if (t.kind === 'end') this.fail(t, `expected '${close}' to close ${type.fullName}`);
      this.next();
      if (t.kind !== 'ident') this.fail(t, `expected a field name of ${type.fullName}, got ${describe(t)}`);
      const field = Object.hasOwn(type.fields, t.text) ? type.fields[t.text] : undefined;
      if (!field) this.fail(t, `unknown field '${t.text}' in ${type.fullName}`);
      field.resolve();
      const repeated = field.repeated || field.map;
      if (!repeated && seen.has(field.name)) this.fail(t, `non-repeated field '${field.name}' is set twice`);
      seen.add(field.name);
      if (field.partOf) {
        const other = oneofs.get(field.partOf.name);
        if (other !== undefined && other !== field.name) {
          this.fail(
            t,
            `fields '${other}' and '${field.name}' are both set, but they are one oneof '${field.partOf.name}'`,
          );
        }
        oneofs.set(field.partOf.name, field.name);
      }
      const isMessage = field.map || field.resolvedType instanceof protobuf.Type;
      const colon = this.isPunct(':');
      if (colon) this.next();
      else if (!isMessage) this.fail(this.peek(), `expected ':' after scalar field '${field.name}'`);
      const values: JsonValue[] = [];
      if (this.isPunct('[')) {
        const open = this.next();
        if (!repeated) this.fail(open, `field '${field.name}' is not repeated, so it takes no [list]`);
        if (!this.isPunct(']')) {
          for (;;) {
            values.push(this.value(field));
            if (this.isPunct(',')) {
              this.next();
              continue;
            }
            break;
          }
        }
        this.expectPunct(']', `to close the list of '${field.name}'`);
      } else {
        values.push(this.value(field));
      }
      if (field.map) {
        const map = (out[field.name] ??= {}) as JsonObject;
        for (const entry of values as JsonObject[]) map[String(entry.key)] = entry.value!;
      } else if (repeated) {
        ((out[field.name] ??= []) as JsonValue[]).push(...values);
      } else {
        out[field.name] = values[0]!;
      }
      if (this.isPunct(',') || this.isPunct(';')) this.next();
    }
    return out;
  }

  private value(field: Field): JsonValue {
    if (field.map) return this.mapEntry(field as unknown as MapField);
    return this.typedValue(field.type, field.resolvedType, field.name);
  }

  private typedValue(type: string, resolved: Type | Enum | null, name: string): JsonValue {
    if (resolved instanceof protobuf.Type) return this.messageValue(resolved, name);
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '{' || t.text === '<')) {
      this.fail(t, `field '${name}' is a ${resolved ? `enum ${resolved.fullName}` : type}, not a message`);
    }
    if (resolved instanceof protobuf.Enum) return this.enumValue(resolved, name);
    return this.scalar(type, name);
  }

  private messageValue(type: Type, name: string): JsonObject {
    const t = this.next();
    if (t.kind !== 'punct' || (t.text !== '{' && t.text !== '<')) {
      this.fail(t, `field '${name}' is a message ${type.fullName}: expected '{', got ${describe(t)}`);
    }
    const close = t.text === '{' ? '}' : '>';
    const value = this.message(type, close);
    this.expectPunct(close, `to close '${name}'`);
    return value;
  }

  /** A map entry is written as a message { key: ... value: ... } of the map's key and value types. */
  private mapEntry(field: MapField): JsonObject {
    const open = this.next();
    if (open.kind !== 'punct' || (open.text !== '{' && open.text !== '<')) {
      this.fail(open, `map field '${field.name}' takes entries { key: ... value: ... }, got ${describe(open)}`);
    }
    const close = open.text === '{' ? '}' : '>';
    const entry: JsonObject = {};
    while (!this.isPunct(close)) {
      const t = this.next();
      if (t.kind !== 'ident' || (t.text !== 'key' && t.text !== 'value')) {
        this.fail(t, `a map entry of '${field.name}' has only 'key' and 'value', got ${describe(t)}`);
      }
      if (t.text in entry) this.fail(t, `'${t.text}' is set twice in a map entry of '${field.name}'`);
      const isMessage = t.text === 'value' && field.resolvedType instanceof protobuf.Type;
      if (this.isPunct(':')) this.next();
      else if (!isMessage) this.fail(this.peek(), `expected ':' after '${t.text}' in a map entry of '${field.name}'`);
      entry[t.text] =
        t.text === 'key'
          ? this.scalar(field.keyType, `${field.name}.key`)
          : this.typedValue(field.type, field.resolvedType, `${field.name}.value`);
      if (this.isPunct(',') || this.isPunct(';')) this.next();
    }
    this.next();
    if (entry.key === undefined) this.fail(open, `a map entry of '${field.name}' has no key`);
    if (entry.value === undefined) this.fail(open, `a map entry of '${field.name}' has no value`);
    return entry;
  }

  private enumValue(type: Enum, name: string): JsonValue {
    const t = this.next();
    if (t.kind === 'ident') {
      if (!(t.text in type.values)) {
        this.fail(t, `'${t.text}' is not a value of enum ${type.fullName} (field '${name}')`);
      }
      return t.text;
    }
    if (t.kind === 'number' || (t.kind === 'punct' && t.text === '-')) {
      this.pos--;
      const n = Number(this.integer('int32', name));
      const known = Object.entries(type.values).find(([, v]) => v === n);
      if (!known) this.fail(t, `${n} is not a value of enum ${type.fullName} (field '${name}')`);
      return known[0];
    }
    return this.fail(t, `field '${name}' takes an enum ${type.fullName} identifier, got ${describe(t)}`);
  }

  private scalar(type: string, name: string): JsonValue {
    if (type in INT_RANGES) return this.integer(type, name);
    const t = this.peek();
    switch (type) {
      case 'string':
      case 'bytes': {
        if (t.kind !== 'string') this.fail(t, `field '${name}' takes a quoted string, got ${describe(t)}`);
        let value = '';
        while (this.peek().kind === 'string') value += (this.next() as { value: string }).value;
        return value;
      }
      case 'bool': {
        this.next();
        if (t.kind === 'ident' && ['true', 't', 'True'].includes(t.text)) return true;
        if (t.kind === 'ident' && ['false', 'f', 'False'].includes(t.text)) return false;
        if (t.kind === 'number' && (t.text === '0' || t.text === '1')) return t.text === '1';
        return this.fail(t, `field '${name}' takes true or false, got ${describe(t)}`);
      }
      case 'float':
      case 'double': {
        let sign = 1;
        if (this.isPunct('-')) {
          this.next();
          sign = -1;
        }
        const v = this.next();
        if (v.kind === 'ident' && /^(inf|infinity)$/i.test(v.text)) return sign * Infinity;
        if (v.kind === 'ident' && /^nan$/i.test(v.text)) return NaN;
        if (v.kind !== 'number') this.fail(v, `field '${name}' takes a number, got ${describe(v)}`);
        const n = v.text.startsWith('0x') || v.text.startsWith('0X') ? parseInt(v.text, 16) : parseFloat(v.text);
        return sign * n;
      }
      default:
        return this.fail(t, `field '${name}' has type ${type}, which this parser does not read`);
    }
  }

  /** An integer in the type's range; 64-bit values beyond 2^53 stay strings so no digit is lost. */
  private integer(type: string, name: string): JsonValue {
    const start = this.peek();
    let negative = false;
    if (this.isPunct('-')) {
      this.next();
      negative = true;
    }
    const t = this.next();
    if (t.kind !== 'number' || !/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t.text)) {
      this.fail(t, `field '${name}' takes an integer (${type}), got ${describe(t)}`);
    }
    // Text format reads a leading 0 as octal, as C does.
    const text = t.text;
    const magnitude = /^0[0-7]+$/.test(text) ? BigInt(`0o${text.slice(1)}`) : BigInt(text);
    const value = negative ? -magnitude : magnitude;
    const [min, max] = INT_RANGES[type]!;
    if (value < min || value > max) this.fail(start, `${value} is out of range for ${type} field '${name}'`);
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the text';
  if (t.kind === 'string') return `string ${t.text}`;
  return `'${t.text}'`;
}

/** Parses `text` as a `typeName` message; returns the object protobufjs makes of it (enums by name, 64-bit as numbers). */
export function parseTextFormat(root: Root, typeName: string, text: string): Record<string, unknown> {
  const type = root.lookupType(typeName);
  const json = new Parser(tokenize(text)).message(type, null);
  const message = type.fromObject(json);
  const problem = type.verify(message);
  if (problem) throw new TextFormatError(`not a valid ${typeName}: ${problem}`);
  return type.toObject(message, { enums: String, longs: Number, arrays: true, objects: true, defaults: true });
}

let modelConfigRoot: Root | undefined;

/** Triton's model_config.proto, parsed once (field names kept as written: snake_case, as in config.pbtxt). */
export function modelConfigProto(): Root {
  if (!modelConfigRoot) {
    modelConfigRoot = protobuf.parse(readFileSync(MODEL_CONFIG_PROTO, 'utf8'), { keepCase: true }).root;
    modelConfigRoot.resolveAll();
  }
  return modelConfigRoot;
}

export interface ModelTensorReshape {
  shape: number[];
}

export interface ModelInput {
  name: string;
  data_type: string;
  format: string;
  dims: number[];
  reshape: ModelTensorReshape | null;
}

export interface ModelOutput {
  name: string;
  data_type: string;
  dims: number[];
  reshape: ModelTensorReshape | null;
  label_filename: string;
}

export interface ModelQueuePolicy {
  timeout_action: string;
  default_timeout_microseconds: number;
  allow_timeout_override: boolean;
  max_queue_size: number;
}

export interface ModelDynamicBatching {
  preferred_batch_size: number[];
  max_queue_delay_microseconds: number;
  preserve_ordering: boolean;
  priority_levels: number;
  default_priority_level: number;
  default_queue_policy: ModelQueuePolicy | null;
  priority_queue_policy: Record<string, ModelQueuePolicy>;
}

export interface ModelInstanceGroup {
  name: string;
  kind: string;
  count: number;
  gpus: number[];
}

/** The inference.ModelConfig fields Slipway writes; absent messages are null, absent scalars their default. */
export interface ModelConfig {
  name: string;
  platform: string;
  backend: string;
  version_policy: { latest?: { num_versions: number }; all?: object; specific?: { versions: number[] } } | null;
  max_batch_size: number;
  input: ModelInput[];
  output: ModelOutput[];
  dynamic_batching?: ModelDynamicBatching | null;
  sequence_batching?: object | null;
  instance_group: ModelInstanceGroup[];
  default_model_filename: string;
  parameters: Record<string, { string_value: string }>;
  response_cache: { enable: boolean } | null;
}

/** config.pbtxt as Triton reads it: inference.ModelConfig from model_config.proto. */
export function parseTritonModelConfig(text: string): ModelConfig {
  return parseTextFormat(modelConfigProto(), 'inference.ModelConfig', text) as unknown as ModelConfig;
}
