import { describe, expect, it } from 'vitest';
import { driftAgainstProfile } from '../../../../src-main/engine/compare/drift/driftAgainstProfile';
import { driftBetween } from '../../../../src-main/engine/compare/drift/driftBetween';
import { QuantileSketch } from '../../../../src-main/engine/compare/stats/quantileSketch';
import { isUserError } from '../../../../src-main/engine/userError';
import { DriftReportSchema } from '../../../../src-shared/contract';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { ProfiledDatasetRows } from '../../../helpers/profiledDatasetRows';

function normals(n: number, seed: number, mean = 0): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from(
    { length: n },
    () => mean + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );
}

/** `shifted` of the four columns get a mean shift of one std in current. */
function datasets(rows: number, shifted: number) {
  const reference: Record<string, Float64Array> = {};
  const current: Record<string, Float64Array> = {};
  for (let k = 0; k < 4; k++) {
    reference[`f${k}`] = normals(rows, 10 + k);
    current[`f${k}`] = normals(rows, 20 + k, k < shifted ? 1 : 0);
  }
  return {
    reference: ProfiledDatasetRows.fromColumns('reference', reference),
    current: ProfiledDatasetRows.fromColumns('current', current),
  };
}

const quick = { calibration: { enabled: false } } as const;

describe('driftBetween', () => {
  it('calls dataset drift when half the features drift, with the share editable', async () => {
    const { reference, current } = datasets(2000, 2);
    const report = await driftBetween(reference, current, quick);
    expect(DriftReportSchema.parse(report)).toEqual(report);
    expect(report.source).toBe('samples');
    expect(report.driftedFeatures).toBe(2);
    expect(report.driftedShare).toBe(0.5);
    expect(report.datasetDrift).toBe(true);
    expect(report.datasetDriftReason).toBe('share');
    expect(
      report.features
        .slice(0, 2)
        .map((f) => f.name)
        .sort(),
    ).toEqual(['f0', 'f1']);
    const stricter = await driftBetween(reference, current, { ...quick, datasetDriftShare: 0.75 });
    expect(stricter.datasetDrift).toBe(false);
    expect(report.conventions.join(' ')).toMatch(/ddof=0/);
  });

  it('gives the same report from worker threads as on the calling thread', async () => {
    const { reference, current } = datasets(3000, 1);
    const inPlace = await driftBetween(reference, current, {}, { threads: 0 });
    const threaded = await driftBetween(reference, current, {}, { threads: 2 });
    expect(threaded).toEqual(inPlace);
  });

  it('tests only the features asked for, and reports progress', async () => {
    const { reference, current } = datasets(300, 1);
    const progress: number[] = [];
    const report = await driftBetween(
      reference,
      current,
      { ...quick, features: ['f0', 'f3'] },
      {
        onProgress: (p) => progress.push(p.featuresDone),
      },
    );
    expect(report.features.map((f) => f.name).sort()).toEqual(['f0', 'f3']);
    expect(progress).toEqual([1, 2]);
  });

  it('says which features the current dataset lacks', async () => {
    const reference = ProfiledDatasetRows.fromColumns('ref', { a: normals(50, 1), b: normals(50, 2) });
    const current = ProfiledDatasetRows.fromColumns('cur', { a: normals(50, 3) });
    const error: unknown = await driftBetween(reference, current, quick).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/current dataset "cur" lacks 1 feature\(s\) of the reference "ref": "b"/);
    await expect(driftBetween(reference, reference, { features: ['zz'] })).rejects.toThrow(/has no feature "zz"/);
  });

  it('stops when cancelled', async () => {
    const { reference, current } = datasets(100, 0);
    const controller = new AbortController();
    controller.abort();
    await expect(driftBetween(reference, current, quick, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

describe('driftAgainstProfile', () => {
  it('compares current values with the stored profile, and marks sketch-based numbers approximate', () => {
    const { reference } = datasets(20_000, 0);
    const current = new Map([
      ['f0', normals(5000, 30, 0.5)],
      ['f1', normals(5000, 31)],
    ]);
    const report = driftAgainstProfile(reference.dataset.features, current, { ...quick, features: ['f0', 'f1'] });
    expect(report.source).toBe('profile');
    const f0 = report.features.find((f) => f.name === 'f0')!;
    const f1 = report.features.find((f) => f.name === 'f1')!;
    expect(f0.drifted).toBe(true);
    expect(f1.drifted).toBe(false);
    const wasserstein = f0.tests.find((t) => t.decisive)!;
    expect(wasserstein.test).toBe('wasserstein');
    expect(wasserstein.approximate).toBe(true);
    expect(wasserstein.method).toMatch(/sketch/);
    // Close to the exact value (a 0.5 std shift).
    expect(wasserstein.value!).toBeGreaterThan(0.45);
    expect(wasserstein.value!).toBeLessThan(0.55);
    expect(report.conventions.join(' ')).toMatch(/approximations/);
  });

  it('takes live sketches as the current side', () => {
    const { reference } = datasets(20_000, 0);
    const live = new QuantileSketch();
    live.addAll(normals(50_000, 40, 0.3));
    const same = new QuantileSketch();
    same.addAll(normals(50_000, 41));
    const report = driftAgainstProfile(
      reference.dataset.features,
      new Map([
        ['f0', { sketch: live }],
        ['f1', { sketch: same, missing: 7 }],
      ]),
      { ...quick, features: ['f0', 'f1'] },
    );
    expect(report.features.find((f) => f.name === 'f0')!.drifted).toBe(true);
    const f1 = report.features.find((f) => f.name === 'f1')!;
    expect(f1.drifted).toBe(false);
    expect(f1.currentMissing).toBe(7);
    expect(report.currentRows).toBe(50_007);
  });

  it('refuses columns the profile does not have, and profiled features with no current values', () => {
    const { reference } = datasets(100, 0);
    expect(() => driftAgainstProfile(reference.dataset.features, new Map([['nope', normals(5, 1)]]))).toThrow(
      /no feature "nope"/,
    );
    expect(() => driftAgainstProfile(reference.dataset.features, new Map([['f0', normals(5, 1)]]))).toThrow(
      /no current values for 3 profiled feature\(s\)/,
    );
  });
});
