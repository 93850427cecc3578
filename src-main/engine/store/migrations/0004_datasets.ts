// Schema 4: replay datasets (schema and profile as JSON; the rows live in datasets/<id>/) and each model
// version's reference dataset, whose profile drift and live drift compare against.
import type { Migration } from './migration';

export const migration0004Datasets: Migration = {
  version: 4,
  name: 'datasets',
  sql: `
    CREATE TABLE datasets (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
      created_at TEXT NOT NULL,
      -- DatasetSummary JSON: what a listing needs, without parsing every profile.
      summary    TEXT NOT NULL,
      -- Dataset JSON: schema, profile (with each feature's serialised quantile sketch), skipped rows.
      dataset    TEXT NOT NULL,
      -- DatasetLayout JSON: the files under datasets/<id>/ and how labels are coded.
      layout     TEXT NOT NULL
    ) STRICT;

    CREATE TABLE dataset_references (
      model      TEXT NOT NULL COLLATE NOCASE,
      version    INTEGER NOT NULL,
      -- RESTRICT: a dataset bound as a reference is unbound on purpose before it goes.
      dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE RESTRICT,
      bound_at   TEXT NOT NULL,
      PRIMARY KEY (model, version),
      FOREIGN KEY (model, version) REFERENCES model_versions(model, version) ON DELETE CASCADE ON UPDATE CASCADE
    ) STRICT;

    CREATE INDEX dataset_references_by_dataset ON dataset_references(dataset_id);
  `,
};
