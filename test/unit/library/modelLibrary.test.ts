import { copyFileSync, mkdirSync, readdirSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { externalDataModel } from '../../helpers/externalDataModel';
import { UserError } from '../../../src-main/engine/userError';
import { model } from '../../helpers/paths';
import { openLibrary, type TestLibrary } from '../../helpers/openLibrary';
import { tempDir } from '../../helpers/tempDir';
import { thrown } from '../../helpers/thrown';

let open: TestLibrary[] = [];
afterEach(() => {
  for (const l of open) l.db.close();
  open = [];
});
const fresh = (home = tempDir()) => {
  const l = openLibrary(home);
  open.push(l);
  return l;
};
const modelFiles = (l: TestLibrary) => readdirSync(l.modelsDir).sort();
const rowCount = (l: TestLibrary) =>
  (l.db.prepare('SELECT count(*) AS n FROM model_versions').get() as { n: number }).n;

const userError = (fn: () => unknown) => thrown(fn, UserError);

describe('importing models', () => {
  it('stores the file content-addressed under the file stem, version 1, with its inspection', () => {
    const l = fresh();
    const { created, version } = l.library.importModel(model('digits-mlp-v1.onnx'));
    expect(created).toBe(true);
    expect(version).toMatchObject({
      model: 'digits-mlp-v1',
      version: 1,
      stage: 'dev',
      notes: '',
      sourceName: 'digits-mlp-v1.onnx',
    });
    expect(version.sha256).toBe('0581bbc4df250e551040e960d552bf4ad076f125e7327a7d1346dc7d2f465085');
    expect(version.fileBytes).toBe(10826);
    expect(version.inspection.inputs).toEqual([
      { name: 'pixels', kind: 'tensor', elementType: 'float32', shape: ['batch', 64] },
    ]);
    expect(modelFiles(l)).toEqual([`${version.sha256}.onnx`]);
    expect(statSync(l.library.filePath(version)).size).toBe(10826);
  });

  it('numbers versions of one name in order and never reuses a removed number', () => {
    const l = fresh();
    const v1 = l.library.importModel(model('digits-mlp-v1.onnx'), { name: 'digits' }).version;
    const v2 = l.library.importModel(model('digits-mlp-v2.onnx'), { name: 'digits' }).version;
    expect([v1.version, v2.version]).toEqual([1, 2]);
    l.library.remove({ name: 'digits', version: 2 });
    const v3 = l.library.importModel(model('digits-mlp-v2.onnx'), { name: 'digits' }).version;
    expect(v3.version).toBe(3);
    expect(l.library.versionsOf('digits').map((v) => v.version)).toEqual([1, 3]);
  });

  it('says when the same bytes are already there under the name and returns that version', () => {
    const l = fresh();
    const first = l.library.importModel(model('cancer-logreg-v1.onnx'), { name: 'cancer' });
    const again = l.library.importModel(model('cancer-logreg-v1.onnx'), { name: 'cancer' });
    expect(again).toEqual({ created: false, version: first.version });
    expect(rowCount(l)).toBe(1);
    expect(modelFiles(l)).toHaveLength(1);
  });

  it('shares one file between names that import the same bytes', () => {
    const l = fresh();
    const a = l.library.importModel(model('cancer-logreg-v1.onnx'), { name: 'a' }).version;
    const b = l.library.importModel(model('cancer-logreg-v1.onnx'), { name: 'b' }).version;
    expect(b).toMatchObject({ model: 'b', version: 1, sha256: a.sha256 });
    expect(modelFiles(l)).toHaveLength(1);
    expect(l.library.remove({ name: 'a', version: 1 }).fileRemoved).toBe(false);
    expect(modelFiles(l)).toHaveLength(1);
    expect(l.library.remove({ name: 'b', version: 1 }).fileRemoved).toBe(true);
    expect(modelFiles(l)).toEqual([]);
    expect(l.library.list()).toEqual([]);
  });

  it('takes an explicit version and refuses one that is taken', () => {
    const l = fresh();
    expect(l.library.importModel(model('digits-mlp-v1.onnx'), { name: 'd', version: 5 }).version.version).toBe(5);
    const error = userError(() => l.library.importModel(model('digits-mlp-v2.onnx'), { name: 'd', version: 5 }));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/d:5 already exists .*omit --version to import as d:6/);
    expect(rowCount(l)).toBe(1);
    expect(modelFiles(l)).toHaveLength(1);
  });

  it('treats names that differ only in case as one model', () => {
    const l = fresh();
    l.library.importModel(model('digits-mlp-v1.onnx'), { name: 'Digits' });
    const v = l.library.importModel(model('digits-mlp-v2.onnx'), { name: 'digits' }).version;
    expect(v).toMatchObject({ model: 'Digits', version: 2 });
    expect(l.library.get({ name: 'DIGITS' }).version).toBe(2);
  });

  it('sanitises a file stem into a valid name and validates explicit names', () => {
    const l = fresh();
    const dir = tempDir();
    const odd = join(dir, '  My Model (final) v2!!.onnx');
    copyFileSync(model('cancer-logreg-v1.onnx'), odd);
    expect(l.library.importModel(odd).version.model).toBe('My-Model-final-v2');
    const error = userError(() => l.library.importModel(model('cancer-logreg-v1.onnx'), { name: '-bad name' }));
    expect(error.message).toMatch(/invalid model name '-bad name': expected 1-64 characters/);
  });

  describe('refuses bad files with a clear error and writes nothing', () => {
    const cases: [string, (dir: string) => string, RegExp][] = [
      ['a missing path', (dir) => join(dir, 'nope.onnx'), /nope\.onnx/],
      ['a directory', (dir) => (mkdirSync(join(dir, 'folder.onnx')), join(dir, 'folder.onnx')), /directory/],
      ['an empty file', (dir) => (writeFileSync(join(dir, 'empty.onnx'), ''), join(dir, 'empty.onnx')), /empty/],
      [
        'a text file',
        (dir) => (writeFileSync(join(dir, 'notes.onnx'), 'hello, this is not a model\n'), join(dir, 'notes.onnx')),
        /text/,
      ],
      [
        'a truncated model',
        (dir) => {
          const path = join(dir, 'cut.onnx');
          copyFileSync(model('digits-mlp-v2.onnx'), path);
          truncateSync(path, 30_000);
          return path;
        },
        /truncated|ends early/,
      ],
      [
        'a model with external data',
        (dir) => {
          const path = join(dir, 'external.onnx');
          writeFileSync(path, externalDataModel());
          return path;
        },
        /external data \('weights\.bin'\).*self-contained/,
      ],
    ];
    for (const [what, make, message] of cases) {
      it(what, () => {
        const l = fresh();
        const error = userError(() => l.library.importModel(make(tempDir())));
        expect(error.message).toMatch(message);
        expect(rowCount(l)).toBe(0);
        expect(modelFiles(l)).toEqual([]);
      });
    }
  });
});

describe('versions', () => {
  it('resolves NAME to the latest version and explains unknown names and versions', () => {
    const l = fresh();
    l.library.importModel(model('digits-mlp-v1.onnx'), { name: 'digits' });
    l.library.importModel(model('digits-mlp-v2.onnx'), { name: 'digits' });
    expect(l.library.get({ name: 'digits' }).version).toBe(2);
    expect(userError(() => l.library.get({ name: 'digits', version: 7 })).message).toBe(
      'digits has no version 7; its versions are 1, 2',
    );
    const unknown = userError(() => l.library.get({ name: 'digit' }));
    expect(unknown.code).toBe('not-found');
    expect(unknown.message).toBe("no model named 'digit'; the library has: digits");
  });

  it('sets stages and notes, and rejects unknown stages', () => {
    const l = fresh();
    l.library.importModel(model('digits-mlp-v1.onnx'), { name: 'digits' });
    expect(l.library.setStage({ name: 'digits', version: 1 }, 'production').stage).toBe('production');
    expect(l.library.setNotes({ name: 'digits', version: 1 }, 'baseline for Q3').notes).toBe('baseline for Q3');
    const error = userError(() => l.library.setStage({ name: 'digits', version: 1 }, 'prod'));
    expect(error.message).toBe("invalid stage 'prod': expected one of dev, staging, production, archived");
    expect(l.library.get({ name: 'digits', version: 1 }).stage).toBe('production');
  });
});

describe('asynchronous imports (control-plane jobs)', () => {
  it('import the same way, reporting copy progress', async () => {
    const l = fresh();
    const phases: string[] = [];
    const { created, version } = await l.library.importModelAsync(model('squeezenet1_1.onnx'), {
      name: 'squeeze',
      onProgress: (p) => phases.push(p.phase),
    });
    expect(created).toBe(true);
    expect(version).toMatchObject({ model: 'squeeze', version: 1, fileBytes: 4950533 });
    expect(new Set(phases)).toEqual(new Set(['checking', 'copying', 'verifying', 'committing']));
    expect(modelFiles(l)).toEqual([`${version.sha256}.onnx`]);
  });

  it('stop when cancelled part-way, leaving no row and no file', async () => {
    const l = fresh();
    const controller = new AbortController();
    const attempt = l.library.importModelAsync(model('squeezenet1_1.onnx'), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'copying') controller.abort();
      },
    });
    await expect(attempt).rejects.toThrow(/the import of squeezenet1_1\.onnx was cancelled; nothing was imported/);
    expect(rowCount(l)).toBe(0);
    expect(modelFiles(l)).toEqual([]);
  });
});
