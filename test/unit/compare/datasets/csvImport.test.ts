// Importing CSV through csv-parse's stream: values come back exactly, columns map onto inputs (all onto one
// input, onto a model's input, by --map globs), and every bad input gets a clear error: a missing column, a
// wrong type in a cell (line and column), ragged rows, an empty file, a directory, a missing path.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetMismatchError } from '../../../../src-main/engine/compare/datasets/fitDataset';
import { UserError } from '../../../../src-main/engine/userError';
import { data } from '../../../helpers/paths';
import { importError, openDatasets, type TestDatasets } from './openDatasets';

let t: TestDatasets;
afterEach(() => t?.close());

async function readAll(name: string) {
  const rows = await t.datasets.open(name);
  try {
    const inputs = new Map<string, number[]>();
    const labels: (number | string | null)[] = [];
    for await (const b of rows.batches({ batchRows: 100 })) {
      for (const [k, v] of b.inputs) inputs.set(k, [...(inputs.get(k) ?? []), ...v]);
      labels.push(...b.labels);
    }
    return { inputs, labels };
  } finally {
    await rows.close();
  }
}

describe('CSV import', () => {
  it('stores the same values as the JSONL twin of a fixture, columns onto the model input', async () => {
    t = openDatasets({ models: true });
    const csv = await t.datasets.import(data('cancer_live_same.csv'), { name: 'cancer-csv', model: 'cancer-logreg' });
    const jsonl = await t.datasets.import(data('cancer_live_same.jsonl'), { name: 'cancer-jsonl' });
    expect(csv.format).toBe('csv');
    expect(csv.inputs[0]).toMatchObject({ name: 'features', shape: [30], size: 30 });
    const header = readFileSync(data('cancer_live_same.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(csv.inputs[0]!.columns).toEqual(header.slice(0, 30));
    expect(csv.features.map((f) => f.name)).toEqual(header.slice(0, 30));
    expect(csv.label).toMatchObject({ source: 'label', kind: 'class' });
    const a = await readAll('cancer-csv');
    const b = await readAll('cancer-jsonl');
    expect(a.inputs.get('features')).toEqual(b.inputs.get('features'));
    expect(a.labels).toEqual(b.labels);
    // Same numbers, same profile (feature names aside).
    expect(csv.features.map((f) => [f.mean, f.std, f.min, f.max, f.histogram])).toEqual(
      jsonl.features.map((f) => [f.mean, f.std, f.min, f.max, f.histogram]),
    );
  });

  it('without a model or --map, every column but the label fills one input called features', async () => {
    t = openDatasets();
    const dataset = await t.datasets.import(data('digits_live_same.csv'), { name: 'digits' });
    expect(dataset.inputs.map((i) => [i.name, i.shape])).toEqual([['features', [64]]]);
    expect(dataset.features[9]!.name).toBe('px_1_1');
  });

  it('reads quoted cells, missing-value tokens, true/false, CRLF and string labels', async () => {
    t = openDatasets();
    const path = t.file(
      'quoted.csv',
      'a,"b, quoted",flag,label\r\n1,"2.5",true,"big cat"\r\n,NA,false,dog\r\n-3e2, nan ,TRUE,\r\n',
    );
    const dataset = await t.datasets.import(path, { name: 'quoted', map: ['a=x', 'b*=x', 'flag=f'] });
    expect(dataset.inputs.map((i) => [i.name, i.columns, i.boolean, i.missing])).toEqual([
      ['x', ['a', 'b, quoted'], false, 3],
      ['f', ['flag'], true, 0],
    ]);
    const { inputs, labels } = await readAll('quoted');
    expect(inputs.get('x')).toEqual([1, 2.5, NaN, NaN, -300, NaN]);
    expect(inputs.get('f')).toEqual([1, 0, 1]);
    expect(labels).toEqual(['big cat', 'dog', null]);
    expect(dataset.label).toMatchObject({
      kind: 'class',
      missing: 1,
      classes: [
        { value: 'big cat', count: 1 },
        { value: 'dog', count: 1 },
      ],
    });
  });

  it('maps columns by globs in rule order, leaves --ignore columns out, and takes --label', async () => {
    t = openDatasets();
    const path = t.file('wide.csv', 'id,px_1,px_0,age,target\n7,0.1,0.2,30,1.5\n8,0.3,0.4,40,2.5\n');
    const dataset = await t.datasets.import(path, {
      name: 'wide',
      map: ['px_0=pixels', 'px_*=pixels', 'age=extra'],
      ignore: ['i?'],
      label: 'target',
    });
    expect(dataset.inputs.map((i) => [i.name, i.columns])).toEqual([
      ['pixels', ['px_0', 'px_1']],
      ['extra', ['age']],
    ]);
    expect(dataset.label).toMatchObject({ source: 'target', kind: 'regression' });
    const { inputs } = await readAll('wide');
    expect(inputs.get('pixels')).toEqual([0.2, 0.1, 0.4, 0.3]);
  });

  it('a column mapped nowhere, a --map or --ignore that matches nothing, or a missing --label column is an error', async () => {
    t = openDatasets();
    const path = t.file('cols.csv', 'a,b,c\n1,2,3\n');
    const unmapped = await importError(t.datasets.import(path, { name: 'x', map: ['a=in'] }));
    expect(unmapped).toBeInstanceOf(DatasetMismatchError);
    expect(unmapped.message).toMatch(
      /columns b, c are not mapped onto any input \(add --map COLUMN=INPUT, or leave them out with --ignore\)/,
    );
    expect((await importError(t.datasets.import(path, { name: 'x', map: ['z*=in'] }))).message).toMatch(
      /--map 'z\*=in' matches no column of cols\.csv; its columns are a, b, c/,
    );
    expect((await importError(t.datasets.import(path, { name: 'x', ignore: ['q'] }))).message).toMatch(
      /--ignore 'q' matches no column/,
    );
    expect((await importError(t.datasets.import(path, { name: 'x', label: 'lable' }))).message).toMatch(
      /cols\.csv has no column 'lable' for --label; its columns are a, b, c/,
    );
    const typo = t.file('typo.csv', 'alpha,beta,labels\n1,2,3\n');
    expect((await importError(t.datasets.import(typo, { name: 'x', label: 'label' }))).message).toMatch(
      /typo\.csv has no column 'label' for --label \(did you mean 'labels'\?\)/,
    );
    expect(t.datasets.list()).toEqual([]);
  });

  it('a file missing a column the model needs: says how many values the input takes and what it got', async () => {
    t = openDatasets({ models: true });
    const full = readFileSync(data('cancer_live_same.csv'), 'utf8').split('\n');
    const dropped = full
      .map((l) =>
        l
          .split(',')
          .filter((_, i) => i !== 3)
          .join(','),
      )
      .join('\n');
    const error = await importError(
      t.datasets.import(t.file('short.csv', dropped), { name: 'short', model: 'cancer-logreg:1' }),
    );
    expect(error).toBeInstanceOf(DatasetMismatchError);
    expect(error.message).toMatch(
      /^short\.csv \(mapped onto cancer-logreg:1\) does not fit: input 'features' takes 30 values per row \(float32 \[batch, 30\]\); the dataset gives it 29 \(columns mean_radius, mean_texture, mean_perimeter, …/,
    );
    expect((error as DatasetMismatchError).problems[0]).toMatchObject({ kind: 'count', input: 'features' });
    expect(readdirSync(t.datasets.folders.root)).toEqual([]);
  });

  it('a wrong type in a cell: names the line and the column', async () => {
    t = openDatasets();
    const path = t.file('typo.csv', 'a,b,label\n1,2,0\n3,x7,1\n5,6,0\n');
    const error = await importError(t.datasets.import(path, { name: 'typo' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^typo\.csv line 3: column 'b': 'x7' is not a number/);
    const skipped = await t.datasets.import(path, { name: 'typo', skipBad: true });
    expect(skipped.rows).toBe(2);
    expect(skipped.skipped).toEqual([{ line: 3, message: "column 'b': 'x7' is not a number" }]);
  });

  it('ragged rows: too few or too many cells, by line', async () => {
    t = openDatasets();
    const path = t.file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    expect((await importError(t.datasets.import(path, { name: 'r' }))).message).toMatch(
      /^ragged\.csv line 3: has 2 cells; the header has 3 columns/,
    );
    const dataset = await t.datasets.import(path, { name: 'r', skipBad: true });
    expect(dataset.rows).toBe(2);
    expect(dataset.skipped.map((s) => [s.line, s.message])).toEqual([
      [3, 'has 2 cells; the header has 3 columns'],
      [4, 'has 4 cells; the header has 3 columns'],
    ]);
  });

  it('an empty file, a header without rows, a file without a header, a broken quote', async () => {
    t = openDatasets();
    const cases: [string, string, RegExp][] = [
      ['empty.csv', '', /empty\.csv is empty: expected a header row naming the columns, then rows/],
      ['blank.csv', '\n\n', /blank\.csv is empty/],
      ['header.csv', 'a,b,label\n', /header\.csv holds no usable rows: it has a header but no rows/],
      ['data.csv', '1,2,3\n4,5,6\n', /data\.csv: the first row \(1,2,3…\) is data, not a header/],
      ['quote.csv', 'a,b\n1,"2\n3,4\n', /^quote\.csv: Quote Not Closed/],
      ['dup.csv', 'a,b,a\n1,2,3\n', /dup\.csv: column 'a' appears twice in the header \(columns 1 and 3\)/],
    ];
    for (const [name, text, message] of cases) {
      const error = await importError(t.datasets.import(t.file(name, text), { name: 'x' }));
      expect(error, name).toBeInstanceOf(UserError);
      expect(error.message, name).toMatch(message);
    }
    expect(t.datasets.list()).toEqual([]);
    expect(readdirSync(t.datasets.folders.root)).toEqual([]);
  });

  it('a directory, a missing path, an unknown extension', async () => {
    t = openDatasets();
    const folder = join(t.dir, 'folder.csv');
    mkdirSync(folder);
    expect(await importError(t.datasets.import(folder, { name: 'x' }))).toMatchObject({
      code: 'bad-input',
      message: `${folder} is a directory; expected a .jsonl or .csv file`,
    });
    expect(await importError(t.datasets.import(join(t.dir, 'nope.csv'), { name: 'x' }))).toMatchObject({
      code: 'not-found',
      message: `cannot import ${join(t.dir, 'nope.csv')}: no such file`,
    });
    expect((await importError(t.datasets.import(t.file('rows.txt', 'a\n1\n'), { name: 'x' }))).message).toMatch(
      /rows\.txt: expected a \.jsonl file .* or a \.csv file with a header row \(or say which with --format jsonl\|csv\)/,
    );
    const forced = await t.datasets.import(t.file('rows.txt', 'a\n1\n'), { name: 'txt', format: 'csv' });
    expect(forced.rows).toBe(1);
  });
});
