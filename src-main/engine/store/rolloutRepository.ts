// Stored rollouts and their audit history: each write of a rollout's state goes with its decision in one
// transaction and only over the revision the writer read (so two processes never overwrite each other), at most
// one rollout per model is running or paused, and the process driving one says so with a heartbeat. Also the
// stored rehearsal results and the per-version latency measurements rehearsals reuse.
import type {
  RehearsalResult,
  RehearsalSummary,
  Rollout,
  RolloutDecision,
  RolloutPlan,
  RolloutRoute,
  RolloutState,
  StepEvaluation,
} from '../../../src-shared/contract';
import type { SqliteDatabase } from './openDatabase';
import { processAlive } from '../processAlive';

/** A heartbeat older than this means the driving process is gone (it beats about once a second). */
export const HEARTBEAT_STALE_MS = 15_000;

interface RolloutRow {
  id: string;
  model: string;
  baseline: number;
  candidate: number;
  plan: string;
  state: RolloutState;
  step_index: number;
  started_at: string;
  started_at_ms: number;
  step_started_at_ms: number;
  updated_at: string;
  finished_at: string | null;
  reason: string | null;
  route: string;
  last_evaluation: string | null;
  revision: number;
  owner_pid: number | null;
  heartbeat_ms: number | null;
}

interface DecisionRow {
  rollout_id: string;
  seq: number;
  at: string;
  at_ms: number;
  elapsed_ms: number;
  actor: RolloutDecision['actor'];
  action: RolloutDecision['action'];
  from_state: RolloutState | null;
  to_state: RolloutState;
  step_index: number;
  to_step_index: number;
  reason: string;
  route: string;
  evaluation: string | null;
}

/** A rollout as read, with the revision a write must name. */
export interface StoredRollout {
  rollout: Rollout;
  revision: number;
  ownerPid: number | null;
}

export type NewDecision = Omit<RolloutDecision, 'seq'>;

export class RolloutConflictError extends Error {
  constructor(readonly model: string) {
    super(`a rollout of '${model}' is already running or paused`);
    this.name = 'RolloutConflictError';
  }
}

const modelKey = (model: string) => model.toLowerCase();

export class RolloutRepository {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly isAlive: (pid: number) => boolean = processAlive,
  ) {}

  /** Stores a new rollout with its first decision; RolloutConflictError when the model has an active one. */
  insert(rollout: Rollout, first: NewDecision, ownerPid: number | null): RolloutDecision {
    const write = this.db.transaction(() => {
      try {
        this.db
          .prepare(
            `INSERT INTO rollouts (id, model, model_key, baseline, candidate, plan, state, step_index, started_at,
               started_at_ms, step_started_at_ms, updated_at, finished_at, reason, route, last_evaluation, revision,
               owner_pid, heartbeat_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
          )
          .run(
            rollout.id,
            rollout.model,
            modelKey(rollout.model),
            rollout.baseline,
            rollout.candidate,
            JSON.stringify(rollout.plan),
            rollout.state,
            rollout.stepIndex,
            rollout.startedAt,
            rollout.startedAtMs,
            rollout.stepStartedAtMs,
            rollout.updatedAt,
            rollout.finishedAt,
            rollout.reason,
            JSON.stringify(rollout.route),
            rollout.lastEvaluation ? JSON.stringify(rollout.lastEvaluation) : null,
            ownerPid,
            ownerPid === null ? null : Date.now(),
          );
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new RolloutConflictError(rollout.model);
        }
        throw error;
      }
      return this.appendDecision(first);
    });
    return write.immediate();
  }

  /**
   * Writes the rollout's state (and its decision, if any) when the stored revision is still `revision`;
   * returns null, writing nothing, when another writer got there first (read it again and decide again).
   */
  commit(
    rollout: Rollout,
    revision: number,
    decision: NewDecision | null,
  ): { revision: number; decision: RolloutDecision | null } | null {
    const write = this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE rollouts SET state = ?, step_index = ?, step_started_at_ms = ?, updated_at = ?, finished_at = ?,
             reason = ?, route = ?, last_evaluation = ?, revision = revision + 1
           WHERE id = ? AND revision = ?`,
        )
        .run(
          rollout.state,
          rollout.stepIndex,
          rollout.stepStartedAtMs,
          rollout.updatedAt,
          rollout.finishedAt,
          rollout.reason,
          JSON.stringify(rollout.route),
          rollout.lastEvaluation ? JSON.stringify(rollout.lastEvaluation) : null,
          rollout.id,
          revision,
        ).changes;
      if (changed === 0) return null;
      return { revision: revision + 1, decision: decision ? this.appendDecision(decision) : null };
    });
    return write.immediate();
  }

  private appendDecision(decision: NewDecision): RolloutDecision {
    const { next } = this.db
      .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM rollout_decisions WHERE rollout_id = ?')
      .get(decision.rolloutId) as { next: number };
    const stored: RolloutDecision = { ...decision, seq: next };
    this.db
      .prepare(
        `INSERT INTO rollout_decisions (rollout_id, seq, at, at_ms, elapsed_ms, actor, action, from_state, to_state,
           step_index, to_step_index, reason, route, evaluation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        stored.rolloutId,
        stored.seq,
        stored.at,
        stored.atMs,
        stored.elapsedMs,
        stored.actor,
        stored.action,
        stored.fromState,
        stored.toState,
        stored.stepIndex,
        stored.toStepIndex,
        stored.reason,
        JSON.stringify(stored.route),
        stored.evaluation ? JSON.stringify(stored.evaluation) : null,
      );
    return stored;
  }

  get(id: string): StoredRollout | undefined {
    const row = this.db.prepare('SELECT * FROM rollouts WHERE id = ?').get(id) as RolloutRow | undefined;
    return row ? this.read(row) : undefined;
  }

  /** The model's running or paused rollout. */
  active(model: string): StoredRollout | undefined {
    const row = this.db
      .prepare(`SELECT * FROM rollouts WHERE model_key = ? AND state IN ('running', 'paused')`)
      .get(modelKey(model)) as RolloutRow | undefined;
    return row ? this.read(row) : undefined;
  }

  /** Every running or paused rollout. */
  activeAll(): Rollout[] {
    const rows = this.db
      .prepare(`SELECT * FROM rollouts WHERE state IN ('running', 'paused') ORDER BY started_at_ms`)
      .all() as RolloutRow[];
    return rows.map((r) => this.read(r).rollout);
  }

  /** The model's newest rollout, whatever its state. */
  latest(model: string): StoredRollout | undefined {
    const row = this.db
      .prepare('SELECT * FROM rollouts WHERE model_key = ? ORDER BY started_at_ms DESC, rowid DESC LIMIT 1')
      .get(modelKey(model)) as RolloutRow | undefined;
    return row ? this.read(row) : undefined;
  }

  /** Newest first; only the model's when one is named. */
  list(model?: string): Rollout[] {
    const rows = (
      model === undefined
        ? this.db.prepare('SELECT * FROM rollouts ORDER BY started_at_ms DESC, rowid DESC').all()
        : this.db
            .prepare('SELECT * FROM rollouts WHERE model_key = ? ORDER BY started_at_ms DESC, rowid DESC')
            .all(modelKey(model))
    ) as RolloutRow[];
    return rows.map((r) => this.read(r).rollout);
  }

  decisions(id: string): RolloutDecision[] {
    const rows = this.db
      .prepare('SELECT * FROM rollout_decisions WHERE rollout_id = ? ORDER BY seq')
      .all(id) as DecisionRow[];
    return rows.map((r) => ({
      seq: r.seq,
      rolloutId: r.rollout_id,
      at: r.at,
      atMs: r.at_ms,
      elapsedMs: r.elapsed_ms,
      actor: r.actor,
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      stepIndex: r.step_index,
      toStepIndex: r.to_step_index,
      reason: r.reason,
      route: JSON.parse(r.route) as RolloutRoute,
      evaluation: r.evaluation ? (JSON.parse(r.evaluation) as StepEvaluation) : null,
    }));
  }

  /** Marks `pid` as driving the rollout (now); false when another live process does. */
  claim(id: string, pid: number): boolean {
    const claim = this.db.transaction(() => {
      const row = this.db.prepare('SELECT owner_pid, heartbeat_ms FROM rollouts WHERE id = ?').get(id) as
        Pick<RolloutRow, 'owner_pid' | 'heartbeat_ms'> | undefined;
      if (!row) return false;
      if (row.owner_pid !== null && row.owner_pid !== pid && this.ownerLive(row.owner_pid, row.heartbeat_ms)) {
        return false;
      }
      this.db.prepare('UPDATE rollouts SET owner_pid = ?, heartbeat_ms = ? WHERE id = ?').run(pid, Date.now(), id);
      return true;
    });
    return claim.immediate();
  }

  heartbeat(id: string, pid: number): void {
    this.db.prepare('UPDATE rollouts SET heartbeat_ms = ? WHERE id = ? AND owner_pid = ?').run(Date.now(), id, pid);
  }

  release(id: string, pid: number): void {
    this.db
      .prepare('UPDATE rollouts SET owner_pid = NULL, heartbeat_ms = NULL WHERE id = ? AND owner_pid = ?')
      .run(id, pid);
  }

  /**
   * Running rollouts nobody drives any more (their engine stopped or crashed): paused, each with an audit
   * entry saying so, in one transaction. Returns the entries written.
   */
  pauseOrphaned(now: { ms: number; iso: string }): RolloutDecision[] {
    const pause = this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT * FROM rollouts WHERE state = 'running'`).all() as RolloutRow[];
      const written: RolloutDecision[] = [];
      for (const row of rows) {
        if (row.owner_pid !== null && this.ownerLive(row.owner_pid, row.heartbeat_ms)) continue;
        const reason = 'resumed paused after restart: the engine that drove it stopped';
        this.db
          .prepare(
            `UPDATE rollouts SET state = 'paused', reason = ?, updated_at = ?, owner_pid = NULL, heartbeat_ms = NULL,
               revision = revision + 1 WHERE id = ?`,
          )
          .run(reason, now.iso, row.id);
        written.push(
          this.appendDecision({
            rolloutId: row.id,
            at: now.iso,
            atMs: now.ms,
            elapsedMs: now.ms - row.started_at_ms,
            actor: 'engine',
            action: 'resumedPausedAfterRestart',
            fromState: 'running',
            toState: 'paused',
            stepIndex: row.step_index,
            toStepIndex: row.step_index,
            reason,
            route: JSON.parse(row.route) as RolloutRoute,
            evaluation: null,
          }),
        );
      }
      return written;
    });
    return pause.immediate();
  }

  private ownerLive(pid: number, heartbeatMs: number | null): boolean {
    return heartbeatMs !== null && Date.now() - heartbeatMs < HEARTBEAT_STALE_MS && this.isAlive(pid);
  }

  private read(row: RolloutRow): StoredRollout {
    return {
      revision: row.revision,
      ownerPid: row.owner_pid,
      rollout: {
        id: row.id,
        model: row.model,
        baseline: row.baseline,
        candidate: row.candidate,
        plan: JSON.parse(row.plan) as RolloutPlan,
        state: row.state,
        stepIndex: row.step_index,
        startedAt: row.started_at,
        startedAtMs: row.started_at_ms,
        stepStartedAtMs: row.step_started_at_ms,
        updatedAt: row.updated_at,
        finishedAt: row.finished_at,
        reason: row.reason,
        route: JSON.parse(row.route) as RolloutRoute,
        lastEvaluation: row.last_evaluation ? (JSON.parse(row.last_evaluation) as StepEvaluation) : null,
        driven: row.owner_pid !== null && this.ownerLive(row.owner_pid, row.heartbeat_ms),
      },
    };
  }

  // -------------------------------------------------------------------------------------------------------
  // Rehearsals and latency measurements

  insertRehearsal(result: RehearsalResult): void {
    this.db
      .prepare('INSERT INTO rollout_rehearsals (id, name, created_at, model_key, result) VALUES (?, ?, ?, ?, ?)')
      .run(result.id, result.name, result.createdAt, modelKey(result.model), JSON.stringify(result));
  }

  rehearsal(id: string): RehearsalResult | undefined {
    const row = this.db.prepare('SELECT result FROM rollout_rehearsals WHERE id = ?').get(id) as
      { result: string } | undefined;
    return row ? (JSON.parse(row.result) as RehearsalResult) : undefined;
  }

  /** Newest first; only the model's when one is named. */
  rehearsals(model?: string): RehearsalSummary[] {
    const columns = `id, name, created_at AS createdAt, json_extract(result, '$.model') AS model,
      json_extract(result, '$.baseline') AS baseline, json_extract(result, '$.candidate') AS candidate,
      json_extract(result, '$.datasetName') AS datasetName, json_extract(result, '$.outcome') AS outcome,
      json_extract(result, '$.decidingGates') AS decidingGates, json_extract(result, '$.detection') AS detection,
      json_extract(result, '$.badAnswers') AS badAnswers`;
    const rows = (
      model === undefined
        ? this.db.prepare(`SELECT ${columns} FROM rollout_rehearsals ORDER BY created_at DESC, rowid DESC`).all()
        : this.db
            .prepare(
              `SELECT ${columns} FROM rollout_rehearsals WHERE model_key = ? ORDER BY created_at DESC, rowid DESC`,
            )
            .all(modelKey(model))
    ) as (Omit<RehearsalSummary, 'decidingGates' | 'detection'> & {
      decidingGates: string;
      detection: string | null;
    })[];
    return rows.map((r) => ({
      ...r,
      decidingGates: JSON.parse(r.decidingGates) as RehearsalSummary['decidingGates'],
      detection: r.detection ? (JSON.parse(r.detection) as RehearsalSummary['detection']) : null,
    }));
  }

  deleteRehearsal(id: string): boolean {
    return this.db.prepare('DELETE FROM rollout_rehearsals WHERE id = ?').run(id).changes > 0;
  }

  latencyProfile(
    sha256: string,
    provider: string,
    intraOpThreads: number,
  ): { samples: Float64Array; measuredAt: string } | undefined {
    const row = this.db
      .prepare(
        'SELECT samples, measured_at FROM rehearsal_latency_profiles WHERE sha256 = ? AND provider = ? AND intra_op_threads = ?',
      )
      .get(sha256, provider, intraOpThreads) as { samples: Buffer; measured_at: string } | undefined;
    if (!row) return undefined;
    // A copy: a Buffer from SQLite may sit at an offset a Float64Array cannot view.
    const samples = new Float64Array(row.samples.byteLength / 8);
    new Uint8Array(samples.buffer).set(row.samples);
    return { samples, measuredAt: row.measured_at };
  }

  saveLatencyProfile(
    sha256: string,
    provider: string,
    intraOpThreads: number,
    samples: Float64Array,
    measuredAt: string,
  ): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO rehearsal_latency_profiles (sha256, provider, intra_op_threads, measured_at, samples)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(
        sha256,
        provider,
        intraOpThreads,
        measuredAt,
        Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
      );
  }
}
