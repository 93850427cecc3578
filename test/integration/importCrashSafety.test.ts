// A crash at any point of an import leaves a library that opens and is consistent: no row without its file,
// no file without its row, no half-written file. Also: two processes importing the same file at once.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, model } from '../helpers/paths';
import { Engine } from '../../src-main/engine/engine';
import { openLibrary } from '../helpers/openLibrary';
import { runCliJson } from '../helpers/runCli';
import { LibraryInfoSchema } from '../../src-shared/contract';
import { tempDir } from '../helpers/tempDir';

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

function importInChild(home: string, file: string, name: string, crashAt = '', startAt = ''): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `${ROOT}test/helpers/importInChild.ts`, home, file, name, crashAt, startAt],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout }));
  });
}

// squeezenet is ~5 MB: copied in 4 MB chunks, so a kill while copying leaves a partial temp file.
const BIG = model('squeezenet1_1.onnx');

describe('an import killed part-way', () => {
  for (const phase of ['copying', 'committing'] as const) {
    it(`while ${phase}: reopening finds no orphan row and no stray file, and imports again`, async () => {
      const home = tempDir();
      openLibrary(home).db.close();
      const crashed = await importInChild(home, BIG, 'squeeze', phase);
      expect(crashed.signal).toBe('SIGKILL');
      // The crash really left something on disk for the sweep to deal with.
      expect(readdirSync(`${home}/models`).length).toBe(1);

      // Reopen the way the app and the CLI do: Engine.open must sweep what the crash left.
      const engine = Engine.open({ home, resourcesDir: null });
      try {
        expect(engine.sweptOrphans).toHaveLength(1);
        expect(engine.sweptOrphans[0]).toMatch(
          phase === 'copying' ? /^\.tmp-\d+-[0-9a-f]+\.onnx$/ : /^[0-9a-f]{64}\.onnx$/,
        );
        expect(readdirSync(`${home}/models`)).toEqual([]);
        expect(engine.library.list()).toEqual([]);
        const { created, version } = engine.library.importModel(BIG, { name: 'squeeze' });
        expect(created).toBe(true);
        expect(version.version).toBe(1);
        expect(existsSync(engine.library.filePath(version))).toBe(true);
      } finally {
        await engine.close();
      }
      const l = openLibrary(home);
      try {
        expect(l.db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        l.db.close();
      }
    });
  }

  it('`slipway info --json` reports the orphan it swept, and the file is gone from disk', async () => {
    const home = tempDir();
    // A library with one version already, so the CLI's first open does not add the demo models.
    const l = openLibrary(home);
    const kept = `${l.library.importModel(model('cancer-logreg-v1.onnx'), { name: 'cancer' }).version.sha256}.onnx`;
    l.db.close();
    const crashed = await importInChild(home, BIG, 'squeeze', 'committing');
    expect(crashed.signal).toBe('SIGKILL');
    const orphan = readdirSync(`${home}/models`).find((name) => name !== kept);
    expect(orphan).toMatch(/^[0-9a-f]{64}\.onnx$/);
    const info = await runCliJson(LibraryInfoSchema, ['info', '--home', home]);
    expect(info).toMatchObject({ home, models: 1, versions: 1, demoImported: [], sweptOrphans: [orphan] });
    expect(readdirSync(`${home}/models`)).toEqual([kept]);
  });
});

describe('two processes importing the same file at the same moment', () => {
  it('create one version and one file; the other is told it already exists', async () => {
    const home = tempDir();
    openLibrary(home).db.close();
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all([
      importInChild(home, BIG, 'squeeze', '', startAt),
      importInChild(home, BIG, 'squeeze', '', startAt),
    ]);
    const parsed = results.map((r) => {
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { created: boolean; version: number; sha256: string };
    });
    expect(parsed.map((p) => p.created).sort()).toEqual([false, true]);
    expect(parsed[0]!.version).toBe(1);
    expect(parsed[1]!.version).toBe(1);
    const l = openLibrary(home);
    try {
      expect(l.library.versionsOf('squeeze')).toHaveLength(1);
      expect(readdirSync(`${home}/models`)).toEqual([`${parsed[0]!.sha256}.onnx`]);
    } finally {
      l.db.close();
    }
  });

  it('of different files under one name get versions 1 and 2', async () => {
    const home = tempDir();
    openLibrary(home).db.close();
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all([
      importInChild(home, model('digits-mlp-v1.onnx'), 'digits', '', startAt),
      importInChild(home, model('digits-mlp-v2.onnx'), 'digits', '', startAt),
    ]);
    const versions = results.map((r) => (JSON.parse(r.stdout) as { version: number }).version).sort();
    expect(versions).toEqual([1, 2]);
    const l = openLibrary(home);
    try {
      expect(l.library.versionsOf('digits').map((v) => v.version)).toEqual([1, 2]);
      expect(readdirSync(`${home}/models`)).toHaveLength(2);
    } finally {
      l.db.close();
    }
  });
});
