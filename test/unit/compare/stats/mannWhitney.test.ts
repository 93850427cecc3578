// Mann–Whitney U against the numbers scipy 1.10 computed for the same samples (scripts/scipy-reference.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mannWhitneyU, type MannWhitneyAlternative } from '../../../../src-main/engine/compare/stats/mannWhitney';

interface Case {
  name: string;
  x: number[];
  y: number[];
  alternative: MannWhitneyAlternative;
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

const reference = JSON.parse(readFileSync(new URL('../../../data/scipy-reference.json', import.meta.url), 'utf8')) as {
  scipy: string;
  mannWhitneyU: Case[];
};

function expectClose(actual: number, expected: number, what: string): void {
  if (expected === 0 || !Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(
    Math.abs(actual - expected) / Math.abs(expected),
    `${what}: ${actual} vs scipy ${expected}`,
  ).toBeLessThanOrEqual(1e-9);
}

describe(`mannWhitneyU matches scipy ${reference.scipy} mannwhitneyu to 1e-9 relative`, () => {
  it('has cases on both branches and every alternative', () => {
    expect(new Set(reference.mannWhitneyU.map((c) => c.method))).toEqual(new Set(['exact', 'asymptotic']));
    expect(new Set(reference.mannWhitneyU.map((c) => c.alternative)).size).toBe(3);
  });

  it.each(reference.mannWhitneyU.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = mannWhitneyU(c.x, c.y, c.alternative);
    expect(result.method).toBe(c.method);
    expectClose(result.statistic, c.statistic, 'U');
    expectClose(result.pValue, c.pValue, 'p-value');
  });

  it('drops NaN and refuses an empty sample', () => {
    expect(mannWhitneyU([1, Number.NaN, 2], [3, 4]).n1).toBe(2);
    expect(() => mannWhitneyU([Number.NaN], [1])).toThrow(/at least one value/);
  });
});
