// How the Compare screen writes its numbers: shares as percentages with one decimal, estimates with their
// confidence interval, p-values, statistics with the precision they carry; comparison states and drift tests in
// words.
import type { ComparisonState, DriftTest, DriftTestName, Estimate, FeatureDrift } from '../../../src-shared/contract';

/** A plain number with up to four significant digits (no exponent for everyday magnitudes). */
export function formatNumber(v: number | null | undefined): string {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** 0.9561 → "95.6 %". */
export function formatPercent(v: number | null | undefined, digits = 1): string {
  if (v == null || Number.isNaN(v)) return '–';
  return `${(v * 100).toFixed(digits)} %`;
}

/** A signed share in percentage points: +1.2 pp. */
export function formatPoints(v: number | null | undefined): string {
  if (v == null || Number.isNaN(v)) return '–';
  const points = v * 100;
  return `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points).toFixed(1)} pp`;
}

/** An estimate with its interval: "95.6 % [94.8 – 96.3]" (shares) or "0.12 [0.10 – 0.14]". */
export function formatEstimate(e: Estimate | null | undefined, as: 'percent' | 'points' | 'number' = 'number'): string {
  if (!e) return '–';
  const one = as === 'percent' ? (v: number) => formatPercent(v) : as === 'points' ? formatPoints : formatNumber;
  const bound = as === 'percent' ? (v: number) => (v * 100).toFixed(1) : as === 'points' ? formatPoints : formatNumber;
  if (e.low === null || e.high === null) return `${one(e.value)} (too few rows for an interval)`;
  return `${one(e.value)} [${bound(e.low)} – ${bound(e.high)}]`;
}

export function formatPValue(p: number | null | undefined): string {
  if (p == null || Number.isNaN(p)) return '–';
  if (p < 1e-4) return '< 0.0001';
  return p.toFixed(4);
}

export const COMPARISON_STATE_TEXT: Record<ComparisonState, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const isActive = (state: ComparisonState): boolean => state === 'queued' || state === 'running';

export const TEST_NAMES: Record<DriftTestName, string> = {
  ks: 'Kolmogorov–Smirnov',
  wasserstein: 'Wasserstein-1 / ref. std',
  psi: 'PSI',
  jensenShannon: 'Jensen–Shannon (base 2)',
  chiSquare: 'chi-square',
  zTest: 'two-proportion z',
};

/** The test that decides a feature's verdict (the first when none is marked). */
export function decisiveTest(feature: FeatureDrift): DriftTest | undefined {
  return feature.tests.find((t) => t.decisive) ?? feature.tests[0];
}
