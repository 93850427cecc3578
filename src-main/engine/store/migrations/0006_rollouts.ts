// Schema 6: rollouts (plan, state, step, route and latest gate evaluation; at most one running or paused per
// model, enforced by a partial unique index; the process driving it and its heartbeat), their audit history
// of decisions, stored rehearsal results, and per-version latency measurements rehearsals resample.
import type { Migration } from './migration';

export const migration0006Rollouts: Migration = {
  version: 6,
  name: 'rollouts',
  sql: `
    CREATE TABLE rollouts (
      id                 TEXT PRIMARY KEY,
      model              TEXT NOT NULL,
      -- Lower-cased model name: served model names match case-insensitively.
      model_key          TEXT NOT NULL,
      baseline           INTEGER NOT NULL,
      candidate          INTEGER NOT NULL,
      -- RolloutPlan JSON.
      plan               TEXT NOT NULL,
      state              TEXT NOT NULL CHECK (state IN ('running', 'paused', 'promoted', 'rolledBack')),
      step_index         INTEGER NOT NULL,
      started_at         TEXT NOT NULL,
      started_at_ms      REAL NOT NULL,
      step_started_at_ms REAL NOT NULL,
      updated_at         TEXT NOT NULL,
      finished_at        TEXT,
      reason             TEXT,
      -- RolloutRoute JSON: what the controller last set.
      route              TEXT NOT NULL,
      -- StepEvaluation JSON.
      last_evaluation    TEXT,
      -- Bumped on every write, so two processes never overwrite each other's decision unseen.
      revision           INTEGER NOT NULL DEFAULT 1,
      -- The process whose data plane drives the rollout, and when it last said so (Date.now() ms).
      owner_pid          INTEGER,
      heartbeat_ms       REAL
    ) STRICT;
    CREATE UNIQUE INDEX rollouts_one_active ON rollouts(model_key) WHERE state IN ('running', 'paused');
    CREATE INDEX rollouts_by_model ON rollouts(model_key, started_at_ms);

    CREATE TABLE rollout_decisions (
      rollout_id    TEXT NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
      seq           INTEGER NOT NULL,
      at            TEXT NOT NULL,
      at_ms         REAL NOT NULL,
      elapsed_ms    REAL NOT NULL,
      actor         TEXT NOT NULL,
      action        TEXT NOT NULL,
      from_state    TEXT,
      to_state      TEXT NOT NULL,
      step_index    INTEGER NOT NULL,
      to_step_index INTEGER NOT NULL,
      reason        TEXT NOT NULL,
      route         TEXT NOT NULL,
      -- StepEvaluation JSON: the gate numbers behind the decision.
      evaluation    TEXT,
      PRIMARY KEY (rollout_id, seq)
    ) STRICT;

    CREATE TABLE rollout_rehearsals (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      created_at TEXT NOT NULL,
      model_key  TEXT NOT NULL,
      -- RehearsalResult JSON.
      result     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX rollout_rehearsals_by_model ON rollout_rehearsals(model_key, created_at);

    CREATE TABLE rehearsal_latency_profiles (
      sha256           TEXT NOT NULL,
      provider         TEXT NOT NULL,
      intra_op_threads INTEGER NOT NULL,
      measured_at      TEXT NOT NULL,
      -- Per-request latency in ms, float64 little-endian, in the order measured.
      samples          BLOB NOT NULL,
      PRIMARY KEY (sha256, provider, intra_op_threads)
    ) STRICT;
  `,
};
