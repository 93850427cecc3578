// `slipway datasets` as users run it (the built bin/slipway.js): the demo datasets of a new home, import with a
// model check and the mapping it shows, bad lines (stopped with the line number, or skipped and listed),
// a dataset that does not fit, references, remove, and --json shapes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, DatasetFit, DatasetReference, DatasetSummary } from '../../../src-shared/contract';
import { data } from '../../helpers/paths';
import { runCli, runCliJson } from '../../helpers/runCli';
import { tempDir } from '../../helpers/tempDir';

let home: string;
let dir: string;
beforeAll(async () => {
  home = tempDir();
  dir = tempDir();
  const first = await runCli(['datasets', 'list', '--home', home]);
  expect(first.code).toBe(0);
});

const cli = (...args: string[]) => runCli([...args, '--home', home]);
const json = <T>(...args: string[]) => runCliJson<T>([...args, '--home', home]);
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function fails(args: string[], message: RegExp) {
  const result = await cli(...args);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^slipway: error: /);
  expect(lines[0]).toMatch(message);
}

describe('slipway datasets', () => {
  it('a new home has the demo datasets, the reference sets bound to their versions', async () => {
    const list = await json<DatasetSummary[]>('datasets', 'list');
    expect(list.map((d) => d.name).sort()).toEqual([
      'cancer-live-drift',
      'cancer-live-same',
      'cancer-reference',
      'digits-live-drift',
      'digits-live-same',
      'digits-reference',
    ]);
    expect(list.find((d) => d.name === 'digits-reference')).toMatchObject({
      rows: 1257,
      inputs: ['pixels'],
      hasLabel: true,
      features: 64,
    });
    const show = await cli('datasets', 'show', 'digits-reference');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^digits-reference \(ds-[0-9a-f]{12}\) · jsonl · 1257 rows/);
    expect(show.stdout).toContain('reference of: digits-mlp:1, digits-mlp:2');
    expect(show.stdout).toMatch(/label: 'label' · class · 10 classes/);
    expect(show.stdout).toMatch(
      /\nFEATURE\s+KIND\s+COUNT\s+MISSING\s+MIN\s+P5\s+P50\s+P95\s+MAX\s+MEAN\s+STD\s+TOP VALUES\n/,
    );
    expect(show.stdout).toMatch(/\npixels\[12\]\s+numeric\s+1257\s+0\s/);
    const bound = await json<DatasetReference | null>('datasets', 'reference', 'cancer-logreg:2');
    expect(bound).toMatchObject({ model: 'cancer-logreg', version: 2, datasetName: 'cancer-reference' });
  });

  it('imports a CSV checked against a model, showing which columns fill which input', async () => {
    const text = await cli(
      'datasets',
      'import',
      data('cancer_live_same.csv'),
      '--name',
      'cancer-csv',
      '--model',
      'cancer-logreg',
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^imported dataset cancer-csv \(ds-[0-9a-f]{12}\): 171 rows from .*cancer_live_same\.csv/,
    );
    expect(text.stdout).toContain('fits cancer-logreg:');
    expect(text.stdout).toContain('features ← mean_radius, mean_texture, …, worst_fractal_dimension (30 columns)');
    const result = await json<{ dataset: Dataset; fit: DatasetFit }>(
      'datasets',
      'import',
      data('cancer_live_drift.csv'),
      '--name',
      'cancer-csv-2',
      '--model',
      'cancer-logreg:2',
    );
    expect(result.dataset).toMatchObject({ name: 'cancer-csv-2', rows: 171, format: 'csv' });
    expect(result.fit.fits).toBe(true);
    expect(result.fit.mapping[0]!.columns).toHaveLength(30);
  });

  it('stops at a bad JSONL line with its number; --skip-bad imports the rest and lists it', async () => {
    const path = file(
      'bad.jsonl',
      [
        '{"inputs":{"x":[1,2]},"label":1}',
        '{"inputs":{"x":[3,4]},"label":0}',
        '{"inputs":{"x":[5,"six"]},"label":1}',
        '{"inputs":{"x":[7,8]},"label":0}',
      ].join('\n'),
    );
    await fails(
      ['datasets', 'import', path, '--name', 'bad'],
      /^slipway: error: bad\.jsonl line 3: input 'x'\[1\]: 'six' is a string, not a number/,
    );
    const skipped = await cli('datasets', 'import', path, '--name', 'bad', '--skip-bad');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('3 rows from');
    expect(skipped.stdout).toContain("skipped 1 bad row:\n  line 3: input 'x'[1]: 'six' is a string, not a number");
  });

  it('refuses a dataset that does not fit the model, a missing file, and an unknown dataset', async () => {
    await fails(
      ['datasets', 'import', data('digits_live_same.jsonl'), '--name', 'nofit', '--model', 'cancer-logreg'],
      /digits_live_same\.jsonl \(checked against cancer-logreg:2\) does not fit: the model's input 'features' \(float32 \[batch, 30\]\) gets no values/,
    );
    await fails(
      ['datasets', 'import', join(dir, 'missing.csv'), '--name', 'm'],
      /cannot import .*missing\.csv: no such file/,
    );
    await fails(['datasets', 'show', 'nope'], /no dataset named 'nope'; the library has: /);
    await fails(
      ['datasets', 'import', data('cancer_live_same.csv'), '--label-kind', 'ordinal'],
      /invalid --label-kind 'ordinal'/,
    );
  });

  it('binds a reference, refuses to remove it, removes it with --force', async () => {
    const bound = await cli('datasets', 'reference', 'cancer-logreg:1', 'cancer-csv');
    expect(bound.stdout.trim()).toBe("cancer-logreg:1's reference is now dataset cancer-csv");
    await fails(
      ['datasets', 'remove', 'cancer-csv'],
      /dataset cancer-csv is the reference of cancer-logreg:1; .* --force/,
    );
    await fails(
      ['datasets', 'reference', 'digits-mlp:1', 'cancer-csv'],
      /dataset cancer-csv cannot be the reference of digits-mlp:1/,
    );
    const removed = await cli('datasets', 'remove', 'cancer-csv', '--force');
    expect(removed.stdout.trim()).toBe(
      'removed dataset cancer-csv (171 rows); it is no longer the reference of cancer-logreg:1',
    );
    const after = await json<DatasetSummary[]>('datasets', 'list');
    expect(after.map((d) => d.name)).not.toContain('cancer-csv');
    const none = await cli('datasets', 'reference', 'cancer-logreg:1');
    expect(none.stdout.trim()).toBe('cancer-logreg:1 has no reference dataset');
  });
});
