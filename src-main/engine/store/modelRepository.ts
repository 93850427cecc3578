// Rows of the model library: models and their versions, mapped to the contract's ModelVersion.
import type { ModelInspection, ModelVersion, Stage } from '../../../src-shared/contract';
import type { SqliteDatabase } from './openDatabase';

interface VersionRow {
  model: string;
  version: number;
  sha256: string;
  file_bytes: number;
  stage: Stage;
  notes: string;
  source_name: string;
  created_at: string;
  inspection: string;
}

export interface NewModelVersion {
  model: string;
  version: number;
  sha256: string;
  fileBytes: number;
  sourceName: string;
  inspection: ModelInspection;
}

const toVersion = (r: VersionRow): ModelVersion => ({
  model: r.model,
  version: r.version,
  sha256: r.sha256,
  fileBytes: r.file_bytes,
  stage: r.stage,
  notes: r.notes,
  sourceName: r.source_name,
  createdAt: r.created_at,
  inspection: JSON.parse(r.inspection) as ModelInspection,
});

export class ModelRepository {
  constructor(private readonly db: SqliteDatabase) {}

  /** Runs `fn` holding the database write lock, so a check-then-insert is atomic across processes. */
  writeTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** The stored spelling of a model name (names are unique regardless of case). */
  canonicalName(name: string): string | undefined {
    const row = this.db.prepare('SELECT name FROM models WHERE name = ?').get(name) as { name: string } | undefined;
    return row?.name;
  }

  listVersions(model?: string): ModelVersion[] {
    const rows = (
      model === undefined
        ? this.db.prepare('SELECT * FROM model_versions ORDER BY model COLLATE NOCASE, version')
        : this.db.prepare('SELECT * FROM model_versions WHERE model = ? ORDER BY version')
    ).all(...(model === undefined ? [] : [model])) as VersionRow[];
    return rows.map(toVersion);
  }

  findVersion(model: string, version: number): ModelVersion | undefined {
    const row = this.db.prepare('SELECT * FROM model_versions WHERE model = ? AND version = ?').get(model, version) as
      VersionRow | undefined;
    return row && toVersion(row);
  }

  latestVersion(model: string): ModelVersion | undefined {
    const row = this.db
      .prepare('SELECT * FROM model_versions WHERE model = ? ORDER BY version DESC LIMIT 1')
      .get(model) as VersionRow | undefined;
    return row && toVersion(row);
  }

  findBySha(model: string, sha256: string): ModelVersion | undefined {
    const row = this.db
      .prepare('SELECT * FROM model_versions WHERE model = ? AND sha256 = ? ORDER BY version LIMIT 1')
      .get(model, sha256) as VersionRow | undefined;
    return row && toVersion(row);
  }

  /** Version numbers are never reused while the model exists, even after a version is removed. */
  nextVersion(model: string): number {
    const row = this.db.prepare('SELECT last_version FROM models WHERE name = ?').get(model) as
      { last_version: number } | undefined;
    return (row?.last_version ?? 0) + 1;
  }

  insertVersion(v: NewModelVersion, now: string): ModelVersion {
    this.db
      .prepare(
        `INSERT INTO models (name, created_at, last_version) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET last_version = max(last_version, excluded.last_version)`,
      )
      .run(v.model, now, v.version);
    this.db
      .prepare(
        `INSERT INTO model_versions (model, version, sha256, file_bytes, source_name, created_at, inspection)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(v.model, v.version, v.sha256, v.fileBytes, v.sourceName, now, JSON.stringify(v.inspection));
    return this.findVersion(v.model, v.version)!;
  }

  /** Deletes a version (and its model once no version is left); returns how many versions still use its file. */
  deleteVersion(model: string, version: number, sha256: string): number {
    this.db.prepare('DELETE FROM model_versions WHERE model = ? AND version = ?').run(model, version);
    this.db
      .prepare('DELETE FROM models WHERE name = ? AND NOT EXISTS (SELECT 1 FROM model_versions WHERE model = ?)')
      .run(model, model);
    return this.countBySha(sha256);
  }

  countBySha(sha256: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM model_versions WHERE sha256 = ?').get(sha256) as { n: number })
      .n;
  }

  referencedShas(): Set<string> {
    const rows = this.db.prepare('SELECT DISTINCT sha256 FROM model_versions').all() as { sha256: string }[];
    return new Set(rows.map((r) => r.sha256));
  }

  setStage(model: string, version: number, stage: Stage): void {
    this.db.prepare('UPDATE model_versions SET stage = ? WHERE model = ? AND version = ?').run(stage, model, version);
  }

  setNotes(model: string, version: number, notes: string): void {
    this.db.prepare('UPDATE model_versions SET notes = ? WHERE model = ? AND version = ?').run(notes, model, version);
  }

  countModels(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM models').get() as { n: number }).n;
  }
}
