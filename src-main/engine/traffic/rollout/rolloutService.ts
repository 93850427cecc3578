// Rollouts for the CLI and the control plane. The rollout's row in SQLite is the truth every process shares:
// start and the manual actions write it (with an audit entry), and the process whose data plane serves the
// model drives it — each tick it takes on any change another process stored, applies the route, judges the
// running step and decides. One rollout at a time per model; a rollout nobody drives any more (its engine
// stopped) is paused when the library is next opened, with its history intact. Rehearsals run offline.
import { randomBytes } from 'node:crypto';
import type {
  RehearsalConfigInput,
  RehearsalProgress,
  RehearsalResult,
  RehearsalSummary,
  Rollout,
  RolloutDecision,
  RolloutPlan,
  RolloutStartRequestInput,
  StepEvaluation,
} from '../../../../src-shared/contract';
import type { Engine } from '../../engine';
import { parseModelRef } from '../../library/modelName';
import { RolloutConflictError, type StoredRollout } from '../../store/rolloutRepository';
import { UserError } from '../../userError';
import type { TrafficMonitorApi, TrafficRouterApi } from '../trafficTypes';
import { checkRehearsal, rehearseRollout } from './rehearseRollout';
import { systemClock, type RolloutClock } from './rolloutClock';
import { RolloutController, describeStep, routeFor } from './rolloutController';
import { parsePlan, resolveVersions } from './rolloutPlan';

/** A data plane in this process: what a live rollout needs of it (ModelServer fits). */
export interface ServingPlane {
  router: TrafficRouterApi;
  monitor: TrafficMonitorApi;
  versionsOf(model: string): readonly { model: string; version: number; state: string }[];
}

export interface RolloutServiceOptions {
  /** Default: the system clock (the traffic monitor's). Tests pass a virtual one. */
  clock?: RolloutClock;
  /** How often driven rollouts are looked at, ms (default 1000). */
  tickMs?: number;
  /** This process, as rollouts record who drives them (default process.pid). */
  pid?: number;
  /** A rollout after every stored change (decision, evaluation, a change another process stored). */
  onChange?: (rollout: Rollout) => void;
  onDecision?: (decision: RolloutDecision, rollout: Rollout) => void;
}

export interface RehearseOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RehearsalProgress) => void;
}

interface Driver {
  controller: RolloutController;
  /** The last decision announced through onDecision (ours or one another process stored). */
  seenSeq: number;
}

export class RolloutService {
  private plane: ServingPlane | null = null;
  private readonly drivers = new Map<string, Driver>();
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: RolloutClock;
  private readonly pid: number;

  constructor(
    private readonly engine: Engine,
    private readonly options: RolloutServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.pid = options.pid ?? process.pid;
  }

  private get repo() {
    return this.engine.rollouts;
  }

  // -------------------------------------------------------------------------------------------------------
  // The data plane

  /**
   * A data plane in this process started serving: rollouts of the models it serves are driven from here on
   * (a paused one gets its step's route back), and new ones can start.
   */
  attach(plane: ServingPlane): void {
    this.plane = plane;
    this.tick();
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 1000);
      this.timer.unref();
    }
  }

  /** The data plane is stopping: nothing is driven from here any more (states stay as they are). */
  detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const id of this.drivers.keys()) this.repo.release(id, this.pid);
    this.drivers.clear();
    this.plane = null;
  }

  /** Looks at every driven rollout once: takes on changes stored elsewhere, then judges and decides. */
  tick(): void {
    const plane = this.plane;
    if (!plane) return;
    for (const stored of this.repo.activeAll()) {
      if (!this.drivers.has(stored.id)) this.drive(stored.id, plane);
    }
    for (const [id, driver] of this.drivers) {
      const fresh = this.repo.get(id);
      if (!fresh) {
        this.drivers.delete(id);
        continue;
      }
      driver.controller.adopt(fresh);
      this.announce(id, driver);
      if (driver.controller.active) {
        this.repo.heartbeat(id, this.pid);
        try {
          driver.controller.tick();
        } catch (error) {
          // A tick that throws (a bug, the monitor gone) must not stop the other rollouts; it pauses this one.
          const message = error instanceof Error ? error.message : String(error);
          if (driver.controller.rollout.state === 'running') {
            driver.controller.pause('engine', `the controller failed while judging the step: ${message}`);
          }
        }
        this.announce(id, driver);
      }
      if (!driver.controller.active) {
        this.repo.release(id, this.pid);
        this.drivers.delete(id);
      }
    }
  }

  /** Takes a rollout on when this plane serves both its versions and no other live process drives it. */
  private drive(id: string, plane: ServingPlane): Driver | null {
    const stored = this.repo.get(id);
    if (!stored || !ready(plane, stored.rollout.model, [stored.rollout.baseline, stored.rollout.candidate])) {
      return null;
    }
    if (!this.repo.claim(id, this.pid)) return null;
    const decisions = this.repo.decisions(id);
    const driver: Driver = {
      controller: this.controllerFor(this.repo.get(id)!, plane),
      seenSeq: decisions.at(-1)?.seq ?? 0,
    };
    this.drivers.set(id, driver);
    try {
      driver.controller.applyRoute();
    } catch (error) {
      if (driver.controller.rollout.state === 'running') {
        driver.controller.pause('engine', `its route could not be set: ${(error as Error).message}`);
      }
    }
    return driver;
  }

  /** Tells onDecision of every decision stored since the last one told (whoever stored it). */
  private announce(id: string, driver: Driver): void {
    if (!this.options.onDecision) return;
    for (const decision of this.repo.decisions(id)) {
      if (decision.seq <= driver.seenSeq) continue;
      driver.seenSeq = decision.seq;
      this.options.onDecision(decision, driver.controller.rollout);
    }
  }

  private controllerFor(stored: StoredRollout, plane: ServingPlane | null): RolloutController {
    return new RolloutController(stored, {
      clock: this.clock,
      store: this.repo,
      traffic: plane,
      onDecision: (decision, rollout) => {
        if (decision.action === 'promote') this.markPromoted(rollout);
      },
      onChange: this.options.onChange,
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Rollouts

  /**
   * Checks a rollout before anything is served or routed: the plan, both versions, and that the model has no
   * running or paused rollout (overlapping rollouts on one model are refused).
   */
  check(input: RolloutStartRequestInput): { model: string; baseline: number; candidate: number; plan: RolloutPlan } {
    if (typeof input !== 'object' || input === null)
      throw new UserError('bad-input', 'expected { model, candidate, plan }');
    const plan = parsePlan(input.plan);
    const { name } = parseModelRef(String(input.model ?? ''));
    if (!Number.isSafeInteger(input.candidate) || input.candidate < 1) {
      throw new UserError('bad-input', `invalid candidate '${String(input.candidate)}': expected a version number`);
    }
    const { baseline, candidate } = resolveVersions(this.engine.library, name, input.candidate, input.baseline);
    const active = this.repo.active(candidate.model);
    if (active) throw overlapping(active.rollout);
    return { model: candidate.model, baseline: baseline.version, candidate: candidate.version, plan };
  }

  /**
   * Starts a rollout on the data plane attached here: check() must pass, and both versions must be loaded and
   * ready there. Step 1's route is set at once.
   */
  start(input: RolloutStartRequestInput): Rollout {
    const { model, plan, ...versions } = this.check(input);
    const plane = this.plane;
    if (!plane) {
      throw new UserError(
        'unavailable',
        `nothing in this process serves ${model}: a rollout moves live traffic, so start it where ${model} is served ` +
          `(the app's Rollouts screen, or \`slipway rollout start\`, which serves it), or rehearse it offline with \`slipway rollout rehearse\``,
      );
    }
    for (const version of [versions.baseline, versions.candidate]) {
      const served = plane.versionsOf(model);
      const v = served.find((s) => s.version === version);
      if (!v || v.state !== 'ready') {
        const list = served.map((s) => `${s.version} (${s.state})`).join(', ') || 'none';
        throw new UserError(
          'conflict',
          `${model}:${version} is not loaded and ready on the endpoint (loaded: ${list}); serve both versions first`,
        );
      }
    }
    const now = this.clock.now();
    const iso = new Date(now).toISOString();
    const draft: Rollout = {
      id: newRolloutId(),
      model,
      baseline: versions.baseline,
      candidate: versions.candidate,
      plan,
      state: 'running',
      stepIndex: 0,
      startedAt: iso,
      startedAtMs: now,
      stepStartedAtMs: now,
      updatedAt: iso,
      finishedAt: null,
      reason: null,
      route: { weights: {}, shadow: null },
      lastEvaluation: null,
      driven: true,
    };
    const rollout: Rollout = { ...draft, route: routeFor(draft, 'running', 0) };
    // Routed first, so a plan the router refuses leaves nothing stored.
    const previous = plane.router.route(model);
    const controller = this.controllerFor({ rollout, revision: 1, ownerPid: this.pid }, plane);
    controller.applyRoute();
    try {
      this.repo.insert(
        rollout,
        {
          rolloutId: rollout.id,
          at: iso,
          atMs: now,
          elapsedMs: 0,
          actor: 'user',
          action: 'start',
          fromState: null,
          toState: 'running',
          stepIndex: 0,
          toStepIndex: 0,
          reason: `rollout of ${model}:${versions.candidate} against ${versions.baseline}: ${describeStep(rollout, 0)}`,
          route: rollout.route,
          evaluation: null,
        },
        this.pid,
      );
    } catch (error) {
      if (previous) {
        plane.router.setRoute(model, {
          weights: previous.weights,
          shadow: previous.shadow,
          stickyHeader: previous.stickyHeader,
        });
      } else plane.router.clearRoute(model);
      if (error instanceof RolloutConflictError) throw overlapping(this.repo.active(model)?.rollout ?? rollout);
      throw error;
    }
    const driver: Driver = { controller: this.controllerFor(this.repo.get(rollout.id)!, plane), seenSeq: 0 };
    this.drivers.set(rollout.id, driver);
    this.announce(rollout.id, driver);
    if (!this.timer) this.attach(plane);
    const started = this.repo.get(rollout.id)!.rollout;
    this.options.onChange?.(started);
    return started;
  }

  /** Every rollout, newest first (only the model's when one is named). */
  list(model?: string): Rollout[] {
    return this.repo.list(model);
  }

  /** The model's running or paused rollout, else its newest one. */
  get(model: string): Rollout {
    return this.find(model).rollout;
  }

  /** The decisions of the model's current (else newest) rollout, or of the rollout with that id, oldest first. */
  history(modelOrId: string): RolloutDecision[] {
    const byId = this.repo.get(modelOrId);
    return this.repo.decisions(byId ? byId.rollout.id : this.find(modelOrId).rollout.id);
  }

  /** The running step judged now (the live view), when this process drives it. */
  evaluate(model: string): StepEvaluation {
    const stored = this.find(model);
    const driver = this.drivers.get(stored.rollout.id);
    if (!driver) {
      throw new UserError('unavailable', `the rollout of ${stored.rollout.model} is not driven by this process`);
    }
    return driver.controller.evaluate();
  }

  promote(model: string, reason?: string): RolloutDecision {
    return this.act(model, (c) => c.promote('user', reason));
  }

  pause(model: string, reason?: string): RolloutDecision {
    return this.act(model, (c) => c.pause('user', reason));
  }

  /** Runs the paused step again; it needs a process that serves the model to drive it. */
  resume(model: string, reason?: string): RolloutDecision {
    const stored = this.active(model);
    if (!this.drivers.has(stored.rollout.id) && this.plane) this.drive(stored.rollout.id, this.plane);
    if (!this.drivers.has(stored.rollout.id) && !this.repo.get(stored.rollout.id)?.rollout.driven) {
      throw new UserError(
        'unavailable',
        `nothing serves ${stored.rollout.model} to drive its rollout: serve it (the app, or \`slipway rollout resume\`, which serves it) and resume there`,
      );
    }
    return this.act(model, (c) => c.resume('user', reason));
  }

  /** Candidate weight 0 and shadow off at once (the candidate stays loaded for inspection). */
  rollback(model: string, reason?: string): RolloutDecision {
    return this.act(model, (c) => c.rollback('user', reason));
  }

  /**
   * A manual action on the model's active rollout: through this process's driver when it drives it (the route
   * changes now), else stored for the process that drives it (it applies the route within a second).
   */
  private act(model: string, action: (c: RolloutController) => RolloutDecision | null): RolloutDecision {
    const stored = this.active(model);
    const driver = this.drivers.get(stored.rollout.id);
    const controller = driver?.controller ?? this.controllerFor(stored, null);
    const decision = action(controller);
    if (!decision) {
      throw new UserError('conflict', `the rollout of ${stored.rollout.model} changed meanwhile; look at it again`);
    }
    if (driver) this.announce(stored.rollout.id, driver);
    else this.options.onDecision?.(decision, controller.rollout);
    if (driver && !controller.active) {
      this.repo.release(stored.rollout.id, this.pid);
      this.drivers.delete(stored.rollout.id);
    }
    return decision;
  }

  /** The promoted candidate becomes the production version (and a production baseline steps down to staging). */
  private markPromoted(rollout: Rollout): void {
    const library = this.engine.library;
    try {
      library.setStage({ name: rollout.model, version: rollout.candidate }, 'production');
      const base = library.get({ name: rollout.model, version: rollout.baseline });
      if (base.stage === 'production') library.setStage({ name: rollout.model, version: rollout.baseline }, 'staging');
    } catch {
      // A version removed meanwhile keeps the promotion; stages are a convenience on top of it.
    }
  }

  private find(model: string): StoredRollout {
    const { name } = parseModelRef(model);
    const stored = this.repo.active(name) ?? this.repo.latest(name);
    if (!stored)
      throw new UserError('not-found', `${name} has no rollout; start one with \`slipway rollout start ${name}\``);
    return stored;
  }

  private active(model: string): StoredRollout {
    const { name } = parseModelRef(model);
    const stored = this.repo.active(name);
    if (stored) return stored;
    const latest = this.repo.latest(name);
    throw new UserError(
      latest ? 'conflict' : 'not-found',
      latest
        ? `${latest.rollout.model} has no running or paused rollout (the last one, ${latest.rollout.id}, ${latest.rollout.state === 'promoted' ? 'was promoted' : 'was rolled back'})`
        : `${name} has no rollout; start one with \`slipway rollout start ${name}\``,
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // Rehearsals

  /** Rehearses a plan offline (see rehearseRollout) and stores the result. */
  /** Throws what `rehearse` would refuse (bad config, unknown versions or dataset, a misfit), before any work. */
  checkRehearsal(input: RehearsalConfigInput): void {
    checkRehearsal({ library: this.engine.library, datasets: this.engine.datasets }, input);
  }

  async rehearse(input: RehearsalConfigInput, options: RehearseOptions = {}): Promise<RehearsalResult> {
    const result = await rehearseRollout(
      {
        library: this.engine.library,
        servingConfig: this.engine.servingConfig,
        datasets: this.engine.datasets,
        repository: this.repo,
      },
      input,
      options,
    );
    this.repo.insertRehearsal(result);
    return result;
  }

  rehearsals(model?: string): RehearsalSummary[] {
    return this.repo.rehearsals(model);
  }

  rehearsal(id: string): RehearsalResult {
    const result = this.repo.rehearsal(id);
    if (!result) throw new UserError('not-found', `no rehearsal '${id}'`);
    return result;
  }

  removeRehearsal(id: string): void {
    if (!this.repo.deleteRehearsal(id)) throw new UserError('not-found', `no rehearsal '${id}'`);
  }

  /** Stops driving (before the data plane and the engine close). */
  close(): void {
    this.detach();
  }
}

function ready(plane: ServingPlane, model: string, versions: number[]): boolean {
  const served = plane.versionsOf(model);
  return versions.every((v) => served.some((s) => s.version === v && s.state === 'ready'));
}

function overlapping(rollout: Rollout): UserError {
  return new UserError(
    'conflict',
    `${rollout.model} already has a ${rollout.state} rollout (${rollout.id}: ${rollout.model}:${rollout.candidate} against ` +
      `${rollout.baseline}, ${describeStep(rollout, rollout.stepIndex)}); promote, roll back or finish it before starting another`,
  );
}

function newRolloutId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `ro-${t}-${randomBytes(3).toString('hex')}`;
}
