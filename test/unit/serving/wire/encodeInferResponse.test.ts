// What a client reads back from /infer: V2 JSON with flat data that parses back to the exact elements, and
// Triton's binary section for the outputs asked for in binary (FP16 always).
import { describe, expect, it } from 'vitest';
import type { WireTensor } from '../../../../src-main/engine/runtime/wireTensor';
import { encodeInferResponse } from '../../../../src-main/engine/serving/encodeInferResponse';
import type { InferRequest, InferResult } from '../../../../src-main/engine/serving/inferRequest';
import { ServingError } from '../../../../src-main/engine/serving/servingError';
import type { ElementType } from '../../../../src-shared/elementTypes';
import { thrown } from '../../../helpers/thrown';
import { decode, demoSignature, json, serializeBytes } from './wireFixtures';

const jsonRequest: InferRequest = { inputs: [], binaryOutputDefault: false };
const binaryRequest: InferRequest = { inputs: [], binaryOutputDefault: true };

const tensor = (name: string, type: ElementType, dims: number[], data: ArrayBufferLike | string[]): WireTensor => ({
  name,
  type,
  dims,
  data: Array.isArray(data) ? data : (data as ArrayBuffer),
});

const result = (outputs: WireTensor[], extra: Partial<InferResult> = {}): InferResult => ({
  modelName: 'digits-mlp',
  modelVersion: '2',
  outputs,
  ...extra,
});

interface ParsedOutput {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size?: number };
}

interface Parsed {
  header: {
    model_name: string;
    model_version: string;
    id?: string;
    parameters?: Record<string, unknown>;
    outputs: ParsedOutput[];
  };
  /** Each binary output's bytes, sliced from the binary section by binary_data_size in output order. */
  binary: Map<string, Buffer>;
}

/** Reads a response as tritonclient does: the JSON header, then binary outputs in order. */
function parse(encoded: { body: Buffer; headerLength?: number }): Parsed {
  const end = encoded.headerLength ?? encoded.body.length;
  const header = JSON.parse(encoded.body.toString('utf8', 0, end)) as Parsed['header'];
  const binary = new Map<string, Buffer>();
  let offset = end;
  for (const output of header.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) continue;
    binary.set(output.name, encoded.body.subarray(offset, offset + size));
    offset += size;
  }
  expect(offset).toBe(encoded.body.length);
  return { header, binary };
}

/** The `data` array of one output as its exact JSON text, split into element tokens. */
function dataTokens(body: Buffer, name: string): string[] {
  const text = body.toString('utf8');
  const start = text.indexOf(`{"name":${JSON.stringify(name)}`);
  const open = text.indexOf('"data":[', start) + '"data":['.length;
  return text.slice(open, text.indexOf(']', open)).split(',');
}

const bytes = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('encodeInferResponse: the digits-mlp response', () => {
  const logits = Float32Array.from([-7.560361385345459, 0.1, 1.25, 3.4, -2.1, 7.4, 6.9, 4.8, 4.6, 0.07]);
  const probabilities = Float32Array.from([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.55]);
  const digits = result([
    tensor('logits', 'float32', [1, 10], logits.buffer),
    tensor('probabilities', 'float32', [1, 10], probabilities.buffer),
  ]);

  it('writes JSON with flat data that parses back to the same float32 bits', () => {
    const encoded = encodeInferResponse(digits, { ...jsonRequest, id: 'abc' });
    expect(encoded.contentType).toBe('application/json');
    expect(encoded.headerLength).toBeUndefined();
    const { header } = parse(encoded);
    expect(header).toMatchObject({ model_name: 'digits-mlp', model_version: '2', id: 'abc' });
    expect(header.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ['logits', 'FP32', [1, 10]],
      ['probabilities', 'FP32', [1, 10]],
    ]);
    expect(bytes(Float32Array.from(header.outputs[0]!.data as number[]))).toEqual(bytes(logits));
    expect(bytes(Float32Array.from(header.outputs[1]!.data as number[]))).toEqual(bytes(probabilities));
  });

  it('puts every output in the binary section when binary_data_output is set and none are listed', () => {
    const encoded = encodeInferResponse(digits, binaryRequest);
    expect(encoded.contentType).toBe('application/octet-stream');
    const { header, binary } = parse(encoded);
    expect(encoded.headerLength).toBe(Buffer.byteLength(JSON.stringify(header)));
    expect(header.outputs.map((o) => [o.parameters, o.data])).toEqual([
      [{ binary_data_size: 40 }, undefined],
      [{ binary_data_size: 40 }, undefined],
    ]);
    expect(binary.get('logits')).toEqual(bytes(logits));
    expect(binary.get('probabilities')).toEqual(bytes(probabilities));
  });

  it('honours binary_data per output, mixing JSON and binary outputs', () => {
    const request: InferRequest = {
      ...jsonRequest,
      outputs: [
        { name: 'logits', binary: false },
        { name: 'probabilities', binary: true },
      ],
    };
    const { header, binary } = parse(encodeInferResponse(digits, request));
    expect(header.outputs[0]!.data).toHaveLength(10);
    expect(header.outputs[1]!.parameters).toEqual({ binary_data_size: 40 });
    expect([...binary.keys()]).toEqual(['probabilities']);
  });

  it('marks a degraded answer', () => {
    const { header } = parse(
      encodeInferResponse({ ...digits, degraded: { reason: 'version 2 failed to load' } }, jsonRequest),
    );
    expect(header.parameters).toEqual({ degraded: true, reason: 'version 2 failed to load' });
  });
});

interface OutputCase {
  type: ElementType;
  v2: string;
  elements: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number; length: number };
  /** The exact JSON text of each element. */
  text: string[];
}

const outputCases: OutputCase[] = [
  { type: 'bool', v2: 'BOOL', elements: new Uint8Array([1, 0, 1]), text: ['true', 'false', 'true'] },
  { type: 'uint8', v2: 'UINT8', elements: new Uint8Array([0, 255, 7]), text: ['0', '255', '7'] },
  { type: 'int8', v2: 'INT8', elements: Int8Array.from([-128, 127, 0]), text: ['-128', '127', '0'] },
  { type: 'uint16', v2: 'UINT16', elements: Uint16Array.from([0, 65535, 1]), text: ['0', '65535', '1'] },
  { type: 'int16', v2: 'INT16', elements: Int16Array.from([-32768, 32767, -1]), text: ['-32768', '32767', '-1'] },
  { type: 'uint32', v2: 'UINT32', elements: Uint32Array.from([0, 4294967295, 5]), text: ['0', '4294967295', '5'] },
  {
    type: 'int32',
    v2: 'INT32',
    elements: Int32Array.from([-2147483648, 2147483647, 0]),
    text: ['-2147483648', '2147483647', '0'],
  },
  {
    type: 'int64',
    v2: 'INT64',
    elements: BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 9007199254740993n]),
    text: ['-9223372036854775808', '9223372036854775807', '9007199254740993'],
  },
  {
    type: 'uint64',
    v2: 'UINT64',
    elements: BigUint64Array.from([0n, 2n ** 64n - 1n, 12345678901234567890n]),
    text: ['0', '18446744073709551615', '12345678901234567890'],
  },
  {
    type: 'float32',
    v2: 'FP32',
    elements: Float32Array.from([0.1, -3.5, 3.4028234663852886e38]),
    text: ['0.10000000149011612', '-3.5', '3.4028234663852886e+38'],
  },
  {
    type: 'float64',
    v2: 'FP64',
    elements: Float64Array.from([0.1, -1e300, 5e-324]),
    text: ['0.1', '-1e+300', '5e-324'],
  },
];

describe('encodeInferResponse: every datatype', () => {
  for (const c of outputCases) {
    it(`${c.v2} as JSON numbers written exactly`, () => {
      const encoded = encodeInferResponse(result([tensor('out', c.type, [1, 3], c.elements.buffer)]), jsonRequest);
      const { header } = parse(encoded);
      expect(header.outputs[0]).toMatchObject({ name: 'out', datatype: c.v2, shape: [1, 3] });
      expect(dataTokens(encoded.body, 'out')).toEqual(c.text);
    });

    it(`${c.v2} in the binary section byte for byte`, () => {
      const encoded = encodeInferResponse(result([tensor('out', c.type, [1, 3], c.elements.buffer)]), binaryRequest);
      const { header, binary } = parse(encoded);
      expect(header.outputs[0]).toMatchObject({
        datatype: c.v2,
        parameters: { binary_data_size: c.elements.byteLength },
      });
      expect(binary.get('out')).toEqual(bytes(c.elements));
    });
  }

  it('FP16 always in the binary section, even when JSON was asked for', () => {
    const halves = Uint16Array.from([0x3c00, 0xc000, 0x7e00, 0x0001]);
    const encoded = encodeInferResponse(result([tensor('h', 'float16', [2, 2], halves.buffer)]), jsonRequest);
    expect(encoded.contentType).toBe('application/octet-stream');
    const { header, binary } = parse(encoded);
    expect(header.outputs[0]).toEqual({
      name: 'h',
      datatype: 'FP16',
      shape: [2, 2],
      parameters: { binary_data_size: 8 },
    });
    expect(binary.get('h')).toEqual(bytes(halves));
  });

  it('BYTES as JSON strings, and length-prefixed in the binary section', () => {
    const strings = ['positive', 'négatif', '', 'with "quotes"\n'];
    const out = tensor('label', 'string', [4], strings);
    expect(parse(encodeInferResponse(result([out]), jsonRequest)).header.outputs[0]).toMatchObject({
      datatype: 'BYTES',
      data: strings,
    });
    const { binary } = parse(encodeInferResponse(result([out]), binaryRequest));
    expect(binary.get('label')).toEqual(serializeBytes(strings));
  });

  it('NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity", and -0 keeping its sign', () => {
    const values = Float32Array.from([NaN, Infinity, -Infinity, -0, 0]);
    const encoded = encodeInferResponse(result([tensor('y', 'float32', [5], values.buffer)]), jsonRequest);
    expect(dataTokens(encoded.body, 'y')).toEqual(['"NaN"', '"Infinity"', '"-Infinity"', '-0.0', '0']);
    const data = parse(encoded).header.outputs[0]!.data as (number | string)[];
    expect(Object.is(data[3], -0)).toBe(true);
    const backToFloat = Float64Array.from(data.map((v) => Number(v)));
    expect(Array.from(backToFloat)).toEqual([NaN, Infinity, -Infinity, -0, 0]);
  });

  it('a rank-0 output and tensor names with / and :', () => {
    const score = tensor('head/score:0', 'float32', [], Float32Array.from([0.5]).buffer);
    const logits = tensor('head/logits:0', 'float32', [1, 2], Float32Array.from([1, 2]).buffer);
    const { header } = parse(encodeInferResponse(result([score, logits]), jsonRequest));
    expect(header.outputs).toEqual([
      { name: 'head/score:0', datatype: 'FP32', shape: [], data: [0.5] },
      { name: 'head/logits:0', datatype: 'FP32', shape: [1, 2], data: [1, 2] },
    ]);
  });

  it('an empty output', () => {
    const { header } = parse(
      encodeInferResponse(result([tensor('y', 'float32', [0, 10], new ArrayBuffer(0))]), jsonRequest),
    );
    expect(header.outputs[0]).toMatchObject({ shape: [0, 10], data: [] });
  });

  it('escapes model names, versions and ids', () => {
    const { header } = parse(
      encodeInferResponse(result([], { modelName: 'a"b\\c', modelVersion: 'v\n1', id: '</script>' }), jsonRequest),
    );
    expect(header).toMatchObject({ model_name: 'a"b\\c', model_version: 'v\n1', id: '</script>', outputs: [] });
  });

  it('answers 500 for an output whose bytes do not match its shape', () => {
    const error = thrown(
      () => encodeInferResponse(result([tensor('y', 'float32', [1, 10], new ArrayBuffer(12))]), jsonRequest),
      ServingError,
    );
    expect(error.status).toBe(500);
    expect(error.message).toContain("output 'y'");
  });
});

describe('encodeInferResponse: with decodeInferRequest', () => {
  it('answers the outputs a decoded request asked for, binary where it asked', () => {
    const signature = demoSignature('cancer-logreg-v1.onnx');
    const request = decode(
      signature,
      json({
        id: 'round-trip',
        inputs: [{ name: 'features', shape: [1, 30], datatype: 'FP32', data: new Array<number>(30).fill(0.5) }],
        outputs: [{ name: 'probabilities', parameters: { binary_data: true } }, { name: 'label' }],
      }),
    );
    const probabilities = Float32Array.from([0.25, 0.75]);
    const label = BigInt64Array.from([1n]);
    const encoded = encodeInferResponse(
      {
        modelName: 'cancer-logreg',
        modelVersion: '1',
        outputs: [
          tensor('probabilities', 'float32', [1, 2], probabilities.buffer),
          tensor('label', 'int64', [1], label.buffer),
        ],
      },
      request,
    );
    const { header, binary } = parse(encoded);
    expect(header.id).toBe('round-trip');
    expect(header.outputs[1]).toEqual({ name: 'label', datatype: 'INT64', shape: [1], data: [1] });
    expect(binary.get('probabilities')).toEqual(bytes(probabilities));
  });
});
