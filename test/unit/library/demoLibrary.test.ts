import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoLibrary } from '../../../src-main/engine/library/demoLibrary';
import { RESOURCES } from '../../helpers/paths';
import { openLibrary, type TestLibrary } from '../../helpers/openLibrary';
import { tempDir } from '../../helpers/tempDir';

let opened: TestLibrary[] = [];
afterEach(() => {
  opened.forEach((l) => l.db.close());
  opened = [];
});
const open = (home: string) => {
  const l = openLibrary(home);
  opened.push(l);
  return l;
};

describe('the demo library', () => {
  it('fills an empty home with every shipped model, with stages and notes', () => {
    const l = open(tempDir());
    const result = seedDemoLibrary(l.library, l.meta, RESOURCES);
    expect(result?.problems).toEqual([]);
    expect(result?.imported).toEqual([
      'digits-mlp:1',
      'digits-mlp:2',
      'cancer-logreg:1',
      'cancer-logreg:2',
      'squeezenet1_1:1',
      'text-classifier:1',
      'multi-dtype:1',
      'slow-matmul:1',
    ]);
    const digits = l.library.versionsOf('digits-mlp');
    expect(digits.map((v) => v.stage)).toEqual(['production', 'staging']);
    expect(digits[0]!.notes).toMatch(/MLP 64-32-10/);
  });

  it('runs once per home: not again on reopen, and not after the user removed every model', () => {
    const home = tempDir();
    const l = open(home);
    seedDemoLibrary(l.library, l.meta, RESOURCES);
    for (const m of l.library.list())
      for (const v of m.versions) l.library.remove({ name: v.model, version: v.version });
    expect(seedDemoLibrary(l.library, l.meta, RESOURCES)).toBeNull();
    expect(l.library.list()).toEqual([]);
  });

  it('leaves a home that already has models alone', () => {
    const l = open(tempDir());
    l.library.importModel(join(RESOURCES, 'models/multi-dtype.onnx'), { name: 'mine' });
    expect(seedDemoLibrary(l.library, l.meta, RESOURCES)).toBeNull();
    expect(l.library.list().map((m) => m.name)).toEqual(['mine']);
  });

  it('reports a missing demo file and still imports the others', () => {
    const resources = tempDir();
    mkdirSync(join(resources, 'models'));
    copyFileSync(join(RESOURCES, 'models/multi-dtype.onnx'), join(resources, 'models/multi-dtype.onnx'));
    writeFileSync(
      join(resources, 'demo-library.json'),
      JSON.stringify({
        models: [
          { file: 'models/gone.onnx', name: 'gone', version: 1 },
          { file: 'models/multi-dtype.onnx', name: 'multi-dtype', version: 1 },
        ],
      }),
    );
    const l = open(tempDir());
    const result = seedDemoLibrary(l.library, l.meta, resources)!;
    expect(result.imported).toEqual(['multi-dtype:1']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^gone:1: .*gone\.onnx/);
  });
});
