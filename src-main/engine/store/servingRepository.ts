// Stored serving configuration: per-version setting overrides and the per-model fallback, as JSON.
import type { SqliteDatabase } from './openDatabase';

export class ServingRepository {
  constructor(private readonly db: SqliteDatabase) {}

  versionOverrides(model: string, version: number): unknown {
    const row = this.db
      .prepare('SELECT serving_overrides AS json FROM model_versions WHERE model = ? AND version = ?')
      .get(model, version) as { json: string | null } | undefined;
    return row?.json ? JSON.parse(row.json) : {};
  }

  setVersionOverrides(model: string, version: number, overrides: object): void {
    const json = Object.keys(overrides).length === 0 ? null : JSON.stringify(overrides);
    this.db
      .prepare('UPDATE model_versions SET serving_overrides = ? WHERE model = ? AND version = ?')
      .run(json, model, version);
  }

  modelServing(model: string): unknown {
    const row = this.db.prepare('SELECT serving AS json FROM models WHERE name = ?').get(model) as
      { json: string | null } | undefined;
    return row?.json ? JSON.parse(row.json) : undefined;
  }

  setModelServing(model: string, serving: object | null): void {
    this.db
      .prepare('UPDATE models SET serving = ? WHERE name = ?')
      .run(serving ? JSON.stringify(serving) : null, model);
  }
}
