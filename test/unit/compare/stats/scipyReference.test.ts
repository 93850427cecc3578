// Every statistic against the numbers scipy 1.10 computed for the same samples (scripts/scipy-reference.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquare } from '../../../../src-main/engine/compare/stats/chiSquare';
import { cohenKappa } from '../../../../src-main/engine/compare/stats/cohenKappa';
import { jensenShannonDistance, jensenShannonSamples } from '../../../../src-main/engine/compare/stats/jensenShannon';
import { ks2samp } from '../../../../src-main/engine/compare/stats/ks2samp';
import { mcnemar } from '../../../../src-main/engine/compare/stats/mcnemar';
import { proportionsZTest } from '../../../../src-main/engine/compare/stats/proportionsZTest';
import { psi } from '../../../../src-main/engine/compare/stats/psi';
import { wassersteinDistance, wassersteinNormalized } from '../../../../src-main/engine/compare/stats/wasserstein';

interface Reference {
  scipy: string;
  bigReference: number[];
  ks2samp: { name: string; a?: number[]; b: number[]; statistic: number; pValue: number; branch: string }[];
  psi: {
    name: string;
    reference: number[];
    current: number[];
    bins: number;
    epsilon: number;
    value: number;
    cuts: number[];
  }[];
  jensenShannon: { name: string; p: number[]; q: number[]; value: number }[];
  jensenShannonSamples: { name: string; reference: number[]; current: number[]; numeric: boolean; value: number }[];
  wasserstein: { name: string; reference: number[]; current: number[]; distance: number; normalized: number }[];
  chiSquare: { name: string; reference: number[]; current: number[]; statistic: number; pValue: number }[];
  chiSquareHomogeneity: { name: string; reference: number[]; current: number[]; statistic: number; pValue: number }[];
  proportionsZTest: {
    name: string;
    referencePositives: number;
    referenceCount: number;
    currentPositives: number;
    currentCount: number;
    statistic: number;
    pValue: number;
  }[];
  cohenKappa: { name: string; a: number[]; b: number[]; value: number }[];
  mcnemar: { b: number; c: number; statistic: number; pValue: number; exact: boolean }[];
}

const reference = JSON.parse(
  readFileSync(new URL('../../../data/scipy-reference.json', import.meta.url), 'utf8'),
) as Reference;

/** |actual − expected| ≤ 1e-9·|expected| (exact equality for 0 and infinities). */
function expectClose(actual: number, expected: number, what: string): void {
  if (expected === 0 || !Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  const relative = Math.abs(actual - expected) / Math.abs(expected);
  expect(relative, `${what}: ${actual} vs scipy ${expected}`).toBeLessThanOrEqual(1e-9);
}

describe(`statistics match scipy ${reference.scipy} to 1e-9 relative`, () => {
  it('was generated with scipy 1.10', () => {
    expect(reference.scipy).toMatch(/^1\.10\./);
  });

  it.each(reference.ks2samp.map((c) => [c.name, c] as const))('ks_2samp: %s', (_name, c) => {
    const result = ks2samp(c.a ?? reference.bigReference, c.b);
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.pValue, c.pValue, `p-value [${c.branch}]`);
    expect(result.method).toBe(c.branch.startsWith('exact') ? 'exact' : 'asymp');
  });

  it.each(reference.psi.map((c) => [c.name, c] as const))('PSI: %s', (_name, c) => {
    const result = psi(c.reference, c.current, { bins: c.bins, epsilon: c.epsilon });
    expect(result.cuts).toEqual(c.cuts);
    expectClose(result.value, c.value, 'psi');
  });

  it.each(reference.jensenShannon.map((c) => [c.name, c] as const))('Jensen-Shannon distance: %s', (_name, c) => {
    expectClose(jensenShannonDistance(c.p, c.q), c.value, 'js');
  });

  it.each(reference.jensenShannonSamples.map((c) => [c.name, c] as const))('Jensen-Shannon on samples: %s', (_n, c) => {
    const value = jensenShannonSamples(Float64Array.from(c.reference), Float64Array.from(c.current), c.numeric);
    expectClose(value, c.value, 'js');
  });

  it.each(reference.wasserstein.map((c) => [c.name, c] as const))('Wasserstein: %s', (_name, c) => {
    expectClose(wassersteinDistance(c.reference, c.current), c.distance, 'distance');
    expectClose(wassersteinNormalized(c.reference, c.current), c.normalized, 'normalised');
  });

  it.each(reference.chiSquare.map((c) => [c.name, c] as const))('chi-square: %s', (_name, c) => {
    const result = chiSquare(c.reference, c.current);
    expect(result.method).toBe('fit');
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.pValue, c.pValue, 'p-value');
  });

  it.each(reference.chiSquareHomogeneity.map((c) => [c.name, c] as const))('chi-square homogeneity: %s', (_n, c) => {
    const result = chiSquare(c.reference, c.current);
    expect(result.method).toBe('homogeneity');
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.pValue, c.pValue, 'p-value');
  });

  it.each(reference.proportionsZTest.map((c) => [c.name, c] as const))('z-test: %s', (_name, c) => {
    const result = proportionsZTest(c.referencePositives, c.referenceCount, c.currentPositives, c.currentCount);
    expectClose(result.statistic, c.statistic, 'z');
    expectClose(result.pValue, c.pValue, 'p-value');
  });

  it.each(reference.cohenKappa.map((c) => [c.name, c] as const))("Cohen's kappa: %s", (_name, c) => {
    expectClose(cohenKappa(Int32Array.from(c.a), Int32Array.from(c.b)), c.value, 'kappa');
  });

  it.each(reference.mcnemar.map((c) => [`b=${c.b} c=${c.c}`, c] as const))('McNemar: %s', (_name, c) => {
    const result = mcnemar(c.b, c.c);
    expect(result.exact).toBe(c.exact);
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.pValue, c.pValue, 'p-value');
  });
});
