// Reading a stored dataset back: batches over any range (batch edges, from/count, an early stop), feature
// columns de-interleaved from the row-major files, rows by index, and a damaged file refused at open.
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RowBatch } from '../../../../src-main/engine/compare/datasets/datasetRows';
import { openDatasets, type TestDatasets } from './openDatasets';

let t: TestDatasets;
afterEach(() => t?.close());

/** 103 rows: a = [r, -r], b = r*10 (scalar), label r % 3 (none for every 7th row). */
async function seed() {
  const lines = Array.from({ length: 103 }, (_, r) =>
    JSON.stringify({ inputs: { a: [r, -r], b: r * 10 }, ...(r % 7 === 0 ? {} : { label: r % 3 }) }),
  );
  return t.datasets.import(t.file('rows.jsonl', lines.join('\n')), { name: 'rows' });
}

async function collect(iterable: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const b of iterable) out.push(b);
  return out;
}

describe('stored dataset rows', () => {
  it('reads any range in batches, each with its own buffers', async () => {
    t = openDatasets();
    await seed();
    const rows = await t.datasets.open('rows');
    try {
      const all = await collect(rows.batches({ batchRows: 10 }));
      expect(all.map((b) => [b.start, b.count])).toEqual([
        ...Array.from({ length: 10 }, (_, i) => [i * 10, 10]),
        [100, 3],
      ]);
      expect(Array.from(all[3]!.inputs.get('a')!)).toEqual([
        30, -30, 31, -31, 32, -32, 33, -33, 34, -34, 35, -35, 36, -36, 37, -37, 38, -38, 39, -39,
      ]);
      expect(Array.from(all[10]!.inputs.get('b')!)).toEqual([1000, 1010, 1020]);
      expect(all[0]!.labels).toEqual([null, 1, 2, 0, 1, 2, 0, null, 2, 0]);
      expect(all[0]!.inputs.get('a')!.buffer).not.toBe(all[1]!.inputs.get('a')!.buffer);

      const middle = await collect(rows.batches({ from: 95, count: 20, batchRows: 4 }));
      expect(middle.map((b) => [b.start, b.count])).toEqual([
        [95, 4],
        [99, 4],
      ]);
      expect(await collect(rows.batches({ from: 103 }))).toEqual([]);
      const whole = await collect(rows.batches());
      expect(whole).toHaveLength(1);
      expect(whole[0]!.count).toBe(103);

      // Stopping early leaves the files usable.
      for await (const b of rows.batches({ batchRows: 5 })) if (b.start >= 10) break;
      const [first] = await collect(rows.batches({ from: 50, count: 1 }));
      expect(Array.from(first!.inputs.get('a')!)).toEqual([50, -50]);
    } finally {
      await rows.close();
    }
    await expect(collect(rows.batches())).rejects.toThrow(/was closed/);
  });

  it('gives feature columns in row order and rows by index in the order asked', async () => {
    t = openDatasets();
    const dataset = await seed();
    expect(dataset.features.map((f) => f.name)).toEqual(['a[0]', 'a[1]', 'b']);
    const rows = await t.datasets.open('rows');
    try {
      const [b, a1, a0] = await rows.featureColumns([2, 1, 0]);
      expect(Array.from(a0!)).toEqual(Array.from({ length: 103 }, (_, r) => r));
      // JSON has no -0: row 0's a[1] was written as 0.
      expect(Array.from(a1!)).toEqual(Array.from({ length: 103 }, (_, r) => (r === 0 ? 0 : -r)));
      expect(Array.from(b!)).toEqual(Array.from({ length: 103 }, (_, r) => r * 10));
      await expect(rows.featureColumns([3])).rejects.toThrow('dataset rows has no feature 3 (it has 3)');

      const picked = await rows.readRows([102, 0, 57, 57, 1]);
      expect(picked.indices).toEqual([102, 0, 57, 57, 1]);
      expect(Array.from(picked.inputs.get('a')!)).toEqual([102, -102, 0, 0, 57, -57, 57, -57, 1, -1]);
      expect(Array.from(picked.inputs.get('b')!)).toEqual([1020, 0, 570, 570, 10]);
      expect(picked.labels).toEqual([0, null, 0, 0, 1]);
      await expect(rows.readRows([103])).rejects.toThrow('row 103 is not in dataset rows (rows 0..102)');
    } finally {
      await rows.close();
    }
  });

  it('refuses to open a dataset whose file lost bytes', async () => {
    t = openDatasets();
    const dataset = await seed();
    truncateSync(join(t.datasets.folders.pathOf(dataset.id), 'input-0.f64'), 100);
    await expect(t.datasets.open('rows')).rejects.toThrow(
      `dataset rows is damaged: input-0.f64 holds 100 bytes, expected ${103 * 2 * 8}; remove it and import it again`,
    );
  });
});
