// Stored comparisons: config, state, progress and results of each run, and per pair the packed per-row |Δ|
// and flip kinds that the disagreement explorer sorts when it exports rows.
import type {
  Comparison,
  ComparisonConfig,
  ComparisonProgress,
  ComparisonResults,
  ComparisonState,
  ComparisonSummary,
} from '../../../src-shared/contract';
import type { SqliteDatabase } from './openDatabase';

/** Per-row figures of one pair, row-indexed like the dataset. */
export interface PairRows {
  absDelta: Float32Array;
  flips: Uint8Array;
}

interface ComparisonRow {
  id: string;
  name: string;
  created_at: string;
  finished_at: string | null;
  state: ComparisonState;
  config: string;
  dataset_id: string;
  dataset_name: string;
  reference_name: string | null;
  progress: string;
  results: string | null;
  error: string | null;
}

type SummaryRow = Omit<ComparisonRow, 'results'> & { agreement: number | null; accuracies: string | null };

const base = (r: Omit<ComparisonRow, 'results'>): Omit<Comparison, 'results'> => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  state: r.state,
  config: JSON.parse(r.config) as ComparisonConfig,
  datasetId: r.dataset_id,
  datasetName: r.dataset_name,
  referenceName: r.reference_name,
  progress: JSON.parse(r.progress) as ComparisonProgress,
  error: r.error,
});

const SUMMARY_COLUMNS = `id, name, created_at, finished_at, state, config, dataset_id, dataset_name, reference_name,
  progress, error, json_extract(results, '$.pairs[0].agreement.value') AS agreement,
  (SELECT json_group_array(json_extract(v.value, '$.accuracy.value')) FROM json_each(results, '$.versions') AS v)
    AS accuracies`;

export class ComparisonRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(c: Comparison): void {
    this.db
      .prepare(
        `INSERT INTO comparisons (id, name, created_at, finished_at, state, config, dataset_id, dataset_name,
           reference_name, progress, results, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.id,
        c.name,
        c.createdAt,
        c.finishedAt,
        c.state,
        JSON.stringify(c.config),
        c.datasetId,
        c.datasetName,
        c.referenceName,
        JSON.stringify(c.progress),
        c.results ? JSON.stringify(c.results) : null,
        c.error,
      );
  }

  setProgress(id: string, state: ComparisonState, progress: ComparisonProgress): void {
    this.db
      .prepare('UPDATE comparisons SET state = ?, progress = ? WHERE id = ?')
      .run(state, JSON.stringify(progress), id);
  }

  /**
   * Ends a run. Rows and results are written in one transaction, so a comparison is either finished with
   * everything or has nothing of its results (a cancelled or failed run keeps no per-row figures).
   */
  finish(
    id: string,
    outcome: {
      state: Exclude<ComparisonState, 'queued' | 'running'>;
      progress: ComparisonProgress;
      results: ComparisonResults | null;
      error: string | null;
      finishedAt: string;
      pairRows?: readonly PairRows[];
    },
  ): void {
    const write = this.db.transaction(() => {
      this.db.prepare('DELETE FROM comparison_rows WHERE comparison_id = ?').run(id);
      const insert = this.db.prepare(
        'INSERT INTO comparison_rows (comparison_id, pair, abs_delta, flips) VALUES (?, ?, ?, ?)',
      );
      (outcome.pairRows ?? []).forEach((rows, pair) =>
        insert.run(id, pair, bytesOf(rows.absDelta), bytesOf(rows.flips)),
      );
      this.db
        .prepare('UPDATE comparisons SET state = ?, progress = ?, results = ?, error = ?, finished_at = ? WHERE id = ?')
        .run(
          outcome.state,
          JSON.stringify(outcome.progress),
          outcome.results ? JSON.stringify(outcome.results) : null,
          outcome.error,
          outcome.finishedAt,
          id,
        );
    });
    write();
  }

  get(id: string): Comparison | undefined {
    const row = this.db.prepare('SELECT * FROM comparisons WHERE id = ?').get(id) as ComparisonRow | undefined;
    if (!row) return undefined;
    return { ...base(row), results: row.results ? (JSON.parse(row.results) as ComparisonResults) : null };
  }

  /** Newest first, without results (the first pair's agreement and the accuracies stand in for them). */
  list(): ComparisonSummary[] {
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM comparisons ORDER BY created_at DESC, rowid DESC`)
      .all() as SummaryRow[];
    return rows.map((r) => ({
      ...base(r),
      agreement: r.agreement,
      accuracies: r.accuracies ? (JSON.parse(r.accuracies) as (number | null)[]) : [],
    }));
  }

  pairRows(id: string, pair: number): PairRows | undefined {
    const row = this.db
      .prepare('SELECT abs_delta, flips FROM comparison_rows WHERE comparison_id = ? AND pair = ?')
      .get(id, pair) as { abs_delta: Buffer; flips: Buffer } | undefined;
    if (!row) return undefined;
    // Copies: a Buffer from SQLite may sit at an offset that Float32Array cannot view.
    const delta = new Float32Array(row.abs_delta.byteLength / 4);
    new Uint8Array(delta.buffer).set(row.abs_delta);
    return { absDelta: delta, flips: new Uint8Array(row.flips) };
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM comparisons WHERE id = ?').run(id).changes > 0;
  }

  /** Comparisons left queued or running by an engine that stopped: they can never finish. */
  markInterrupted(): number {
    return this.db
      .prepare(
        `UPDATE comparisons SET state = 'failed', error = 'interrupted: the engine stopped during the comparison',
           finished_at = ? WHERE state IN ('queued', 'running')`,
      )
      .run(new Date().toISOString()).changes;
  }
}

function bytesOf(view: Float32Array | Uint8Array): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
