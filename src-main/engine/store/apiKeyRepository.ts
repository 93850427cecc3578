// API keys for the data plane, stored as sha256 hashes with a short hint to recognise them by.
import type { SqliteDatabase } from './openDatabase';

export interface StoredApiKey {
  name: string;
  sha256: string;
  /** The key's last characters, shown in listings. */
  hint: string;
  createdAt: string;
}

interface Row {
  name: string;
  sha256: string;
  hint: string;
  created_at: string;
}

const toKey = (r: Row): StoredApiKey => ({ name: r.name, sha256: r.sha256, hint: r.hint, createdAt: r.created_at });

export class ApiKeyRepository {
  constructor(private readonly db: SqliteDatabase) {}

  list(): StoredApiKey[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as Row[]).map(toKey);
  }

  find(name: string): StoredApiKey | undefined {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE name = ?').get(name) as Row | undefined;
    return row && toKey(row);
  }

  insert(key: StoredApiKey): void {
    this.db
      .prepare('INSERT INTO api_keys (name, sha256, hint, created_at) VALUES (?, ?, ?, ?)')
      .run(key.name, key.sha256, key.hint, key.createdAt);
  }

  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM api_keys WHERE name = ?').run(name).changes > 0;
  }
}
