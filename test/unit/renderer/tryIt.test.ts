// "Try it" on the Models page, its pure side: the symbolic dims it asks for, the shapes it says it will feed, the
// JSON template and what it says about pasted JSON, which sample files it offers, and how it shows the results
// (first values, formatted; top-k for a probabilities output).
import { describe, expect, it } from 'vitest';
import { inspectOnnxFile } from '../../../src-main/engine/onnx/inspectOnnxFile';
import { SampleFiles } from '../../../src-main/engine/sampleFiles';
import type { ModelSignature, TensorValue } from '../../../src-shared/contract';
import {
  VALUES_SHOWN,
  batchOfOne,
  boundShape,
  elementCountOf,
  firstValues,
  fittingSamples,
  formatValue,
  jsonTemplate,
  parsePastedValues,
  symbolicDims,
  topK,
} from '../../../src-renderer/src/models/tryIt';
import { RESOURCES, model } from '../../helpers/paths';
import { sig } from '../../helpers/signatures';

const signatureOf = (file: string): ModelSignature => {
  const { inputs, outputs } = inspectOnnxFile(model(file));
  return { inputs, outputs };
};
const digits = signatureOf('digits-mlp-v1.onnx');
const cancer = signatureOf('cancer-logreg-v1.onnx');
const multi = signatureOf('multi-dtype.onnx');
const text = signatureOf('text-classifier.onnx');
const squeezenet = signatureOf('squeezenet1_1.onnx');
const slow = signatureOf('slow-matmul.onnx');

const sampleFiles = new SampleFiles(`${RESOURCES}/data`);

/** The shape of a nested array as JSON holds it. */
const nestedShape = (value: unknown): number[] =>
  Array.isArray(value) ? [value.length, ...(value.length > 0 ? nestedShape(value[0]) : [])] : [];

const output = (name: string, shape: number[], data: unknown, elementType = 'float32'): TensorValue => ({
  name,
  elementType,
  shape,
  data,
});

describe('symbolicDims', () => {
  it('lists each symbolic dim once, in order of first use', () => {
    expect(symbolicDims(digits.inputs)).toEqual(['batch']);
    expect(symbolicDims(text.inputs)).toEqual(['batch', 'sequence']);
    expect(symbolicDims([sig('a', 'float32', ['n', 3]), sig('b', 'float32', ['m', 'n', 'k'])])).toEqual([
      'n',
      'm',
      'k',
    ]);
  });

  it('asks for nothing for fixed, unnamed or unknown-rank dims', () => {
    expect(
      symbolicDims([sig('a', 'float32', [2, 3]), sig('b', 'float32', [null, 4]), sig('c', 'int64', null)]),
    ).toEqual([]);
  });
});

describe('boundShape', () => {
  it('shows the shape fed once symbolic dims are given sizes', () => {
    expect(boundShape(['batch', 3, 224, 224], { batch: 4 })).toBe('[4, 3, 224, 224]');
    expect(boundShape(text.inputs[0]!.shape, { batch: 2, sequence: 16 })).toBe('[2, 16]');
  });

  it('keeps the name of a dim not yet bound and shows an unnamed dim as ?', () => {
    expect(boundShape(['batch', 'sequence'], { batch: 1 })).toBe('[1, sequence]');
    expect(boundShape([null, 4], { batch: 8 })).toBe('[?, 4]');
  });

  it('says so when the rank is unknown, and shows a scalar as []', () => {
    expect(boundShape(null, {})).toBe('(unknown rank)');
    expect(boundShape([], {})).toBe('[]');
  });
});

describe('jsonTemplate', () => {
  it('fills a small input with zeros in its shape, symbolic dims as 1', () => {
    const template = jsonTemplate(digits.inputs);
    const parsed = JSON.parse(template) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['pixels']);
    expect(nestedShape(parsed.pixels)).toEqual([1, 64]);
    expect(parsed.pixels).toEqual([new Array(64).fill(0)]);
  });

  it('writes one input per line, in the model order', () => {
    expect(jsonTemplate(multi.inputs)).toBe(
      ['{', '  "x": [[0,0,0,0]],', '  "scale": [[0]],', '  "flags": [[false,false,false,false]]', '}'].join('\n'),
    );
  });

  it('uses the zero of each type: 0, false, or "" for strings', () => {
    const parsed = JSON.parse(
      jsonTemplate([
        sig('n', 'int64', [2]),
        sig('b', 'bool', [1, 2]),
        sig('s', 'string', ['batch']),
        sig('k', 'float32', []),
      ]),
    ) as Record<string, unknown>;
    expect(parsed).toEqual({ n: [0, 0], b: [[false, false]], s: [''], k: 0 });
  });

  it('leaves an empty array to paste into for an input over 256 elements or of unknown rank', () => {
    expect(JSON.parse(jsonTemplate(squeezenet.inputs))).toEqual({ image: [] });
    expect(JSON.parse(jsonTemplate(slow.inputs))).toEqual({ x: [] });
    expect(JSON.parse(jsonTemplate([sig('u', 'float32', null)]))).toEqual({ u: [] });
    expect(nestedShape((JSON.parse(jsonTemplate([sig('e', 'float32', [16, 16])])) as { e: unknown }).e)).toEqual([
      16, 16,
    ]);
    expect(JSON.parse(jsonTemplate([sig('e', 'float32', [257])]))).toEqual({ e: [] });
  });

  it('is accepted as pasted values for the same model', () => {
    for (const signature of [digits, cancer, multi, text, squeezenet]) {
      const parsed = parsePastedValues(jsonTemplate(signature.inputs), signature.inputs);
      expect(parsed.ok).toBe(true);
    }
  });
});

describe('parsePastedValues', () => {
  it('reads an object keyed by input name', () => {
    expect(parsePastedValues('{"pixels": [[1, 2, 3]]}', digits.inputs)).toEqual({
      ok: true,
      values: { pixels: [[1, 2, 3]] },
    });
  });

  it('accepts an object naming only some of the inputs', () => {
    expect(parsePastedValues('{"x": [[1, 2, 3, 4]]}', multi.inputs)).toEqual({
      ok: true,
      values: { x: [[1, 2, 3, 4]] },
    });
  });

  it('says the box is empty', () => {
    const expected = { ok: false, error: 'Paste JSON: the box is empty; expected {"<input>": [...]}.' };
    expect(parsePastedValues('', digits.inputs)).toEqual(expected);
    expect(parsePastedValues(' \n\t', digits.inputs)).toEqual(expected);
  });

  it('says the text is not JSON, with the parser reason', () => {
    const parsed = parsePastedValues('{"pixels": [1, 2,', digits.inputs);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(/^Paste JSON: not valid JSON \(.+\)\.$/);
    let reason = '';
    try {
      JSON.parse('{"pixels": [1, 2,');
    } catch (error) {
      reason = (error as Error).message;
    }
    expect(parsed.error).toBe(`Paste JSON: not valid JSON (${reason}).`);
  });

  it.each(['[[1, 2]]', '42', '"pixels"', 'null', 'true'])('wants an object, not %s', (pasted) => {
    expect(parsePastedValues(pasted, digits.inputs)).toEqual({
      ok: false,
      error: 'Paste JSON: expected an object {"<input>": nested array}, one key per input.',
    });
  });

  it('names the inputs the model does not have and the ones it does', () => {
    expect(parsePastedValues('{"image": [], "pixels": [], "label": 3}', digits.inputs)).toEqual({
      ok: false,
      error: "Paste JSON: the model has no input 'image', 'label'; its inputs are 'pixels'.",
    });
    expect(parsePastedValues('{"ids": []}', text.inputs)).toEqual({
      ok: false,
      error: "Paste JSON: the model has no input 'ids'; its inputs are 'input_ids', 'attention_mask'.",
    });
  });
});

describe('fittingSamples', () => {
  const files = (signature: ModelSignature) =>
    fittingSamples(sampleFiles.list(), signature.inputs)
      .map((s) => s.file)
      .sort();

  it('offers the shipped sample files whose rows carry exactly the model inputs', () => {
    expect(files(digits)).toEqual(['digits_live_drift.jsonl', 'digits_live_same.jsonl', 'digits_reference.jsonl']);
    expect(files(cancer)).toEqual(['cancer_live_drift.jsonl', 'cancer_live_same.jsonl', 'cancer_reference.jsonl']);
    expect(files(multi)).toEqual(['multi_dtype_samples.jsonl']);
    expect(files(text)).toEqual(['text_samples.jsonl']);
    expect(files(slow)).toEqual(['slow_samples.jsonl']);
    expect(files(squeezenet)).toEqual([]);
  });

  it('matches names in any order, and offers nothing for a subset or a superset of the inputs', () => {
    const samples = [
      { file: 'both.jsonl', rows: 2, inputs: ['b', 'a'], hasLabel: false },
      { file: 'a.jsonl', rows: 2, inputs: ['a'], hasLabel: false },
      { file: 'abc.jsonl', rows: 2, inputs: ['a', 'b', 'c'], hasLabel: true },
    ];
    const inputs = [sig('a', 'float32', [1]), sig('b', 'float32', [1])];
    expect(fittingSamples(samples, inputs).map((s) => s.file)).toEqual(['both.jsonl']);
    expect(fittingSamples(samples, [text.inputs[0]!])).toEqual([]);
  });
});

describe('batchOfOne', () => {
  it('gives each input of a sample row a leading batch axis of 1', () => {
    expect(batchOfOne({ x: [1, 2], scale: [0.5], flags: [true] })).toEqual({
      x: [[1, 2]],
      scale: [[0.5]],
      flags: [[true]],
    });
    expect(batchOfOne({ s: 3 })).toEqual({ s: [3] });
    expect(batchOfOne({})).toEqual({});
  });

  it('turns a shipped sample row into the rank the model takes', () => {
    for (const [file, signature] of [
      ['text_samples.jsonl', text],
      ['digits_reference.jsonl', digits],
      ['multi_dtype_samples.jsonl', multi],
    ] as const) {
      const values = batchOfOne(sampleFiles.row(file, 0).inputs);
      for (const input of signature.inputs) {
        const shape = nestedShape(values[input.name]);
        expect(shape.length, `${file} ${input.name}`).toBe(input.shape!.length);
        expect(shape[0]).toBe(1);
        input.shape!.forEach((d, i) => {
          if (typeof d === 'number') expect(shape[i], `${file} ${input.name} dim ${i}`).toBe(d);
        });
      }
    }
  });
});

describe('firstValues and elementCountOf', () => {
  it('shows the first 20 values in row-major order', () => {
    const data = Array.from({ length: 3 }, (_, r) => Array.from({ length: 10 }, (_, c) => r * 10 + c));
    expect(VALUES_SHOWN).toBe(20);
    expect(firstValues(data)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(elementCountOf([3, 10])).toBe(30);
  });

  it('shows all of a short tensor, a scalar as one value, and honours another limit', () => {
    expect(firstValues([[1, 2], [3]])).toEqual([1, 2, 3]);
    expect(firstValues(7)).toEqual([7]);
    expect(firstValues([])).toEqual([]);
    expect(firstValues([[[1, 2, 3]], [[4, 5, 6]]], 4)).toEqual([1, 2, 3, 4]);
    expect(elementCountOf([])).toBe(1);
    expect(elementCountOf([4, 0, 2])).toBe(0);
  });

  it('collects no more than the limit from a large tensor', () => {
    const huge = Array.from({ length: 1000 }, () => Array.from({ length: 1000 }, () => 1));
    expect(firstValues(huge, 3)).toEqual([1, 1, 1]);
  });
});

describe('formatValue', () => {
  it.each<[unknown, string, string]>([
    [3, 'float32', '3'],
    [0, 'float32', '0'],
    [-0, 'float32', '0'],
    [0.123456789, 'float32', '0.12346'],
    [-2.718281828, 'float64', '-2.7183'],
    [12345.678, 'float32', '12346'],
    [0.00001234, 'float32', '1.234e-5'],
    [-0.00001234, 'float16', '-1.234e-5'],
    [1234567.5, 'float32', '1.235e+6'],
    [1e6, 'float32', '1000000'],
    [0.0001, 'float32', '0.0001'],
    [NaN, 'float32', 'NaN'],
    [123456789, 'int64', '123456789'],
    ['9007199254740993', 'int64', '9007199254740993'],
    [true, 'bool', 'true'],
    ['hello', 'string', '"hello"'],
    ['say "hi"', 'string', '"say \\"hi\\""'],
    [null, 'float32', 'null'],
    [undefined, 'float32', 'undefined'],
  ])('shows %j (%s) as %s', (value, elementType, shown) => {
    expect(formatValue(value, elementType)).toBe(shown);
  });
});

describe('topK', () => {
  const digitsProbabilities = [0.01, 0.02, 0.05, 0.5, 0.03, 0.2, 0.04, 0.1, 0.03, 0.02];

  it('ranks the classes of a probabilities output, highest first, five by default', () => {
    const ranked = topK(output('probabilities', [1, 10], [digitsProbabilities]));
    expect(ranked).toEqual({
      row: 0,
      rows: 1,
      classes: [
        { index: 3, probability: 0.5 },
        { index: 5, probability: 0.2 },
        { index: 7, probability: 0.1 },
        { index: 2, probability: 0.05 },
        { index: 6, probability: 0.04 },
      ],
    });
    expect(topK(output('probabilities', [1, 10], [digitsProbabilities]), 2)?.classes.map((c) => c.index)).toEqual([
      3, 5,
    ]);
  });

  it('ranks the first row of a batch and says how many rows there were', () => {
    const ranked = topK(
      output(
        'probabilities',
        [3, 2],
        [
          [0.2, 0.8],
          [0.9, 0.1],
          [0.5, 0.5],
        ],
      ),
    );
    expect(ranked).toEqual({
      row: 0,
      rows: 3,
      classes: [
        { index: 1, probability: 0.8 },
        { index: 0, probability: 0.2 },
      ],
    });
  });

  it('knows the outputs of the demo models by name: probabilities yes, logits and labels no', () => {
    expect(cancer.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(topK(output('probabilities', [1, 2], [[0.3, 0.7]]))?.classes[0]).toEqual({ index: 1, probability: 0.7 });
    expect(topK(output('label', [1], [1], 'int64'))).toBeNull();
    expect(topK(output('logits', [1, 10], [[-2.1, 0.3, 4.5, -0.7, 1.2, 0.1, -3.3, 2.2, 0.9, -1.4]]))).toBeNull();
    expect(topK(output('logits', [1, 4], [[1.5, -0.5, 0.25, 3]]))).toBeNull();
  });

  it('also matches probs and softmax in the name, whatever the case', () => {
    for (const name of ['probs', 'class_probs:0', 'Softmax_out', 'output_PROBABILITIES'])
      expect(topK(output(name, [1, 3], [[0.1, 0.6, 0.3]]))?.classes[0]?.index, name).toBe(1);
  });

  it('ranks an unnamed float [1, N] output whose row is a distribution, within rounding', () => {
    expect(topK(output('y', [1, 3], [[0.2, 0.3, 0.5]]))?.classes.map((c) => c.index)).toEqual([2, 1, 0]);
    expect(topK(output('y', [1, 2], [[0.4999, 0.5]]))).not.toBeNull();
    expect(topK(output('y', [1, 3], [[0.2, 0.3, 0.4]]))).toBeNull();
    expect(
      topK(
        output(
          'y',
          [2, 2],
          [
            [0.5, 0.5],
            [0.5, 0.5],
          ],
        ),
      ),
    ).toBeNull();
  });

  it('refuses a named output holding values outside [0, 1]', () => {
    expect(topK(output('probabilities', [1, 3], [[0.5, 1.5, -1]]))).toBeNull();
    expect(topK(output('probabilities', [1, 2], [[NaN, 1]]))).toBeNull();
  });

  it('is null for anything that is not a float [rows, classes] tensor of numbers', () => {
    expect(topK(output('probabilities', [1, 3], [[0, 1, 0]], 'int64'))).toBeNull();
    expect(topK(output('probabilities', [3], [0.2, 0.3, 0.5]))).toBeNull();
    expect(topK(output('probabilities', [1, 1, 3], [[[0.2, 0.3, 0.5]]]))).toBeNull();
    expect(topK(output('probabilities', [1, 1], [[1]]))).toBeNull();
    expect(topK(output('probabilities', [0, 3], []))).toBeNull();
    expect(topK(output('probabilities', [1, 2], [['0.5', '0.5']]))).toBeNull();
    expect(topK(output('probabilities', [1, 2], 'not an array'))).toBeNull();
  });

  it('keeps the lower class first on a tie', () => {
    expect(topK(output('probabilities', [1, 4], [[0.25, 0.25, 0.25, 0.25]]), 3)?.classes.map((c) => c.index)).toEqual([
      0, 1, 2,
    ]);
  });
});
