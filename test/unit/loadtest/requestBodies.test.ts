// The request bodies a load test cycles: built once from synthetic inputs, each decodes at the endpoint (JSON
// and Triton binary alike) to exactly the tensors it was built from.
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src-shared/contract';
import { prepareInputs, encodeRequest } from '../../../src-main/engine/loadtest/requestBodies';
import { decodeInferRequest, DEFAULT_WIRE_LIMITS } from '../../../src-main/engine/serving/decodeInferRequest';
import type { WireTensor } from '../../../src-main/engine/runtime/wireTensor';
import { makeSyntheticInputs } from '../../../src-main/engine/runtime/syntheticInputs';
import { sig } from '../../helpers/signatures';
import { thrown } from '../../helpers/thrown';
import { UserError } from '../../../src-main/engine/userError';

const digits: ModelSignature = { inputs: [sig('pixels', 'float32', ['batch', 64])], outputs: [] };
const text: ModelSignature = {
  inputs: [sig('input_ids', 'int64', ['batch', 'sequence']), sig('attention_mask', 'int64', ['batch', 'sequence'])],
  outputs: [],
};
const mixed: ModelSignature = {
  inputs: [
    sig('x', 'float32', ['batch', 4]),
    sig('scale', 'float64', ['batch', 1]),
    sig('flags', 'bool', ['batch', 4]),
    sig('half', 'float16', ['batch', 2]),
    sig('small', 'uint8', ['batch', 3]),
    sig('words', 'string', ['batch', 2]),
  ],
  outputs: [],
};

/** Decodes a body as the data plane does, from the headers the generator sends with it. */
function decode(signature: ModelSignature, tensors: WireTensor[], protocol: 'json' | 'binary') {
  const { body, headers } = encodeRequest(tensors, protocol);
  const length = headers['inference-header-content-length'];
  return {
    headers,
    request: decodeInferRequest(Buffer.from(body), {
      signature,
      limits: DEFAULT_WIRE_LIMITS,
      headerLength: length === undefined ? undefined : Number(length),
    }),
  };
}

const bytesOf = (t: WireTensor) => (Array.isArray(t.data) ? t.data : [...new Uint8Array(t.data)]);

describe.each(['json', 'binary'] as const)('%s bodies', (protocol) => {
  it.each([
    ['digits-mlp (float32)', digits, {}],
    ['text-classifier (two int64 inputs, dynamic sequence)', text, { sequence: 16 }],
    ['every datatype: float32, float64, bool, float16, uint8, BYTES', mixed, { batch: 2 }],
  ])('%s decode to the exact tensors they were built from', (_name, signature, dims) => {
    const { tensors } = makeSyntheticInputs(signature.inputs, { fill: 'random', seed: 7, dims });
    const { request } = decode(signature, tensors, protocol);
    expect(request.inputs.map((t) => [t.name, t.type, t.dims])).toEqual(tensors.map((t) => [t.name, t.type, t.dims]));
    request.inputs.forEach((t, i) => expect(bytesOf(t)).toEqual(bytesOf(tensors[i]!)));
  });
});

describe('headers and output form', () => {
  it('JSON bodies are plain application/json and ask for JSON outputs', () => {
    const { tensors } = makeSyntheticInputs(digits.inputs, { fill: 'random', seed: 1 });
    const { headers, request } = decode(digits, tensors, 'json');
    expect(headers).toEqual({ 'content-type': 'application/json' });
    expect(request.binaryOutputDefault).toBe(false);
  });

  it('binary bodies carry Inference-Header-Content-Length and ask for binary outputs', () => {
    const { tensors } = makeSyntheticInputs(digits.inputs, { fill: 'random', seed: 1 });
    const { body, headers } = encodeRequest(tensors, 'binary');
    const headerLength = Number(headers['inference-header-content-length']);
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(body.length).toBe(headerLength + 64 * 4);
    expect(JSON.parse(Buffer.from(body).subarray(0, headerLength).toString())).toMatchObject({
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], parameters: { binary_data_size: 256 } }],
      parameters: { binary_data_output: true },
    });
    expect(decode(digits, tensors, 'binary').request.binaryOutputDefault).toBe(true);
  });

  it('a JSON request still sends FP16 in binary, as Triton requires, and the rest as JSON data', () => {
    const { tensors } = makeSyntheticInputs(mixed.inputs, { fill: 'random', seed: 3 });
    const { body, headers } = encodeRequest(tensors, 'json');
    const header = JSON.parse(
      Buffer.from(body).subarray(0, Number(headers['inference-header-content-length'])).toString(),
    );
    const byName = Object.fromEntries(header.inputs.map((i: { name: string }) => [i.name, i]));
    expect(byName.half.parameters).toEqual({ binary_data_size: 4 });
    expect(byName.x.data).toHaveLength(4);
    expect(header.parameters).toBeUndefined();
  });
});

describe('prepareInputs', () => {
  it('makes `variants` distinct seeded synthetic sets, the same every time', () => {
    const a = prepareInputs(digits, { kind: 'synthetic', fill: 'random', dims: {}, seed: 5, variants: 4 });
    const b = prepareInputs(digits, { kind: 'synthetic', fill: 'random', dims: {}, seed: 5, variants: 4 });
    expect(a.sets).toHaveLength(4);
    const first = a.sets.map((s) => bytesOf(s[0]!).join(','));
    expect(new Set(first).size).toBe(4);
    expect(b.sets.map((s) => bytesOf(s[0]!).join(','))).toEqual(first);
    expect(a.description).toMatch(/4 synthetic input sets \(random, seed 5, batch=1\)/);
  });

  it('zeros need only one set; dims size the symbolic axes', () => {
    const z = prepareInputs(text, {
      kind: 'synthetic',
      fill: 'zeros',
      dims: { sequence: 8, batch: 2 },
      seed: 0,
      variants: 16,
    });
    expect(z.sets).toHaveLength(1);
    expect(z.sets[0]!.map((t) => t.dims)).toEqual([
      [2, 8],
      [2, 8],
    ]);
  });

  it('refuses a dim the model does not have, naming the ones it has', () => {
    const error = thrown(
      () => prepareInputs(text, { kind: 'synthetic', fill: 'random', dims: { seq: 8 }, seed: 0, variants: 1 }),
      UserError,
    );
    expect(error.message).toMatch(/unknown dim 'seq'; the model's symbolic dims are: batch, sequence/);
  });
});
