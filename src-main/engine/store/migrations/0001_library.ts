// Schema 1: the model library (models, content-addressed versions) and engine-wide key/value meta.
import type { Migration } from './migration';

export const migration0001Library: Migration = {
  version: 1,
  name: 'library',
  sql: `
    CREATE TABLE meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE models (
      name         TEXT PRIMARY KEY COLLATE NOCASE,
      created_at   TEXT NOT NULL,
      last_version INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE model_versions (
      model       TEXT NOT NULL COLLATE NOCASE REFERENCES models(name) ON DELETE CASCADE ON UPDATE CASCADE,
      version     INTEGER NOT NULL CHECK (version > 0),
      sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
      file_bytes  INTEGER NOT NULL,
      stage       TEXT NOT NULL DEFAULT 'dev' CHECK (stage IN ('dev', 'staging', 'production', 'archived')),
      notes       TEXT NOT NULL DEFAULT '',
      source_name TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      inspection  TEXT NOT NULL,
      PRIMARY KEY (model, version)
    ) STRICT;

    CREATE INDEX model_versions_by_sha ON model_versions(sha256);
  `,
};
