// Schema 5: comparisons (config, state, progress and results as JSON) and, per pair, every row's |Δ| and flip
// kind as packed arrays, so the explorer can export any number of rows sorted either way after the run.
import type { Migration } from './migration';

export const migration0005Comparisons: Migration = {
  version: 5,
  name: 'comparisons',
  sql: `
    CREATE TABLE comparisons (
      id             TEXT PRIMARY KEY,
      name           TEXT NOT NULL,
      created_at     TEXT NOT NULL,
      finished_at    TEXT,
      state          TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      -- ComparisonConfig JSON.
      config         TEXT NOT NULL,
      -- The datasets as they were named when the comparison started (they may be renamed or removed later).
      dataset_id     TEXT NOT NULL,
      dataset_name   TEXT NOT NULL,
      reference_name TEXT,
      -- ComparisonProgress JSON.
      progress       TEXT NOT NULL,
      -- ComparisonResults JSON (null until it succeeds).
      results        TEXT,
      error          TEXT
    ) STRICT;

    CREATE TABLE comparison_rows (
      comparison_id TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
      pair          INTEGER NOT NULL,
      -- Per row, float32 little-endian: |Δ| of the pair's explorer output; NaN where either version failed.
      abs_delta     BLOB NOT NULL,
      -- Per row, one byte: 0 same prediction, 1 changed, 2 positive flip, 3 negative flip.
      flips         BLOB NOT NULL,
      PRIMARY KEY (comparison_id, pair)
    ) STRICT;
  `,
};
