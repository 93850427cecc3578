// Stored load-test runs: the config and outcome of each run, and every second's figures with its histograms.
import type { LoadInterval, LoadRun, LoadSummary, LoadTestConfig } from '../../../src-shared/contract';
import type { SqliteDatabase } from './openDatabase';

export interface StoredInterval {
  interval: LoadInterval;
  /** HdrHistogram compressed encodings (see loadtest/latencyHistogram). */
  corrected: string;
  uncorrected: string;
  sendLag: string;
}

interface RunRow {
  id: string;
  name: string;
  created_at: string;
  state: LoadRun['state'];
  config: string;
  target_label: string;
  summary: string | null;
  error: string | null;
}

const toRun = (r: RunRow): LoadRun => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  state: r.state,
  config: JSON.parse(r.config) as LoadTestConfig,
  targetLabel: r.target_label,
  ...(r.summary ? { summary: JSON.parse(r.summary) as LoadSummary } : {}),
  ...(r.error ? { error: r.error } : {}),
});

export class LoadTestRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insertRun(run: LoadRun): void {
    this.db
      .prepare(
        'INSERT INTO loadtest_runs (id, name, created_at, state, config, target_label) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(run.id, run.name, run.createdAt, run.state, JSON.stringify(run.config), run.targetLabel);
  }

  finishRun(id: string, state: LoadRun['state'], summary: LoadSummary | undefined, error: string | undefined): void {
    this.db
      .prepare('UPDATE loadtest_runs SET state = ?, summary = ?, error = ? WHERE id = ?')
      .run(state, summary ? JSON.stringify(summary) : null, error ?? null, id);
  }

  addInterval(runId: string, stored: StoredInterval): void {
    this.db
      .prepare(
        `INSERT INTO loadtest_intervals (run_id, second, data, corrected, uncorrected, send_lag) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, second) DO UPDATE SET data = excluded.data, corrected = excluded.corrected,
           uncorrected = excluded.uncorrected, send_lag = excluded.send_lag`,
      )
      .run(
        runId,
        stored.interval.second,
        JSON.stringify(stored.interval),
        stored.corrected,
        stored.uncorrected,
        stored.sendLag,
      );
  }

  run(id: string): LoadRun | undefined {
    const row = this.db.prepare('SELECT * FROM loadtest_runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  runs(): LoadRun[] {
    return (this.db.prepare('SELECT * FROM loadtest_runs ORDER BY created_at DESC').all() as RunRow[]).map(toRun);
  }

  intervals(runId: string): StoredInterval[] {
    const rows = this.db
      .prepare('SELECT data, corrected, uncorrected, send_lag FROM loadtest_intervals WHERE run_id = ? ORDER BY second')
      .all(runId) as { data: string; corrected: string; uncorrected: string; send_lag: string }[];
    return rows.map((r) => ({
      interval: JSON.parse(r.data) as LoadInterval,
      corrected: r.corrected,
      uncorrected: r.uncorrected,
      sendLag: r.send_lag,
    }));
  }

  deleteRun(id: string): boolean {
    return this.db.prepare('DELETE FROM loadtest_runs WHERE id = ?').run(id).changes > 0;
  }

  /** Runs left 'running' by a process that died mid-run: they can never finish. */
  markInterrupted(): number {
    return this.db
      .prepare(
        `UPDATE loadtest_runs SET state = 'failed', error = 'interrupted: the engine stopped during the run' WHERE state = 'running'`,
      )
      .run().changes;
  }
}
