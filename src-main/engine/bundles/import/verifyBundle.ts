// Verifies a bundle folder against its manifest before anything is imported: the format version is one this
// Slipway reads, the manifest is valid, and every file is a regular file inside the bundle with the listed size
// and sha256, with nothing unlisted beside them. Reads only; errors name the file and what was expected.
import { lstat, readFile, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { z } from 'zod';
import {
  BUNDLE_FORMAT_VERSION,
  BUNDLE_MANIFEST_FILE,
  BundleManifestSchema,
  type BundleManifest,
} from '../../../../src-shared/contract';
import { UserError } from '../../userError';
import { listBundleFiles, sha256File } from '../hashBundleFiles';

export interface VerifyBundleOptions {
  /** 0..1 over the bytes hashed, with the file being hashed. */
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export interface VerifiedBundle {
  manifest: BundleManifest;
  /** Files checked (the manifest's list; the manifest itself not counted). */
  files: number;
}

/** A manifest larger than this is not one Slipway wrote (it lists files, it does not hold them). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Unlisted files named in an error before "and N more". */
const NAMED_EXTRAS = 5;

const FormatHeaderSchema = z.object({ format: z.unknown(), formatVersion: z.unknown() });

export async function verifyBundle(dir: string, options: VerifyBundleOptions = {}): Promise<VerifiedBundle> {
  const dirStats = await lstat(dir).catch(() => null);
  if (!dirStats?.isDirectory()) {
    throw new UserError('not-found', `${dir} is not a folder; expected a bundle folder with ${BUNDLE_MANIFEST_FILE}`);
  }
  const manifest = await readManifest(dir);
  const root = await realpath(dir);

  const seen = new Set<string>();
  for (const file of manifest.files) {
    if (file.path === BUNDLE_MANIFEST_FILE) {
      throw new UserError('bad-input', `${BUNDLE_MANIFEST_FILE} lists itself among the files; a manifest cannot`);
    }
    if (seen.has(file.path)) {
      throw new UserError('bad-input', `${BUNDLE_MANIFEST_FILE} lists ${file.path} twice; expected each file once`);
    }
    seen.add(file.path);
  }

  // Cheap checks for every file first, so a missing or unlisted file is reported before hours of hashing.
  const present = await listBundleFiles(dir);
  const extras = present.filter((p) => p !== BUNDLE_MANIFEST_FILE && !seen.has(p));
  if (extras.length > 0) {
    const named = extras.slice(0, NAMED_EXTRAS).join(', ');
    const more = extras.length > NAMED_EXTRAS ? ` and ${extras.length - NAMED_EXTRAS} more` : '';
    throw new UserError(
      'bad-input',
      `the bundle holds file(s) its manifest does not list: ${named}${more}; a bundle holds exactly the files ` +
        `${BUNDLE_MANIFEST_FILE} lists (was something added to it?)`,
    );
  }
  for (const file of manifest.files) {
    const path = join(dir, ...file.path.split('/'));
    const stats = await lstat(path).catch(() => null);
    if (!stats) throw new UserError('bad-input', `${file.path}: listed in the manifest but missing from the bundle`);
    if (!stats.isFile()) throw new UserError('bad-input', `${file.path}: not a regular file; expected one`);
    const real = await realpath(path);
    if (!real.startsWith(root + sep)) {
      throw new UserError('bad-input', `${file.path}: resolves outside the bundle folder; expected a file inside it`);
    }
    if (stats.size !== file.bytes) {
      throw new UserError(
        'bad-input',
        `${file.path}: ${stats.size} bytes, the manifest says ${file.bytes} (truncated or corrupted)`,
      );
    }
  }

  const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  let hashed = 0;
  for (const file of manifest.files) {
    const path = join(dir, ...file.path.split('/'));
    const before = hashed;
    const sha256 = await sha256File(path, {
      signal: options.signal,
      onBytes: (bytes) => options.onProgress?.(total === 0 ? 1 : (before + bytes) / total, `verifying ${file.path}`),
    }).catch((error: unknown) => {
      if (options.signal?.aborted)
        throw new UserError('cancelled', 'verifying the bundle was cancelled; nothing was imported');
      throw error;
    });
    hashed += file.bytes;
    if (sha256 !== file.sha256) {
      throw new UserError('bad-input', `${file.path}: sha256 differs from the manifest (tampered or corrupted)`);
    }
  }
  options.onProgress?.(1, `verified ${manifest.files.length} files`);
  return { manifest, files: manifest.files.length };
}

/** Reads and validates the manifest: format and version alone first, so a newer bundle gets the right message. */
async function readManifest(dir: string): Promise<BundleManifest> {
  const path = join(dir, BUNDLE_MANIFEST_FILE);
  const stats = await lstat(path).catch(() => null);
  if (!stats) {
    throw new UserError(
      'bad-input',
      `${dir} has no ${BUNDLE_MANIFEST_FILE}; expected a bundle folder written by \`slipway export\``,
    );
  }
  if (!stats.isFile()) throw new UserError('bad-input', `${BUNDLE_MANIFEST_FILE} is not a regular file; expected one`);
  if (stats.size > MAX_MANIFEST_BYTES) {
    throw new UserError('bad-input', `${BUNDLE_MANIFEST_FILE} is ${stats.size} bytes; a manifest is far smaller`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UserError('bad-input', `${BUNDLE_MANIFEST_FILE} is not valid JSON: ${(error as Error).message}`);
  }
  const header = FormatHeaderSchema.safeParse(json);
  if (!header.success || header.data.format !== 'slipway-bundle') {
    throw new UserError(
      'bad-input',
      `${BUNDLE_MANIFEST_FILE} is not a Slipway bundle manifest: expected "format": "slipway-bundle"`,
    );
  }
  const version = header.data.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new UserError('bad-input', `${BUNDLE_MANIFEST_FILE}: invalid formatVersion: expected a positive integer`);
  }
  if (version > BUNDLE_FORMAT_VERSION) {
    throw new UserError(
      'too-new',
      `this bundle was written by a newer Slipway (bundle format ${version}; this Slipway reads up to ` +
        `${BUNDLE_FORMAT_VERSION}): update Slipway`,
    );
  }
  const parsed = BundleManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((issue) => {
      const field = issue.path.map(String).join('.') || '(root)';
      return `${field}: ${issue.message}`;
    });
    throw new UserError('bad-input', `${BUNDLE_MANIFEST_FILE} is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}
