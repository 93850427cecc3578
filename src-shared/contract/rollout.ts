// Rollouts: a plan (steps of shadow or weighted traffic with their minimums, and the gates that judge the
// candidate against the baseline), a rollout's state and the audit history of every decision with the numbers
// behind it, and offline rehearsals of a plan on replayed traffic with an injected fault.
import { z } from 'zod';
import { ShapeSchema } from './loadTest';
import { ModelNameSchema } from './modelVersion';

/** A week: longer minimums are refused (almost surely a unit mistake). */
export const MAX_STEP_SECONDS = 7 * 86_400;

const minimums = {
  /** The step lasts at least this long before it can advance. */
  minDurationSeconds: z.number().min(0).max(MAX_STEP_SECONDS).default(60),
  /** The candidate answers at least this many requests in the step before its gates judge it. */
  minRequests: z.number().int().min(0).max(100_000_000).default(100),
};

const weight = z.number().int('weights are whole percents').min(0).max(100);

export const RolloutStepSchema = z.discriminatedUnion('kind', [
  /** The baseline answers everything; `percent` of requests also go to the candidate, whose answers are compared. */
  z.object({
    kind: z.literal('shadow'),
    percent: z.number().gt(0, 'a shadow step sends the candidate more than 0 %').max(100),
    ...minimums,
  }),
  /** Live traffic split by weight (whole percents that sum to 100). */
  z.object({
    kind: z.literal('weights'),
    weights: z
      .object({ baseline: weight, candidate: weight })
      .refine((w) => w.baseline + w.candidate === 100, {
        message: 'weights must sum to 100 (baseline + candidate)',
      })
      .refine((w) => w.candidate > 0, { message: 'a weights step sends the candidate some traffic (candidate ≥ 1)' }),
    ...minimums,
  }),
]);
export type RolloutStep = z.infer<typeof RolloutStepSchema>;
export type RolloutStepInput = z.input<typeof RolloutStepSchema>;

export const RolloutGateKindSchema = z.enum([
  'errorRate',
  'errorRateDelta',
  'latencyP99Ratio',
  'latencyMannWhitney',
  'agreement',
  'outputDrift',
]);
export type RolloutGateKind = z.infer<typeof RolloutGateKindSchema>;

/** The inconclusive band lies on the passing side of the threshold: values within `band` of it are inconclusive. */
const band = z.number().min(0);

export const RolloutGateSchema = z.discriminatedUnion('kind', [
  /** The candidate's error rate (0..1): fails at or above the threshold. */
  z.object({
    kind: z.literal('errorRate'),
    threshold: z.number().gt(0).max(1).default(0.02),
    band: band.default(0.01),
  }),
  /** The candidate's error rate minus the baseline's: fails at or above the threshold. */
  z.object({
    kind: z.literal('errorRateDelta'),
    threshold: z.number().gt(0).max(1).default(0.01),
    band: band.default(0.005),
  }),
  /**
   * The candidate's p99 latency over the baseline's, judged once the candidate's p99 is significantly higher
   * (distribution-free 95 % intervals of the two p99s apart): fails at or above the threshold.
   */
  z.object({ kind: z.literal('latencyP99Ratio'), threshold: z.number().gt(0).default(1.5), band: band.default(0.2) }),
  /**
   * Kayenta's judge: Mann–Whitney U on per-request latencies (is the candidate stochastically slower?). When
   * p < alpha, the ratio of medians (candidate / baseline) is the effect: it fails at or above the threshold.
   * No significant slowdown passes whatever the ratio.
   */
  z.object({
    kind: z.literal('latencyMannWhitney'),
    alpha: z.number().gt(0).lt(1).default(0.01),
    threshold: z.number().gt(0).default(1.5),
    band: band.default(0.2),
  }),
  /** Share of rows on which the candidate predicts what the baseline predicts (shadow pairs): fails below. */
  z.object({
    kind: z.literal('agreement'),
    threshold: z.number().min(0).max(1).default(0.9),
    band: band.default(0.03),
  }),
  /**
   * Drift of the candidate's predictions from the baseline's (the compare engine's featureDrift), judged like
   * the latency judge: significance first (chi-square homogeneity of the two samples of classes, two-sample KS on
   * values, p < alpha), then the effect —
   * Jensen–Shannon distance between the class distributions, or Wasserstein distance over the baseline's
   * standard deviation for values (Evidently's distances) — which fails at or above the threshold. A large
   * sample makes a tiny difference significant; the effect size keeps it from failing a better model.
   */
  z.object({
    kind: z.literal('outputDrift'),
    /** Strict: gates are checked again and again while a step runs. */
    alpha: z.number().gt(0).lt(1).default(0.001),
    threshold: z.number().gt(0).default(0.1),
    band: band.default(0.03),
  }),
]);
export type RolloutGate = z.infer<typeof RolloutGateSchema>;
export type RolloutGateInput = z.input<typeof RolloutGateSchema>;

export const DEFAULT_ROLLOUT_GATES: RolloutGateInput[] = [
  { kind: 'errorRate' },
  { kind: 'errorRateDelta' },
  { kind: 'latencyP99Ratio' },
  { kind: 'latencyMannWhitney' },
  { kind: 'agreement' },
  { kind: 'outputDrift' },
];

export const RolloutPlanSchema = z
  .object({
    name: z.string().max(200).optional(),
    steps: z.array(RolloutStepSchema).min(1, 'a plan needs at least one step').max(50),
    gates: z.array(RolloutGateSchema).max(RolloutGateKindSchema.options.length).prefault(DEFAULT_ROLLOUT_GATES),
    /** How often the gates are checked while a step runs (a failure rolls back at the next check). */
    evaluateEverySeconds: z.number().positive().max(3600).default(10),
    /** Header whose value pins a caller to one version during the rollout; null: no sticky routing. */
    stickyHeader: z.string().min(1).max(100).nullable().default(null),
  })
  .refine((p) => new Set(p.gates.map((g) => g.kind)).size === p.gates.length, {
    message: 'each gate kind may appear once',
    path: ['gates'],
  });
export type RolloutPlan = z.infer<typeof RolloutPlanSchema>;
export type RolloutPlanInput = z.input<typeof RolloutPlanSchema>;

export const RolloutStateSchema = z.enum(['running', 'paused', 'promoted', 'rolledBack']);
export type RolloutState = z.infer<typeof RolloutStateSchema>;

/** The route the controller set: version → weight (keys are version numbers), and the shadow. */
export const RolloutRouteSchema = z.object({
  weights: z.record(z.string(), z.number()),
  shadow: z.object({ version: z.number().int(), percent: z.number() }).nullable(),
});
export type RolloutRoute = z.infer<typeof RolloutRouteSchema>;

export const GateStatusSchema = z.enum(['pass', 'fail', 'inconclusive', 'skipped']);
export type GateStatus = z.infer<typeof GateStatusSchema>;

export const GateResultSchema = z.object({
  kind: RolloutGateKindSchema,
  /** skipped: the gate cannot be measured in this step (e.g. agreement without shadow pairs); it does not block. */
  status: GateStatusSchema,
  /** The gate's figure (null when it could not be computed). */
  value: z.number().nullable(),
  threshold: z.number(),
  band: z.number(),
  /** 'above': values at or above the threshold fail; 'below': values below it fail. */
  failsWhen: z.enum(['above', 'below']),
  /** The numbers behind the value: sample sizes, the baseline's figure, p-value, … */
  numbers: z.record(z.string(), z.number().nullable()),
  message: z.string(),
});
export type GateResult = z.infer<typeof GateResultSchema>;

export const StepEvaluationSchema = z.object({
  stepIndex: z.number().int(),
  /** Controller clock ms, and ms since the step started. */
  atMs: z.number(),
  elapsedInStepMs: z.number(),
  candidateRequests: z.number().int(),
  baselineRequests: z.number().int(),
  /** Where the baseline's figures came from: this step, or the whole rollout when the step gave it too few. */
  baselineWindow: z.enum(['step', 'rollout']),
  minimumsMet: z.boolean(),
  /** waiting: no gate failed and the step's minimums are not met yet. */
  outcome: z.enum(['pass', 'fail', 'inconclusive', 'waiting']),
  gates: z.array(GateResultSchema),
});
export type StepEvaluation = z.infer<typeof StepEvaluationSchema>;

export const RolloutSchema = z.object({
  id: z.string(),
  model: z.string(),
  baseline: z.number().int(),
  candidate: z.number().int(),
  plan: RolloutPlanSchema,
  state: RolloutStateSchema,
  /** The step running (or paused in, or last run). */
  stepIndex: z.number().int(),
  startedAt: z.string(),
  startedAtMs: z.number(),
  stepStartedAtMs: z.number(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Why it is paused or how it ended. */
  reason: z.string().nullable(),
  route: RolloutRouteSchema,
  lastEvaluation: StepEvaluationSchema.nullable(),
  /** A process with the data plane is driving it now (the app's engine, or `slipway rollout start`). */
  driven: z.boolean(),
});
export type Rollout = z.infer<typeof RolloutSchema>;

export const RolloutActorSchema = z.enum(['controller', 'user', 'engine']);
export const RolloutActionSchema = z.enum([
  'start',
  'advance',
  'promote',
  'rollback',
  'pause',
  'resume',
  'resumedPausedAfterRestart',
]);
export type RolloutAction = z.infer<typeof RolloutActionSchema>;

/** One audit entry: who decided what, when, on which numbers. */
export const RolloutDecisionSchema = z.object({
  seq: z.number().int(),
  rolloutId: z.string(),
  at: z.string(),
  atMs: z.number(),
  /** ms since the rollout started. */
  elapsedMs: z.number(),
  actor: RolloutActorSchema,
  action: RolloutActionSchema,
  fromState: RolloutStateSchema.nullable(),
  toState: RolloutStateSchema,
  /** The step the decision was taken in, and the step after it. */
  stepIndex: z.number().int(),
  toStepIndex: z.number().int(),
  reason: z.string(),
  /** The route in force after the decision. */
  route: RolloutRouteSchema,
  /** The gate numbers behind it (null for a decision no evaluation led to, e.g. a manual pause). */
  evaluation: StepEvaluationSchema.nullable(),
});
export type RolloutDecision = z.infer<typeof RolloutDecisionSchema>;

export const RolloutStartRequestSchema = z.object({
  model: ModelNameSchema,
  candidate: z.number().int().positive(),
  /** Default: the model's production version, else the newest version below the candidate. */
  baseline: z.number().int().positive().optional(),
  plan: RolloutPlanSchema,
});
export type RolloutStartRequest = z.infer<typeof RolloutStartRequestSchema>;
export type RolloutStartRequestInput = z.input<typeof RolloutStartRequestSchema>;

export const RolloutActionRequestSchema = z.object({ reason: z.string().max(500).optional() });
export type RolloutActionRequest = z.infer<typeof RolloutActionRequestSchema>;

// ---------------------------------------------------------------------------------------------------------
// Rehearsal

export const RehearsalFaultSchema = z.object({
  /** Extra latency on each candidate answer as a share of it: 2 = +200 %. */
  latencyIncrease: z.number().min(0).max(1000).default(0),
  /** Extra latency on each candidate answer, ms. */
  latencyAddMs: z.number().min(0).max(600_000).default(0),
  /** Share of candidate requests that fail. */
  errorRate: z.number().min(0).max(1).default(0),
  /**
   * Skewed outputs: a share of the candidate's rows answer `toClass` (classification; default the class the
   * baseline predicts least) or their value plus `shift` (regression; default one standard deviation).
   */
  skew: z
    .object({
      share: z.number().gt(0).max(1),
      toClass: z.number().nullable().default(null),
      shift: z.number().nullable().default(null),
    })
    .nullable()
    .default(null),
});
export type RehearsalFault = z.infer<typeof RehearsalFaultSchema>;
export type RehearsalFaultInput = z.input<typeof RehearsalFaultSchema>;

export const RehearsalConfigSchema = z.object({
  model: ModelNameSchema,
  candidate: z.number().int().positive(),
  baseline: z.number().int().positive().optional(),
  plan: RolloutPlanSchema,
  /** A replay dataset (name or id) that fits both versions; its rows are cycled, one row per request. */
  dataset: z.string().min(1),
  /** Traffic (a load-test shape); default: a constant rate long enough for every step's minimums. */
  shape: ShapeSchema.optional(),
  fault: RehearsalFaultSchema.prefault({}),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /** Controller ticks in virtual time. */
  tickSeconds: z.number().positive().max(60).default(1),
  /** Measure each version's latency again instead of reusing the stored measurement. */
  remeasureLatency: z.boolean().default(false),
  name: z.string().max(200).optional(),
});
export type RehearsalConfig = z.infer<typeof RehearsalConfigSchema>;
export type RehearsalConfigInput = z.input<typeof RehearsalConfigSchema>;

export const LatencyProfileSummarySchema = z.object({
  version: z.number().int(),
  /** Single-row requests measured through the version's session pool. */
  requests: z.number().int(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  meanMs: z.number(),
  provider: z.string(),
  measuredAt: z.string(),
  /** True when a stored measurement was reused (same file, provider and threads). */
  reused: z.boolean(),
});
export type LatencyProfileSummary = z.infer<typeof LatencyProfileSummarySchema>;

export const RehearsalOutcomeSchema = z.enum(['promoted', 'rolledBack', 'paused', 'incomplete']);
export type RehearsalOutcome = z.infer<typeof RehearsalOutcomeSchema>;

export const RehearsalStepSummarySchema = z.object({
  index: z.number().int(),
  step: RolloutStepSchema,
  /** Virtual ms from the rehearsal's start; endedAtMs null when the rehearsal stopped in it. */
  startedAtMs: z.number(),
  endedAtMs: z.number().nullable(),
  candidateRequests: z.number().int(),
  baselineRequests: z.number().int(),
  /** How the step ended: the decision taken in it, or 'running' when traffic ran out. */
  outcome: z.enum(['advanced', 'promoted', 'rolledBack', 'paused', 'running']),
});

export const RehearsalResultSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  model: z.string(),
  baseline: z.number().int(),
  candidate: z.number().int(),
  datasetName: z.string(),
  config: RehearsalConfigSchema,
  outcome: RehearsalOutcomeSchema,
  /** The gates that failed (rolled back) or were inconclusive (paused). */
  decidingGates: z.array(RolloutGateKindSchema),
  /** From the rollout's start to the rollback or pause, in virtual time; null when neither happened. */
  detection: z
    .object({
      afterMs: z.number(),
      stepIndex: z.number().int(),
      afterStepStartMs: z.number(),
      /** Candidate answers (live and shadow) recorded before the decision. */
      candidateAnswers: z.number().int(),
    })
    .nullable(),
  /** Live (user-facing) answers the fault spoiled before the rollback: failed, skewed, or slowed. */
  badAnswers: z.number().int(),
  requests: z.object({
    total: z.number().int(),
    baselineLive: z.number().int(),
    candidateLive: z.number().int(),
    candidateShadow: z.number().int(),
  }),
  simulatedMs: z.number(),
  steps: z.array(RehearsalStepSummarySchema),
  decisions: z.array(RolloutDecisionSchema),
  latencyProfiles: z.array(LatencyProfileSummarySchema),
  conventions: z.array(z.string()),
  wallMs: z.number(),
});
export type RehearsalResult = z.infer<typeof RehearsalResultSchema>;

export const RehearsalSummarySchema = RehearsalResultSchema.pick({
  id: true,
  name: true,
  createdAt: true,
  model: true,
  baseline: true,
  candidate: true,
  datasetName: true,
  outcome: true,
  decidingGates: true,
  detection: true,
  badAnswers: true,
});
export type RehearsalSummary = z.infer<typeof RehearsalSummarySchema>;

export const RehearsalProgressSchema = z.object({
  phase: z.enum(['checking', 'measuring', 'predicting', 'simulating', 'done']),
  fraction: z.number().min(0).max(1),
  message: z.string(),
});
export type RehearsalProgress = z.infer<typeof RehearsalProgressSchema>;
