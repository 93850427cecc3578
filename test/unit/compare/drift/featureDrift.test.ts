import { describe, expect, it } from 'vitest';
import { featureDrift } from '../../../../src-main/engine/compare/drift/featureDrift';
import { ks2samp } from '../../../../src-main/engine/compare/stats/ks2samp';
import { wassersteinNormalized } from '../../../../src-main/engine/compare/stats/wasserstein';
import { FeatureDriftSchema } from '../../../../src-shared/contract';
import { mulberry32 } from '../../../../src-shared/seededRandom';

function normals(n: number, seed: number, mean = 0, std = 1): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from(
    { length: n },
    () => mean + std * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );
}

function categories(n: number, seed: number, shares: number[]): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from({ length: n }, () => {
    let u = random();
    for (let k = 0; k < shares.length; k++) {
      u -= shares[k]!;
      if (u < 0) return k;
    }
    return shares.length - 1;
  });
}

const quick = { calibration: { enabled: false } } as const;
const decisive = (f: ReturnType<typeof featureDrift>) => f.tests.find((t) => t.decisive)!;

describe('featureDrift: test choice (Evidently defaults)', () => {
  it('numeric with ≤ 1000 reference values: KS decides, and its numbers are ks_2samp’s', () => {
    const reference = normals(800, 1);
    const current = normals(300, 2, 0.4);
    const result = featureDrift(reference, current, 'numeric', quick);
    expect(FeatureDriftSchema.parse(result)).toEqual(result);
    expect(result.treatment).toBe('numeric');
    expect(decisive(result).test).toBe('ks');
    expect(decisive(result).pValue).toBe(ks2samp(reference, current).pValue);
    expect(result.drifted).toBe(true);
    expect(result.tests.map((t) => t.test)).toEqual(['ks', 'wasserstein', 'psi', 'jensenShannon']);
  });

  it('numeric with > 1000 reference values: normalised Wasserstein ≥ 0.1 decides', () => {
    const reference = normals(1500, 3);
    const result = featureDrift(reference, normals(1500, 4, 0.05), 'numeric', quick);
    const wasserstein = decisive(result);
    expect(wasserstein.test).toBe('wasserstein');
    // Same convention as the scipy-matched function (the std is summed in sorted order here: last-bit differences).
    const expected = wassersteinNormalized(reference, normals(1500, 4, 0.05));
    expect(Math.abs(wasserstein.value! - expected) / expected).toBeLessThan(1e-12);
    expect(wasserstein.rule).toBe('valueAtLeast');
    expect(result.drifted).toBe(false);
    // KS is still reported (here it would call a 0.05 std shift on 1500 rows significant or not; either way shown).
    expect(result.tests.find((t) => t.test === 'ks')!.pValue).not.toBeNull();
  });

  it('categorical: chi-square for small references, Jensen–Shannon for large ones', () => {
    const shares = [0.5, 0.3, 0.2];
    const small = featureDrift(categories(500, 5, shares), categories(400, 6, [0.3, 0.3, 0.4]), 'categorical', quick);
    expect(decisive(small).test).toBe('chiSquare');
    expect(small.drifted).toBe(true);
    const large = featureDrift(categories(5000, 7, shares), categories(400, 8, shares), 'categorical', quick);
    expect(decisive(large).test).toBe('jensenShannon');
    expect(large.drifted).toBe(false);
    expect(large.histogram.categories).toEqual(['0', '1', '2']);
  });

  it('binary features use the two-proportion z-test; a numeric feature with ≤ 5 values is categorical', () => {
    const binary = featureDrift(categories(600, 9, [0.7, 0.3]), categories(600, 10, [0.5, 0.5]), 'numeric', quick);
    expect(binary.treatment).toBe('binary');
    expect(decisive(binary).test).toBe('zTest');
    expect(binary.drifted).toBe(true);
    const few = featureDrift(
      categories(600, 11, [0.25, 0.25, 0.25, 0.25]),
      categories(300, 12, [0.25, 0.25, 0.25, 0.25]),
      'numeric',
      quick,
    );
    expect(few.treatment).toBe('categorical');
  });

  it('thresholds and the deciding test are editable', () => {
    const reference = normals(800, 13);
    const current = normals(300, 14, 0.4);
    expect(featureDrift(reference, current, 'numeric', { ...quick, thresholds: { ks: 1e-30 } }).drifted).toBe(false);
    const byPsi = featureDrift(reference, current, 'numeric', { ...quick, test: 'psi', thresholds: { psi: 0.05 } });
    expect(decisive(byPsi).test).toBe('psi');
    expect(decisive(byPsi).threshold).toBe(0.05);
    // A test that does not apply to the treatment falls back to the default choice.
    expect(decisive(featureDrift(reference, current, 'numeric', { ...quick, test: 'zTest' })).test).toBe('ks');
  });

  it('severity is the decisive value over its threshold; ≥ 1 exactly when drifted', () => {
    const reference = normals(800, 15);
    for (const shift of [0, 0.1, 0.3, 1]) {
      const result = featureDrift(reference, normals(300, 16, shift), 'numeric', quick);
      expect(result.severity >= 1).toBe(result.drifted);
    }
  });
});

describe('featureDrift: awkward columns', () => {
  it('a constant feature on both sides cannot drift', () => {
    const result = featureDrift(new Float64Array(700), new Float64Array(300), 'numeric', quick);
    expect(result.treatment).toBe('binary');
    expect(result.drifted).toBe(false);
    expect(decisive(result).pValue).toBe(1);
    expect(result.note).toMatch(/one value on both sides/);
  });

  it('a category new in current is tested for homogeneity, not called certain drift', () => {
    const reference = new Float64Array(1257);
    const current = new Float64Array(540);
    current[3] = 1;
    current[9] = 1;
    const result = featureDrift(reference, current, 'categorical', { ...quick, smallSampleMaxRows: 5000 });
    const chi = result.tests.find((t) => t.test === 'chiSquare')!;
    expect(chi.value).toBeGreaterThan(4);
    expect(chi.pValue).toBeGreaterThan(0.01);
    expect(chi.method).toMatch(/homogeneity/);
  });

  it('missing values are counted and left out; an all-missing side is reported, not tested', () => {
    const reference = normals(500, 17);
    const current = normals(200, 18);
    current.fill(Number.NaN, 0, 50);
    const result = featureDrift(reference, current, 'numeric', quick);
    expect(result.currentMissing).toBe(50);
    expect(result.currentCount).toBe(150);
    const empty = featureDrift(reference, new Float64Array(10).fill(Number.NaN), 'numeric', quick);
    expect(empty.tests).toEqual([]);
    expect(empty.drifted).toBe(false);
    expect(empty.note).toMatch(/every current value is missing/);
  });
});

describe('featureDrift: calibration', () => {
  it('measures a false-alarm rate near the KS level and a detectable shift that shrinks with more current rows', () => {
    const reference = normals(1000, 19);
    const options = { calibration: { resamples: 60, maxRows: 1000, seed: 4 } };
    const few = featureDrift(reference, normals(60, 20), 'numeric', options);
    const many = featureDrift(reference, normals(500, 21), 'numeric', options);
    const ks = (f: typeof few) => f.tests.find((t) => t.test === 'ks')!;
    expect(ks(many).falseAlarmRate).toBeLessThanOrEqual(0.15);
    const shiftFew = ks(few).minimalDetectableShift!;
    const shiftMany = ks(many).minimalDetectableShift!;
    // Two-sample KS at 80 % power needs a mean shift of about 2.5·sqrt(1/n + 1/m) std: 0.34 and 0.16 here.
    expect(shiftFew).toBeGreaterThan(0.25);
    expect(shiftFew).toBeLessThan(0.5);
    expect(shiftMany).toBeGreaterThan(0.1);
    expect(shiftMany).toBeLessThan(0.25);
    // Only the decisive test carries a detectable shift.
    expect(many.tests.filter((t) => t.minimalDetectableShift !== null).map((t) => t.test)).toEqual(['ks']);
  });

  it('scales a p-value test’s detectable shift from the measured part to the full sizes', () => {
    const result = featureDrift(normals(3000, 28), normals(5000, 29), 'numeric', {
      test: 'ks',
      calibration: { maxRows: 500, resamples: 40 },
    });
    expect(result.calibration).toEqual({ referenceRows: 500, currentRows: 500, resamples: 40, shiftScaled: true });
    const shift = result.tests.find((t) => t.decisive)!.minimalDetectableShift!;
    // About 2.5·sqrt(1/3000 + 1/5000) = 0.058 std.
    expect(shift).toBeGreaterThan(0.04);
    expect(shift).toBeLessThan(0.08);
  });

  it('flags a distance threshold that splits of the reference already cross (small current samples)', () => {
    const reference = normals(3000, 22);
    const result = featureDrift(reference, normals(20, 23), 'numeric', { calibration: { resamples: 40 } });
    const wasserstein = result.tests.find((t) => t.test === 'wasserstein')!;
    expect(wasserstein.decisive).toBe(true);
    // With 20 current rows, W1/std between two halves of the same data is often ≥ 0.1.
    expect(wasserstein.falseAlarmRate).toBeGreaterThan(0.3);
  });

  it('says when no shift is detectable with so few rows', () => {
    const result = featureDrift(categories(40, 24, [0.5, 0.5]), categories(3, 25, [0.5, 0.5]), 'categorical', {});
    const z = result.tests.find((t) => t.decisive)!;
    expect(z.test).toBe('zTest');
    expect(z.shiftUndetectable || z.minimalDetectableShift! > 0.5).toBe(true);
  });

  it('repeats exactly with the same seed', () => {
    const reference = normals(700, 26);
    const current = normals(200, 27, 0.1);
    expect(featureDrift(reference, current, 'numeric')).toEqual(featureDrift(reference, current, 'numeric'));
  });
});
