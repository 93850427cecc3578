// Computes every applicable drift test on one feature's two sides, each by the same convention as the
// scipy-matched function in ../stats (here on weight-aware samples, so sketches and profiles work too).
import type { DriftFeatureTreatment, DriftOptions, DriftTestName } from '../../../../src-shared/contract';
import { chiSquare } from '../stats/chiSquare';
import { jensenShannonDistance } from '../stats/jensenShannon';
import { ksFromGaps } from '../stats/ks2samp';
import { proportionsZTest } from '../stats/proportionsZTest';
import { psiFromCounts } from '../stats/psi';
import { sturgesEdges } from '../stats/histogramCounts';
import { WASSERSTEIN_MIN_NORM } from '../stats/wasserstein';
import {
  type DriftSample,
  distinctCount,
  distinctWeights,
  ecdfGaps,
  edgeBinWeights,
  openBinWeights,
  sampleQuantile,
  sampleStd,
  wasserstein,
} from './driftSample';

export interface TestOutcome {
  test: DriftTestName;
  /** null when infinite (a category the reference never saw). */
  value: number | null;
  pValue: number | null;
  method: string;
}

/** The tests each treatment gets (all of them reported; one decides). */
export const TESTS_BY_TREATMENT: Record<DriftFeatureTreatment, readonly DriftTestName[]> = {
  numeric: ['ks', 'wasserstein', 'psi', 'jensenShannon'],
  categorical: ['chiSquare', 'jensenShannon', 'psi'],
  binary: ['zTest', 'chiSquare', 'jensenShannon', 'psi'],
};

/** Categories of both sides on one axis: ascending values, reference and current weights. */
export function alignedCategories(reference: DriftSample, current: DriftSample) {
  const r = distinctWeights(reference);
  const c = distinctWeights(current);
  const values = Array.from(new Set([...r.values, ...c.values])).sort((a, b) => a - b);
  const at = (d: { values: number[]; weights: number[] }) => {
    const index = new Map(d.values.map((v, i) => [v, d.weights[i]!]));
    return Float64Array.from(values, (v) => index.get(v) ?? 0);
  };
  return { values, reference: at(r), current: at(c) };
}

/**
 * Evidently's binning for JS: numeric with more than 20 distinct reference values → Sturges equal-width bins
 * over both ranges (numpy.histogram_bin_edges on the concatenation); otherwise one bin per value.
 */
export function jensenShannonBins(reference: DriftSample, current: DriftSample, numeric: boolean) {
  if (numeric && distinctCount(reference, 21) > 20) {
    const min = Math.min(reference.sorted[0]!, current.sorted[0]!);
    const max = Math.max(reference.sorted[reference.sorted.length - 1]!, current.sorted[current.sorted.length - 1]!);
    const edges = sturgesEdges(min, max, reference.count + current.count);
    return { edges, reference: edgeBinWeights(reference, edges), current: edgeBinWeights(current, edges) };
  }
  return { edges: null, ...alignedCategories(reference, current) };
}

/** PSI's cuts: the reference's quantiles i/bins, duplicates dropped (see stats/psi). */
export function psiCutsOf(reference: DriftSample, bins: number): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = sampleQuantile(reference, i / bins);
    if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
  }
  return cuts;
}

export function runDriftTest(
  test: DriftTestName,
  reference: DriftSample,
  current: DriftSample,
  treatment: DriftFeatureTreatment,
  options: DriftOptions,
): TestOutcome {
  const approximate = reference.approximate || current.approximate;
  const how = (exactMethod: string) => (approximate ? `${exactMethod}, from a sketch` : exactMethod);
  switch (test) {
    case 'ks': {
      const { plus, minus } = ecdfGaps(reference, current);
      const result = ksFromGaps(plus, minus, reference.count, current.count);
      return { test, value: result.statistic, pValue: result.pValue, method: how(result.method) };
    }
    case 'wasserstein': {
      const norm = Math.max(sampleStd(reference), WASSERSTEIN_MIN_NORM);
      return { test, value: wasserstein(reference, current) / norm, pValue: null, method: how('std ddof=0') };
    }
    case 'psi': {
      let r: Float64Array;
      let c: Float64Array;
      let method: string;
      if (treatment === 'numeric') {
        const cuts = psiCutsOf(reference, options.psiBins);
        r = openBinWeights(reference, cuts);
        c = openBinWeights(current, cuts);
        method = `${cuts.length + 1} quantile bins`;
      } else {
        ({ reference: r, current: c } = alignedCategories(reference, current));
        method = 'one bin per value';
      }
      return { test, value: psiFromCounts(r, c, options.psiEpsilon).value, pValue: null, method: how(method) };
    }
    case 'jensenShannon': {
      const bins = jensenShannonBins(reference, current, treatment === 'numeric');
      const method = bins.edges ? `${bins.edges.length - 1} Sturges bins` : 'one bin per value';
      return { test, value: jensenShannonDistance(bins.reference, bins.current), pValue: null, method: how(method) };
    }
    case 'chiSquare': {
      const aligned = alignedCategories(reference, current);
      const result = chiSquare(aligned.reference, aligned.current);
      const value = Number.isFinite(result.statistic) ? result.statistic : null;
      const kind = result.method === 'fit' ? 'fit to reference frequencies' : 'homogeneity (a category new in current)';
      return {
        test,
        value,
        pValue: result.pValue,
        method: how(`${kind}, ${result.degreesOfFreedom} degrees of freedom`),
      };
    }
    case 'zTest': {
      // Evidently: the smallest value is "negative", every other value "positive".
      const aligned = alignedCategories(reference, current);
      const result = proportionsZTest(
        reference.count - (aligned.reference[0] ?? 0),
        reference.count,
        current.count - (aligned.current[0] ?? 0),
        current.count,
      );
      return { test, value: result.statistic, pValue: result.pValue, method: how('pooled, two-sided') };
    }
  }
}
