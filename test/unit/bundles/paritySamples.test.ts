// Parity samples: real rows when they fit the model (seeded choice, file order), synthetic rows otherwise, with
// integer inputs that stay meaningful (attention masks with at least one 1) and the same samples for a seed.
import { describe, expect, it } from 'vitest';
import { checkEdgeParity } from '../../../src-main/engine/bundles/edge/edgeParity';
import { encodeSample } from '../../../src-main/engine/bundles/edge/encodeSample';
import { paritySamples, SYNTHETIC_DYNAMIC_DIM } from '../../../src-main/engine/bundles/edge/paritySamples';
import { UserError } from '../../../src-main/engine/userError';
import type { ModelSignature } from '../../../src-shared/contract';

const digits: ModelSignature = {
  inputs: [{ name: 'pixels', kind: 'tensor', elementType: 'float32', shape: ['batch', 64] }],
  outputs: [{ name: 'logits', kind: 'tensor', elementType: 'float32', shape: ['batch', 10] }],
};
const text: ModelSignature = {
  inputs: [
    { name: 'input_ids', kind: 'tensor', elementType: 'int64', shape: ['batch', 'sequence'] },
    { name: 'attention_mask', kind: 'tensor', elementType: 'int64', shape: ['batch', 'sequence'] },
  ],
  outputs: [{ name: 'logits', kind: 'tensor', elementType: 'float32', shape: ['batch', 4] }],
};
const fixedBatch: ModelSignature = {
  inputs: [
    { name: 'x', kind: 'tensor', elementType: 'float16', shape: [2, null] },
    { name: 'flags', kind: 'tensor', elementType: 'bool', shape: [2, 3] },
  ],
  outputs: [{ name: 'y', kind: 'tensor', elementType: 'float32', shape: [2] }],
};

const digitRow = (i: number) => ({
  inputs: { pixels: Array.from({ length: 64 }, (_, k) => (i + k) % 17) },
  label: i % 10,
});

describe('paritySamples', () => {
  it('uses rows that fit, unwrapping sample-file lines, chosen by seed and kept in file order', () => {
    const rows = Array.from({ length: 100 }, (_, i) => digitRow(i));
    const a = paritySamples({ signature: digits, rows, rowsFrom: 'digits_reference.jsonl', count: 10, seed: 4 });
    expect(a.samples).toHaveLength(10);
    expect(a.samplesFrom).toBe('10 of 100 rows of digits_reference.jsonl');
    for (const s of a.samples) expect(Object.keys(s)).toEqual(['pixels']);
    const firsts = a.samples.map((s) => (s['pixels'] as number[])[0]!);
    expect(rows.map((r) => r.inputs.pixels[0]!).filter((v) => firsts.includes(v)).length).toBeGreaterThanOrEqual(1);
    expect(paritySamples({ signature: digits, rows, count: 10, seed: 4 }).samples).toEqual(a.samples);
    expect(paritySamples({ signature: digits, rows, count: 10, seed: 5 }).samples).not.toEqual(a.samples);
    // Fewer rows than asked: all of them.
    expect(paritySamples({ signature: digits, rows: rows.slice(0, 3), count: 10 }).samples).toHaveLength(3);
  });

  it('skips rows that do not fit and says so, and falls back to synthetic when none fits', () => {
    const rows = [digitRow(0), { inputs: { pixels: [1, 2, 3] } }, digitRow(2)];
    const some = paritySamples({ signature: digits, rows, rowsFrom: 'f.jsonl', count: 8 });
    expect(some.samples).toHaveLength(2);
    expect(some.samplesFrom).toMatch(/^2 of 3 rows of f\.jsonl; 1 rows skipped that do not fit \(row 2: .*pixels/);
    const none = paritySamples({ signature: text, rows, rowsFrom: 'digits.jsonl', count: 5, seed: 9 });
    expect(none.samples).toHaveLength(5);
    expect(none.samplesFrom).toMatch(
      /^5 synthetic samples \(seed 9\) \(no row of digits\.jsonl fits the model: .*input/,
    );
  });

  it('makes seeded synthetic rows that encode, with token ids in range and a mask of at least one 1', () => {
    const { samples, samplesFrom } = paritySamples({ signature: text, count: 64, seed: 1 });
    expect(samplesFrom).toBe('64 synthetic samples (seed 1)');
    const lengths = new Set<number>();
    for (const s of samples) {
      const ids = s['input_ids'] as number[];
      const mask = s['attention_mask'] as number[];
      expect(ids).toHaveLength(SYNTHETIC_DYNAMIC_DIM);
      expect(ids.every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
      const ones = mask.filter((v) => v === 1).length;
      expect(ones).toBeGreaterThanOrEqual(1);
      // A padded prefix: ones first, then zeros.
      expect(mask).toEqual(mask.map((_, i) => (i < ones ? 1 : 0)));
      lengths.add(ones);
      expect(encodeSample(text, s).map((t) => t.dims)).toEqual([
        [1, SYNTHETIC_DYNAMIC_DIM],
        [1, SYNTHETIC_DYNAMIC_DIM],
      ]);
    }
    expect(lengths.size).toBeGreaterThan(3);
    expect(paritySamples({ signature: text, count: 64, seed: 1 }).samples).toEqual(samples);
  });

  it('keeps a fixed batch axis in synthetic rows and fills floats in [-1, 1)', () => {
    const { samples } = paritySamples({ signature: fixedBatch, count: 3 });
    for (const s of samples) {
      const x = s['x'] as number[][];
      expect(x).toHaveLength(2);
      expect(x[0]).toHaveLength(SYNTHETIC_DYNAMIC_DIM);
      expect(x.flat().every((v) => v >= -1 && v < 1)).toBe(true);
      expect((s['flags'] as boolean[][]).flat().every((v) => typeof v === 'boolean')).toBe(true);
      expect(encodeSample(fixedBatch, s).map((t) => t.dims)).toEqual([
        [2, SYNTHETIC_DYNAMIC_DIM],
        [2, 3],
      ]);
    }
  });

  it('refuses a count below one and inputs it cannot make up', () => {
    expect(() => paritySamples({ signature: digits, count: 0 })).toThrow(UserError);
    const unranked: ModelSignature = {
      inputs: [{ name: 'x', kind: 'tensor', elementType: 'float32', shape: null }],
      outputs: [],
    };
    expect(() => paritySamples({ signature: unranked })).toThrow(/no declared rank/);
  });

  it('is refused by the parity check when empty', async () => {
    await expect(
      checkEdgeParity({
        originalPath: 'a.onnx',
        optimizedPath: 'b.onnx',
        signature: digits,
        samples: [],
        samplesFrom: 'x',
      }),
    ).rejects.toThrow(/at least one sample/);
  });
});
