// Schema 2: serving settings (user overrides per version, fallback per model) and API keys for the data plane.
import type { Migration } from './migration';

export const migration0002Serving: Migration = {
  version: 2,
  name: 'serving',
  sql: `
    -- JSON of the settings the user changed; NULL means every setting is derived from the model.
    ALTER TABLE model_versions ADD COLUMN serving_overrides TEXT;
    -- JSON ModelServing (the safe-mode fallback); NULL means no fallback.
    ALTER TABLE models ADD COLUMN serving TEXT;

    CREATE TABLE api_keys (
      name       TEXT PRIMARY KEY,
      -- sha256 of the key: the key itself is shown once at creation and never stored.
      sha256     TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
      hint       TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
  `,
};
