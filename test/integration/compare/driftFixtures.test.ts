// The shipped fixtures: drift is found on the *_live_drift sets and not on the *_live_same ones, from every value
// (driftBetween) and from the reference's stored profile (driftAgainstProfile).
import { describe, expect, it } from 'vitest';
import { driftAgainstProfile } from '../../../src-main/engine/compare/drift/driftAgainstProfile';
import { driftBetween } from '../../../src-main/engine/compare/drift/driftBetween';
import { DriftReportSchema } from '../../../src-shared/contract';
import { data } from '../../helpers/paths';
import { ProfiledDatasetRows, readFixtureRows } from '../../helpers/profiledDatasetRows';

const open = (file: string) => ProfiledDatasetRows.fromRows(file, readFixtureRows(data(`${file}.jsonl`)));

async function columnsOf(rows: ProfiledDatasetRows): Promise<Map<string, Float64Array>> {
  const features = rows.dataset.features;
  const columns = await rows.featureColumns(features.map((_, i) => i));
  return new Map(features.map((f, i) => [f.name, columns[i]!]));
}

describe.each(['digits', 'cancer'])('%s fixtures', (set) => {
  const reference = open(`${set}_reference`);
  const same = open(`${set}_live_same`);
  const drifted = open(`${set}_live_drift`);

  it('finds dataset drift on live_drift and none on live_same, from every value', async () => {
    const onSame = await driftBetween(reference, same);
    const onDrift = await driftBetween(reference, drifted);
    expect(DriftReportSchema.parse(onSame)).toEqual(onSame);
    expect(onSame.datasetDrift).toBe(false);
    expect(onSame.familyWiseDrifted).toBe(0);
    expect(onSame.driftedShare).toBeLessThan(0.1);
    expect(onDrift.datasetDrift).toBe(true);
    expect(onDrift.features.length).toBe(reference.dataset.features.length);
    // Most severe first; the verdict is the decisive test's.
    const severities = onDrift.features.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    for (const feature of onDrift.features) {
      expect(feature.tests.filter((t) => t.decisive)).toHaveLength(1);
      expect(feature.drifted).toBe(feature.tests.find((t) => t.decisive)!.drifted);
      expect(feature.histogram.reference.reduce((a, b) => a + b, 0)).toBe(feature.referenceCount);
      expect(feature.histogram.current.reduce((a, b) => a + b, 0)).toBe(feature.currentCount);
    }
  });

  it('agrees when the reference is its stored profile (sketch and frequencies)', async () => {
    const onSame = driftAgainstProfile(reference.dataset.features, await columnsOf(same));
    const onDrift = driftAgainstProfile(reference.dataset.features, await columnsOf(drifted));
    expect(onSame.source).toBe('profile');
    expect(onSame.datasetDrift).toBe(false);
    expect(onDrift.datasetDrift).toBe(true);
  });
});

it('digits: the decisive tests are the large-sample distances (1257 reference rows), constant pixels never drift', async () => {
  const report = await driftBetween(open('digits_reference'), open('digits_live_same'));
  const decisive = new Set(report.features.map((f) => f.tests.find((t) => t.decisive)!.test));
  expect([...decisive].sort()).toEqual(['jensenShannon', 'wasserstein']);
  const constant = report.features.filter((f) => f.distinct === 1);
  expect(constant.length).toBeGreaterThan(0);
  for (const feature of constant) {
    expect(feature.drifted).toBe(false);
    expect(feature.note).toMatch(/one value on both sides/);
  }
});

it('cancer: 4 of 30 features drift strongly; the share rule misses it, Holm’s correction does not', async () => {
  const report = await driftBetween(open('cancer_reference'), open('cancer_live_drift'));
  expect(report.driftedShare).toBeLessThan(0.5);
  expect(report.datasetDriftReason).toBe('familyWise');
  expect(
    report.features
      .slice(0, 4)
      .map((f) => f.name)
      .sort(),
  ).toEqual(['features[0]', 'features[1]', 'features[2]', 'features[3]']);
  const off = await driftBetween(open('cancer_reference'), open('cancer_live_drift'), { familyWiseAlpha: null });
  expect(off.datasetDrift).toBe(false);
});
