// One evaluation of a rollout's running step: reads the model's traffic since the step started (the baseline's
// over the whole rollout when the step sent it too little, as at 100 %), judges every gate, and says whether the
// step failed, passed (minimum duration and requests met, every gate passing), is inconclusive, or waits.
import type { GateResult, Rollout, StepEvaluation } from '../../../../src-shared/contract';
import type { TrafficSnapshot, VersionTrafficWindow } from '../trafficTypes';
import { judgeGates } from './judgeGates';

/** The baseline's figures come from the step when it answered at least this many requests there. */
export const MIN_BASELINE_STEP_REQUESTS = 20;
/** Samples per version and role the evaluation asks the monitor for. */
export const EVALUATION_MAX_SAMPLES = 10_000;

export type SnapshotReader = (sinceMs: number) => TrafficSnapshot;

function windowOf(snapshot: TrafficSnapshot, version: number, role: 'live' | 'shadow'): VersionTrafficWindow | null {
  return snapshot.versions.find((w) => w.version === version && w.role === role) ?? null;
}

export function evaluateStep(rollout: Rollout, nowMs: number, read: SnapshotReader): StepEvaluation {
  const step = rollout.plan.steps[rollout.stepIndex]!;
  const snapshot = read(rollout.stepStartedAtMs);
  const candidate = windowOf(snapshot, rollout.candidate, step.kind === 'shadow' ? 'shadow' : 'live');
  let baseline = windowOf(snapshot, rollout.baseline, 'live');
  let baselineWindow: StepEvaluation['baselineWindow'] = 'step';
  if ((baseline?.requests ?? 0) < MIN_BASELINE_STEP_REQUESTS && rollout.startedAtMs < rollout.stepStartedAtMs) {
    const whole = windowOf(read(rollout.startedAtMs), rollout.baseline, 'live');
    if ((whole?.requests ?? 0) > (baseline?.requests ?? 0)) {
      baseline = whole;
      baselineWindow = 'rollout';
    }
  }
  const pairs =
    snapshot.shadow.find((s) => s.liveVersion === rollout.baseline && s.shadowVersion === rollout.candidate) ?? null;
  const gates = judgeGates(rollout.plan.gates, { stepKind: step.kind, candidate, baseline, pairs });

  const elapsedInStepMs = nowMs - rollout.stepStartedAtMs;
  const candidateRequests = candidate?.requests ?? 0;
  const judged = candidateRequests >= Math.max(1, step.minRequests);
  const minimumsMet = judged && elapsedInStepMs >= step.minDurationSeconds * 1000;
  return {
    stepIndex: rollout.stepIndex,
    atMs: nowMs,
    elapsedInStepMs,
    candidateRequests,
    baselineRequests: baseline?.requests ?? 0,
    baselineWindow,
    minimumsMet,
    outcome: outcomeOf(gates, judged, minimumsMet),
    gates,
  };
}

/**
 * A failing gate counts once the candidate has answered the step's minimum requests (and rolls back at once);
 * passing also needs the minimum duration; anything else unresolved at that point is inconclusive.
 */
function outcomeOf(gates: readonly GateResult[], judged: boolean, minimumsMet: boolean): StepEvaluation['outcome'] {
  if (judged && gates.some((g) => g.status === 'fail')) return 'fail';
  if (!minimumsMet) return 'waiting';
  return gates.every((g) => g.status === 'pass' || g.status === 'skipped') ? 'pass' : 'inconclusive';
}
