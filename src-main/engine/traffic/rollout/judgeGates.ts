// Each gate of a plan judged on one step's traffic: the candidate's window against the baseline's (and the
// shadow pairs), giving pass / fail / inconclusive (within the band on the passing side of the threshold) or
// skipped (not measurable in this step), with the numbers behind the verdict.
import type { GateResult, GateStatus, RolloutGate } from '../../../../src-shared/contract';
import { featureDrift } from '../../compare/drift/featureDrift';
import { chiSquareHomogeneity } from '../../compare/stats/chiSquare';
import { mannWhitneyU } from '../../compare/stats/mannWhitney';
import type { ShadowComparisonWindow, VersionTrafficWindow } from '../trafficTypes';

/** Fewer latency samples per side than this make the Mann–Whitney judge inconclusive. */
export const MIN_LATENCY_SAMPLES = 20;
/** p99 needs a hundred samples per side before it is more than the largest one. */
export const MIN_P99_SAMPLES = 100;
/** Fewer predictions per side than this make the drift gate inconclusive. */
export const MIN_DRIFT_SAMPLES = 30;
/** Fewer compared rows than this make the agreement gate inconclusive. */
export const MIN_AGREEMENT_ROWS = 20;
/** KS's exact branch is quadratic: numeric predictions beyond this many per side are thinned evenly. */
const MAX_DRIFT_SAMPLES = 2000;

export interface GateInputs {
  stepKind: 'shadow' | 'weights';
  /** The candidate's requests in the step (shadow role in a shadow step, live otherwise). */
  candidate: VersionTrafficWindow | null;
  /** The baseline's live requests (in the step, or over the rollout when the step gave it too few). */
  baseline: VersionTrafficWindow | null;
  /** The candidate's shadow answers compared with the baseline's, in the step. */
  pairs: ShadowComparisonWindow | null;
}

export function judgeGates(gates: readonly RolloutGate[], inputs: GateInputs): GateResult[] {
  return gates.map((gate) => judgeGate(gate, inputs));
}

export function judgeGate(gate: RolloutGate, inputs: GateInputs): GateResult {
  switch (gate.kind) {
    case 'errorRate':
      return errorRate(gate, inputs);
    case 'errorRateDelta':
      return errorRateDelta(gate, inputs);
    case 'latencyP99Ratio':
      return latencyP99Ratio(gate, inputs);
    case 'latencyMannWhitney':
      return latencyMannWhitney(gate, inputs);
    case 'agreement':
      return agreement(gate, inputs);
    case 'outputDrift':
      return outputDrift(gate, inputs);
  }
}

/** Fails at or beyond the threshold; inconclusive within `band` of it on the passing side. */
export function statusOf(value: number, threshold: number, band: number, failsWhen: 'above' | 'below'): GateStatus {
  if (failsWhen === 'above') return value >= threshold ? 'fail' : value >= threshold - band ? 'inconclusive' : 'pass';
  return value < threshold ? 'fail' : value < threshold + band ? 'inconclusive' : 'pass';
}

type Numbers = Record<string, number | null>;

function result(
  gate: RolloutGate,
  failsWhen: 'above' | 'below',
  value: number | null,
  numbers: Numbers,
  describe: (status: GateStatus) => string,
  forced?: GateStatus,
): GateResult {
  const status = forced ?? (value === null ? 'inconclusive' : statusOf(value, gate.threshold, gate.band, failsWhen));
  return {
    kind: gate.kind,
    status,
    value,
    threshold: gate.threshold,
    band: gate.band,
    failsWhen,
    numbers,
    message: describe(status),
  };
}

const VERDICT: Record<GateStatus, string> = {
  pass: 'passes',
  fail: 'fails',
  inconclusive: 'inconclusive',
  skipped: 'skipped',
};

const pct = (x: number) => `${(100 * x).toFixed(x < 0.001 && x > 0 ? 3 : 2)} %`;
const ms = (x: number) => (x >= 100 ? `${x.toFixed(0)} ms` : `${x.toPrecision(3)} ms`);
const ratio = (x: number) => `${x.toFixed(2)}×`;

function bandText(gate: RolloutGate, failsWhen: 'above' | 'below', format: (x: number) => string): string {
  if (gate.band === 0) return '';
  const edge = failsWhen === 'above' ? gate.threshold - gate.band : gate.threshold + gate.band;
  return `, inconclusive ${failsWhen === 'above' ? 'from' : 'below'} ${format(edge)}`;
}

function noCandidate(gate: RolloutGate, failsWhen: 'above' | 'below'): GateResult {
  return result(gate, failsWhen, null, { candidateRequests: 0 }, () => 'no candidate requests yet', 'inconclusive');
}

function errorRate(gate: Extract<RolloutGate, { kind: 'errorRate' }>, { candidate }: GateInputs): GateResult {
  if (!candidate || candidate.requests === 0 || candidate.errorRate === null) return noCandidate(gate, 'above');
  const value = candidate.errorRate;
  return result(
    gate,
    'above',
    value,
    { candidateRequests: candidate.requests, candidateErrors: candidate.errors },
    (s) =>
      `candidate error rate ${pct(value)} (${candidate.errors} of ${candidate.requests}); fails at ${pct(gate.threshold)}` +
      `${bandText(gate, 'above', pct)}: ${VERDICT[s]}`,
  );
}

function errorRateDelta(
  gate: Extract<RolloutGate, { kind: 'errorRateDelta' }>,
  { candidate, baseline }: GateInputs,
): GateResult {
  if (!candidate || candidate.requests === 0 || candidate.errorRate === null) return noCandidate(gate, 'above');
  if (!baseline || baseline.requests === 0 || baseline.errorRate === null) {
    return result(
      gate,
      'above',
      null,
      { candidateRequests: candidate.requests, baselineRequests: 0 },
      () => 'no baseline requests to compare with',
      'skipped',
    );
  }
  const value = candidate.errorRate - baseline.errorRate;
  return result(
    gate,
    'above',
    value,
    {
      candidateRequests: candidate.requests,
      candidateErrorRate: candidate.errorRate,
      baselineRequests: baseline.requests,
      baselineErrorRate: baseline.errorRate,
    },
    (s) =>
      `error rate ${pct(candidate.errorRate!)} vs baseline ${pct(baseline.errorRate!)}: ${value >= 0 ? '+' : '−'}` +
      `${pct(Math.abs(value))}; fails at +${pct(gate.threshold)}${bandText(gate, 'above', (x) => `+${pct(x)}`)}: ${VERDICT[s]}`,
  );
}

function latencyShortfall(
  gate: RolloutGate,
  candidate: VersionTrafficWindow | null,
  baseline: VersionTrafficWindow | null,
  minimum: number,
): GateResult | null {
  const nc = candidate?.latencySamplesMs.length ?? 0;
  const nb = baseline?.latencySamplesMs.length ?? 0;
  if (!baseline || baseline.requests === 0) {
    return result(
      gate,
      'above',
      null,
      { candidateSamples: nc, baselineSamples: 0 },
      () => 'no baseline requests to compare with',
      'skipped',
    );
  }
  if (nc < minimum || nb < minimum) {
    return result(
      gate,
      'above',
      null,
      { candidateSamples: nc, baselineSamples: nb },
      () => `needs ${minimum} latencies per version; has ${nc} (candidate) and ${nb} (baseline)`,
      'inconclusive',
    );
  }
  return null;
}

/**
 * A distribution-free 95 % interval of the q-quantile: the order statistics whose ranks bound Binomial(n, q)
 * (normal approximation); a bound beyond the sample is open (0 below, +∞ above).
 */
export function quantileInterval(samples: readonly number[], q: number): { low: number; high: number } {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const sd = Math.sqrt(n * q * (1 - q));
  const lo = Math.floor(n * q - 1.96 * sd);
  const hi = Math.ceil(n * q + 1.96 * sd) + 1;
  return { low: lo >= 1 ? sorted[lo - 1]! : 0, high: hi <= n ? sorted[hi - 1]! : Number.POSITIVE_INFINITY };
}

/**
 * The ratio of p99s, judged once the candidate's p99 is significantly above the baseline's (its interval lies
 * wholly above theirs): a tail read from a few hundred requests is too noisy to roll back on by itself.
 */
function latencyP99Ratio(
  gate: Extract<RolloutGate, { kind: 'latencyP99Ratio' }>,
  { candidate, baseline }: GateInputs,
): GateResult {
  const short = latencyShortfall(gate, candidate, baseline, MIN_P99_SAMPLES);
  if (short) return short;
  const c = candidate!.latency!;
  const b = baseline!.latency!;
  const value = b.p99 > 0 ? c.p99 / b.p99 : c.p99 > 0 ? Number.MAX_VALUE : 1;
  const ci = quantileInterval(candidate!.latencySamplesMs, 0.99);
  const bi = quantileInterval(baseline!.latencySamplesMs, 0.99);
  const significant = ci.low > bi.high;
  const numbers = {
    candidateP99Ms: c.p99,
    baselineP99Ms: b.p99,
    candidateP99LowMs: ci.low,
    baselineP99HighMs: Number.isFinite(bi.high) ? bi.high : null,
    candidateSamples: c.count,
    baselineSamples: b.count,
  };
  return result(
    gate,
    'above',
    value,
    numbers,
    (s) =>
      significant
        ? `p99 ${ms(c.p99)} vs baseline ${ms(b.p99)}: ${ratio(value)} (95 % intervals apart: ≥ ${ms(ci.low)} vs ≤ ${ms(bi.high)}); ` +
          `fails at ${ratio(gate.threshold)}${bandText(gate, 'above', ratio)}: ${VERDICT[s]}`
        : `p99 ${ms(c.p99)} vs baseline ${ms(b.p99)} (${ratio(value)}), not significantly higher (95 % intervals overlap): passes`,
    significant ? undefined : 'pass',
  );
}

function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function latencyMannWhitney(
  gate: Extract<RolloutGate, { kind: 'latencyMannWhitney' }>,
  { candidate, baseline }: GateInputs,
): GateResult {
  const short = latencyShortfall(gate, candidate, baseline, MIN_LATENCY_SAMPLES);
  if (short) return short;
  const x = candidate!.latencySamplesMs;
  const y = baseline!.latencySamplesMs;
  const test = mannWhitneyU(x, y, 'greater');
  const mc = median(x);
  const mb = median(y);
  const value = mb > 0 ? mc / mb : mc > 0 ? Number.MAX_VALUE : 1;
  const significant = test.pValue < gate.alpha;
  const numbers = {
    pValue: test.pValue,
    u: test.statistic,
    z: test.z,
    alpha: gate.alpha,
    candidateMedianMs: mc,
    baselineMedianMs: mb,
    candidateSamples: test.n1,
    baselineSamples: test.n2,
  };
  const p = test.pValue < 1e-4 ? test.pValue.toExponential(1) : test.pValue.toPrecision(2);
  return result(
    gate,
    'above',
    value,
    numbers,
    (s) =>
      significant
        ? `candidate slower (Mann–Whitney p = ${p} < ${gate.alpha}); medians ${ms(mc)} vs ${ms(mb)}: ${ratio(value)}; ` +
          `fails at ${ratio(gate.threshold)}${bandText(gate, 'above', ratio)}: ${VERDICT[s]}`
        : `no significant slowdown (Mann–Whitney p = ${p} ≥ ${gate.alpha}; medians ${ms(mc)} vs ${ms(mb)}): passes`,
    significant ? undefined : 'pass',
  );
}

function agreement(gate: Extract<RolloutGate, { kind: 'agreement' }>, { stepKind, pairs }: GateInputs): GateResult {
  if (stepKind !== 'shadow') {
    return result(
      gate,
      'below',
      null,
      {},
      () => 'measured on shadow pairs (the same request answered by both): this step shadows nothing',
      'skipped',
    );
  }
  const rows = pairs?.rows ?? 0;
  if (!pairs || rows < MIN_AGREEMENT_ROWS || pairs.agreement === null) {
    return result(
      gate,
      'below',
      pairs?.agreement ?? null,
      { rows, pairs: pairs?.pairs ?? 0 },
      () => `needs ${MIN_AGREEMENT_ROWS} compared rows; has ${rows}`,
      'inconclusive',
    );
  }
  const value = pairs.agreement;
  const numbers: Numbers = { rows, agreeingRows: pairs.agreeingRows, pairs: pairs.pairs };
  for (const [output, q] of Object.entries(pairs.absDelta)) numbers[`absDeltaP99.${output}`] = q.p99;
  return result(
    gate,
    'below',
    value,
    numbers,
    (s) =>
      `agreement with the baseline ${pct(value)} (${pairs.agreeingRows} of ${rows} rows); fails below ` +
      `${pct(gate.threshold)}${bandText(gate, 'below', pct)}: ${VERDICT[s]}`,
  );
}

/** Every k-th value so that at most `max` remain (the window's samples are already spread over time). */
function thin(values: readonly number[], max: number): Float64Array {
  if (values.length <= max) return Float64Array.from(values);
  const step = values.length / max;
  const out = new Float64Array(max);
  for (let i = 0; i < max; i++) out[i] = values[Math.floor(i * step)]!;
  return out;
}

function pick(test: { pValue: number | null; value: number | null } | undefined) {
  return { pValue: test?.pValue ?? null, statistic: test?.value ?? null };
}

/** Pearson's test of homogeneity of two samples of classes (chi2_contingency without correction). */
function homogeneity(a: readonly number[], b: readonly number[]): { pValue: number; statistic: number } {
  const index = new Map<number, number>();
  for (const v of [...a, ...b]) if (!index.has(v)) index.set(v, index.size);
  const ca = new Float64Array(index.size);
  const cb = new Float64Array(index.size);
  for (const v of a) ca[index.get(v)!]! += 1;
  for (const v of b) cb[index.get(v)!]! += 1;
  const r = chiSquareHomogeneity(ca, cb);
  return { pValue: r.pValue, statistic: r.statistic };
}

function outputDrift(
  gate: Extract<RolloutGate, { kind: 'outputDrift' }>,
  { candidate, baseline }: GateInputs,
): GateResult {
  const kind = candidate?.predictionKind ?? baseline?.predictionKind ?? null;
  const nc = candidate?.predictions.length ?? 0;
  const nb = baseline?.predictions.length ?? 0;
  if (!baseline || baseline.requests === 0) {
    return result(
      gate,
      'above',
      null,
      { candidatePredictions: nc, baselinePredictions: 0 },
      () => 'no baseline requests to compare with',
      'skipped',
    );
  }
  if (kind === null && nc === 0 && nb === 0 && (candidate?.ok ?? 0) > 0) {
    return result(gate, 'above', null, {}, () => "the model's outputs give no prediction to compare", 'skipped');
  }
  if (nc < MIN_DRIFT_SAMPLES || nb < MIN_DRIFT_SAMPLES) {
    return result(
      gate,
      'above',
      null,
      { candidatePredictions: nc, baselinePredictions: nb },
      () => `needs ${MIN_DRIFT_SAMPLES} predictions per version; has ${nc} (candidate) and ${nb} (baseline)`,
      'inconclusive',
    );
  }
  const featureKind = kind === 'value' ? 'numeric' : 'categorical';
  const cap = featureKind === 'numeric' ? MAX_DRIFT_SAMPLES : Number.MAX_SAFE_INTEGER;
  const drift = featureDrift(thin(baseline.predictions, cap), thin(candidate!.predictions, cap), featureKind, {
    thresholds: { ks: gate.alpha, chiSquare: gate.alpha, zTest: gate.alpha },
    calibration: { enabled: false },
  });
  const numeric = drift.treatment === 'numeric';
  const effect = drift.tests.find((t) => t.test === (numeric ? 'wasserstein' : 'jensenShannon')) ?? null;
  // Both sides are samples: classes are tested for homogeneity of the two (Evidently's chi-square takes the
  // reference's shares as exact, which a few hundred baseline answers are not); values by two-sample KS.
  const significance = numeric
    ? { test: 'ks', ...pick(drift.tests.find((t) => t.test === 'ks')) }
    : { test: 'chiSquare', ...homogeneity(baseline.predictions, candidate!.predictions) };
  const p = significance.pValue;
  const value = effect?.value ?? null;
  const significant = p !== null && p < gate.alpha;
  const pText = p === null ? '–' : p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
  const distance = numeric ? 'Wasserstein distance (in baseline standard deviations)' : 'Jensen–Shannon distance';
  return result(
    gate,
    'above',
    value,
    {
      pValue: p,
      statistic: significance.statistic,
      alpha: gate.alpha,
      distance: value,
      candidatePredictions: drift.currentCount,
      baselinePredictions: drift.referenceCount,
    },
    (s) =>
      significant
        ? `predictions drifted (${significance.test} p = ${pText} < ${gate.alpha}); ${distance} ` +
          `${value === null ? '–' : value.toFixed(3)}; fails at ${gate.threshold}${bandText(gate, 'above', (x) => x.toFixed(3))}: ${VERDICT[s]}`
        : `no significant drift in predictions (${significance.test} p = ${pText} ≥ ${gate.alpha}; ` +
          `${distance} ${value === null ? '–' : value.toFixed(3)}): passes`,
    significant ? (value === null ? 'fail' : undefined) : 'pass',
  );
}
