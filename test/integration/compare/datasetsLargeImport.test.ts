// A large CSV (about 200 MB, written by the test) imports in bounded memory: a child process streams it
// through the same path a 1 GB file takes, and its peak RSS stays under 250 MB. Killed half-way, it leaves a
// temp folder that the next open sweeps, and a library that opens and is consistent.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/engine';
import { mulberry32 } from '../../../src-shared/seededRandom';
import { ROOT } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

const TARGET_BYTES = 200 * 1024 * 1024;
const COLUMNS = 64;
const RSS_LIMIT_MB = 250;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function importInChild(home: string, file: string, name: string, killAt?: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', `${ROOT}test/integration/compare/importDatasetInChild.ts`, home, file, name];
    if (killAt !== undefined) args.push(String(killAt));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Digits-like rows: 64 pixel columns with 1-4 decimals, and a class label. Returns the rows written. */
async function writeLargeCsv(path: string): Promise<number> {
  const out = createWriteStream(path);
  const random = mulberry32(42);
  out.write(`${Array.from({ length: COLUMNS }, (_, i) => `px_${i}`).join(',')},label\n`);
  let bytes = 0;
  let rows = 0;
  while (bytes < TARGET_BYTES) {
    let chunk = '';
    for (let r = 0; r < 2000; r++) {
      const cells = new Array<string>(COLUMNS + 1);
      for (let c = 0; c < COLUMNS; c++) cells[c] = (Math.round(random() * 16000) / 1000).toString();
      cells[COLUMNS] = String(rows % 10);
      chunk += `${cells.join(',')}\n`;
      rows++;
    }
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

let file: string;
let rows: number;
beforeAll(async () => {
  file = join(tempDir('slipway-large-'), 'large.csv');
  rows = await writeLargeCsv(file);
}, 300_000);

describe('a 200 MB CSV', () => {
  it(`imports in a child whose peak RSS stays under ${RSS_LIMIT_MB} MB`, async () => {
    const home = tempDir();
    const result = await importInChild(home, file, 'large');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      rows: number;
      sourceBytes: number;
      seconds: number;
      peakRssMB: number;
    };
    expect(report.rows).toBe(rows);
    expect(report.sourceBytes).toBe(statSync(file).size);
    console.log(
      `200 MB CSV import: ${(report.sourceBytes / 1e6 / report.seconds).toFixed(1)} MB/s, peak RSS ${report.peakRssMB.toFixed(0)} MB`,
    );
    expect(report.peakRssMB).toBeLessThan(RSS_LIMIT_MB);

    const engine = Engine.open({ home, resourcesDir: null });
    try {
      const dataset = engine.datasets.get('large');
      expect(dataset.inputs).toEqual([expect.objectContaining({ name: 'features', shape: [COLUMNS] })]);
      expect(dataset.label).toMatchObject({ kind: 'class', count: rows });
      expect(dataset.features[0]!.count).toBe(rows);
      const stored = await engine.datasets.open('large');
      const [first] = await stored.featureColumns([COLUMNS - 1]);
      expect(first).toHaveLength(rows);
      await stored.close();
    } finally {
      await engine.close();
    }
  }, 300_000);

  it('killed half-way through, leaves a temp folder the next open sweeps', async () => {
    const home = tempDir();
    const result = await importInChild(home, file, 'killed', 0.3);
    expect(result.signal).toBe('SIGKILL');
    expect(readdirSync(join(home, 'datasets'))).toEqual([expect.stringMatching(/^\.tmp-\d+-[0-9a-f]+$/)]);
    const engine = Engine.open({ home, resourcesDir: null });
    try {
      expect(engine.sweptOrphans).toEqual([expect.stringMatching(/^datasets\/\.tmp-\d+-[0-9a-f]+$/)]);
      expect(readdirSync(join(home, 'datasets'))).toEqual([]);
      expect(engine.datasets.list()).toEqual([]);
    } finally {
      await engine.close();
    }
  }, 300_000);
});
