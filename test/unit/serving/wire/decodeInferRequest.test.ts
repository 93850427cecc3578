// What a client sends to /infer, as the data plane reads it: V2 JSON (flat or nested), Triton's binary tensor
// data and raw forms, every datatype to the exact bytes, and a clear 400 for every mistake.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WIRE_LIMITS } from '../../../../src-main/engine/serving/decodeInferRequest';
import type { ElementType } from '../../../../src-shared/elementTypes';
import {
  binaryRequest,
  bytesOf,
  decode,
  demoSignature,
  fixedSignature,
  halfSignature,
  json,
  oneInput,
  rejection,
  serializeBytes,
  slashColonSignature,
  textSignature,
} from './wireFixtures';

const digits = demoSignature('digits-mlp-v1.onnx');
const multi = demoSignature('multi-dtype.onnx');
const text = demoSignature('text-classifier.onnx');
const squeezenet = demoSignature('squeezenet1_1.onnx');

const pixels = Array.from({ length: 64 }, (_, i) => (i % 17) / 16);
const digitsBody = (extra: Record<string, unknown> = {}, input: Record<string, unknown> = {}) =>
  json({ inputs: [{ name: 'pixels', shape: [1, 64], datatype: 'FP32', data: pixels, ...input }], ...extra });

describe('decodeInferRequest: JSON with the demo models', () => {
  it('reads flat FP32 data into the exact float32 bytes', () => {
    const request = decode(digits, digitsBody());
    expect(request.inputs).toHaveLength(1);
    expect(request.inputs[0]).toMatchObject({ name: 'pixels', type: 'float32', dims: [1, 64] });
    expect(bytesOf(request.inputs[0]!.data)).toEqual(Array.from(new Uint8Array(Float32Array.from(pixels).buffer)));
    expect(request.binaryOutputDefault).toBe(false);
    expect(request.outputs).toBeUndefined();
  });

  it('reads nested data that matches the shape to the same bytes as flat data', () => {
    const flat = decode(digits, digitsBody());
    const nested = decode(digits, digitsBody({}, { data: [pixels] }));
    expect(nested.inputs[0]!.dims).toEqual([1, 64]);
    expect(bytesOf(nested.inputs[0]!.data)).toEqual(bytesOf(flat.inputs[0]!.data));
  });

  it('returns inputs in the model order whatever order the request lists them in', () => {
    const request = decode(
      multi,
      json({
        inputs: [
          {
            name: 'flags',
            shape: [2, 4],
            datatype: 'BOOL',
            data: [true, false, true, false, false, false, true, true],
          },
          { name: 'scale', shape: [2, 1], datatype: 'FP64', data: [[0.5], [2]] },
          { name: 'x', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8] },
        ],
      }),
    );
    expect(request.inputs.map((t) => t.name)).toEqual(['x', 'scale', 'flags']);
    expect(Array.from(new Float64Array(request.inputs[1]!.data as ArrayBuffer))).toEqual([0.5, 2]);
    expect(bytesOf(request.inputs[2]!.data)).toEqual([1, 0, 1, 0, 0, 0, 1, 1]);
  });

  it('reads two INT64 inputs whose symbolic sequence length agrees', () => {
    const ids = [101, 2023, 2003, 1037, 3231, 102, 0];
    const request = decode(
      text,
      json({
        inputs: [
          { name: 'input_ids', shape: [1, 7], datatype: 'INT64', data: ids },
          { name: 'attention_mask', shape: [1, 7], datatype: 'INT64', data: [1, 1, 1, 1, 1, 1, 0] },
        ],
      }),
    );
    expect(Array.from(new BigInt64Array(request.inputs[0]!.data as ArrayBuffer))).toEqual(ids.map(BigInt));
  });

  it('echoes id and reads timeout, priority, binary_data_output and per-output binary_data', () => {
    const request = decode(
      digits,
      digitsBody({
        id: 'req-42',
        parameters: { timeout: 5000, priority: 2, binary_data_output: true, sequence_id: 7 },
        outputs: [{ name: 'probabilities', parameters: { binary_data: false } }, { name: 'logits' }],
      }),
    );
    expect(request).toMatchObject({ id: 'req-42', timeoutMicros: 5000, priority: 2, binaryOutputDefault: true });
    expect(request.outputs).toEqual([
      { name: 'probabilities', binary: false },
      { name: 'logits', binary: true },
    ]);
  });

  it('reads timeout 0 as "no request timeout", as Triton does', () => {
    expect(decode(digits, digitsBody({ parameters: { timeout: 0 } })).timeoutMicros).toBeUndefined();
  });

  it('reads an empty outputs list as every output', () => {
    expect(decode(digits, digitsBody({ outputs: [] })).outputs).toBeUndefined();
  });

  it('accepts tensor names with / and : exactly as the model spells them', () => {
    const request = decode(
      slashColonSignature,
      json({
        inputs: [{ name: 'encoder/input_ids:0', shape: [1, 3], datatype: 'INT64', data: [5, 6, 7] }],
        outputs: [{ name: 'head/score:0' }],
      }),
    );
    expect(request.inputs[0]!.name).toBe('encoder/input_ids:0');
    expect(request.outputs).toEqual([{ name: 'head/score:0', binary: false }]);
  });

  it('reads a model with no dynamic axes at its one fixed shape', () => {
    const request = decode(
      fixedSignature,
      json({ inputs: [{ name: 'grid', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }] }),
    );
    expect(request.inputs[0]!.dims).toEqual([2, 3]);
  });
});

interface TypeCase {
  type: ElementType;
  v2: string;
  jsonValues: unknown[];
  /** The elements JSON decoding must produce, as the typed array of the type. */
  jsonBytes: Uint8Array;
  /** Extreme values only the binary form can carry exactly. */
  binaryBytes: Uint8Array;
}

const u8 = (a: { buffer: ArrayBufferLike }) => new Uint8Array(a.buffer);

const typeCases: TypeCase[] = [
  {
    type: 'bool',
    v2: 'BOOL',
    jsonValues: [true, false, true],
    jsonBytes: new Uint8Array([1, 0, 1]),
    binaryBytes: new Uint8Array([0, 1, 1]),
  },
  {
    type: 'uint8',
    v2: 'UINT8',
    jsonValues: [0, 255, 7],
    jsonBytes: new Uint8Array([0, 255, 7]),
    binaryBytes: new Uint8Array([255, 0, 128]),
  },
  {
    type: 'int8',
    v2: 'INT8',
    jsonValues: [-128, 127, 0],
    jsonBytes: u8(Int8Array.from([-128, 127, 0])),
    binaryBytes: u8(Int8Array.from([-1, 1, -128])),
  },
  {
    type: 'uint16',
    v2: 'UINT16',
    jsonValues: [0, 65535, 1],
    jsonBytes: u8(Uint16Array.from([0, 65535, 1])),
    binaryBytes: u8(Uint16Array.from([65535, 0, 256])),
  },
  {
    type: 'int16',
    v2: 'INT16',
    jsonValues: [-32768, 32767, -1],
    jsonBytes: u8(Int16Array.from([-32768, 32767, -1])),
    binaryBytes: u8(Int16Array.from([1, -1, 0])),
  },
  {
    type: 'uint32',
    v2: 'UINT32',
    jsonValues: [0, 4294967295, 5],
    jsonBytes: u8(Uint32Array.from([0, 4294967295, 5])),
    binaryBytes: u8(Uint32Array.from([4294967295, 0, 65536])),
  },
  {
    type: 'int32',
    v2: 'INT32',
    jsonValues: [-2147483648, 2147483647, 0],
    jsonBytes: u8(Int32Array.from([-2147483648, 2147483647, 0])),
    binaryBytes: u8(Int32Array.from([-1, 1, 2147483647])),
  },
  {
    type: 'int64',
    v2: 'INT64',
    jsonValues: [-9007199254740991, 9007199254740991, '-9223372036854775808'],
    jsonBytes: u8(BigInt64Array.from([-9007199254740991n, 9007199254740991n, -(2n ** 63n)])),
    binaryBytes: u8(BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 0n])),
  },
  {
    type: 'uint64',
    v2: 'UINT64',
    jsonValues: [0, 9007199254740991, '18446744073709551615'],
    jsonBytes: u8(BigUint64Array.from([0n, 9007199254740991n, 2n ** 64n - 1n])),
    binaryBytes: u8(BigUint64Array.from([2n ** 64n - 1n, 0n, 1n])),
  },
  {
    type: 'float32',
    v2: 'FP32',
    jsonValues: [0.1, -3.5, 1e-30],
    jsonBytes: u8(Float32Array.from([0.1, -3.5, 1e-30])),
    binaryBytes: u8(Float32Array.from([NaN, -0, 3.4028234663852886e38])),
  },
  {
    type: 'float64',
    v2: 'FP64',
    jsonValues: [0.1, -1e300, 5e-324],
    jsonBytes: u8(Float64Array.from([0.1, -1e300, 5e-324])),
    binaryBytes: u8(Float64Array.from([Infinity, -0, Number.MIN_VALUE])),
  },
];

describe('decodeInferRequest: every datatype', () => {
  for (const c of typeCases) {
    it(`${c.v2} from JSON gives the exact ${c.type} bytes`, () => {
      const request = decode(
        oneInput(c.type),
        json({ inputs: [{ name: 't', shape: [1, 3], datatype: c.v2, data: c.jsonValues }] }),
      );
      expect(request.inputs[0]).toMatchObject({ name: 't', type: c.type, dims: [1, 3] });
      expect(bytesOf(request.inputs[0]!.data)).toEqual(Array.from(c.jsonBytes));
    });

    it(`${c.v2} from the binary section gives the bytes as sent`, () => {
      const header = {
        inputs: [{ name: 't', shape: [1, 3], datatype: c.v2, parameters: { binary_data_size: c.binaryBytes.length } }],
      };
      const { body, headerLength } = binaryRequest(header, c.binaryBytes);
      const request = decode(oneInput(c.type), body, headerLength);
      expect(request.inputs[0]).toMatchObject({ type: c.type, dims: [1, 3] });
      expect(bytesOf(request.inputs[0]!.data)).toEqual(Array.from(c.binaryBytes));
      // Its own buffer, exactly sized, so it can be transferred to a worker without taking the body along.
      expect((request.inputs[0]!.data as ArrayBuffer).byteLength).toBe(c.binaryBytes.length);
    });
  }

  it('FP16 from the binary section gives the half bits as sent', () => {
    const halves = Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001]);
    const header = { inputs: [{ name: 'h', shape: [2, 2], datatype: 'FP16', parameters: { binary_data_size: 8 } }] };
    const { body, headerLength } = binaryRequest(header, halves);
    const request = decode(halfSignature, body, headerLength);
    expect(request.inputs[0]).toMatchObject({ type: 'float16', dims: [2, 2] });
    expect(Array.from(new Uint16Array(request.inputs[0]!.data as ArrayBuffer))).toEqual(Array.from(halves));
  });

  it('BYTES from JSON strings and from length-prefixed binary elements', () => {
    const strings = ['hello', 'héllo wörld', '', '{"not": "json"}'];
    const fromJson = decode(
      textSignature,
      json({
        inputs: [
          { name: 'text', shape: [4], datatype: 'BYTES', data: strings },
          { name: 'weight', shape: [4], datatype: 'FP32', data: [1, 1, 1, 1] },
        ],
      }),
    );
    expect(fromJson.inputs[0]).toMatchObject({ type: 'string', dims: [4], data: strings });

    const serialized = serializeBytes(strings);
    const { body, headerLength } = binaryRequest(
      {
        inputs: [
          { name: 'text', shape: [4], datatype: 'BYTES', parameters: { binary_data_size: serialized.length } },
          { name: 'weight', shape: [4], datatype: 'FP32', data: [1, 1, 1, 1] },
        ],
      },
      serialized,
    );
    expect(decode(textSignature, body, headerLength).inputs[0]).toMatchObject({
      type: 'string',
      dims: [4],
      data: strings,
    });
  });

  it('reads the bare NaN and Infinity literals Python clients write, and leaves strings alone', () => {
    const body = Buffer.from(
      '{"inputs":[{"name":"text","shape":[2],"datatype":"BYTES","data":["NaN","a\\"Infinity"]},' +
        '{"name":"weight","shape":[2],"datatype":"FP32","data":[NaN, -Infinity]}]}',
    );
    const request = decode(textSignature, body);
    expect(request.inputs[0]!.data).toEqual(['NaN', 'a"Infinity']);
    const weights = new Float32Array(request.inputs[1]!.data as ArrayBuffer);
    expect(Number.isNaN(weights[0])).toBe(true);
    expect(weights[1]).toBe(-Infinity);
  });
});

describe('decodeInferRequest: Triton binary tensor data', () => {
  it('reads a binary FP32 input and honours the request-level binary_data_output', () => {
    const values = Float32Array.from(pixels);
    const { body, headerLength } = binaryRequest(
      {
        inputs: [{ name: 'pixels', shape: [1, 64], datatype: 'FP32', parameters: { binary_data_size: 256 } }],
        parameters: { binary_data_output: true },
      },
      values,
    );
    const request = decode(digits, body, headerLength);
    expect(bytesOf(request.inputs[0]!.data)).toEqual(Array.from(u8(values)));
    expect(request.binaryOutputDefault).toBe(true);
  });

  it('reads a whole squeezenet image from the binary section', () => {
    const image = new Float32Array(3 * 224 * 224).map((_, i) => (i % 255) / 255);
    const { body, headerLength } = binaryRequest(
      {
        inputs: [
          {
            name: 'image',
            shape: [1, 3, 224, 224],
            datatype: 'FP32',
            parameters: { binary_data_size: image.byteLength },
          },
        ],
      },
      image,
    );
    const request = decode(squeezenet, body, headerLength);
    expect(request.inputs[0]!.dims).toEqual([1, 3, 224, 224]);
    expect(Buffer.from(request.inputs[0]!.data as ArrayBuffer).equals(Buffer.from(image.buffer))).toBe(true);
  });

  it('mixes JSON and binary inputs, consuming the binary section in request order', () => {
    const flags = new Uint8Array([1, 0, 0, 1]);
    const x = Float32Array.from([1.5, -2, 3.25, 4]);
    const { body, headerLength } = binaryRequest(
      {
        inputs: [
          { name: 'flags', shape: [1, 4], datatype: 'BOOL', parameters: { binary_data_size: 4 } },
          { name: 'scale', shape: [1, 1], datatype: 'FP64', data: [0.25] },
          { name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } },
        ],
      },
      flags,
      x,
    );
    const request = decode(multi, body, headerLength);
    expect(request.inputs.map((t) => t.name)).toEqual(['x', 'scale', 'flags']);
    expect(Array.from(new Float32Array(request.inputs[0]!.data as ArrayBuffer))).toEqual([1.5, -2, 3.25, 4]);
    expect(Array.from(new Float64Array(request.inputs[1]!.data as ArrayBuffer))).toEqual([0.25]);
    expect(bytesOf(request.inputs[2]!.data)).toEqual([1, 0, 0, 1]);
  });

  it('accepts a header that is the whole body (no binary section)', () => {
    const body = digitsBody();
    expect(decode(digits, body, body.length).inputs[0]!.dims).toEqual([1, 64]);
  });
});

describe('decodeInferRequest: raw single-input form (Inference-Header-Content-Length: 0)', () => {
  it('deduces the batch size from the body and returns every output binary', () => {
    const rows = new Float32Array(2 * 64).map((_, i) => i / 128);
    const request = decode(digits, Buffer.from(rows.buffer), 0);
    expect(request.inputs[0]).toMatchObject({ name: 'pixels', type: 'float32', dims: [2, 64] });
    expect(Buffer.from(request.inputs[0]!.data as ArrayBuffer).equals(Buffer.from(rows.buffer))).toBe(true);
    expect(request.binaryOutputDefault).toBe(true);
    expect(request.outputs).toBeUndefined();
  });

  it('takes a model with no dynamic axes at its fixed shape', () => {
    expect(decode(fixedSignature, Buffer.from(new Float32Array(6).buffer), 0).inputs[0]!.dims).toEqual([2, 3]);
  });

  it('reads a BYTES input as length-prefixed elements', () => {
    const request = decode(oneInput('string', ['batch']), serializeBytes(['a', 'bc', 'déf']), 0);
    expect(request.inputs[0]).toMatchObject({ type: 'string', dims: [3], data: ['a', 'bc', 'déf'] });
  });

  it('rejects a body that is not a whole number of rows', () => {
    const error = rejection(() => decode(digits, Buffer.alloc(302), 0));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      "raw body for input 'pixels' is 302 bytes, not a whole number of FP32 elements (4 bytes each)",
    );
    expect(rejection(() => decode(digits, Buffer.alloc(300), 0)).message).toBe(
      "raw body for input 'pixels' is 300 bytes, not a whole number of rows of [64] (256 bytes each)",
    );
  });

  it('rejects a body of the wrong size for a fixed shape', () => {
    expect(rejection(() => decode(fixedSignature, Buffer.alloc(20), 0)).message).toBe(
      "raw body for input 'grid' is 20 bytes, shape [2, 3] needs 24 bytes",
    );
  });

  it('rejects a model with more than one input', () => {
    const error = rejection(() => decode(multi, Buffer.alloc(16), 0));
    expect(error.status).toBe(400);
    expect(error.message).toContain("this model has 3 inputs ('x', 'scale', 'flags'); send a JSON header");
  });

  it('rejects a shape whose dynamic dim is not the first', () => {
    const error = rejection(() => decode(oneInput('float32', [3, 'n']), Buffer.alloc(24), 0));
    expect(error.message).toContain("input 't' [3, n] has dynamic dims beyond the first");
  });
});

describe('decodeInferRequest: bad requests', () => {
  const expect400 = (fn: () => unknown, message: string | RegExp) => {
    const error = rejection(fn);
    expect(error.status).toBe(400);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  };

  it('malformed JSON, with the parser position', () => {
    expect400(() => decode(digits, Buffer.from('{"inputs": [1, 2')), /^malformed JSON in the request: .*position 16/);
    expect400(() => decode(digits, Buffer.from('{"inputs": [}\n\n]')), /^malformed JSON in the request: /);
  });

  it('an empty body or a body that is not an object', () => {
    expect400(
      () => decode(digits, Buffer.alloc(0)),
      'the request body is empty; expected a JSON object with an "inputs" list',
    );
    expect400(() => decode(digits, json([1, 2])), 'the request must be a JSON object with an "inputs" list');
    expect400(() => decode(digits, json({})), `"inputs" must be a list of tensors; the model's inputs are 'pixels'`);
  });

  it('a wrong datatype, saying what the model expects', () => {
    expect400(
      () => decode(digits, digitsBody({}, { datatype: 'FP64' })),
      "input 'pixels': datatype FP64 given, the model expects FP32",
    );
    expect400(
      () => decode(digits, digitsBody({}, { datatype: 'FLOAT32' })),
      "input 'pixels': unknown datatype 'FLOAT32'; the model expects FP32",
    );
    expect400(
      () => decode(digits, digitsBody({}, { datatype: undefined })),
      `input 'pixels': "datatype" is required; the model expects FP32`,
    );
  });

  it('an element count that does not match the shape', () => {
    expect400(
      () => decode(digits, digitsBody({}, { data: pixels.slice(1) })),
      "input 'pixels': shape [1, 64] needs 64 values, got 63",
    );
  });

  it('nested data that does not match the shape, or is ragged', () => {
    expect400(
      () =>
        decode(
          multi,
          json({
            inputs: [
              {
                name: 'x',
                shape: [1, 4],
                datatype: 'FP32',
                data: [
                  [1, 2],
                  [3, 4],
                ],
              },
              { name: 'scale', shape: [1, 1], datatype: 'FP64', data: [1] },
              { name: 'flags', shape: [1, 4], datatype: 'BOOL', data: [true, true, true, true] },
            ],
          }),
        ),
      "input 'x': data is nested as [2, 2] but shape is [1, 4]; nest it to match or send it flat",
    );
    expect400(
      () =>
        decode(
          fixedSignature,
          json({
            inputs: [
              {
                name: 'grid',
                shape: [2, 3],
                datatype: 'FP32',
                data: [
                  [1, 2, 3],
                  [4, 5],
                ],
              },
            ],
          }),
        ),
      /^input 'grid': (ragged array|expected 3 values)/,
    );
  });

  it('a shape of the wrong rank, suggesting the batch axis', () => {
    expect400(
      () => decode(digits, digitsBody({}, { shape: [64] })),
      "input 'pixels': shape [64] has rank 1, the model expects rank 2 [batch, 64]; for one sample send shape [1, 64]",
    );
  });

  it('a fixed dim of the wrong size', () => {
    expect400(
      () => decode(digits, digitsBody({}, { shape: [1, 63], data: pixels.slice(1) })),
      "input 'pixels': dim 1 is 63, the model expects 64 (shape [batch, 64])",
    );
  });

  it('symbolic dims that disagree between inputs', () => {
    expect400(
      () =>
        decode(
          text,
          json({
            inputs: [
              { name: 'input_ids', shape: [1, 3], datatype: 'INT64', data: [1, 2, 3] },
              { name: 'attention_mask', shape: [1, 4], datatype: 'INT64', data: [1, 1, 1, 0] },
            ],
          }),
        ),
      "input 'attention_mask': dim 1 'sequence' is 4 here but 3 in 'input_ids'",
    );
  });

  it('a missing input, listing what is missing', () => {
    expect400(
      () => decode(text, json({ inputs: [{ name: 'input_ids', shape: [1, 3], datatype: 'INT64', data: [1, 2, 3] }] })),
      "missing input 'attention_mask' (int64 [batch, sequence])",
    );
  });

  it('an extra or misspelt input, suggesting the closest name', () => {
    expect400(
      () => decode(digits, digitsBody({}, { name: 'pixel' })),
      "unknown input 'pixel'; the model's inputs are: pixels (did you mean 'pixels'?)",
    );
    const extra = { name: 'bias', shape: [1], datatype: 'FP32', data: [1] };
    const body = json({ inputs: [{ name: 'pixels', shape: [1, 64], datatype: 'FP32', data: pixels }, extra] });
    expect400(() => decode(digits, body), /^unknown input 'bias'; the model's inputs are: pixels$/);
  });

  it('a duplicated input', () => {
    const input = { name: 'pixels', shape: [1, 64], datatype: 'FP32', data: pixels };
    expect400(() => decode(digits, json({ inputs: [input, input] })), "input 'pixels' appears twice in the request");
  });

  it('an unknown or repeated output name, listing the model outputs', () => {
    expect400(
      () => decode(digits, digitsBody({ outputs: [{ name: 'probs' }] })),
      "unknown output 'probs'; the model's outputs are: logits, probabilities",
    );
    expect400(
      () =>
        decode(
          slashColonSignature,
          json({
            inputs: [{ name: 'encoder/input_ids:0', shape: [1, 1], datatype: 'INT64', data: [1] }],
            outputs: [{ name: 'head/logit:0' }],
          }),
        ),
      "unknown output 'head/logit:0'; the model's outputs are: head/logits:0, head/score:0 (did you mean 'head/logits:0'?)",
    );
    expect400(
      () => decode(digits, digitsBody({ outputs: [{ name: 'logits' }, { name: 'logits' }] })),
      "output 'logits' is requested twice",
    );
  });

  it('negative and fractional dims', () => {
    expect400(
      () => decode(digits, digitsBody({}, { shape: [-1, 64] })),
      "input 'pixels': shape [-1, 64] has a negative dim; dims are sizes >= 0",
    );
    expect400(
      () => decode(digits, digitsBody({}, { shape: [1.5, 64] })),
      "input 'pixels': shape [1.5,64] must hold whole numbers such as [1, 64]",
    );
    expect400(
      () => decode(digits, digitsBody({}, { shape: '1,64' })),
      `input 'pixels': "shape" must be a list of sizes such as [1, 64]`,
    );
  });

  it('a huge shape, before anything is allocated', () => {
    const started = performance.now();
    expect400(
      () => decode(digits, digitsBody({}, { shape: [1e15, 64], data: [] })),
      "input 'pixels': shape [1000000000000000, 64] holds 64000000000000000 elements, over the 67108864 a request may carry",
    );
    const header = {
      inputs: [{ name: 'pixels', shape: [1e15, 64], datatype: 'FP32', parameters: { binary_data_size: 16 } }],
    };
    const { body, headerLength } = binaryRequest(header, new Uint8Array(16));
    expect400(() => decode(digits, body, headerLength), /holds 64000000000000000 elements/);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('more elements across inputs than the request limit', () => {
    const limits = { ...DEFAULT_WIRE_LIMITS, maxElements: 10 };
    const body = json({
      inputs: [
        { name: 'input_ids', shape: [1, 6], datatype: 'INT64', data: [1, 2, 3, 4, 5, 6] },
        { name: 'attention_mask', shape: [1, 6], datatype: 'INT64', data: [1, 1, 1, 1, 1, 1] },
      ],
    });
    expect400(
      () => decode(text, body, undefined, limits),
      "input 'attention_mask': shape [1, 6] holds 6 elements, over the 4 left of the 10 a request may carry",
    );
  });

  it('JSON nested 10,000 levels deep, in a linear scan', () => {
    const deep = Buffer.from(`{"inputs":[{"name":"pixels","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}`);
    const started = performance.now();
    expect400(
      () => decode(digits, deep),
      /^request JSON is nested deeper than 64 levels at byte \d+; send tensor data flat with its shape$/,
    );
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('brackets inside strings do not count as nesting', () => {
    const request = decode(
      oneInput('string', ['batch']),
      json({ inputs: [{ name: 't', shape: [2], datatype: 'BYTES', data: ['['.repeat(1000), '\\"{{{{'] }] }),
    );
    expect(request.inputs[0]!.data).toEqual(['['.repeat(1000), '\\"{{{{']);
  });

  it('FP16 data in JSON, which must be binary as in Triton', () => {
    expect400(
      () => decode(halfSignature, json({ inputs: [{ name: 'h', shape: [1, 2], datatype: 'FP16', data: [1, 2] }] })),
      "input 'h': FP16 data must be sent in binary form (parameters.binary_data_size with an Inference-Header-Content-Length header), as in Triton",
    );
  });

  it('element values the datatype cannot hold, naming the index', () => {
    expect400(
      () => decode(digits, digitsBody({}, { data: ['a', ...pixels.slice(1)] })),
      `input 'pixels' [0]: "a" is not a number`,
    );
    expect400(
      () =>
        decode(
          oneInput('uint8'),
          json({ inputs: [{ name: 't', shape: [1, 3], datatype: 'UINT8', data: [1, 256, 3] }] }),
        ),
      "input 't' [1]: 256 is out of range for uint8 (0..255)",
    );
    expect400(
      () =>
        decode(
          oneInput('bool'),
          json({ inputs: [{ name: 't', shape: [1, 3], datatype: 'BOOL', data: [true, 'yes', false] }] }),
        ),
      `input 't' [1]: "yes" is not a boolean (use true/false or 1/0)`,
    );
    expect400(
      () =>
        decode(
          oneInput('int64', ['batch']),
          json({ inputs: [{ name: 't', shape: [1], datatype: 'INT64', data: [2 ** 60] }] }),
        ),
      /^input 't' \[0\]: .* beyond ±2\^53 .* send int64 values this large as decimal strings$/,
    );
  });

  it('a non-string id and malformed parameters', () => {
    expect400(() => decode(digits, digitsBody({ id: 42 })), 'request "id" must be a string, got 42');
    expect400(
      () => decode(digits, digitsBody({ parameters: { timeout: -5 } })),
      'parameter "timeout" (microseconds) must be a non-negative integer, got -5',
    );
    expect400(
      () => decode(digits, digitsBody({ parameters: { timeout: 1.5 } })),
      'parameter "timeout" (microseconds) must be a non-negative integer, got 1.5',
    );
    expect400(
      () => decode(digits, digitsBody({ parameters: { priority: 'high' } })),
      'parameter "priority" must be a non-negative integer, got "high"',
    );
    expect400(
      () => decode(digits, digitsBody({ parameters: { binary_data_output: 'yes' } })),
      'parameter "binary_data_output" must be true or false, got "yes"',
    );
    expect400(() => decode(digits, digitsBody({ parameters: [] })), 'request "parameters" must be an object, got []');
  });

  it('an input with neither data nor binary_data_size, or with both', () => {
    expect400(
      () => decode(digits, digitsBody({}, { data: undefined })),
      `input 'pixels' has neither "data" nor parameters.binary_data_size`,
    );
    const { body, headerLength } = binaryRequest(
      {
        inputs: [
          { name: 'pixels', shape: [1, 64], datatype: 'FP32', data: pixels, parameters: { binary_data_size: 256 } },
        ],
      },
      new Uint8Array(256),
    );
    expect400(
      () => decode(digits, body, headerLength),
      `input 'pixels' has both "data" and binary_data_size; send one`,
    );
  });

  it('the classification extension, which is not implemented', () => {
    const error = rejection(() =>
      decode(digits, digitsBody({ outputs: [{ name: 'logits', parameters: { classification: 3 } }] })),
    );
    expect(error.status).toBe(501);
    expect(error.message).toBe("output 'logits': the classification extension is not supported");
  });
});

describe('decodeInferRequest: bad binary requests', () => {
  const header = (size: number) => ({
    inputs: [{ name: 'pixels', shape: [1, 64], datatype: 'FP32', parameters: { binary_data_size: size } }],
  });

  it('a header length beyond the body', () => {
    const body = digitsBody();
    const error = rejection(() => decode(digits, body, body.length + 1));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      `Inference-Header-Content-Length is ${body.length + 1} bytes but the body has only ${body.length} bytes`,
    );
  });

  it('a binary_data_size that does not fit the shape', () => {
    const { body, headerLength } = binaryRequest(header(255), new Uint8Array(255));
    expect(rejection(() => decode(digits, body, headerLength)).message).toBe(
      "input 'pixels': binary_data_size is 255 bytes, shape [1, 64] of FP32 needs 256",
    );
  });

  it('sizes that do not add up to the binary section', () => {
    const short = binaryRequest(header(256), new Uint8Array(200));
    expect(rejection(() => decode(digits, short.body, short.headerLength)).message).toBe(
      `the binary section is 200 bytes (body ${short.body.length} minus header ${short.headerLength}) but the inputs' binary_data_size add up to 256`,
    );
    const long = binaryRequest(header(256), new Uint8Array(300));
    expect(rejection(() => decode(digits, long.body, long.headerLength)).message).toMatch(
      /^the binary section is 300 bytes .* add up to 256$/,
    );
    const unclaimed = binaryRequest(
      { inputs: [{ name: 'pixels', shape: [1, 64], datatype: 'FP32', data: pixels }] },
      new Uint8Array(8),
    );
    expect(rejection(() => decode(digits, unclaimed.body, unclaimed.headerLength)).message).toMatch(
      /^the binary section is 8 bytes .* add up to 0$/,
    );
  });

  it('binary_data_size without an Inference-Header-Content-Length header', () => {
    // The client forgot the header and sent only the JSON part: there is nowhere to read the bytes from.
    expect(rejection(() => decode(digits, json(header(256)))).message).toBe(
      "input 'pixels' has binary_data_size but the request has no Inference-Header-Content-Length header, so no binary section",
    );
  });

  it('BYTES elements that do not match the shape or their length prefixes', () => {
    const bytesInput = (serialized: Buffer, shape: number[]) =>
      binaryRequest(
        { inputs: [{ name: 't', shape, datatype: 'BYTES', parameters: { binary_data_size: serialized.length } }] },
        serialized,
      );
    const signature = oneInput('string', ['batch']);
    const two = bytesInput(serializeBytes(['a', 'b']), [3]);
    expect(rejection(() => decode(signature, two.body, two.headerLength)).message).toBe(
      "input 't': binary data holds 2 BYTES elements, its shape needs 3",
    );
    const three = bytesInput(serializeBytes(['a', 'b', 'c']), [2]);
    expect(rejection(() => decode(signature, three.body, three.headerLength)).message).toBe(
      "input 't': binary data holds more than the 2 BYTES elements its shape needs",
    );
    const lying = serializeBytes(['abc']);
    lying.writeUInt32LE(1000, 0);
    const overrun = bytesInput(lying, [1]);
    expect(rejection(() => decode(signature, overrun.body, overrun.headerLength)).message).toBe(
      "input 't': BYTES element 0 declares 1000 bytes but only 3 remain in its data",
    );
    const cut = bytesInput(Buffer.concat([serializeBytes(['a']), Buffer.from([1, 0])]), [2]);
    expect(rejection(() => decode(signature, cut.body, cut.headerLength)).message).toBe(
      "input 't': BYTES element 1 is cut off inside its 4-byte length prefix",
    );
  });
});
