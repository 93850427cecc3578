// Schema 3: load-test runs, with each second's results and its latency histograms (lossless, re-sliceable).
import type { Migration } from './migration';

export const migration0003LoadTests: Migration = {
  version: 3,
  name: 'loadtests',
  sql: `
    CREATE TABLE loadtest_runs (
      id           TEXT PRIMARY KEY,
      name         TEXT NOT NULL,
      created_at   TEXT NOT NULL,
      state        TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled')),
      config       TEXT NOT NULL,
      target_label TEXT NOT NULL,
      summary      TEXT,
      error        TEXT
    ) STRICT;

    CREATE TABLE loadtest_intervals (
      run_id      TEXT NOT NULL REFERENCES loadtest_runs(id) ON DELETE CASCADE,
      second      INTEGER NOT NULL,
      -- LoadInterval JSON: counts, statuses, percentiles, server and engine figures.
      data        TEXT NOT NULL,
      -- HdrHistogram compressed encodings (µs), for merging any window of seconds exactly.
      corrected   TEXT NOT NULL,
      uncorrected TEXT NOT NULL,
      send_lag    TEXT NOT NULL,
      PRIMARY KEY (run_id, second)
    ) STRICT;
  `,
};
