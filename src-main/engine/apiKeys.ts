// API keys for the data plane: created once (the key is shown then and never again), stored as hashes,
// revoked by name.
import { randomBytes } from 'node:crypto';
import { hashApiKey } from './serving/requestGuard';
import type { ApiKeyRepository, StoredApiKey } from './store/apiKeyRepository';
import { UserError } from './userError';

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class ApiKeys {
  constructor(private readonly repo: ApiKeyRepository) {}

  /** Returns the new key in clear: the only time it exists outside the client that keeps it. */
  create(name: string): { key: string; stored: StoredApiKey } {
    if (!KEY_NAME.test(name)) {
      throw new UserError('bad-input', `invalid key name '${name}': expected 1-64 characters of A-Z a-z 0-9 . _ -`);
    }
    if (this.repo.find(name))
      throw new UserError('conflict', `a key named '${name}' exists; revoke it first or pick another name`);
    const key = `sw_${randomBytes(24).toString('base64url')}`;
    const stored = { name, sha256: hashApiKey(key), hint: `…${key.slice(-4)}`, createdAt: new Date().toISOString() };
    this.repo.insert(stored);
    return { key, stored };
  }

  list(): StoredApiKey[] {
    return this.repo.list();
  }

  revoke(name: string): void {
    if (!this.repo.delete(name)) throw new UserError('not-found', `no API key named '${name}'`);
  }

  hashes(): string[] {
    return this.repo.list().map((k) => k.sha256);
  }
}
