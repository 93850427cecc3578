// A crash at any point of an import leaves a library that opens and is consistent: no row without its file,
// no file without its row, no half-written file. Also: two processes importing the same file at once.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, model } from '../helpers/paths';
import { openLibrary } from '../helpers/openLibrary';
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

      const l = openLibrary(home);
      try {
        const swept = l.library.sweepOrphans();
        expect(swept).toHaveLength(1);
        expect(swept[0]).toMatch(phase === 'copying' ? /^\.tmp-\d+-[0-9a-f]+\.onnx$/ : /^[0-9a-f]{64}\.onnx$/);
        expect(l.library.list()).toEqual([]);
        expect(readdirSync(`${home}/models`)).toEqual([]);
        expect(l.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const { created, version } = l.library.importModel(BIG, { name: 'squeeze' });
        expect(created).toBe(true);
        expect(version.version).toBe(1);
        expect(existsSync(l.library.filePath(version))).toBe(true);
      } finally {
        l.db.close();
      }
    });
  }
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
