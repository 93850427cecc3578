// A rehearsal from start to end: checks everything a user can get wrong (plan, versions, dataset fit, shape,
// fault) before any inference, gets both versions' real answers and latency measurements, plays the rollout in
// virtual time with the fault on the candidate, and reports what the controller decided, when, and how many
// callers got a bad answer first. Offline: nothing is served and no route changes.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  MAX_SHAPE_SECONDS,
  RehearsalConfigSchema,
  ShapeSchema,
  type Dataset,
  type ModelVersion,
  type RehearsalConfig,
  type RehearsalConfigInput,
  type RehearsalProgress,
  type RehearsalResult,
  type RolloutPlan,
  type ShapeInput,
} from '../../../../src-shared/contract';
import { compileShape, ShapeError, type Schedule } from '../../../../src-shared/loadtest/schedule';
import type { ComparisonDatasets } from '../../compare/replay/comparisonDatasets';
import { fitDataset } from '../../compare/datasets/fitDataset';
import type { ModelLibrary } from '../../library/modelLibrary';
import type { ServingConfig } from '../../library/servingConfig';
import type { RolloutRepository } from '../../store/rolloutRepository';
import { UserError } from '../../userError';
import { rehearsalAnswers, LATENCY_REQUESTS, type RehearsalAnswers, type RehearsalVersion } from './rehearsalAnswers';
import { parsePlan, resolveVersions } from './rolloutPlan';
import { simulateRollout } from './simulateRollout';

/** The default traffic's rate, requests/s. */
export const DEFAULT_REHEARSAL_RATE = 50;

export interface RehearsalDeps {
  library: ModelLibrary;
  servingConfig: ServingConfig;
  datasets: ComparisonDatasets;
  repository: RolloutRepository;
}

export interface RehearseOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RehearsalProgress) => void;
}

/**
 * Everything a rehearsal refuses, checked without measuring or running anything: the config, the versions, the
 * fault, the shape and the dataset's fit with both versions. Throws the same UserErrors the rehearsal would.
 */
export function checkRehearsal(
  deps: { library: RehearsalDeps['library']; datasets: { get(nameOrId: string): Dataset } },
  input: RehearsalConfigInput,
): void {
  const config = parseConfig(input);
  const { baseline, candidate } = resolveVersions(deps.library, config.model, config.candidate, config.baseline);
  checkFault(config);
  compile(ShapeSchema.parse(config.shape ?? defaultShape(config.plan, config.seed)));
  const dataset = deps.datasets.get(config.dataset);
  for (const version of [baseline, candidate]) checkFit(dataset, version);
}

export async function rehearseRollout(
  deps: RehearsalDeps,
  input: RehearsalConfigInput,
  options: RehearseOptions = {},
): Promise<RehearsalResult> {
  const wallStarted = performance.now();
  const progress = (phase: RehearsalProgress['phase'], fraction: number, message: string) =>
    options.onProgress?.({ phase, fraction: Math.min(1, Math.max(0, fraction)), message });
  progress('checking', 0, 'checking the plan, the versions and the dataset');
  const config = parseConfig(input);
  const plan = config.plan;
  const { baseline, candidate } = resolveVersions(deps.library, config.model, config.candidate, config.baseline);
  const model = candidate.model;
  checkFault(config);
  const shape = ShapeSchema.parse(config.shape ?? defaultShape(plan, config.seed));
  const schedule = compile(shape);
  const rows = await deps.datasets.open(config.dataset);
  let answers: RehearsalAnswers;
  try {
    for (const version of [baseline, candidate]) checkFit(rows.dataset, version);
    answers = await rehearsalAnswers(
      rows,
      rehearsalVersion(deps, baseline),
      rehearsalVersion(deps, candidate),
      deps.repository,
      {
        remeasure: config.remeasureLatency,
        signal: options.signal,
        onProgress: (phase, fraction, message) =>
          progress(phase, phase === 'measuring' ? 0.05 + 0.25 * fraction : 0.3 + 0.5 * fraction, message),
      },
    );
  } finally {
    await rows.close().catch(() => {});
  }
  const skewTarget = skewTargetOf(config, answers);
  progress('simulating', 0.8, 'playing the rollout in virtual time');
  const id = newRehearsalId();
  const simulation = await simulateRollout({
    // The rehearsal's decisions name it as their rollout.
    rolloutId: id,
    model,
    plan,
    answers,
    fault: config.fault,
    skewTarget,
    seed: config.seed,
    tickMs: config.tickSeconds * 1000,
    sendTimes: schedule.sendTimes(),
    durationMs: schedule.durationMs,
    signal: options.signal,
    onProgress: (fraction) => progress('simulating', 0.8 + 0.2 * fraction, 'playing the rollout in virtual time'),
  });
  progress('done', 1, simulation.outcome);
  const resolved: RehearsalConfig = {
    ...config,
    baseline: baseline.version,
    shape: { ...shape, seed: shape.seed ?? config.seed } as RehearsalConfig['shape'],
  };
  return {
    id,
    name:
      config.name?.trim() ||
      `${model}:${candidate.version} vs ${baseline.version} on ${rows.dataset.name}${faultLabel(config)}`,
    createdAt: new Date().toISOString(),
    model,
    baseline: baseline.version,
    candidate: candidate.version,
    datasetName: rows.dataset.name,
    config: resolved,
    ...simulation,
    latencyProfiles: [answers.baseline.profile, answers.candidate.profile],
    conventions: conventions(answers, config, skewTarget),
    wallMs: performance.now() - wallStarted,
  };
}

function parseConfig(input: RehearsalConfigInput): RehearsalConfig {
  const plan = parsePlan((input as { plan?: unknown })?.plan);
  const parsed = RehearsalConfigSchema.safeParse({ ...input, plan });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.map(String).join('.');
  throw new UserError('bad-input', `invalid rehearsal: ${where ? `${where}: ` : ''}${issue.message}`);
}

function checkFault(config: RehearsalConfig): void {
  const skew = config.fault.skew;
  if (skew && skew.toClass !== null && skew.shift !== null) {
    throw new UserError(
      'bad-input',
      'a skew moves rows to a class (classification) or shifts values (regression), not both',
    );
  }
}

function compile(shape: ShapeInput): Schedule {
  let schedule: Schedule;
  try {
    schedule = compileShape(shape);
  } catch (error) {
    if (error instanceof ShapeError) throw new UserError('bad-input', `invalid shape: ${error.message}`);
    throw error;
  }
  if (schedule.phases.some((p) => p.kind === 'closed')) {
    throw new UserError(
      'bad-input',
      'a rehearsal replays open-loop traffic (rates or a trace): a concurrency shape has no send times to replay',
    );
  }
  if (schedule.expectedRequests < 1) throw new UserError('bad-input', 'the shape sends no requests');
  return schedule;
}

/**
 * A constant rate long enough for every step's minimums at that step's share of it (and half as long again),
 * so a plan that passes can pass: at 1 % to the candidate, 100 requests take 200 s at 50 requests/s.
 */
export function defaultShape(plan: RolloutPlan, seed: number): ShapeInput {
  const rate = DEFAULT_REHEARSAL_RATE;
  let seconds = 0;
  for (const step of plan.steps) {
    const share = step.kind === 'shadow' ? step.percent / 100 : step.weights.candidate / 100;
    seconds += Math.max(step.minDurationSeconds, step.minRequests / (rate * share), plan.evaluateEverySeconds);
  }
  const duration = Math.min(MAX_SHAPE_SECONDS, Math.ceil(1.5 * seconds + 2 * plan.evaluateEverySeconds));
  return { segments: [{ kind: 'constant', rate, duration }], seed };
}

function rehearsalVersion(deps: RehearsalDeps, version: ModelVersion): RehearsalVersion {
  const settings = deps.servingConfig.effective(version).settings;
  return {
    version,
    pool: {
      modelPath: deps.library.filePath(version),
      instances: 1,
      intraOpThreads: settings.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / 2)),
      provider: settings.provider,
      weightBytes: version.inspection.parameterBytes,
      spinMicros: 0,
    },
  };
}

function checkFit(dataset: Dataset, version: ModelVersion): void {
  const fit = fitDataset(dataset, { inputs: version.inspection.inputs, outputs: version.inspection.outputs });
  if (fit.fits) return;
  const problems = fit.problems.filter((p) => p.severity !== 'warning').map((p) => p.message);
  throw new UserError(
    'bad-input',
    `dataset ${dataset.name} does not fit ${version.model}:${version.version}: ${problems.join('; ')}`,
  );
}

/** Where skewed rows go: the class the baseline predicts least (ties: the lowest), or one standard deviation up. */
function skewTargetOf(
  config: RehearsalConfig,
  answers: RehearsalAnswers,
): { toClass: number | null; shift: number | null } {
  const skew = config.fault.skew;
  if (!skew) return { toClass: null, shift: null };
  const kind = answers.candidate.kind;
  if (kind === null) {
    throw new UserError(
      'bad-input',
      `skewed outputs need a prediction to skew, and ${config.model}'s outputs give none`,
    );
  }
  if (kind === 'class') {
    if (skew.shift !== null)
      throw new UserError('bad-input', `${config.model} predicts classes: skew it to a class, not by a shift`);
    if (skew.toClass !== null) return { toClass: skew.toClass, shift: null };
    const counts = new Map<number, number>();
    for (const side of [answers.baseline, answers.candidate]) {
      for (const p of side.predictions) if (Number.isFinite(p)) counts.set(p, counts.get(p) ?? 0);
    }
    for (const p of answers.baseline.predictions) if (Number.isFinite(p)) counts.set(p, counts.get(p)! + 1);
    const least = [...counts].sort(([a, na], [b, nb]) => na - nb || a - b)[0];
    if (!least) throw new UserError('bad-input', 'the versions answered no row: there is nothing to skew');
    return { toClass: least[0], shift: null };
  }
  if (skew.toClass !== null)
    throw new UserError('bad-input', `${config.model} predicts values: skew them by a shift, not to a class`);
  if (skew.shift !== null) return { toClass: null, shift: skew.shift };
  const values = Array.from(answers.baseline.predictions).filter(Number.isFinite);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length));
  return { toClass: null, shift: sd > 0 ? sd : 1 };
}

function faultLabel(config: RehearsalConfig): string {
  const f = config.fault;
  const parts: string[] = [];
  if (f.latencyIncrease > 0) parts.push(`latency +${Math.round(f.latencyIncrease * 100)}%`);
  if (f.latencyAddMs > 0) parts.push(`latency +${f.latencyAddMs}ms`);
  if (f.errorRate > 0) parts.push(`errors ${+(f.errorRate * 100).toFixed(3)}%`);
  if (f.skew) parts.push(`skew ${+(f.skew.share * 100).toFixed(3)}%`);
  return parts.length > 0 ? ` with ${parts.join(', ')}` : '';
}

function conventions(
  answers: RehearsalAnswers,
  config: RehearsalConfig,
  skew: { toClass: number | null; shift: number | null },
): string[] {
  const lines = [
    'Virtual time: the controller, the router and the traffic monitor run on a clock that starts at 0 ms; every time in this result is ms from the rehearsal’s start.',
    `Requests follow the shape’s send times, one dataset row each, cycling through ${answers.rows} rows; the router (seeded with ${config.seed}) picks each one’s version as it would live.`,
    'Outputs are real: each version answered every row once through its session pool; a request gets its version’s answer to its row. Agreement and drift are computed from those predictions exactly as the data plane computes them.',
    `Latencies are measured once per version (${LATENCY_REQUESTS} single-row requests, one at a time, through a session pool with the version’s provider and threads; the pool’s round trip, not HTTP) and kept, then resampled with the seed for each request; the fault’s extra latency is added on top. Decisions depend only on the seed, the plan, the shape, the dataset and these stored measurements (remeasureLatency measures again).`,
    'A bad answer is a live (caller-facing) answer from the candidate that the fault spoiled before the rollout ended: failed, skewed to another prediction, or slowed. Shadow answers reach no caller.',
    `Detection time runs from the rollout’s start to the rollback (or pause); gates are checked every ${config.plan.evaluateEverySeconds} s of virtual time and when a step’s minimum duration is reached.`,
  ];
  if (config.fault.errorRate > 0)
    lines.push(`Errors: each candidate request fails with probability ${config.fault.errorRate} (seeded).`);
  if (config.fault.skew) {
    lines.push(
      skew.toClass !== null
        ? `Skew: each candidate answer predicts class ${skew.toClass} with probability ${config.fault.skew.share} (seeded); output |Δ| stays that of the real outputs.`
        : `Skew: each candidate answer’s value is shifted by ${skew.shift} with probability ${config.fault.skew.share} (seeded).`,
    );
  }
  return lines;
}

function newRehearsalId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `reh-${t}-${randomBytes(3).toString('hex')}`;
}
