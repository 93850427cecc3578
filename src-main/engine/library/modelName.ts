// Model names and references ("digits", "digits:2"): validation and the default name derived from a file.
import { basename, extname } from 'node:path';
import { MODEL_NAME_PATTERN } from '../../../src-shared/contract';
import { UserError } from '../userError';

export interface ModelRef {
  name: string;
  /** Undefined means "the latest version". */
  version?: number;
}

export function checkModelName(name: string): string {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new UserError(
      'bad-input',
      `invalid model name '${name}': expected 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit`,
    );
  }
  return name;
}

/** The file's stem made into a valid name: other characters become '-', leading punctuation goes, 64 max. */
export function modelNameFromFile(path: string): string {
  const stem = basename(path, extname(path));
  const name = stem
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  if (!name) throw new UserError('bad-input', `cannot make a model name from '${basename(path)}'; pass --name`);
  return name;
}

export function parseModelRef(ref: string): ModelRef {
  const colon = ref.lastIndexOf(':');
  if (colon < 0) return { name: checkModelName(ref) };
  const name = checkModelName(ref.slice(0, colon));
  const version = ref.slice(colon + 1);
  return version === 'latest' ? { name } : { name, version: parseVersion(version, ref) };
}

export function parseVersion(text: string, context?: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    const where = context ? ` in '${context}'` : '';
    const form = context ? ' (NAME:VERSION)' : '';
    throw new UserError('bad-input', `invalid version '${text}'${where}: expected a positive integer${form}`);
  }
  return n;
}
