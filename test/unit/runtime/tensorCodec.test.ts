// The codec as users meet it: JSON they write becomes the right bytes, and every mistake gets a one-line
// message that names the input, the index and what the model expected.
import { describe, expect, it } from 'vitest';
import type { TensorSignature } from '../../../src-shared/contract/modelInspection';
import {
  checkInputNames,
  closestName,
  decodeOutput,
  decodeOutputFlat,
  encodeFlatInput,
  encodeInput,
  encodeInputs,
  type DimBindings,
} from '../../../src-main/engine/runtime/tensorCodec';
import { TensorCodecError } from '../../../src-main/engine/runtime/tensorCodecError';
import type { WireTensor } from '../../../src-main/engine/runtime/wireTensor';
import { sig } from '../../helpers/signatures';
import { thrown } from '../../helpers/thrown';

const textInputs = [
  sig('input_ids', 'int64', ['batch', 'sequence']),
  sig('attention_mask', 'int64', ['batch', 'sequence']),
];

const errorOf = (fn: () => unknown) => thrown(fn, TensorCodecError);

function bytesOf(t: WireTensor): number[] {
  if (!(t.data instanceof ArrayBuffer)) throw new Error('not a buffer');
  return Array.from(new Uint8Array(t.data));
}

describe('encodeInput: shapes', () => {
  it('infers the shape from the nesting and stores row-major float32', () => {
    const t = encodeInput(sig('x', 'float32', ['batch', 4]), [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(t).toMatchObject({ name: 'x', type: 'float32', dims: [2, 4] });
    expect(Array.from(new Float32Array(t.data as ArrayBuffer))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((t.data as ArrayBuffer).byteLength).toBe(32);
  });

  it('takes a bare value for a rank-0 input', () => {
    const t = encodeInput(sig('t', 'float64', []), 0.25);
    expect(t.dims).toEqual([]);
    expect(Array.from(new Float64Array(t.data as ArrayBuffer))).toEqual([0.25]);
  });

  it('accepts any shape when the model does not declare a rank', () => {
    expect(encodeInput(sig('any', 'int32', null), [[[1]], [[2]]]).dims).toEqual([2, 1, 1]);
  });

  it('names the row that has the wrong number of values for a fixed dim', () => {
    const e = errorOf(() => encodeInput(sig('pixels', 'float32', ['batch', 64]), [new Array(63).fill(0)]));
    expect(e.message).toBe("input 'pixels': expected 64 values in dim 1, got 63 (at [0])");
    expect(e.tensor).toBe('pixels');
    const second = errorOf(() =>
      encodeInput(sig('pixels', 'float32', ['batch', 64]), [new Array(64).fill(0), new Array(63).fill(0)]),
    );
    expect(second.message).toBe("input 'pixels': expected 64 values in dim 1, got 63 (at [1])");
  });

  it('rejects the wrong rank and shows the expected shape', () => {
    const e = errorOf(() => encodeInput(sig('x', 'float32', ['batch', 4]), [[[1, 2, 3, 4]]]));
    expect(e.message).toBe("input 'x': rank 3 given, the model expects rank 2 [batch, 4]");
  });

  it('hints at the missing batch axis when one sample is given without it', () => {
    const e = errorOf(() => encodeInput(sig('x', 'float32', ['batch', 4]), [1, 2, 3, 4]));
    expect(e.message).toBe(
      "input 'x': rank 1 given, the model expects rank 2 [batch, 4]; for one sample, wrap it in [ ] to add the batch axis",
    );
  });

  it('reports ragged arrays with both paths', () => {
    const x = sig('x', 'float32', ['batch', 'features']);
    const e = errorOf(() =>
      encodeInput(x, [
        [1, 2, 3, 4],
        [1, 2, 3, 4],
        [1, 2, 3],
      ]),
    );
    expect(e.message).toBe("input 'x': ragged array: [2] has 3 elements, [0] has 4");
    expect(errorOf(() => encodeInput(x, [[1, 2], 3])).message).toBe(
      "input 'x': ragged array: [1] is a value, [0] has 2 elements",
    );
    expect(
      errorOf(() =>
        encodeInput(x, [
          [1, 2],
          [3, [4]],
        ]),
      ).message,
    ).toBe("input 'x': ragged array: [1][1] is an array, [0][0] is a value");
  });

  it('binds symbolic dims into the bindings passed along, naming the input that set them', () => {
    const bindings: DimBindings = {};
    encodeInput(textInputs[0] as TensorSignature, [new Array(32).fill(1)], bindings);
    expect(bindings).toEqual({ batch: 1, sequence: 32 });
    const e = errorOf(() => encodeInput(textInputs[1] as TensorSignature, [new Array(16).fill(1)], bindings));
    expect(e.message).toBe("input 'attention_mask': dim 1 'sequence' is 16 here but 32 in 'input_ids'");
  });

  it('checks a symbol used twice in one input, and sizes fixed by the caller', () => {
    const square = sig('m', 'float32', ['n', 'n']);
    expect(errorOf(() => encodeInput(square, [[1, 2]])).message).toBe("input 'm': dim 1 'n' is 2 here but 1 in dim 0");
    expect(errorOf(() => encodeInput(square, [[1]], { n: 3 })).message).toBe(
      "input 'm': dim 0 'n' is 1 here but 'n' is set to 3 for this request",
    );
  });

  it('rejects inputs that are not tensors or have types JS cannot build', () => {
    const seq: TensorSignature = { name: 's', kind: 'sequence', elementType: 'sequence(float32)', shape: null };
    expect(errorOf(() => encodeInput(seq, [1])).message).toBe(
      "input 's' is a sequence (sequence(float32)); Slipway can only feed tensor inputs",
    );
    expect(errorOf(() => encodeInput(sig('b', 'bfloat16', [1]), [1])).message).toBe(
      "input 'b' has element type bfloat16, which onnxruntime-node cannot feed from JavaScript",
    );
  });
});

describe('encodeInput: elements', () => {
  it('checks integer ranges from the dtype table', () => {
    const e = errorOf(() => encodeInput(sig('flags', 'uint8', ['batch', 4]), [[0, 1, 300, 3]]));
    expect(e.message).toBe("input 'flags' [0][2]: 300 is out of range for uint8 (0..255)");
    expect(e.path).toEqual([0, 2]);
    expect(errorOf(() => encodeInput(sig('v', 'int8', [2]), [-128, -129])).message).toBe(
      "input 'v' [1]: -129 is out of range for int8 (-128..127)",
    );
    expect(errorOf(() => encodeInput(sig('v', 'uint64', [1]), [-1])).message).toBe(
      "input 'v' [0]: -1 is out of range for uint64 (0..18446744073709551615)",
    );
    expect(errorOf(() => encodeInput(sig('v', 'int64', [1]), ['9223372036854775808'])).message).toBe(
      `input 'v' [0]: "9223372036854775808" is out of range for int64 (-9223372036854775808..9223372036854775807)`,
    );
    const edges = encodeInput(sig('v', 'int32', [2]), [-2147483648, 2147483647]);
    expect(Array.from(new Int32Array(edges.data as ArrayBuffer))).toEqual([-2147483648, 2147483647]);
  });

  it('rejects non-integers for integer types', () => {
    expect(errorOf(() => encodeInput(sig('count', 'int32', ['batch']), [1.5])).message).toBe(
      "input 'count' [0]: 1.5 is not an integer (int32)",
    );
    expect(errorOf(() => encodeInput(sig('count', 'int16', ['batch']), ['7'])).message).toBe(
      `input 'count' [0]: "7" is not an integer (int16) (write numbers without quotes)`,
    );
    expect(errorOf(() => encodeInput(sig('count', 'int64', ['batch']), ['1.5'])).message).toBe(
      `input 'count' [0]: "1.5" is not an integer (int64) (write numbers without quotes)`,
    );
    expect(errorOf(() => encodeInput(sig('count', 'int32', ['batch']), [true])).message).toBe(
      "input 'count' [0]: true is not an integer (int32)",
    );
  });

  it('rejects non-numbers for float types and accepts the non-finite spellings', () => {
    const x = sig('x', 'float32', ['batch', 4]);
    const e = errorOf(() =>
      encodeInput(x, [
        [1, 2, 3, 4],
        [1, 2, 3, 'abc'],
      ]),
    );
    expect(e.message).toBe(`input 'x' [1][3]: "abc" is not a number`);
    expect(errorOf(() => encodeInput(x, [[1, 2, 3, null]])).message).toBe("input 'x' [0][3]: null is not a number");
    expect(errorOf(() => encodeInput(x, [[1, 2, 3, '2.5']])).message).toBe(
      `input 'x' [0][3]: "2.5" is not a number (write numbers without quotes)`,
    );
    const t = encodeInput(x, [['NaN', 'Infinity', '-Infinity', -0]]);
    const values = Array.from(new Float32Array(t.data as ArrayBuffer));
    expect(values[0]).toBeNaN();
    expect(values.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Object.is(values[3], -0)).toBe(true);
  });

  it('refuses finite values that would only fit as infinity', () => {
    expect(errorOf(() => encodeInput(sig('x', 'float32', [1]), [1e39])).message).toBe(
      "input 'x' [0]: 1e+39 is out of range for float32 (±3.4028234663852886e+38)",
    );
    expect(errorOf(() => encodeInput(sig('h', 'float16', [1]), [70000])).message).toBe(
      "input 'h' [0]: 70000 is out of range for float16 (±65504)",
    );
    // 65519 still rounds to the largest half rather than overflowing.
    expect(Array.from(new Uint16Array(encodeInput(sig('h', 'float16', [1]), [65519]).data as ArrayBuffer))).toEqual([
      0x7bff,
    ]);
  });

  it('stores float16 as half bits', () => {
    const t = encodeInput(sig('h', 'float16', [4]), [1, -2, 0.1, 'Infinity']);
    expect(Array.from(new Uint16Array(t.data as ArrayBuffer))).toEqual([0x3c00, 0xc000, 0x2e66, 0x7c00]);
  });

  it('accepts true/false and 1/0 for bool, one byte each', () => {
    const t = encodeInput(sig('flags', 'bool', [4]), [true, false, 1, 0]);
    expect(bytesOf(t)).toEqual([1, 0, 1, 0]);
    expect(errorOf(() => encodeInput(sig('flags', 'bool', [1]), [2])).message).toBe(
      "input 'flags' [0]: 2 is not a boolean (use true/false or 1/0)",
    );
    expect(errorOf(() => encodeInput(sig('flags', 'bool', [1]), ['true'])).message).toBe(
      `input 'flags' [0]: "true" is not a boolean (use true/false or 1/0)`,
    );
  });

  it('takes int64 beyond 2^53 as decimal strings or bigint, and refuses rounded numbers', () => {
    const ids = sig('ids', 'int64', [4]);
    const t = encodeInput(ids, ['9007199254740993', -5, 9007199254740993n, '-9223372036854775808']);
    expect(Array.from(new BigInt64Array(t.data as ArrayBuffer))).toEqual([
      9007199254740993n,
      -5n,
      9007199254740993n,
      -9223372036854775808n,
    ]);
    const u = encodeInput(sig('u', 'uint64', [1]), ['18446744073709551615']);
    expect(Array.from(new BigUint64Array(u.data as ArrayBuffer))).toEqual([18446744073709551615n]);
    expect(errorOf(() => encodeInput(ids, [1, 2, 3, 2 ** 60])).message).toBe(
      `input 'ids' [3]: ${2 ** 60} is beyond ±2^53 and may have lost precision; send int64 values this large as decimal strings`,
    );
  });

  it('takes strings for string tensors only', () => {
    const t = encodeInput(sig('text', 'string', ['batch']), ['hello', 'wörld', '']);
    expect(t.data).toEqual(['hello', 'wörld', '']);
    expect(errorOf(() => encodeInput(sig('text', 'string', ['batch']), ['a', 5])).message).toBe(
      "input 'text' [1]: 5 is not a string",
    );
  });

  it('names a rank-0 element error without an index', () => {
    expect(errorOf(() => encodeInput(sig('t', 'float32', []), 'x')).message).toBe(`input 't': "x" is not a number`);
  });
});

describe('encodeFlatInput', () => {
  const x = sig('x', 'float32', ['batch', 4]);

  it('builds the tensor from flat data and a shape', () => {
    const t = encodeFlatInput(x, [1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    expect(t.dims).toEqual([2, 4]);
    expect(Array.from(new Float32Array(t.data as ArrayBuffer))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('checks the value count against the shape', () => {
    expect(errorOf(() => encodeFlatInput(x, [1, 2, 3, 4, 5, 6, 7], [2, 4])).message).toBe(
      "input 'x': shape [2, 4] needs 8 values, got 7",
    );
  });

  it('checks the shape against the signature', () => {
    expect(errorOf(() => encodeFlatInput(x, new Array(10).fill(0), [2, 5])).message).toBe(
      "input 'x': dim 1 is 5, the model expects 4",
    );
    expect(errorOf(() => encodeFlatInput(x, [0, 0, 0, 0], [4])).message).toBe(
      "input 'x': rank 1 given, the model expects rank 2 [batch, 4]; for one sample, wrap it in [ ] to add the batch axis",
    );
    expect(errorOf(() => encodeFlatInput(x, [], [2, -1])).message).toBe(
      "input 'x': shape must be a list of non-negative integers, got [2,-1]",
    );
  });

  it('names the flat index of a bad element', () => {
    const e = errorOf(() => encodeFlatInput(x, [1, 2, 3, 4, 5, 'abc', 7, 8], [2, 4]));
    expect(e.message).toBe(`input 'x' [5]: "abc" is not a number`);
    expect(e.path).toEqual([5]);
    expect(errorOf(() => encodeFlatInput(x, [1, 2, 3, [4]], [1, 4])).message).toBe(
      "input 'x' [3]: [4] is not a number",
    );
  });

  it('shares symbolic bindings with nested inputs of the same request', () => {
    const bindings: DimBindings = {};
    encodeFlatInput(textInputs[0] as TensorSignature, new Array(8).fill(1), [2, 4], bindings);
    expect(
      errorOf(() => encodeFlatInput(textInputs[1] as TensorSignature, new Array(6).fill(1), [2, 3], bindings)).message,
    ).toBe("input 'attention_mask': dim 1 'sequence' is 3 here but 4 in 'input_ids'");
  });

  it('allows empty tensors', () => {
    const t = encodeFlatInput(x, [], [0, 4]);
    expect(t.dims).toEqual([0, 4]);
    expect((t.data as ArrayBuffer).byteLength).toBe(0);
  });
});

describe('encodeInputs', () => {
  const digits = [sig('pixels', 'float32', ['batch', 64])];

  it('encodes every input in the model order', () => {
    const tensors = encodeInputs(textInputs, { attention_mask: [[1, 1, 0]], input_ids: [[5, 6, 0]] });
    expect(tensors.map((t) => [t.name, t.dims])).toEqual([
      ['input_ids', [1, 3]],
      ['attention_mask', [1, 3]],
    ]);
  });

  it('suggests the closest name for an unknown input', () => {
    expect(errorOf(() => encodeInputs(digits, { pixel: [new Array(64).fill(0)] })).message).toBe(
      "unknown input 'pixel'; the model's inputs are: pixels (did you mean 'pixels'?)",
    );
    expect(errorOf(() => encodeInputs(digits, { image: [] })).message).toBe(
      "unknown input 'image'; the model's inputs are: pixels",
    );
  });

  it('names missing inputs with what they should be', () => {
    const e = errorOf(() => encodeInputs(textInputs, { input_ids: [[1, 2]] }));
    expect(e.message).toContain("missing input 'attention_mask'");
    expect(e.message).toBe("missing input 'attention_mask' (int64 [batch, sequence])");
    expect(errorOf(() => encodeInputs(textInputs, {})).message).toBe(
      "missing inputs 'input_ids' (int64 [batch, sequence]), 'attention_mask' (int64 [batch, sequence])",
    );
  });

  it('checks symbolic dims across inputs and against caller bindings, without changing them', () => {
    const e = errorOf(() =>
      encodeInputs(textInputs, { input_ids: [new Array(32).fill(1)], attention_mask: [new Array(16).fill(1)] }),
    );
    expect(e.message).toBe("input 'attention_mask': dim 1 'sequence' is 16 here but 32 in 'input_ids'");
    const fixed = { sequence: 4 };
    expect(errorOf(() => encodeInputs(textInputs, { input_ids: [[1]], attention_mask: [[1]] }, fixed)).message).toBe(
      "input 'input_ids': dim 1 'sequence' is 1 here but 'sequence' is set to 4 for this request",
    );
    expect(fixed).toEqual({ sequence: 4 });
  });

  it('rejects a body that is not an object of inputs', () => {
    expect(errorOf(() => encodeInputs(digits, [1, 2] as unknown as Record<string, unknown>)).message).toBe(
      "inputs must be an object keyed by input name; the model's inputs are: pixels",
    );
  });

  it('exposes the name checks and suggestions for other front ends', () => {
    expect(() => checkInputNames(textInputs, ['input_ids', 'attention_mask'])).not.toThrow();
    expect(closestName('mask', ['input_ids', 'attention_mask'])).toBe('attention_mask');
    expect(closestName('Input_IDs', ['input_ids', 'attention_mask'])).toBe('input_ids');
    expect(closestName('zzz', ['input_ids'])).toBeUndefined();
  });
});

describe('decodeOutput', () => {
  const wire = (type: WireTensor['type'], dims: number[], data: ArrayBuffer | string[]): WireTensor => ({
    name: 'out',
    type,
    dims,
    data,
  });

  it('nests row-major data by the shape', () => {
    const t = wire('int32', [2, 3], new Int32Array([1, 2, 3, 4, 5, 6]).buffer);
    expect(decodeOutput(t)).toEqual({
      name: 'out',
      elementType: 'int32',
      shape: [2, 3],
      data: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
    expect(decodeOutputFlat(t).data).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives rank 0 as a bare value and keeps empty dims', () => {
    expect(decodeOutput(wire('float64', [], new Float64Array([2.5]).buffer)).data).toBe(2.5);
    expect(decodeOutput(wire('float32', [2, 0], new ArrayBuffer(0))).data).toEqual([[], []]);
  });

  it('prints float32 and float16 as the shortest decimal that reads back to the same bits', () => {
    const f32 = decodeOutputFlat(wire('float32', [3], new Float32Array([0.1, 1 / 3, 16777216]).buffer)).data;
    expect(f32).toEqual([0.1, 0.33333334, 16777216]);
    expect(Math.fround(f32[1] as number)).toBe(Math.fround(1 / 3));
    const f16 = decodeOutputFlat(wire('float16', [4], new Uint16Array([0x2e66, 0x3c00, 0x0001, 0x7bff]).buffer)).data;
    expect(f16).toEqual([0.1, 1, 6e-8, 65504]);
  });

  it('spells non-finite floats as the strings the encoder accepts', () => {
    const t = wire('float64', [3], new Float64Array([NaN, Infinity, -Infinity]).buffer);
    expect(decodeOutputFlat(t).data).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(decodeOutputFlat(wire('float16', [2], new Uint16Array([0x7e00, 0xfc00]).buffer)).data).toEqual([
      'NaN',
      '-Infinity',
    ]);
  });

  it('gives int64 as numbers while safe and as decimal strings beyond 2^53', () => {
    const t = wire('int64', [4], new BigInt64Array([5n, -9007199254740991n, 9007199254740992n, -(2n ** 63n)]).buffer);
    expect(decodeOutputFlat(t).data).toEqual([5, -9007199254740991, '9007199254740992', '-9223372036854775808']);
    const u = wire('uint64', [2], new BigUint64Array([7n, 2n ** 64n - 1n]).buffer);
    expect(decodeOutputFlat(u).data).toEqual([7, '18446744073709551615']);
  });

  it('gives bool as true/false and strings as they are', () => {
    expect(decodeOutput(wire('bool', [3], new Uint8Array([1, 0, 1]).buffer)).data).toEqual([true, false, true]);
    expect(decodeOutput(wire('string', [1, 2], ['a', 'b'])).data).toEqual([['a', 'b']]);
  });

  it('refuses a buffer whose size does not match the shape', () => {
    expect(errorOf(() => decodeOutput(wire('float32', [2, 2], new ArrayBuffer(12)))).message).toBe(
      "tensor 'out': 12 bytes given, shape [2, 2] of float32 needs 16 bytes",
    );
  });
});
