// Reference profiles stored per model version (from imported bundles): what live drift compares served inputs
// against when the version has no reference dataset. A profile goes when its version is removed (cascade).
import { ReferenceProfileSchema, type ReferenceProfile } from '../../../src-shared/contract';
import { UserError } from '../userError';
import type { SqliteDatabase } from './openDatabase';

export interface StoredReferenceProfile {
  model: string;
  version: number;
  profile: ReferenceProfile;
  /** Where it came from, e.g. "bundle digits-mlp-v1.tar.gz". */
  origin: string;
  storedAt: string;
}

interface Row {
  model: string;
  version: number;
  profile: string;
  origin: string;
  stored_at: string;
}

export class ReferenceProfileRepository {
  constructor(private readonly db: SqliteDatabase) {}

  /** The version's stored profile, or null (also when what is stored no longer parses). */
  get(model: string, version: number): ReferenceProfile | null {
    return this.find(model, version)?.profile ?? null;
  }

  find(model: string, version: number): StoredReferenceProfile | null {
    const row = this.db
      .prepare('SELECT * FROM reference_profiles WHERE model = ? AND version = ?')
      .get(model, version) as Row | undefined;
    if (!row) return null;
    const parsed = ReferenceProfileSchema.safeParse(JSON.parse(row.profile));
    if (!parsed.success) return null;
    return {
      model: row.model,
      version: row.version,
      profile: parsed.data,
      origin: row.origin,
      storedAt: row.stored_at,
    };
  }

  /** Stores (or replaces) the version's profile; the version must exist. */
  set(model: string, version: number, profile: ReferenceProfile, origin: string): StoredReferenceProfile {
    const parsed = ReferenceProfileSchema.safeParse(profile);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError('bad-input', `invalid reference profile: ${issue.path.join('.')}: ${issue.message}`);
    }
    const exists = this.db
      .prepare('SELECT model, version FROM model_versions WHERE model = ? AND version = ?')
      .get(model, version) as { model: string; version: number } | undefined;
    if (!exists) throw new UserError('not-found', `${model}:${version} is not in the library`);
    const storedAt = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO reference_profiles (model, version, profile, origin, stored_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(model, version) DO UPDATE SET profile = excluded.profile, origin = excluded.origin,
           stored_at = excluded.stored_at`,
      )
      .run(exists.model, exists.version, JSON.stringify(parsed.data), origin, storedAt);
    return { model: exists.model, version: exists.version, profile: parsed.data, origin, storedAt };
  }

  delete(model: string, version: number): boolean {
    return (
      this.db.prepare('DELETE FROM reference_profiles WHERE model = ? AND version = ?').run(model, version).changes > 0
    );
  }
}
