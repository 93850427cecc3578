// What the data-plane conformance tests serve and check against: small generated models that exercise corners of
// the protocol (odd tensor names, a rank-0 output, fixed shapes, FP16, BYTES), replay samples from resources/data,
// onnxruntime run in place as the reference, and decoding of V2 outputs whether they came as JSON or binary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Engine } from '../../src-main/engine/engine';
import type { ElementType } from '../../src-shared/elementTypes';
import { writeOnnxModelFile, type OnnxModelDescription } from '../../src-main/engine/onnx/encodeOnnxModel';
import { data } from './paths';
import type { V2Response } from './v2Client';

/** Element types of the every-type model: all V2 datatypes except FP16 (binary only, see fp16-identity). */
export const EVERY_TYPE = [
  'bool',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'string',
] as const satisfies readonly ElementType[];

/** The V2 datatype of each every-type tensor, written out here rather than read from the code under test. */
export const V2_DATATYPES: Record<(typeof EVERY_TYPE)[number], string> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

/** Library name → description of each generated model. */
export const SPECIAL_MODELS = {
  /** Identity whose tensor names hold '/' and ':' (as exporters name graph values). */
  'odd-names': {
    graph: {
      nodes: [{ opType: 'Identity', inputs: ['input/0:x'], outputs: ['output/0:y'] }],
      inputs: [{ name: 'input/0:x', elementType: 'float32', shape: ['batch', 3] }],
      outputs: [{ name: 'output/0:y', elementType: 'float32', shape: ['batch', 3] }],
    },
  },
  /** ReduceSum over every axis, keepdims=0: a rank-0 output. */
  'rank0-sum': {
    graph: {
      nodes: [
        {
          opType: 'ReduceSum',
          inputs: ['x'],
          outputs: ['total'],
          attributes: { keepdims: { type: 'int', value: 0 } },
        },
      ],
      inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 3] }],
      outputs: [{ name: 'total', elementType: 'float32', shape: [] }],
    },
  },
  /** No dynamic axis at all: [1, 4] in and out. */
  'fixed-shape': {
    graph: {
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', elementType: 'float32', shape: [1, 4] }],
      outputs: [{ name: 'y', elementType: 'float32', shape: [1, 4] }],
    },
  },
  /** FP16 Identity: binary-only on the wire. */
  'fp16-identity': {
    graph: {
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', elementType: 'float16', shape: ['batch', 4] }],
      outputs: [{ name: 'y', elementType: 'float16', shape: ['batch', 4] }],
    },
  },
  /** String (BYTES) Identity. */
  'bytes-identity': {
    graph: {
      nodes: [{ opType: 'Identity', inputs: ['text'], outputs: ['echo'] }],
      inputs: [{ name: 'text', elementType: 'string', shape: ['batch'] }],
      outputs: [{ name: 'echo', elementType: 'string', shape: ['batch'] }],
    },
  },
  /** One Identity per datatype that has a JSON form: in_<type> → out_<type>, each [batch, 3]. */
  'every-type': {
    graph: {
      nodes: EVERY_TYPE.map((t) => ({ opType: 'Identity', inputs: [`in_${t}`], outputs: [`out_${t}`] })),
      inputs: EVERY_TYPE.map((t) => ({ name: `in_${t}`, elementType: t, shape: ['batch', 3] })),
      outputs: EVERY_TYPE.map((t) => ({ name: `out_${t}`, elementType: t, shape: ['batch', 3] })),
    },
  },
} satisfies Record<string, OnnxModelDescription>;

export type SpecialModelName = keyof typeof SPECIAL_MODELS;

/** Writes each generated model into `dir`; returns name → file path. */
export function writeSpecialModels(dir: string): Record<SpecialModelName, string> {
  const paths = {} as Record<SpecialModelName, string>;
  for (const [name, desc] of Object.entries(SPECIAL_MODELS) as [SpecialModelName, OnnxModelDescription][]) {
    paths[name] = join(dir, `${name}.onnx`);
    writeOnnxModelFile(paths[name], desc);
  }
  return paths;
}

/** Imports the generated models into a test server's library (for `startTestServer({ prepare })`). */
export function importSpecialModels(engine: Engine, dir: string, names?: SpecialModelName[]): void {
  const paths = writeSpecialModels(dir);
  for (const name of names ?? (Object.keys(paths) as SpecialModelName[])) {
    engine.library.importModel(paths[name], { name });
  }
}

/** Changes stored serving settings of one library version before it is served. */
export function configure(engine: Engine, model: string, version: number, set: Record<string, string>): void {
  engine.servingConfig.update(engine.library.get({ name: model, version }), { set });
}

/** The `inputs` of each line of a resources/data JSON Lines file (one sample each, no batch axis). */
export function samples<T = Record<string, unknown[]>>(file: string, count: number): { inputs: T; label?: number }[] {
  return readFileSync(data(file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, count)
    .map((line) => JSON.parse(line) as { inputs: T; label?: number });
}

export interface ReferenceOutput {
  dims: number[];
  /** Numbers (int64 converted), booleans or strings, flat. */
  data: (number | boolean | string)[];
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** Runs a model with onnxruntime in this process: the answer the server must give. */
export async function runReference(
  file: string,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ReferenceOutput>> {
  let session = sessions.get(file);
  if (!session) {
    session = ort.InferenceSession.create(file);
    sessions.set(file, session);
  }
  const results = await (await session).run(feeds);
  return Object.fromEntries(
    Object.entries(results).map(([name, t]) => [
      name,
      {
        dims: [...t.dims],
        data: Array.from(t.data as ArrayLike<number | bigint | string>, (v) =>
          typeof v === 'bigint' ? Number(v) : v,
        ) as (number | string)[],
      },
    ]),
  );
}

/** Releases the sessions runReference opened. */
export async function releaseReferences(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map(async (s) => (await s).release()));
}

/** Element values of little-endian binary tensor data by V2 datatype (BYTES: Triton's length-prefixed strings;
 * FP16: the raw 16-bit patterns). */
export function decodeBinary(datatype: string, bytes: Buffer): (number | boolean | string)[] {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  switch (datatype) {
    case 'BOOL':
      return Array.from(bytes, (b) => b !== 0);
    case 'UINT8':
      return Array.from(bytes);
    case 'INT8':
      return Array.from(new Int8Array(buffer));
    case 'UINT16':
    case 'FP16':
      return Array.from(new Uint16Array(buffer));
    case 'INT16':
      return Array.from(new Int16Array(buffer));
    case 'UINT32':
      return Array.from(new Uint32Array(buffer));
    case 'INT32':
      return Array.from(new Int32Array(buffer));
    case 'UINT64':
      return Array.from(new BigUint64Array(buffer), Number);
    case 'INT64':
      return Array.from(new BigInt64Array(buffer), Number);
    case 'FP32':
      return Array.from(new Float32Array(buffer));
    case 'FP64':
      return Array.from(new Float64Array(buffer));
    case 'BYTES': {
      const out: string[] = [];
      for (let p = 0; p < bytes.length;) {
        const length = bytes.readUInt32LE(p);
        out.push(bytes.toString('utf8', p + 4, p + 4 + length));
        p += 4 + length;
      }
      return out;
    }
    default:
      throw new Error(`no decoder for datatype ${datatype}`);
  }
}

/** Triton's BYTES serialisation of strings: a 4-byte little-endian length before each element. */
export function encodeBytesElements(values: string[]): Uint8Array {
  return Buffer.concat(
    values.flatMap((v) => {
      const bytes = Buffer.from(v, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

/** One output of a V2 response, from JSON `data` or the binary section, whichever the server used. */
export function outputOf(
  response: V2Response,
  name: string,
): { datatype: string; shape: number[]; data: (number | boolean | string)[]; binary: boolean } {
  const output = response.json.outputs?.find((o) => o.name === name);
  if (!output) {
    throw new Error(`no output '${name}' in ${JSON.stringify(response.json).slice(0, 300)}`);
  }
  const bytes = response.binary[name];
  if (bytes !== undefined) {
    return { datatype: output.datatype, shape: output.shape, data: decodeBinary(output.datatype, bytes), binary: true };
  }
  return {
    datatype: output.datatype,
    shape: output.shape,
    data: (output.data ?? []) as (number | boolean | string)[],
    binary: false,
  };
}

/** Largest |a - b| relative to 1 + |b| over two equally long numeric lists (Infinity when lengths differ). */
export function maxRelativeDifference(a: readonly unknown[], b: readonly unknown[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    const d = Math.abs(x - y) / (1 + Math.abs(y));
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

/** A seeded pseudo-random float list (mulberry32), so test inputs differ yet repeat run to run. */
export function seededFloats(count: number, seed: number, scale = 1): number[] {
  let state = seed >>> 0;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = Math.fround((unit * 2 - 1) * scale);
  }
  return out;
}
