// The profile against a direct computation: count, missing, min/max, mean, sample std, quantiles (exact while
// the sketch holds every value, within its rank error beyond), the 20-bin histogram, categorical frequencies
// and the stated rules (categorical: booleans, or whole numbers with ≤ 10 distinct values; class labels:
// names, or whole numbers with ≤ 100 distinct values).
import { afterEach, describe, expect, it } from 'vitest';
import { QuantileSketch } from '../../../../src-main/engine/compare/stats/quantileSketch';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { importError, openDatasets, type TestDatasets } from './openDatasets';

let t: TestDatasets;
afterEach(() => t?.close());

function jsonl(rows: { x: (number | null)[]; label?: unknown }[]): string {
  return rows
    .map((r) => JSON.stringify({ inputs: { x: r.x }, ...(r.label === undefined ? {} : { label: r.label }) }))
    .join('\n');
}

function direct(values: number[]) {
  const present = values.filter((v) => !Number.isNaN(v));
  const n = present.length;
  const mean = present.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const sorted = [...present].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const counts = new Array<number>(20).fill(0);
  for (const v of present) counts[max > min ? Math.min(19, Math.floor(((v - min) / (max - min)) * 20)) : 0]!++;
  const quantile = (p: number) => (p === 0 ? min : p === 1 ? max : sorted[Math.max(0, Math.ceil(p * n) - 1)]!);
  return { n, missing: values.length - n, mean, std, min, max, counts, quantile };
}

describe('feature profile', () => {
  it('matches a direct computation for numeric features with missing values', async () => {
    t = openDatasets();
    const random = mulberry32(7);
    const rows = Array.from({ length: 250 }, (_, i) => ({
      x: [random() * 10 - 3, i % 23 === 0 ? null : Math.exp(random() * 4), Math.round(random() * 1000)],
    }));
    const dataset = await t.datasets.import(t.file('numbers.jsonl', jsonl(rows)), { name: 'numbers' });
    for (let f = 0; f < 3; f++) {
      const expected = direct(rows.map((r) => r.x[f] ?? Number.NaN));
      const got = dataset.features[f]!;
      expect(got.kind).toBe('numeric');
      expect(got.count).toBe(expected.n);
      expect(got.missing).toBe(expected.missing);
      expect(got.min).toBe(expected.min);
      expect(got.max).toBe(expected.max);
      expect(got.mean).toBeCloseTo(expected.mean, 10);
      expect(Math.abs(got.std! - expected.std) / expected.std).toBeLessThan(1e-12);
      expect(got.histogram!.counts).toEqual(expected.counts);
      expect(got.histogram!.edges).toHaveLength(21);
      expect(got.histogram!.edges[0]).toBe(expected.min);
      expect(got.histogram!.edges[20]).toBe(expected.max);
      // Under the sketch's capacity every value is kept: quantiles are exact.
      for (const { p, value } of got.quantiles) expect(value, `p${p}`).toBe(expected.quantile(p));
      const sketch = QuantileSketch.deserialize(got.sketch);
      expect(sketch.count).toBe(expected.n);
      expect(got.frequencies).toBeNull();
    }
    expect(dataset.features[2]!.integer).toBe(true);
    expect(dataset.features[0]!.integer).toBe(false);
    expect(dataset.inputs[0]).toMatchObject({ missing: rows.filter((r) => r.x[1] === null).length, integer: false });
  });

  it('keeps quantiles within the sketch rank error on a stream larger than it holds', async () => {
    t = openDatasets();
    const random = mulberry32(11);
    const rows = Array.from({ length: 30_000 }, () => ({ x: [random()] }));
    const dataset = await t.datasets.import(t.file('many.jsonl', jsonl(rows)), { name: 'many' });
    const sorted = rows.map((r) => r.x[0]!).sort((a, b) => a - b);
    for (const { p, value } of dataset.features[0]!.quantiles) {
      const rank = sorted.findIndex((v) => v >= value) / sorted.length;
      expect(Math.abs(rank - p), `p${p}`).toBeLessThan(0.01);
    }
  });

  it('calls whole numbers with at most 10 distinct values categorical (with frequencies), 11 numeric', async () => {
    t = openDatasets();
    const rows = Array.from({ length: 110 }, (_, i) => ({ x: [i % 10, i % 11, (i % 10) + 0.5, 7] }));
    const dataset = await t.datasets.import(t.file('cats.jsonl', jsonl(rows)), { name: 'cats' });
    expect(dataset.features.map((f) => f.kind)).toEqual(['categorical', 'numeric', 'numeric', 'categorical']);
    expect(dataset.features[0]!.frequencies).toEqual(
      Array.from({ length: 10 }, (_, v) => ({ value: String(v), count: 11 })),
    );
    expect(dataset.features[0]!.histogram).toBeNull();
    expect(dataset.features[3]!.frequencies).toEqual([{ value: '7', count: 110 }]);
    expect(dataset.features[1]!.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(110);
  });

  it('a constant feature has one bin; an all-missing feature has no statistics', async () => {
    t = openDatasets();
    const rows = [{ x: [2.5, null] }, { x: [2.5, null] }, { x: [2.5, null] }];
    const dataset = await t.datasets.import(t.file('flat.jsonl', jsonl(rows)), { name: 'flat' });
    expect(dataset.features[0]).toMatchObject({
      kind: 'numeric',
      std: 0,
      histogram: { edges: [2.5, 2.5], counts: [3] },
    });
    expect(dataset.features[1]).toMatchObject({
      count: 0,
      missing: 3,
      min: null,
      max: null,
      mean: null,
      std: null,
      quantiles: [],
      histogram: null,
      frequencies: null,
    });
    expect(dataset.inputs[0]).toMatchObject({ missing: 3, min: 2.5, max: 2.5, integer: false });
  });

  it('labels: whole numbers with ≤ 100 distinct values are classes, more are regression; --label-kind overrides', async () => {
    t = openDatasets();
    const classes = Array.from({ length: 300 }, (_, i) => ({ x: [i], label: i % 100 }));
    const c = await t.datasets.import(t.file('c.jsonl', jsonl(classes)), { name: 'c' });
    expect(c.label).toMatchObject({ kind: 'class', count: 300 });
    expect(c.label!.classes).toHaveLength(100);
    expect(c.label!.classes![0]).toEqual({ value: '0', count: 3 });

    const wide = Array.from({ length: 300 }, (_, i) => ({ x: [i], label: i % 101 }));
    const r = await t.datasets.import(t.file('r.jsonl', jsonl(wide)), { name: 'r' });
    expect(r.label).toMatchObject({ kind: 'regression', classes: null });
    const forced = await t.datasets.import(t.file('f.jsonl', jsonl(classes)), { name: 'f', labelKind: 'regression' });
    expect(forced.label!.kind).toBe('regression');
    expect(
      (await importError(t.datasets.import(t.file('w.jsonl', jsonl(wide)), { name: 'w', labelKind: 'class' }))).message,
    ).toMatch(/take more than 100 distinct values: too many for classes/);
    const names = [{ x: [1], label: 'a' }];
    expect(
      (await importError(t.datasets.import(t.file('n.jsonl', jsonl(names)), { name: 'n', labelKind: 'regression' })))
        .message,
    ).toMatch(/are class names, not numbers: they cannot be a regression target/);
  });
});
