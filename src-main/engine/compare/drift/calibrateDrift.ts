// What a verdict is worth on this reference: each test's false-alarm rate on reference-vs-reference splits, and
// the smallest shift the decisive test detects with the configured power at the current sample size.
import type { DriftFeatureTreatment, DriftOptions, DriftTestName } from '../../../../src-shared/contract';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { WASSERSTEIN_MIN_NORM } from '../stats/wasserstein';
import { type DriftSample, distinctWeights, sampleStd, shiftedSample } from './driftSample';
import { type TestOutcome, runDriftTest } from './runDriftTests';

export interface Calibration {
  falseAlarmRate: Map<DriftTestName, number>;
  /** Infinity when no shift in range is detected. */
  minimalDetectableShift: number;
  /** Sizes of the two parts of each split, and how many splits. */
  rows: { reference: number; current: number };
  resamples: number;
  /** The shift was measured on fewer current rows than there are and scaled to the real sizes. */
  shiftScaled: boolean;
}

const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'chiSquare', 'zTest']);
const effectiveSize = (n: number, m: number) => (n * m) / (n + m);

/** Drift under a test's rule and threshold. */
export function flags(outcome: TestOutcome, options: DriftOptions): boolean {
  const threshold = options.thresholds[outcome.test];
  if (outcome.pValue !== null) return outcome.pValue < threshold;
  return outcome.value === null || outcome.value >= threshold;
}

/** A pair drawn from the reference: one part plays the reference, the other the current sample. */
interface Split {
  reference: DriftSample;
  current: DriftSample;
  /** One uniform number per current row: which rows a categorical shift of share w moves (u < w). */
  moves: Float64Array;
}

function asSample(values: Float64Array, approximate: boolean): DriftSample {
  return { sorted: values.sort(), weights: null, count: values.length, missing: 0, approximate };
}

/**
 * Disjoint parts without replacement when the reference holds every value (a partial Fisher–Yates shuffle of a
 * kept permutation); with replacement from the weighted values when it is a sketch or profile.
 */
function drawSplits(reference: DriftSample, sizes: { reference: number; current: number }, options: DriftOptions) {
  const { resamples, seed } = options.calibration;
  const random = mulberry32(seed);
  const splits: Split[] = [];
  const values = reference.sorted;
  const weights = reference.weights;
  const permutation = weights ? null : Uint32Array.from({ length: values.length }, (_, i) => i);
  const cumulative = weights ? new Float64Array(weights.length) : null;
  if (weights && cumulative) {
    let sum = 0;
    weights.forEach((w, i) => (cumulative[i] = sum += w));
  }
  const drawWeighted = () => {
    const target = random() * reference.count;
    let lo = 0;
    let hi = cumulative!.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative![mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  };
  const total = sizes.reference + sizes.current;
  for (let r = 0; r < resamples; r++) {
    const drawn = new Float64Array(total);
    if (permutation) {
      for (let i = 0; i < total; i++) {
        const j = i + Math.floor(random() * (permutation.length - i));
        const t = permutation[i]!;
        permutation[i] = permutation[j]!;
        permutation[j] = t;
        drawn[i] = values[permutation[i]!]!;
      }
    } else {
      for (let i = 0; i < total; i++) drawn[i] = drawWeighted();
    }
    const moves = Float64Array.from({ length: sizes.current }, () => random());
    splits.push({
      current: asSample(drawn.subarray(0, sizes.current).slice(), reference.approximate),
      reference: asSample(drawn.subarray(sizes.current).slice(), reference.approximate),
      moves,
    });
  }
  return splits;
}

/** Rows with u < share set to `target` (a categorical shift), re-sorted. */
function movedSample(split: Split, target: number, share: number): DriftSample {
  const out = new Float64Array(split.current.count);
  // `moves` follows draw order, the sample is sorted: the pairing is arbitrary but fixed, which is all we need.
  for (let i = 0; i < out.length; i++) out[i] = split.moves[i]! < share ? target : split.current.sorted[i]!;
  return asSample(out, split.current.approximate);
}

const BISECTION_STEPS = 7;
const MAX_MEAN_SHIFT = 16;

export function calibrateDrift(
  reference: DriftSample,
  currentCount: number,
  treatment: DriftFeatureTreatment,
  tests: readonly DriftTestName[],
  decisive: DriftTestName,
  options: DriftOptions,
): Calibration | null {
  const half = Math.floor(reference.count / 2);
  const current = Math.min(currentCount, options.calibration.maxRows, half);
  const ownReference = Math.min(reference.count - current, options.calibration.maxRows);
  if (current < 2 || ownReference < 2) return null;
  const splits = drawSplits(reference, { reference: ownReference, current }, options);
  const rate = (test: DriftTestName, shiftCurrent: (split: Split) => DriftSample) => {
    let flagged = 0;
    for (const split of splits) {
      if (flags(runDriftTest(test, split.reference, shiftCurrent(split), treatment, options), options)) flagged++;
    }
    return flagged / splits.length;
  };

  const falseAlarmRate = new Map<DriftTestName, number>();
  for (const test of tests)
    falseAlarmRate.set(
      test,
      rate(test, (split) => split.current),
    );
  const measured = { reference: ownReference, current };
  // A p-value test's power depends on shift·sqrt(n·m/(n+m)): a shift measured on a part scales to the full sizes.
  // Distances have fixed thresholds (their detectable shift tends to a constant), so theirs is left as measured.
  const scale =
    P_VALUE_TESTS.has(decisive) && current < currentCount
      ? Math.sqrt(effectiveSize(ownReference, current) / effectiveSize(reference.count, currentCount))
      : 1;
  const result = (shift: number): Calibration => ({
    falseAlarmRate,
    minimalDetectableShift: shift * scale,
    rows: measured,
    resamples: splits.length,
    shiftScaled: scale !== 1,
  });

  const power = options.calibration.power;
  let detect: (shift: number) => boolean;
  let lo = 0;
  let hi: number;
  if (treatment === 'numeric') {
    const std = Math.max(sampleStd(reference), WASSERSTEIN_MIN_NORM);
    detect = (shift) => rate(decisive, (split) => shiftedSample(split.current, shift * std)) >= power;
    hi = 0.25;
    while (!detect(hi)) {
      lo = hi;
      hi *= 2;
      if (hi > MAX_MEAN_SHIFT) return result(Number.POSITIVE_INFINITY);
    }
  } else {
    // The rarest reference category receives the moved rows; a single-valued reference gets a new value.
    const { values, weights } = distinctWeights(reference);
    let target = values[0]!;
    let least = Number.POSITIVE_INFINITY;
    values.forEach((v, i) => {
      if (weights[i]! < least) [least, target] = [weights[i]!, v];
    });
    if (values.length === 1) target = values[0]! + 1;
    detect = (share) => rate(decisive, (split) => movedSample(split, target, share)) >= power;
    hi = 1;
    if (!detect(hi)) return result(Number.POSITIVE_INFINITY);
  }
  for (let step = 0; step < BISECTION_STEPS; step++) {
    const mid = (lo + hi) / 2;
    if (detect(mid)) hi = mid;
    else lo = mid;
  }
  return result(Math.min(hi, treatment === 'numeric' ? Number.POSITIVE_INFINITY : 1));
}
