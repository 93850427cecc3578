// What Slipway already knows about a version, cut down for the manifest: its last load test (capacity at the
// SLO), its last comparison (agreement, accuracy, drift), its reference profile and the rollout it is part of.
import type {
  BundleComparison,
  BundleLoadTest,
  BundleRollout,
  Comparison,
  Dataset,
  LoadRun,
  ReferenceProfile,
  Rollout,
} from '../../../src-shared/contract';
import { errorRate } from '../loadtest/analysis/summarizeRun';

/** The version's most recent finished load test: a run aimed at NAME:V (or at NAME when V was its default). */
export function lastLoadTest(runs: readonly LoadRun[], model: string, version: number): BundleLoadTest | null {
  const label = `${model}:${version}`;
  const run = runs
    .filter((r) => r.state === 'succeeded' && r.summary)
    .filter((r) => {
      const target = r.config.target;
      if (target.kind === 'url') return false;
      // A run without a version went to the default one: its label names the version it resolved to.
      const resolved = r.targetLabel === label || r.targetLabel.startsWith(`${label} `);
      return target.model === model && (target.version === version || (target.version === undefined && resolved));
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!run?.summary) return null;
  const s = run.summary;
  return {
    runId: run.id,
    name: run.name,
    createdAt: run.createdAt,
    targetLabel: run.targetLabel,
    requests: s.requests,
    achievedRate: s.achievedRate,
    p50Ms: s.corrected.p50,
    p99Ms: s.corrected.p99,
    errorShare: errorRate(s.statuses),
    capacity: s.capacity
      ? {
          budgetMs: s.capacity.budgetMs,
          capacityRate: s.capacity.capacityRate,
          saturationRate: s.capacity.saturationRate,
          kneeRate: s.capacity.kneeRate,
        }
      : null,
  };
}

/** The most recent finished comparison that replayed the version. */
export function lastComparison(
  comparisons: readonly Comparison[],
  model: string,
  version: number,
): BundleComparison | null {
  const found = comparisons
    .filter((c) => c.state === 'succeeded' && c.results)
    .filter((c) => c.results!.versions.some((v) => v.model === model && v.version === version))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!found?.results) return null;
  const results = found.results;
  const mine = results.versions.find((v) => v.model === model && v.version === version)!;
  const drift = results.inputDrift;
  return {
    id: found.id,
    name: found.name,
    createdAt: found.createdAt,
    datasetName: found.datasetName,
    referenceName: found.referenceName,
    versions: results.versions.map((v) => ({ model: v.model, version: v.version })),
    agreement: results.pairs[0]?.agreement?.value ?? null,
    accuracy: mine.accuracy?.value ?? null,
    driftedFeatures: drift ? drift.features.filter((f) => f.drifted).map((f) => f.name) : null,
    featuresTested: drift ? drift.features.length : null,
  };
}

/** The profile of the version's reference dataset (what drift monitoring needs where the bundle is deployed). */
export function referenceProfileOf(dataset: Dataset): ReferenceProfile {
  return {
    datasetName: dataset.name,
    datasetSha256: dataset.sha256,
    rows: dataset.rows,
    inputs: dataset.inputs,
    features: dataset.features,
    label: dataset.label,
  };
}

/** The rollout the version takes part in: the model's running or paused one, else its latest, if it names it. */
export function rolloutOf(rollouts: readonly Rollout[], version: number): BundleRollout | null {
  const rollout =
    rollouts.find((r) => (r.state === 'running' || r.state === 'paused') && involves(r, version)) ??
    rollouts.find((r) => involves(r, version));
  if (!rollout) return null;
  const live = rollout.state === 'running' || rollout.state === 'paused';
  return {
    id: rollout.id,
    model: rollout.model,
    baseline: rollout.baseline,
    candidate: rollout.candidate,
    state: rollout.state,
    stepIndex: rollout.stepIndex,
    plan: rollout.plan,
    canaryTrafficPercent: live ? Math.round(rollout.route.weights[String(rollout.candidate)] ?? 0) : null,
  };
}

function involves(rollout: Rollout, version: number): boolean {
  return rollout.baseline === version || rollout.candidate === version;
}
