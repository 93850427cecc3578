// Rows of the dataset library: each dataset's schema and profile, how its stored rows are laid out, and which
// dataset is each model version's reference.
import type { Dataset, DatasetReference, DatasetSummary } from '../../../src-shared/contract';
import type { SqliteDatabase } from './openDatabase';

/** How a dataset's rows sit in datasets/<id>/ (see compare/datasets/datasetFiles). */
export interface DatasetLayout {
  /** 1: one file per input of row-major float64 (little-endian, `size` values per row), labels as float64. */
  format: 1;
  /** One file name per input, in `dataset.inputs` order. */
  inputFiles: string[];
  /** null when the dataset has no label. */
  labelFile: string | null;
  /** 'number': the file holds the labels; 'string': indices into `labelValues`. NaN marks a missing label. */
  labelType: 'number' | 'string' | null;
  labelValues: string[];
}

export interface StoredDataset {
  dataset: Dataset;
  layout: DatasetLayout;
}

interface DatasetRow {
  dataset: string;
  layout: string;
}

interface ReferenceRow {
  model: string;
  version: number;
  dataset_id: string;
  name: string;
  bound_at: string;
}

const toStored = (r: DatasetRow): StoredDataset => ({
  dataset: JSON.parse(r.dataset) as Dataset,
  layout: JSON.parse(r.layout) as DatasetLayout,
});

const toReference = (r: ReferenceRow): DatasetReference => ({
  model: r.model,
  version: r.version,
  datasetId: r.dataset_id,
  datasetName: r.name,
  boundAt: r.bound_at,
});

export function summarize(dataset: Dataset): DatasetSummary {
  return {
    id: dataset.id,
    name: dataset.name,
    format: dataset.format,
    rows: dataset.rows,
    createdAt: dataset.createdAt,
    source: dataset.source,
    inputs: dataset.inputs.map((i) => i.name),
    hasLabel: dataset.label !== null,
    features: dataset.features.length,
  };
}

export class DatasetRepository {
  constructor(private readonly db: SqliteDatabase) {}

  /** Runs `fn` holding the database write lock, so a check-then-insert is atomic across processes. */
  writeTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  insert(dataset: Dataset, layout: DatasetLayout): void {
    this.db
      .prepare('INSERT INTO datasets (id, name, created_at, summary, dataset, layout) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        dataset.id,
        dataset.name,
        dataset.createdAt,
        JSON.stringify(summarize(dataset)),
        JSON.stringify(dataset),
        JSON.stringify(layout),
      );
  }

  /** By id, else by name (names are unique regardless of case). */
  find(nameOrId: string): StoredDataset | undefined {
    const row = (this.db.prepare('SELECT dataset, layout FROM datasets WHERE id = ?').get(nameOrId) ??
      this.db.prepare('SELECT dataset, layout FROM datasets WHERE name = ?').get(nameOrId)) as DatasetRow | undefined;
    return row && toStored(row);
  }

  /** The stored spelling of a dataset name, when one is taken regardless of case. */
  canonicalName(name: string): string | undefined {
    const row = this.db.prepare('SELECT name FROM datasets WHERE name = ?').get(name) as { name: string } | undefined;
    return row?.name;
  }

  list(): DatasetSummary[] {
    const rows = this.db.prepare('SELECT summary FROM datasets ORDER BY name COLLATE NOCASE').all() as {
      summary: string;
    }[];
    return rows.map((r) => JSON.parse(r.summary) as DatasetSummary);
  }

  ids(): Set<string> {
    const rows = this.db.prepare('SELECT id FROM datasets').all() as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }

  setReference(model: string, version: number, datasetId: string, now: string): void {
    this.db
      .prepare(
        `INSERT INTO dataset_references (model, version, dataset_id, bound_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(model, version) DO UPDATE SET dataset_id = excluded.dataset_id, bound_at = excluded.bound_at`,
      )
      .run(model, version, datasetId, now);
  }

  clearReference(model: string, version: number): boolean {
    return (
      this.db.prepare('DELETE FROM dataset_references WHERE model = ? AND version = ?').run(model, version).changes > 0
    );
  }

  reference(model: string, version: number): DatasetReference | undefined {
    const row = this.db
      .prepare(
        `SELECT r.model, r.version, r.dataset_id, d.name, r.bound_at FROM dataset_references r
         JOIN datasets d ON d.id = r.dataset_id WHERE r.model = ? AND r.version = ?`,
      )
      .get(model, version) as ReferenceRow | undefined;
    return row && toReference(row);
  }

  /** Versions that use a dataset as their reference; every binding when no id is given. */
  references(datasetId?: string): DatasetReference[] {
    const sql = `SELECT r.model, r.version, r.dataset_id, d.name, r.bound_at FROM dataset_references r
                 JOIN datasets d ON d.id = r.dataset_id ${datasetId === undefined ? '' : 'WHERE r.dataset_id = ?'}
                 ORDER BY r.model COLLATE NOCASE, r.version`;
    const rows = this.db.prepare(sql).all(...(datasetId === undefined ? [] : [datasetId])) as ReferenceRow[];
    return rows.map(toReference);
  }

  clearReferencesOf(datasetId: string): number {
    return this.db.prepare('DELETE FROM dataset_references WHERE dataset_id = ?').run(datasetId).changes;
  }
}
