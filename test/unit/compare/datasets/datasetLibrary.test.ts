// The dataset library: unique names (any case), remove (refused while a version's reference unless forced),
// references (checked against the version, gone with it), subsets cut from a dataset, progress and cancel,
// and the crash-safety sweep of what an interrupted write left.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetImportProgress } from '../../../../src-shared/contract';
import { data } from '../../../helpers/paths';
import { importError, openDatasets, type TestDatasets } from './openDatasets';

let t: TestDatasets;
afterEach(() => t?.close());

describe('dataset library', () => {
  it('names are unique regardless of case, default to the sanitised file stem, and are checked', async () => {
    t = openDatasets();
    const path = t.file('my data (v2).jsonl', '{"inputs":{"x":[1]}}\n');
    const first = await t.datasets.import(path);
    expect(first.name).toBe('my-data-v2');
    expect(t.datasets.get('MY-DATA-V2').id).toBe(first.id);
    expect(t.datasets.get(first.id).name).toBe('my-data-v2');
    expect(await importError(t.datasets.import(path, { name: 'My-Data-V2' }))).toMatchObject({
      code: 'conflict',
      message:
        "a dataset named 'my-data-v2' already exists; choose another --name, or remove it first (slipway datasets remove my-data-v2)",
    });
    expect((await importError(t.datasets.import(path, { name: '-bad name' }))).message).toMatch(
      /invalid dataset name '-bad name'/,
    );
    expect(() => t.datasets.get('nope')).toThrow("no dataset named 'nope'; the library has: my-data-v2");
    expect(readdirSync(t.datasets.folders.root)).toEqual([first.id]);
  });

  it('reports progress in bytes up to the file size, and an aborted import leaves nothing behind', async () => {
    t = openDatasets();
    const path = data('digits_reference.jsonl');
    const seen: DatasetImportProgress[] = [];
    const dataset = await t.datasets.import(path, { name: 'digits' }, { onProgress: (p) => seen.push(p) });
    const reading = seen.filter((p) => p.phase === 'reading');
    expect(reading.at(-1)!.bytesDone).toBe(dataset.sourceBytes);
    expect(reading.every((p, i) => i === 0 || p.bytesDone >= reading[i - 1]!.bytesDone)).toBe(true);
    expect(seen.some((p) => p.phase === 'profiling')).toBe(true);
    expect(seen.at(-1)!.phase).toBe('committing');

    const abort = new AbortController();
    const error = await importError(
      t.datasets.import(path, { name: 'cancelled' }, { signal: abort.signal, onProgress: () => abort.abort() }),
    );
    expect(error).toMatchObject({
      code: 'cancelled',
      message: 'the import of digits_reference.jsonl was cancelled; nothing was imported',
    });
    const csvAbort = new AbortController();
    const csvError = await importError(
      t.datasets.import(
        data('digits_reference.csv'),
        { name: 'cancelled' },
        { signal: csvAbort.signal, onProgress: (p) => p.bytesDone > 0 && csvAbort.abort() },
      ),
    );
    expect(csvError.code).toBe('cancelled');
    expect(t.datasets.list().map((d) => d.name)).toEqual(['digits']);
    expect(readdirSync(t.datasets.folders.root)).toEqual([dataset.id]);
  });

  it('binds a reference (checked against the version), refuses to remove it unless forced, loses it with the version', async () => {
    t = openDatasets({ models: true });
    const digits = await t.datasets.import(data('digits_reference.jsonl'), { name: 'digits-ref' });
    await t.datasets.import(data('cancer_reference.jsonl'), { name: 'cancer-ref' });
    const bound = t.datasets.setReference('DIGITS-MLP', 1, 'digits-ref');
    expect(bound).toMatchObject({ model: 'digits-mlp', version: 1, datasetId: digits.id, datasetName: 'digits-ref' });
    expect(t.datasets.referenceFor('digits-mlp', 1)!.id).toBe(digits.id);
    expect(t.datasets.referenceFor('cancer-logreg', 1)).toBeNull();
    expect(() => t.datasets.setReference('cancer-logreg', 1, 'digits-ref')).toThrow(
      /dataset digits-ref cannot be the reference of cancer-logreg:1: the model's input 'features'/,
    );
    expect(() => t.datasets.setReference('digits-mlp', 9, 'digits-ref')).toThrow(/digits-mlp has no version 9/);

    expect(() => t.datasets.remove('digits-ref')).toThrow(
      'dataset digits-ref is the reference of digits-mlp:1; bind another first (slipway datasets reference NAME:V DATASET), or remove it with --force to unbind it',
    );
    // Removing the version takes its binding with it.
    t.library.remove({ name: 'digits-mlp', version: 1 });
    expect(t.datasets.references()).toEqual([]);
    const { removed, unbound } = t.datasets.remove('digits-ref');
    expect(removed.id).toBe(digits.id);
    expect(unbound).toEqual([]);
    expect(existsSync(join(t.datasets.folders.root, digits.id))).toBe(false);

    t.datasets.setReference('cancer-logreg', 1, 'cancer-ref');
    expect(t.datasets.clearReference('cancer-logreg', 1)).toBe(true);
    expect(t.datasets.clearReference('cancer-logreg', 1)).toBe(false);
    t.datasets.setReference('cancer-logreg', 1, 'cancer-ref');
    expect(t.datasets.remove('cancer-ref', { force: true }).unbound.map((r) => r.version)).toEqual([1]);
    expect(t.datasets.list()).toEqual([]);
  });

  it('cuts a subset: rows in the order given (repeats kept), labels and profile of its own, derivedFrom', async () => {
    t = openDatasets();
    const source = await t.datasets.import(data('cancer_live_drift.jsonl'), { name: 'cancer' });
    const picks = [170, 3, 4, 5, 3, 0, 99];
    const subset = await t.datasets.deriveSubset(
      'cancer',
      picks,
      'flips',
      'comparison cmp-1: rows where v1 and v2 disagree',
    );
    expect(subset).toMatchObject({
      name: 'flips',
      rows: picks.length,
      format: 'jsonl',
      derivedFrom: 'comparison cmp-1: rows where v1 and v2 disagree',
      source: '7 rows of dataset cancer',
    });
    expect(subset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(subset.label!.kind).toBe(source.label!.kind);
    const from = await t.datasets.open('cancer');
    const to = await t.datasets.open('flips');
    try {
      const expected = await from.readRows(picks);
      const got = await to.readRows(picks.map((_, i) => i));
      expect(got.inputs.get('features')).toEqual(expected.inputs.get('features'));
      expect(got.labels).toEqual(expected.labels);
      const column = (await to.featureColumns([0]))[0]!;
      expect(subset.features[0]!.mean).toBeCloseTo(column.reduce((s, v) => s + v, 0) / column.length, 10);
    } finally {
      await from.close();
      await to.close();
    }
    await expect(t.datasets.deriveSubset('cancer', [171], 'out', 'x')).rejects.toThrow(
      /row 171 is not in dataset cancer \(rows 0\.\.170\)/,
    );
    await expect(t.datasets.deriveSubset('cancer', [], 'empty', 'x')).rejects.toThrow(
      /no rows to make dataset empty from/,
    );
    await expect(t.datasets.deriveSubset('cancer', [1], 'FLIPS', 'x')).rejects.toThrow(
      /a dataset named 'flips' already exists/,
    );
    expect(readdirSync(t.datasets.folders.root).sort()).toEqual([source.id, subset.id].sort());
  });

  it('at open, sweeps folders no row names and temp folders whose writer is gone, and keeps the rest', async () => {
    t = openDatasets();
    const kept = await t.datasets.import(data('cancer_live_same.jsonl'), { name: 'kept' });
    const root = t.datasets.folders.root;
    // What a crash leaves: a temp folder of a dead process (half-written), and a renamed folder never committed.
    mkdirSync(join(root, '.tmp-999999999-abcdef'));
    writeFileSync(join(root, '.tmp-999999999-abcdef', 'input-0.f64'), Buffer.alloc(800));
    mkdirSync(join(root, 'ds-0123456789ab'));
    writeFileSync(join(root, 'ds-0123456789ab', 'input-0.f64'), Buffer.alloc(80));
    // A temp folder of a live writer (this process) and an unrelated file stay.
    mkdirSync(join(root, `.tmp-${process.pid}-feed`));
    writeFileSync(join(root, 'notes.txt'), 'mine');
    expect(t.datasets.sweepOrphans().sort()).toEqual(['datasets/.tmp-999999999-abcdef', 'datasets/ds-0123456789ab']);
    expect(readdirSync(root).sort()).toEqual([`.tmp-${process.pid}-feed`, kept.id, 'notes.txt'].sort());
    const rows = await t.datasets.open('kept');
    await rows.close();
  });
});
