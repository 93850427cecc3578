// Reads and checks the standalone server's config (slipway-server.json): JSON, format version, schema, one
// fallback per model, and every model file present, so a bad bundle fails at start with one line naming the fault.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import {
  STANDALONE_SERVER_FORMAT_VERSION,
  StandaloneServerConfigSchema,
  type StandaloneServerConfig,
} from '../../../../src-shared/contract';
import { UserError } from '../../userError';

export interface LoadedStandaloneConfig {
  config: StandaloneServerConfig;
  /** Absolute path of the config file; model paths are relative to its folder. */
  path: string;
  baseDir: string;
}

export function readStandaloneConfig(path: string): LoadedStandaloneConfig {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new UserError(
      'not-found',
      `config ${absolute} not found; pass --config PATH to the bundle's slipway-server.json`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new UserError('bad-input', `config ${absolute} is not valid JSON: ${(error as Error).message}`);
  }
  checkFormatVersion(raw, absolute);
  const parsed = StandaloneServerConfigSchema.safeParse(raw);
  if (!parsed.success) throw new UserError('bad-input', `config ${absolute}: ${describeIssues(parsed.error)}`);
  const config = parsed.data;
  const baseDir = dirname(absolute);
  checkModels(config, absolute, baseDir);
  return { config, path: absolute, baseDir };
}

/** Checked before the schema: a newer format may differ anywhere, and "too new" is the message that helps. */
function checkFormatVersion(raw: unknown, path: string): void {
  const record = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  if (record.format !== 'slipway-server') {
    throw new UserError(
      'bad-input',
      `config ${path}: format: expected "slipway-server" (the slipway-server.json of a Slipway standalone bundle)`,
    );
  }
  const version = record.formatVersion;
  if (typeof version === 'number' && version > STANDALONE_SERVER_FORMAT_VERSION) {
    throw new UserError(
      'too-new',
      `config ${path} has format version ${version}, newer than this server.js reads (up to ` +
        `${STANDALONE_SERVER_FORMAT_VERSION}); use the server.js exported with it`,
    );
  }
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > shown.length ? ` (and ${error.issues.length - shown.length} more)` : '';
  return shown.join('; ') + more;
}

function checkModels(config: StandaloneServerConfig, path: string, baseDir: string): void {
  const seen = new Set<string>();
  config.models.forEach((entry, index) => {
    const ref = `${entry.model}:${entry.version}`;
    const id = `${entry.model.toLowerCase()}:${entry.version}`;
    if (seen.has(id)) throw new UserError('bad-input', `config ${path}: models.${index}: ${ref} is listed twice`);
    seen.add(id);
    const others = config.models.filter((m) => m.model.toLowerCase() === entry.model.toLowerCase());
    if (others.some((m) => JSON.stringify(m.fallback) !== JSON.stringify(entry.fallback))) {
      throw new UserError(
        'bad-input',
        `config ${path}: models.${index}.fallback: every version of ${entry.model} must carry the same fallback`,
      );
    }
    const fallback = entry.fallback;
    if (fallback.kind === 'version' && !others.some((m) => m.version === fallback.version)) {
      throw new UserError(
        'bad-input',
        `config ${path}: models.${index}.fallback: version ${fallback.version} of ` +
          `${entry.model} is not in this config; list it or use fallback "none"`,
      );
    }
    const file = join(baseDir, ...entry.path.split('/'));
    if (!existsSync(file)) {
      throw new UserError('not-found', `config ${path}: models.${index}.path: model file ${file} (${ref}) not found`);
    }
  });
}
