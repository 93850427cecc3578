// The dataset-level verdict over per-feature results, and the conventions every number in the report follows.
import type { DriftOptions, DriftReport, FeatureDrift } from '../../../../src-shared/contract';

export function driftConventions(options: DriftOptions, source: DriftReport['source']): string[] {
  const t = options.thresholds;
  const c = options.calibration;
  const conventions = [
    `Test choice (Evidently's defaults): a feature with ≤ 2 distinct values (reference ∪ current) is binary; a categorical one, or a numeric one with ≤ ${options.numericMinDistinct} distinct values, is categorical; else numeric. With ≤ ${options.smallSampleMaxRows} reference values: KS (numeric), chi-square (categorical), z-test (binary), drift when p < threshold; above: normalised Wasserstein (numeric) or Jensen–Shannon (categorical, binary), drift when value ≥ threshold.${options.test === 'auto' ? '' : ` The user chose ${options.test} where it applies.`}`,
    `Thresholds: KS p < ${t.ks}, chi-square p < ${t.chiSquare}, z-test p < ${t.zTest}, Wasserstein ≥ ${t.wasserstein}, Jensen–Shannon ≥ ${t.jensenShannon}, PSI ≥ ${t.psi}. Dataset drift when ≥ ${options.datasetDriftShare * 100} % of the features drifted${options.familyWiseAlpha === null ? '' : `, or when a feature whose decisive test gives a p-value stays significant at ${options.familyWiseAlpha} after Holm's correction across those features (a strong drift in a few features, which the share rule misses; its family-wise false-alarm rate is at most ${options.familyWiseAlpha})`}.`,
    "KS: scipy 1.10's ks_2samp, two-sided, method 'auto' (exact when both sides have ≤ 10 000 values, else kstwo.sf(D, round(n·m/(n+m)))).",
    'Wasserstein: scipy wasserstein_distance(reference, current) / max(std(reference, ddof=0), 0.001), as Evidently.',
    `PSI: Σ (cur − ref)·ln(cur/ref) over ${options.psiBins} bins cut at the reference's quantiles (numpy linear), ties merged, outer bins open-ended; one bin per value for categorical features; an empty bin's share is ${options.psiEpsilon}.`,
    "Jensen–Shannon: distance in base 2 (scipy.spatial.distance.jensenshannon) on Evidently's bins: numeric features with > 20 distinct reference values in Sturges equal-width bins over both ranges, otherwise one bin per value.",
    "Chi-square: current counts against expected = reference counts × n_current / n_reference (Evidently, scipy chisquare); when the current holds a category the reference never saw (expected 0, χ² = ∞), Pearson's test of homogeneity on the 2 × k table instead (scipy chi2_contingency, no continuity correction). z-test: pooled two-proportion test of the smallest value against the rest, p = 2·Pr(Z > |z|).",
    'Missing values (NaN) are left out of every test and counted separately.',
    'Constant features: one value on both sides is tested as binary and cannot drift (z-test p = 1, JS = 0); a constant reference with new values in current is binary too, so the share of new values is what is tested. Wasserstein never divides by a std below 0.001.',
    `Severity: the decisive test's log p / log threshold (p-value tests) or value / threshold (distances), capped at 1000; ≥ 1 means drifted.`,
  ];
  if (c.enabled) {
    conventions.push(
      `False-alarm rate: share of ${c.resamples} splits of the reference against itself (disjoint parts of min(n_current, n_reference/2, ${c.maxRows}) and min(the rest, ${c.maxRows}) values, seed ${c.seed}) that each test flags with its threshold.`,
      `Minimal detectable shift (decisive test): the smallest change detected in ≥ ${c.power * 100} % of the same splits, found by doubling then 7 bisection steps — numeric: a mean shift in reference standard deviations (ddof 0); categorical/binary: the share of current rows moved to the reference's rarest value. Not shown (undetectable) when no shift up to 16 std (or moving every row) is detected. When the current sample is larger than the part measured, a p-value test's shift is scaled by sqrt(n_eff(measured) / n_eff(actual)), n_eff = n·m/(n+m) (its power depends on shift·sqrt(n_eff)); a distance test's is left as measured (its threshold is fixed, so the detectable shift tends to a constant).`,
    );
  }
  if (source === 'profile') {
    conventions.push(
      "Against a stored profile: numeric references are the profile's quantile sketch (KLL, rank error < 1 %), so KS, Wasserstein, PSI and JS are approximations (marked); categorical references use the profile's exact frequencies (approximate only where rare values were summed into '(other)'); Wasserstein is normalised by the profile's exact std; calibration resamples the sketch with replacement.",
    );
  }
  return conventions;
}

/**
 * Holm's step-down over the features whose decisive test gives a p-value: sorted ascending, the k-th (from 0)
 * is significant while p ≤ α / (m − k). Marks each such feature's `holmSignificant`; returns how many are.
 */
function applyHolm(features: FeatureDrift[], alpha: number | null): number {
  const tested = features
    .map((feature) => ({ feature, p: feature.tests.find((t) => t.decisive)?.pValue ?? null }))
    .filter((entry): entry is { feature: FeatureDrift; p: number } => entry.p !== null)
    .sort((a, b) => a.p - b.p);
  let significant = 0;
  let stillRejecting = alpha !== null;
  tested.forEach(({ feature, p }, k) => {
    stillRejecting = stillRejecting && p <= alpha! / (tested.length - k);
    feature.holmSignificant = stillRejecting;
    if (stillRejecting) significant++;
  });
  return significant;
}

export function assembleDriftReport(
  features: FeatureDrift[],
  source: DriftReport['source'],
  rows: { reference: number; current: number },
  options: DriftOptions,
): DriftReport {
  const sorted = [...features].sort((a, b) => b.severity - a.severity || a.name.localeCompare(b.name));
  const drifted = sorted.filter((f) => f.drifted).length;
  const share = sorted.length === 0 ? 0 : drifted / sorted.length;
  const familyWiseDrifted = applyHolm(sorted, options.familyWiseAlpha);
  const byShare = sorted.length > 0 && share >= options.datasetDriftShare;
  return {
    source,
    referenceRows: rows.reference,
    currentRows: rows.current,
    features: sorted,
    driftedFeatures: drifted,
    driftedShare: share,
    datasetDrift: byShare || familyWiseDrifted > 0,
    datasetDriftReason: byShare ? 'share' : familyWiseDrifted > 0 ? 'familyWise' : null,
    familyWiseDrifted,
    options,
    conventions: driftConventions(options, source),
  };
}
