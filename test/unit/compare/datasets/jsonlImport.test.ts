// Importing JSON Lines: values come back exactly (booleans as 0/1, null as missing, nested shapes flattened
// row-major), the first row fixes inputs and shapes, and every bad line is reported with its line number, or
// skipped and listed with --skip-bad.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../src-main/engine/userError';
import { data } from '../../../helpers/paths';
import { importError, openDatasets, type TestDatasets } from './openDatasets';

let t: TestDatasets;
afterEach(() => t?.close());

const lines = (...rows: unknown[]) =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

async function readAll(name: string) {
  const rows = await t.datasets.open(name);
  try {
    const batches = [];
    for await (const b of rows.batches({ batchRows: 1000 })) batches.push(b);
    return batches;
  } finally {
    await rows.close();
  }
}

describe('JSONL import', () => {
  it('stores the fixture rows exactly as the file has them, with labels', async () => {
    t = openDatasets();
    const path = data('digits_live_same.jsonl');
    const dataset = await t.datasets.import(path, { name: 'digits' });
    const source = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { inputs: { pixels: number[] }; label: number });
    expect(dataset.rows).toBe(source.length);
    expect(dataset.format).toBe('jsonl');
    expect(dataset.inputs).toEqual([
      expect.objectContaining({ name: 'pixels', shape: [64], size: 64, boolean: false, missing: 0, profiled: true }),
    ]);
    expect(dataset.features).toHaveLength(64);
    expect(dataset.features[12]).toMatchObject({ name: 'pixels[12]', input: 'pixels', index: 12 });
    expect(dataset.label).toMatchObject({ source: 'label', kind: 'class', count: source.length, missing: 0 });
    expect(dataset.label!.classes!.map((c) => c.value).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);

    const [batch] = await readAll('digits');
    expect(batch!.count).toBe(source.length);
    expect(Array.from(batch!.inputs.get('pixels')!)).toEqual(source.flatMap((r) => r.inputs.pixels));
    expect(batch!.labels).toEqual(source.map((r) => r.label));
  });

  it('keeps several inputs, nested shapes (row-major), booleans as 0/1 and null as missing', async () => {
    t = openDatasets();
    const path = t.file(
      'mixed.jsonl',
      lines(
        {
          inputs: {
            grid: [
              [1, 2, 3],
              [4, 5, 6],
            ],
            flags: [true, false],
            scale: 2.5,
          },
          label: 'cat',
        },
        {
          inputs: {
            grid: [
              [7, null, 9],
              [10, 11, 12],
            ],
            flags: [false, false],
            scale: -1,
          },
          label: 'dog',
        },
        {
          inputs: {
            grid: [
              [0, 0, 0],
              [0, 0, 1e-300],
            ],
            flags: [true, true],
            scale: 0,
          },
        },
      ),
    );
    const dataset = await t.datasets.import(path, { name: 'mixed' });
    expect(dataset.inputs.map((i) => [i.name, i.shape, i.size, i.boolean, i.missing])).toEqual([
      ['grid', [2, 3], 6, false, 1],
      ['flags', [2], 2, true, 0],
      ['scale', [], 1, false, 0],
    ]);
    expect(dataset.features.map((f) => f.name)).toEqual([
      ...Array.from({ length: 6 }, (_, i) => `grid[${i}]`),
      'flags[0]',
      'flags[1]',
      'scale',
    ]);
    expect(dataset.label).toMatchObject({ kind: 'class', count: 2, missing: 1 });
    const [batch] = await readAll('mixed');
    expect(Array.from(batch!.inputs.get('grid')!)).toEqual([
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      NaN,
      9,
      10,
      11,
      12,
      0,
      0,
      0,
      0,
      0,
      1e-300,
    ]);
    expect(Array.from(batch!.inputs.get('flags')!)).toEqual([1, 0, 0, 0, 1, 1]);
    expect(Array.from(batch!.inputs.get('scale')!)).toEqual([2.5, -1, 0]);
    expect(batch!.labels).toEqual(['cat', 'dog', null]);
    expect(dataset.features[6]).toMatchObject({
      kind: 'categorical',
      frequencies: [
        { value: 'true', count: 2 },
        { value: 'false', count: 1 },
      ],
    });
  });

  it('reads CRLF line ends, a BOM, blank lines and a last line without a newline', async () => {
    t = openDatasets();
    const path = t.file(
      'crlf.jsonl',
      '\uFEFF{"inputs":{"x":[1,2]},"label":0.5}\r\n\r\n{"inputs":{"x":[3,4]},"label":1.5}',
    );
    const dataset = await t.datasets.import(path, { name: 'crlf' });
    expect(dataset.rows).toBe(2);
    expect(dataset.label).toMatchObject({ kind: 'regression', classes: null });
    const [batch] = await readAll('crlf');
    expect(Array.from(batch!.inputs.get('x')!)).toEqual([1, 2, 3, 4]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{"inputs": {"x": [1, 2]', /line 3: is not valid JSON/],
    ['no inputs', { label: 1 }, /line 3: has no "inputs" object/],
    [
      'a string where a number belongs',
      { inputs: { x: [1, 'abc'] } },
      /line 3: input 'x'\[1\]: 'abc' is a string, not a number/,
    ],
    [
      'a row of another shape',
      { inputs: { x: [1, 2, 3] } },
      /line 3: input 'x': expected 2 values \(its shape \[2\] is fixed by the first row\), got 3 values/,
    ],
    [
      'a nested row where a flat one belongs',
      { inputs: { x: [[1], [2]] } },
      /line 3: input 'x'\[0\]: an array is not a number/,
    ],
    ['a missing input', { inputs: { y: [1, 2] } }, /line 3: has an input 'y' that the first row does not have/],
    [
      'a label of another type',
      { inputs: { x: [1, 2] }, label: 'seven' },
      /line 3: label 'seven' is a class name, but the labels before it are numbers/,
    ],
  ];
  for (const [what, line, message] of bad) {
    it(`stops at ${what}, naming the line, and imports nothing`, async () => {
      t = openDatasets();
      const path = t.file(
        'bad.jsonl',
        lines({ inputs: { x: [1, 2] }, label: 1 }, '', line, { inputs: { x: [5, 6] }, label: 2 }),
      );
      const error = await importError(t.datasets.import(path, { name: 'bad' }));
      expect(error).toBeInstanceOf(UserError);
      expect(error.code).toBe('bad-input');
      expect(error.message).toMatch(/^bad\.jsonl /);
      expect(error.message).toMatch(message);
      expect(error.message).toContain('--skip-bad');
      expect(t.datasets.list()).toEqual([]);
      expect(readdirSync(t.datasets.folders.root)).toEqual([]);
    });
  }

  it('with skipBad imports the other rows and lists the bad lines', async () => {
    t = openDatasets();
    const path = t.file(
      'some-bad.jsonl',
      lines(
        'garbage',
        { inputs: { x: [1, 2] }, label: 1 },
        { inputs: { x: [1, 'two'] }, label: 2 },
        { inputs: { x: [3, 4] }, label: 3 },
        { inputs: { x: [3] }, label: 4 },
      ),
    );
    const dataset = await t.datasets.import(path, { name: 'some', skipBad: true });
    expect(dataset.rows).toBe(2);
    expect(dataset.skippedRows).toBe(3);
    expect(dataset.skipped.map((s) => s.line)).toEqual([1, 3, 5]);
    expect(dataset.skipped[1]!.message).toMatch(/'two' is a string/);
    const [batch] = await readAll('some');
    expect(Array.from(batch!.inputs.get('x')!)).toEqual([1, 2, 3, 4]);
    expect(batch!.labels).toEqual([1, 3]);
  });

  it('refuses an empty file, a file of only bad lines, and an explicit label key no row has', async () => {
    t = openDatasets();
    expect((await importError(t.datasets.import(t.file('empty.jsonl', ''), { name: 'e' }))).message).toMatch(
      /empty\.jsonl holds no usable rows: it is empty/,
    );
    expect((await importError(t.datasets.import(t.file('blank.jsonl', '\n  \n'), { name: 'e' }))).message).toMatch(
      /holds no usable rows: it has no rows/,
    );
    expect(
      (await importError(t.datasets.import(t.file('junk.jsonl', 'a\nb\n'), { name: 'e', skipBad: true }))).message,
    ).toMatch(/every row was bad \(2 skipped\)/);
    const path = t.file('nolabel.jsonl', lines({ inputs: { x: [1] } }));
    expect((await importError(t.datasets.import(path, { name: 'e', label: 'target' }))).message).toMatch(
      /no row of nolabel\.jsonl has the label key 'target'/,
    );
    // Without an explicit key, a file without labels is simply unlabelled.
    const unlabelled = await t.datasets.import(path, { name: 'unlabelled' });
    expect(unlabelled.label).toBeNull();
    expect(t.datasets.list().map((d) => d.name)).toEqual(['unlabelled']);
  });

  it('renames an input with --map KEY=INPUT and reads the label from another key', async () => {
    t = openDatasets();
    const path = t.file(
      'renamed.jsonl',
      lines({ inputs: { feats: [1, 2] }, y: 3.25 }, { inputs: { feats: [3, 4] }, y: 1 }),
    );
    const dataset = await t.datasets.import(path, { name: 'renamed', map: ['feats=features'], label: 'y' });
    expect(dataset.inputs.map((i) => i.name)).toEqual(['features']);
    expect(dataset.label).toMatchObject({ source: 'y', kind: 'regression' });
    const error = await importError(t.datasets.import(path, { name: 'other', map: ['nope=features'] }));
    expect(error.message).toMatch(/--map 'nope=…': the rows of renamed\.jsonl have no input 'nope'/);
  });
});
