// The state machine of one rollout: on each tick it judges the running step and advances (all gates pass after
// the step's minimums), rolls back at once (a gate fails: candidate weight 0, shadow off, candidate left
// loaded), or pauses for a person (inconclusive); a person may promote, pause, resume or roll back at any time.
// Every decision sets the route first, then is stored with the numbers behind it, over the revision it read.
import type {
  Rollout,
  RolloutAction,
  RolloutDecision,
  RolloutRoute,
  RolloutState,
  StepEvaluation,
} from '../../../../src-shared/contract';
import type { NewDecision, StoredRollout } from '../../store/rolloutRepository';
import { UserError } from '../../userError';
import type { TrafficMonitorApi, TrafficRouterApi } from '../trafficTypes';
import type { RolloutClock } from './rolloutClock';
import { EVALUATION_MAX_SAMPLES, evaluateStep } from './evaluateStep';

/** Where decisions are kept: the SQLite repository live, memory in a rehearsal. */
export interface RolloutStore {
  /** Writes unless the stored revision moved on; null means someone else decided first. */
  commit(
    rollout: Rollout,
    revision: number,
    decision: NewDecision | null,
  ): { revision: number; decision: RolloutDecision | null } | null;
  get(id: string): StoredRollout | undefined;
}

/** The data plane as the controller drives it; absent when no data plane in this process serves the model. */
export interface RolloutTraffic {
  router: Pick<TrafficRouterApi, 'setRoute'>;
  monitor: Pick<TrafficMonitorApi, 'snapshot'>;
}

export interface RolloutControllerDeps {
  clock: RolloutClock;
  store: RolloutStore;
  traffic: RolloutTraffic | null;
  /** Each decision once stored. */
  onDecision?: (decision: RolloutDecision, rollout: Rollout) => void;
  /** The rollout after every stored change (decisions and evaluations). */
  onChange?: (rollout: Rollout) => void;
}

export type Actor = RolloutDecision['actor'];

const ACTIVE: readonly RolloutState[] = ['running', 'paused'];

/** The route a rollout asks for in a state at a step. */
export function routeFor(
  rollout: Pick<Rollout, 'plan' | 'baseline' | 'candidate'>,
  state: RolloutState,
  stepIndex: number,
): RolloutRoute {
  const { baseline, candidate } = rollout;
  if (state === 'promoted') return { weights: { [baseline]: 0, [candidate]: 100 }, shadow: null };
  if (state === 'rolledBack') return { weights: { [baseline]: 100, [candidate]: 0 }, shadow: null };
  const step = rollout.plan.steps[stepIndex]!;
  if (step.kind === 'shadow') {
    return { weights: { [baseline]: 100, [candidate]: 0 }, shadow: { version: candidate, percent: step.percent } };
  }
  return { weights: { [baseline]: step.weights.baseline, [candidate]: step.weights.candidate }, shadow: null };
}

export function sameRoute(a: RolloutRoute, b: RolloutRoute): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Steps are shown 1-based to people. */
export function describeStep(rollout: Pick<Rollout, 'plan'>, index: number): string {
  const step = rollout.plan.steps[index];
  if (!step) return `step ${index + 1}`;
  const what = step.kind === 'shadow' ? `shadow ${step.percent} %` : `${step.weights.candidate} % to the candidate`;
  return `step ${index + 1} of ${rollout.plan.steps.length} (${what})`;
}

export class RolloutController {
  private current: Rollout;
  private revision: number;
  private lastEvaluatedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    stored: StoredRollout,
    private readonly deps: RolloutControllerDeps,
  ) {
    this.current = stored.rollout;
    this.revision = stored.revision;
  }

  get rollout(): Rollout {
    return this.current;
  }

  get active(): boolean {
    return ACTIVE.includes(this.current.state);
  }

  /** Puts the route of the current state into the router (after a restart, or when the data plane attaches). */
  applyRoute(): void {
    this.setRoute(this.current.route);
  }

  /** The running step judged now, without deciding anything (for a live view). */
  evaluate(): StepEvaluation {
    const traffic = this.deps.traffic;
    if (!traffic) throw new UserError('unavailable', `no data plane here serves ${this.current.model}`);
    const model = this.current.model;
    return evaluateStep(this.current, this.deps.clock.now(), (sinceMs) =>
      traffic.monitor.snapshot(model, { sinceMs, maxSamples: EVALUATION_MAX_SAMPLES }),
    );
  }

  /**
   * Judges the running step when an evaluation is due (every `evaluateEverySeconds`, and as soon as the step's
   * minimum duration is reached) and acts on it. Returns the decision taken, if any.
   */
  tick(): RolloutDecision | null {
    if (this.current.state !== 'running' || !this.deps.traffic) return null;
    const now = this.deps.clock.now();
    const step = this.current.plan.steps[this.current.stepIndex]!;
    const minimumAt = this.current.stepStartedAtMs + step.minDurationSeconds * 1000;
    const due =
      now - this.lastEvaluatedAtMs >= this.current.plan.evaluateEverySeconds * 1000 ||
      (now >= minimumAt && this.lastEvaluatedAtMs < minimumAt);
    if (!due) return null;
    this.lastEvaluatedAtMs = now;
    const evaluation = this.evaluate();
    const stepName = describeStep(this.current, this.current.stepIndex);
    switch (evaluation.outcome) {
      case 'fail': {
        const failed = evaluation.gates.filter((g) => g.status === 'fail');
        const reason = `${stepName}: ${failed.map((g) => `${g.kind} — ${g.message}`).join('; ')}`;
        return this.transition('controller', 'rollback', 'rolledBack', this.current.stepIndex, reason, evaluation);
      }
      case 'inconclusive': {
        const open = evaluation.gates.filter((g) => g.status === 'inconclusive');
        const reason = `${stepName} is inconclusive, a person decides: ${open.map((g) => `${g.kind} — ${g.message}`).join('; ')}`;
        return this.transition('controller', 'pause', 'paused', this.current.stepIndex, reason, evaluation);
      }
      case 'pass': {
        const last = this.current.stepIndex === this.current.plan.steps.length - 1;
        if (last) {
          return this.transition(
            'controller',
            'promote',
            'promoted',
            this.current.stepIndex,
            `${stepName} passed every gate; the plan is done`,
            evaluation,
          );
        }
        const next = this.current.stepIndex + 1;
        return this.transition(
          'controller',
          'advance',
          'running',
          next,
          `${stepName} passed every gate; on to ${describeStep(this.current, next)}`,
          evaluation,
        );
      }
      case 'waiting':
        this.store({ ...this.current, lastEvaluation: evaluation }, null);
        return null;
    }
  }

  promote(actor: Actor, reason?: string): RolloutDecision | null {
    this.requireActive('promote');
    return this.transition(actor, 'promote', 'promoted', this.current.stepIndex, reason ?? 'promoted by hand', null);
  }

  rollback(actor: Actor, reason?: string): RolloutDecision | null {
    this.requireActive('roll back');
    return this.transition(
      actor,
      'rollback',
      'rolledBack',
      this.current.stepIndex,
      reason ?? 'rolled back by hand',
      null,
    );
  }

  pause(actor: Actor, reason?: string): RolloutDecision | null {
    this.requireActive('pause');
    if (this.current.state === 'paused') {
      throw new UserError('conflict', `the rollout of ${this.current.model} is already paused`);
    }
    return this.transition(actor, 'pause', 'paused', this.current.stepIndex, reason ?? 'paused by hand', null);
  }

  /** Runs the paused step again from now (its minimums count afresh). */
  resume(actor: Actor, reason?: string): RolloutDecision | null {
    this.requireActive('resume');
    if (this.current.state === 'running') {
      throw new UserError('conflict', `the rollout of ${this.current.model} is already running`);
    }
    return this.transition(
      actor,
      'resume',
      'running',
      this.current.stepIndex,
      reason ?? `resumed by hand at ${describeStep(this.current, this.current.stepIndex)}`,
      null,
    );
  }

  /** Takes on a state another writer stored (a command from another process): its route goes into the router. */
  adopt(stored: StoredRollout): void {
    if (stored.revision === this.revision) return;
    const before = this.current;
    this.current = stored.rollout;
    this.revision = stored.revision;
    if (!sameRoute(before.route, stored.rollout.route)) this.trySetRoute(stored.rollout.route);
    if (before.stepIndex !== stored.rollout.stepIndex || before.stepStartedAtMs !== stored.rollout.stepStartedAtMs) {
      this.lastEvaluatedAtMs = Number.NEGATIVE_INFINITY;
    }
    this.deps.onChange?.(this.current);
  }

  private requireActive(verb: string): void {
    if (!this.active) {
      const how = this.current.state === 'promoted' ? 'was promoted' : 'was rolled back';
      throw new UserError(
        'conflict',
        `cannot ${verb}: the rollout of ${this.current.model} (${this.current.id}) ${how} and is over`,
      );
    }
  }

  private transition(
    actor: Actor,
    action: RolloutAction,
    toState: RolloutState,
    toStepIndex: number,
    reason: string,
    evaluation: StepEvaluation | null,
  ): RolloutDecision | null {
    const now = this.deps.clock.now();
    const from = this.current;
    let route = routeFor(from, toState, toStepIndex);
    let state = toState;
    let stepIndex = toStepIndex;
    let why = reason;
    let act = action;
    if (!sameRoute(route, from.route)) {
      const problem = this.trySetRoute(route);
      if (problem) {
        if (toState === 'running') {
          // Advancing or resuming needs the new route: stay where it was, paused, and say why.
          route = from.route;
          state = 'paused';
          stepIndex = from.stepIndex;
          act = 'pause';
          why = `${reason}; but the route could not be set (${problem}), so it paused`;
        } else {
          why = `${reason} (the route could not be set: ${problem})`;
        }
      }
    }
    const moved = stepIndex !== from.stepIndex || (act === 'resume' && state === 'running');
    const iso = new Date(now).toISOString();
    const next: Rollout = {
      ...from,
      state,
      stepIndex,
      stepStartedAtMs: moved ? now : from.stepStartedAtMs,
      updatedAt: iso,
      finishedAt: state === 'promoted' || state === 'rolledBack' ? iso : null,
      reason: state === 'running' ? null : why,
      route,
      lastEvaluation: evaluation ?? from.lastEvaluation,
    };
    const decision: NewDecision = {
      rolloutId: from.id,
      at: iso,
      atMs: now,
      elapsedMs: now - from.startedAtMs,
      actor,
      action: act,
      fromState: from.state,
      toState: state,
      stepIndex: from.stepIndex,
      toStepIndex: stepIndex,
      reason: why,
      route,
      evaluation,
    };
    const stored = this.store(next, decision);
    if (moved) this.lastEvaluatedAtMs = Number.NEGATIVE_INFINITY;
    return stored;
  }

  /** Stores `next`; on a conflict takes on what the other writer stored instead and returns null. */
  private store(next: Rollout, decision: NewDecision | null): RolloutDecision | null {
    const written = this.deps.store.commit(next, this.revision, decision);
    if (!written) {
      const fresh = this.deps.store.get(next.id);
      if (fresh) this.adopt(fresh);
      return null;
    }
    this.current = next;
    this.revision = written.revision;
    if (written.decision) this.deps.onDecision?.(written.decision, this.current);
    this.deps.onChange?.(this.current);
    return written.decision;
  }

  /** Sets the route; the router's words when it refuses (e.g. a version was unloaded), else null. */
  private trySetRoute(route: RolloutRoute): string | null {
    try {
      this.setRoute(route);
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private setRoute(route: RolloutRoute): void {
    const router = this.deps.traffic?.router;
    if (!router) return;
    const weights: Record<number, number> = {};
    for (const [version, weight] of Object.entries(route.weights)) weights[Number(version)] = weight;
    router.setRoute(this.current.model, {
      weights,
      shadow: route.shadow,
      stickyHeader: this.current.plan.stickyHeader,
    });
  }
}
