// What the manifest says about a version besides its files: the last load test of that very version, the last
// comparison that replayed it (with input drift against the reference), and the rollout it takes part in —
// each from real runs in the library, each absent for a version it does not concern.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest, LoadRun, RolloutPlanInput } from '../../../src-shared/contract';
import { Engine } from '../../../src-main/engine/engine';
import { lastLoadTest } from '../../../src-main/engine/bundles/manifestSummaries';
import { ComparisonService } from '../../../src-main/engine/compare/replay/comparisonService';
import { LoadTestService } from '../../../src-main/engine/loadtest/loadTestService';
import { VirtualClock } from '../../../src-main/engine/traffic/rollout/rolloutClock';
import { RolloutService } from '../../../src-main/engine/traffic/rollout/rolloutService';
import { TrafficMonitor } from '../../../src-main/engine/traffic/trafficMonitor';
import { TrafficRouter } from '../../../src-main/engine/traffic/trafficRouter';
import { tempDir } from '../../helpers/tempDir';

const MODEL = 'digits-mlp';
let engine: Engine;
let loadTests: LoadTestService;
let comparisons: ComparisonService;
let rollouts: RolloutService;
let out: string;

beforeAll(() => {
  engine = Engine.open({ home: tempDir() });
  loadTests = new LoadTestService(engine);
  comparisons = new ComparisonService(engine);
  rollouts = new RolloutService(engine, { clock: new VirtualClock(0), tickMs: 3_600_000 });
  out = tempDir('slipway-manifest-');
});
afterAll(async () => {
  rollouts.close();
  await comparisons.close();
  await loadTests.close();
  await engine.close();
});

let exports = 0;
async function manifestOf(version: number, targets: BundleManifest['targets'] = ['triton']): Promise<BundleManifest> {
  const result = await engine.bundles.run({ model: MODEL, version, targets, outDir: join(out, `b${exports++}`) });
  return result.manifest;
}

describe('the manifest of a version with a history', () => {
  it('carries nothing but the reference profile before any run', async () => {
    const manifest = await manifestOf(1);
    expect(manifest).toMatchObject({ loadTest: null, comparison: null, rollout: null });
    expect(manifest.referenceProfile?.datasetName).toBe('digits-reference');
  });

  it('carries the last load test of that version, and not of the other', async () => {
    const started = await loadTests.start({
      target: { kind: 'runtime', model: MODEL, version: 1 },
      shape: { segments: [{ kind: 'constant', rate: 20, duration: 2 }] },
    });
    const run = await loadTests.wait(started.id);
    expect(run.state).toBe('succeeded');
    const manifest = await manifestOf(1);
    expect(manifest.loadTest).toMatchObject({
      runId: run.id,
      name: run.name,
      requests: run.summary!.requests,
      p99Ms: run.summary!.corrected.p99,
      capacity: null,
    });
    expect(manifest.loadTest!.requests).toBeGreaterThan(20);
    expect((await manifestOf(2)).loadTest).toBeNull();
  }, 60_000);

  it('carries the last comparison that replayed the version, with its drift against the reference', async () => {
    const started = await comparisons.start({
      versions: [`${MODEL}:1`, `${MODEL}:2`],
      dataset: 'digits-live-drift',
      reference: 'digits-reference',
    });
    const done = await comparisons.wait(started.id);
    expect(done.state).toBe('succeeded');
    const manifest = await manifestOf(2);
    const mine = done.results!.versions.find((v) => v.version === 2)!;
    expect(manifest.comparison).toMatchObject({
      id: done.id,
      datasetName: 'digits-live-drift',
      referenceName: 'digits-reference',
      versions: [
        { model: MODEL, version: 1 },
        { model: MODEL, version: 2 },
      ],
      agreement: done.results!.pairs[0]!.agreement!.value,
      accuracy: mine.accuracy!.value,
    });
    const drifted = done.results!.inputDrift!.features.filter((f) => f.drifted).map((f) => f.name);
    expect(drifted.length).toBeGreaterThan(0);
    expect(manifest.comparison!.driftedFeatures).toEqual(drifted);
    expect(manifest.comparison!.featuresTested).toBe(done.results!.inputDrift!.features.length);
  }, 120_000);

  it('carries the running rollout with its plan, and KServe gets the candidate share as canaryTrafficPercent', async () => {
    const plan: RolloutPlanInput = {
      steps: [{ kind: 'weights', weights: { baseline: 80, candidate: 20 }, minDurationSeconds: 20, minRequests: 100 }],
    };
    const loaded = [1, 2].map((version) => ({ model: MODEL, version, state: 'ready' }));
    const router = new TrafficRouter(
      (m) =>
        m === MODEL
          ? { model: MODEL, versions: loaded.map((v) => ({ version: v.version, state: 'ready' })) }
          : undefined,
      { seed: 1, clock: () => 0 },
    );
    rollouts.attach({
      router,
      monitor: new TrafficMonitor({ clock: () => 0 }),
      versionsOf: (m) => (m === MODEL ? loaded : []),
    });
    const rollout = rollouts.start({ model: MODEL, candidate: 2, plan });
    const manifest = await manifestOf(2, ['kserve']);
    expect(manifest.rollout).toMatchObject({
      id: rollout.id,
      baseline: 1,
      candidate: 2,
      state: 'running',
      canaryTrafficPercent: 20,
    });
    expect(manifest.rollout!.plan.steps).toEqual(rollout.plan.steps);
    expect(manifest.kserve?.placeholder).toBe(true);
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const dir = join(out, `b${exports - 1}`);
    const service = parse(readFileSync(join(dir, 'kserve', 'inferenceservice.yaml'), 'utf8')) as {
      spec: { predictor: { canaryTrafficPercent?: number } };
    };
    expect(service.spec.predictor.canaryTrafficPercent).toBe(20);
    // Version 1 is the rollout's baseline: the plan is there, but a baseline is no canary.
    expect((await manifestOf(1)).rollout).toMatchObject({ id: rollout.id, baseline: 1 });
  });
});

describe('which load test belongs to a version', () => {
  const run = (id: string, target: LoadRun['config']['target'], targetLabel: string, createdAt: string) =>
    ({
      id,
      name: id,
      createdAt,
      state: 'succeeded',
      config: { target },
      targetLabel,
      summary: {
        requests: 10,
        durationSeconds: 1,
        offeredRate: 10,
        achievedRate: 10,
        statuses: { ok: 10 },
        corrected: { count: 10, p50: 1, p90: 1, p99: 2, p999: 2, max: 2, mean: 1 },
      },
    }) as unknown as LoadRun;

  it('matches the version asked, or a default-version run whose label names it — not version 10 for 1', () => {
    const runs = [
      run('ten', { kind: 'runtime', model: MODEL }, `${MODEL}:10 (in-process runtime)`, '2026-01-03'),
      run('other-model', { kind: 'runtime', model: 'cancer-logreg', version: 1 }, 'cancer-logreg:1', '2026-01-04'),
      run('url', { kind: 'url', url: 'http://x', modelName: MODEL } as never, `${MODEL}:1 at http://x`, '2026-01-05'),
      run('default', { kind: 'endpoint', model: MODEL }, `${MODEL}:1 at http://127.0.0.1:1`, '2026-01-02'),
      run(
        'explicit-old',
        { kind: 'runtime', model: MODEL, version: 1 },
        `${MODEL}:1 (in-process runtime)`,
        '2026-01-01',
      ),
    ];
    expect(lastLoadTest(runs, MODEL, 1)?.runId).toBe('default');
    expect(lastLoadTest(runs, MODEL, 10)?.runId).toBe('ten');
    expect(lastLoadTest(runs.slice(0, 3), MODEL, 1)).toBeNull();
  });
});
