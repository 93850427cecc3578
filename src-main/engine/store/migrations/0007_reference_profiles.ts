// Schema 7: reference profiles that came with an imported bundle, per model version, so live drift has a
// reference where no reference dataset was ever imported. They go with their version (ON DELETE CASCADE).
import type { Migration } from './migration';

export const migration0007ReferenceProfiles: Migration = {
  version: 7,
  name: 'reference profiles',
  sql: `
    CREATE TABLE reference_profiles (
      model     TEXT NOT NULL COLLATE NOCASE,
      version   INTEGER NOT NULL,
      -- ReferenceProfile JSON: the reference dataset's inputs, per-feature profile and label profile.
      profile   TEXT NOT NULL,
      -- Where it came from, e.g. "bundle digits-mlp-v1.tar.gz".
      origin    TEXT NOT NULL,
      stored_at TEXT NOT NULL,
      PRIMARY KEY (model, version),
      FOREIGN KEY (model, version) REFERENCES model_versions(model, version) ON DELETE CASCADE ON UPDATE CASCADE
    ) STRICT;
  `,
};
