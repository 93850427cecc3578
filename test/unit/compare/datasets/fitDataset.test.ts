// "A dataset that doesn't fit the model" is a clear error naming every input or column at fault: a missing
// input, a count or shape mismatch, values an integer or bool input cannot take, a type a dataset cannot feed;
// an extra input or NaN into a float input is only a warning.
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../../src-shared/contract';
import { fitDataset, fitInputs } from '../../../../src-main/engine/compare/datasets/fitDataset';
import { data } from '../../../helpers/paths';
import { importError, openDatasets, type TestDatasets } from './openDatasets';

let t: TestDatasets;
afterEach(() => t?.close());

const signatureOf = (name: string): ModelSignature => {
  const v = t.library.get({ name });
  return { inputs: v.inspection.inputs, outputs: v.inspection.outputs };
};

describe('fitting a dataset to a model', () => {
  it('the fixtures fit their models and not each other', async () => {
    t = openDatasets({ models: true });
    const digits = await t.datasets.import(data('digits_reference.jsonl'), { name: 'digits' });
    const cancer = await t.datasets.import(data('cancer_reference.jsonl'), { name: 'cancer' });
    expect(t.datasets.fit('digits', signatureOf('digits-mlp'))).toEqual({
      fits: true,
      problems: [],
      mapping: [{ input: 'pixels', columns: ['pixels'] }],
    });
    expect(fitDataset(cancer, signatureOf('cancer-logreg')).fits).toBe(true);
    const wrong = fitDataset(digits, signatureOf('cancer-logreg'));
    expect(wrong.fits).toBe(false);
    expect(wrong.problems).toEqual([
      expect.objectContaining({
        kind: 'missing-input',
        input: 'features',
        severity: 'error',
        message:
          "the model's input 'features' (float32 [batch, 30]) gets no values: the dataset has no input of that name (it has pixels); re-import it with --model (or --map '*=features') to name its input after the model's",
      }),
      expect.objectContaining({ kind: 'extra-column', column: 'pixels', severity: 'warning' }),
    ]);
  });

  it('the multi-input fixtures fit: booleans onto bool, whole token ids onto int64', async () => {
    t = openDatasets({ models: true });
    const multi = await t.datasets.import(data('multi_dtype_samples.jsonl'), { name: 'multi', model: 'multi-dtype' });
    expect(multi.inputs.map((i) => [i.name, i.shape, i.boolean])).toEqual([
      ['x', [4], false],
      ['scale', [1], false],
      ['flags', [4], true],
    ]);
    const text = await t.datasets.import(data('text_samples.jsonl'), { name: 'text', model: 'text-classifier' });
    expect(t.datasets.fit('text', signatureOf('text-classifier')).fits).toBe(true);
    expect(text.inputs.every((i) => i.integer)).toBe(true);
    expect(t.datasets.fit('multi', signatureOf('text-classifier')).problems.map((p) => p.kind)).toEqual([
      'missing-input',
      'missing-input',
      'extra-column',
      'extra-column',
      'extra-column',
    ]);
  });

  it('an import checked against a model that does not fit stores nothing', async () => {
    t = openDatasets({ models: true });
    const error = await importError(
      t.datasets.import(data('digits_live_same.jsonl'), { name: 'd', model: 'cancer-logreg' }),
    );
    expect(error.message).toMatch(
      /^digits_live_same\.jsonl \(checked against cancer-logreg:1\) does not fit: the model's input 'features'/,
    );
    expect(t.datasets.list()).toEqual([]);
  });

  it('names the columns with non-integer values mapped onto an int64 input', async () => {
    t = openDatasets({ models: true });
    const header = [
      ...Array.from({ length: 32 }, (_, i) => `input_ids_${i}`),
      ...Array.from({ length: 32 }, (_, i) => `attention_mask_${i}`),
    ];
    const row = (ids: number[]) => [...ids, ...new Array<number>(32).fill(1)].join(',');
    const ids = Array.from({ length: 32 }, (_, i) => i + 1);
    const text = [header.join(','), row(ids), row(ids.map((v, i) => (i === 5 ? v + 0.5 : v)))].join('\n');
    const error = await importError(
      t.datasets.import(t.file('tokens.csv', text), { name: 'tokens', model: 'text-classifier', label: null }),
    );
    expect(error.message).toMatch(/input 'input_ids' is int64, but column input_ids_5 has non-integer values/);
    // Whole numbers fit, shapes taken from the model's dims.
    const ok = await t.datasets.import(t.file('tokens2.csv', [header.join(','), row(ids), row(ids)].join('\n')), {
      name: 'tokens2',
      model: 'text-classifier',
    });
    expect(ok.inputs.map((i) => [i.name, i.shape, i.integer])).toEqual([
      ['input_ids', [32], true],
      ['attention_mask', [32], true],
    ]);
  });

  it('checks bool inputs take 0/1, ranges, missing values and shapes', () => {
    t = openDatasets();
    const signature: ModelSignature = {
      inputs: [
        { name: 'flags', kind: 'tensor', elementType: 'bool', shape: ['batch', 4] },
        { name: 'small', kind: 'tensor', elementType: 'int8', shape: ['batch', 2] },
        { name: 'x', kind: 'tensor', elementType: 'float32', shape: ['batch', 2, 3] },
        { name: 'text', kind: 'tensor', elementType: 'string', shape: ['batch'] },
      ],
      outputs: [],
    };
    const input = (name: string, shape: number[], facts: object) => ({
      name,
      shape,
      size: shape.reduce((n, d) => n * d, 1),
      columns: [],
      integer: true,
      min: 0,
      max: 1,
      missing: 0,
      boolean: false,
      ...facts,
    });
    const fit = fitInputs(
      [
        input('flags', [4], { max: 2 }),
        input('small', [2], { min: -300, max: 5, missing: 1 }),
        input('x', [6], { integer: false, missing: 2 }),
        input('text', [], {}),
      ],
      signature,
    );
    expect(fit.fits).toBe(false);
    expect(fit.problems.map((p) => [p.kind, p.input, p.severity, p.message])).toEqual([
      [
        'dtype',
        'flags',
        'error',
        "input 'flags' is bool, but the dataset's values go from 0..2, not just 0/1 (false/true)",
      ],
      [
        'dtype',
        'small',
        'error',
        "the dataset has 1 missing value for input 'small', but int8 cannot hold a missing value",
      ],
      ['dtype', 'small', 'error', "input 'small' is int8 (-128..127), but the dataset's values go from -300..5"],
      [
        'shape',
        'x',
        'error',
        "input 'x' takes rows of shape [2, 3] (float32 [batch, 2, 3]); the dataset's rows of 'x' are [6]",
      ],
      ['dtype', 'text', 'error', "input 'text' is a string tensor; a dataset holds numbers, so it cannot feed it"],
    ]);
    const floats = fitInputs([input('x', [2, 3], { integer: false, missing: 2 })], {
      inputs: [signature.inputs[2]!],
      outputs: [],
    });
    expect(floats.fits).toBe(true);
    expect(floats.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: "the dataset has 2 missing values for input 'x'; they go into the model as NaN",
      }),
    ]);
  });
});
