// Drift of current values (or live sketches) against a version's stored reference profile: numeric references are
// the profile's quantile sketch, so those tests are approximations (each test says so); categorical ones are exact.
import {
  type DriftOptionsInput,
  DriftOptionsSchema,
  type DriftReport,
  type FeatureProfile,
} from '../../../../src-shared/contract';
import { QuantileSketch } from '../stats/quantileSketch';
import { UserError } from '../../userError';
import { type DriftSample, sampleFromProfile, sampleFromSketch, sampleFromValues } from './driftSample';
import { featureDriftOfSamples } from './featureDrift';
import { assembleDriftReport } from './driftReport';

/** A current column: every value (NaN = missing), or a sketch of them (live drift keeps nothing else). */
export type CurrentColumn = Float64Array | { sketch: QuantileSketch; missing?: number };

function currentSample(column: CurrentColumn): DriftSample {
  if (column instanceof Float64Array) return sampleFromValues(column);
  return sampleFromSketch(column.sketch, column.missing ?? 0);
}

/**
 * Tests every profiled feature that `current` has a column for (by feature name); names in `current` that the
 * profile lacks are an error, as is a profile feature missing from `current` unless `options.features` leaves it out.
 */
export function driftAgainstProfile(
  profile: readonly FeatureProfile[],
  current: ReadonlyMap<string, CurrentColumn>,
  optionsInput: DriftOptionsInput = {},
): DriftReport {
  const options = DriftOptionsSchema.parse(optionsInput);
  const byName = new Map(profile.map((f) => [f.name, f]));
  const unknown = [...current.keys()].filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new UserError(
      'bad-input',
      `the reference profile has no feature ${unknown
        .slice(0, 5)
        .map((n) => `"${n}"`)
        .join(', ')}`,
    );
  }
  const wanted = options.features ? new Set(options.features) : null;
  const selected = profile.filter((f) => !wanted || wanted.has(f.name));
  const absent = selected.filter((f) => !current.has(f.name)).map((f) => f.name);
  if (absent.length > 0) {
    throw new UserError(
      'bad-input',
      `no current values for ${absent.length} profiled feature(s): ${absent
        .slice(0, 5)
        .map((n) => `"${n}"`)
        .join(', ')}`,
    );
  }
  let currentRows = 0;
  const features = selected.map((feature) => {
    const sample = currentSample(current.get(feature.name)!);
    currentRows = Math.max(currentRows, sample.count + sample.missing);
    return featureDriftOfSamples(feature.name, feature.kind, sampleFromProfile(feature), sample, options);
  });
  const referenceRows = profile.reduce((rows, f) => Math.max(rows, f.count + f.missing), 0);
  return assembleDriftReport(features, 'profile', { reference: referenceRows, current: currentRows }, options);
}
