// Drift of one column: how it is treated (numeric, categorical, binary), which test decides (Evidently's choice
// by reference size, or the user's), every applicable test's value, the verdict, its severity and the overlay.
import {
  type DriftFeatureTreatment,
  type DriftHistogram,
  type DriftOptions,
  type DriftOptionsInput,
  DriftOptionsSchema,
  type DriftTest,
  type DriftTestName,
  type FeatureDrift,
  type FeatureKind,
} from '../../../../src-shared/contract';
import { linspace } from '../stats/histogramCounts';
import { calibrateDrift, flags } from './calibrateDrift';
import { type DriftSample, distinctUnion, edgeBinWeights, sampleFromValues } from './driftSample';
import { TESTS_BY_TREATMENT, alignedCategories, runDriftTest } from './runDriftTests';

/** Severity is capped so that p = 0 or an infinite statistic still sorts (and serialises) as a number. */
export const MAX_SEVERITY = 1000;
const MAX_CATEGORIES_SHOWN = 50;
const DISTINCT_CAP = 1000;

export function treatmentOf(kind: FeatureKind, distinct: number, options: DriftOptions): DriftFeatureTreatment {
  if (distinct <= 2) return 'binary';
  if (kind === 'categorical' || distinct <= options.numericMinDistinct) return 'categorical';
  return 'numeric';
}

/** Evidently's default: p-value tests up to `smallSampleMaxRows` reference rows, distances above. */
export function decisiveTest(
  treatment: DriftFeatureTreatment,
  referenceCount: number,
  options: DriftOptions,
): DriftTestName {
  const chosen = options.test;
  if (chosen !== 'auto' && TESTS_BY_TREATMENT[treatment].includes(chosen)) return chosen;
  const small = referenceCount <= options.smallSampleMaxRows;
  if (treatment === 'numeric') return small ? 'ks' : 'wasserstein';
  if (treatment === 'binary') return small ? 'zTest' : 'jensenShannon';
  return small ? 'chiSquare' : 'jensenShannon';
}

/** Decisive value over its threshold: log p / log threshold for p-value tests, value / threshold for distances. */
function severityOf(test: DriftTest): number {
  let severity: number;
  if (test.pValue !== null) severity = Math.log(Math.max(test.pValue, Number.MIN_VALUE)) / Math.log(test.threshold);
  else severity = test.value === null ? MAX_SEVERITY : test.value / test.threshold;
  return Math.min(MAX_SEVERITY, Math.max(0, severity));
}

function overlay(
  reference: DriftSample,
  current: DriftSample,
  treatment: DriftFeatureTreatment,
  bins: number,
): DriftHistogram {
  if (treatment === 'numeric') {
    const min = Math.min(reference.sorted[0]!, current.sorted[0]!);
    const max = Math.max(reference.sorted[reference.sorted.length - 1]!, current.sorted[current.sorted.length - 1]!);
    const edges = linspace(min, max, bins + 1);
    return {
      edges: Array.from(edges),
      categories: null,
      reference: Array.from(edgeBinWeights(reference, edges)),
      current: Array.from(edgeBinWeights(current, edges)),
    };
  }
  const aligned = alignedCategories(reference, current);
  const order = aligned.values.map((_, i) => i);
  if (order.length > MAX_CATEGORIES_SHOWN) {
    order.sort((a, b) => aligned.reference[b]! + aligned.current[b]! - aligned.reference[a]! - aligned.current[a]!);
  }
  const shown = order.slice(0, MAX_CATEGORIES_SHOWN).sort((a, b) => a - b);
  const histogram: DriftHistogram = {
    edges: null,
    categories: shown.map((i) => String(aligned.values[i])),
    reference: shown.map((i) => aligned.reference[i]!),
    current: shown.map((i) => aligned.current[i]!),
  };
  if (order.length > shown.length) {
    const sum = (w: Float64Array) => w.reduce((a, b) => a + b, 0);
    histogram.categories!.push('(other)');
    histogram.reference.push(sum(aligned.reference) - histogram.reference.reduce((a, b) => a + b, 0));
    histogram.current.push(sum(aligned.current) - histogram.current.reduce((a, b) => a + b, 0));
  }
  return histogram;
}

/** The drift of one feature from its two sides (every value, or a sketch/profile standing for them). */
export function featureDriftOfSamples(
  name: string,
  kind: FeatureKind,
  reference: DriftSample,
  current: DriftSample,
  options: DriftOptions,
): FeatureDrift {
  const base = {
    name,
    kind,
    referenceCount: Math.round(reference.count),
    currentCount: Math.round(current.count),
    referenceMissing: reference.missing,
    currentMissing: current.missing,
  };
  if (reference.count === 0 || current.count === 0) {
    const side = reference.count === 0 ? 'reference' : 'current';
    return {
      ...base,
      treatment: kind === 'categorical' ? 'categorical' : 'numeric',
      distinct: distinctUnion(reference, current, DISTINCT_CAP),
      drifted: false,
      severity: 0,
      tests: [],
      histogram: { edges: null, categories: null, reference: [], current: [] },
      holmSignificant: null,
      calibration: null,
      note: `every ${side} value is missing: nothing to test`,
    };
  }
  const distinct = distinctUnion(reference, current, DISTINCT_CAP);
  const treatment = treatmentOf(kind, distinct, options);
  const names = TESTS_BY_TREATMENT[treatment];
  const decisive = decisiveTest(treatment, reference.count, options);
  const calibration = options.calibration.enabled
    ? calibrateDrift(reference, current.count, treatment, names, decisive, options)
    : null;
  const tests: DriftTest[] = names.map((test) => {
    const outcome = runDriftTest(test, reference, current, treatment, options);
    const isDecisive = test === decisive;
    const shift = isDecisive ? (calibration?.minimalDetectableShift ?? null) : null;
    return {
      ...outcome,
      threshold: options.thresholds[test],
      rule: outcome.pValue !== null ? 'pValueBelow' : 'valueAtLeast',
      drifted: flags(outcome, options),
      decisive: isDecisive,
      approximate: reference.approximate || current.approximate,
      falseAlarmRate: calibration?.falseAlarmRate.get(test) ?? null,
      minimalDetectableShift: shift !== null && Number.isFinite(shift) ? shift : null,
      shiftUndetectable: shift === Number.POSITIVE_INFINITY,
    };
  });
  const verdict = tests.find((t) => t.decisive)!;
  const constant = distinct === 1;
  return {
    ...base,
    treatment,
    distinct,
    drifted: verdict.drifted,
    severity: severityOf(verdict),
    tests,
    histogram: overlay(reference, current, treatment, options.histogramBins),
    // Set across features by the report (Holm's correction needs every p-value).
    holmSignificant: null,
    calibration: calibration
      ? {
          referenceRows: calibration.rows.reference,
          currentRows: calibration.rows.current,
          resamples: calibration.resamples,
          shiftScaled: calibration.shiftScaled,
        }
      : null,
    note: constant
      ? 'one value on both sides: tested as binary (z-test p = 1, JS = 0); a new value in current would be drift'
      : null,
  };
}

/**
 * The drift of one column of values against a reference column (NaN = missing): what the comparison engine
 * calls for prediction drift on model outputs.
 */
export function featureDrift(
  reference: Float64Array,
  current: Float64Array,
  kind: FeatureKind,
  options: DriftOptionsInput = {},
  name = 'value',
): FeatureDrift {
  return featureDriftOfSamples(
    name,
    kind,
    sampleFromValues(reference),
    sampleFromValues(current),
    DriftOptionsSchema.parse(options),
  );
}
