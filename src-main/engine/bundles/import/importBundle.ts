// Imports a deploy bundle (folder or .tar.gz) back into the library: verifies every file first, then imports the
// original model with its serving settings, fallback and reference profile. The version stays in `dev`.
import { join } from 'node:path';
import type {
  BundleFile,
  BundleImportResult,
  BundleManifest,
  Fallback,
  ModelVersion,
  ServingSettings,
} from '../../../../src-shared/contract';
import type { ModelLibrary } from '../../library/modelLibrary';
import { checkModelName } from '../../library/modelName';
import type { ServingConfig } from '../../library/servingConfig';
import type { ReferenceProfileRepository } from '../../store/referenceProfileRepository';
import { isUserError, UserError } from '../../userError';
import { openBundle, type OpenedBundle } from './openBundle';
import type { BundleArchiveLimits } from './readBundleArchive';
import { verifyBundle, type VerifiedBundle } from './verifyBundle';

export interface BundleImportDeps {
  library: ModelLibrary;
  servingConfig: ServingConfig;
  referenceProfiles: ReferenceProfileRepository;
  /** Library home: archives unpack under `<home>/tmp`. */
  home: string;
}

export interface BundleImportOptions {
  /** Import under this name instead of the manifest's. */
  name?: string;
  onProgress?(fraction: number, message: string): void;
  signal?: AbortSignal;
  limits?: Partial<BundleArchiveLimits>;
}

export interface BundleVerifyResult extends VerifiedBundle {
  /** What was verified: the folder's or archive's name. */
  bundle: string;
  archive: boolean;
}

/** Where the model to import is found in a bundle, in order of preference (copies of the original first). */
const ORIGINAL_MODEL = [/^triton\/[^/]+\/\d+\/model\.onnx$/, /^standalone\/models\/[^/]+\/\d+\/model\.onnx$/];
const EDGE_MODEL = /^edge\/models\/[^/]+\/\d+\/model\.onnx$/;

/** Opens and verifies a bundle without touching the library (`slipway bundles verify`). */
export async function verifyBundleAt(
  home: string,
  path: string,
  options: Omit<BundleImportOptions, 'name'> = {},
): Promise<BundleVerifyResult> {
  const { opened, verified } = await openAndVerify(home, path, options, 1);
  await opened.close();
  return { ...verified, bundle: opened.shownAs, archive: opened.archive !== null };
}

export async function importBundle(
  deps: BundleImportDeps,
  path: string,
  options: BundleImportOptions = {},
): Promise<BundleImportResult> {
  const progress = options.onProgress ?? (() => {});
  const requestedName = options.name === undefined ? undefined : checkModelName(options.name);
  const { opened, verified } = await openAndVerify(deps.home, path, options, 0.85);
  try {
    const { manifest } = verified;
    const notes: string[] = [
      `imported from bundle ${opened.shownAs}, exported by Slipway ${manifest.slipwayVersion} at ${manifest.createdAt}`,
    ];
    const model = pickModelFile(manifest, notes);
    const name = requestedName ?? manifest.source.model;
    progress(0.85, `importing ${model.path}`);
    const { version, created } = await importModelFile(deps.library, join(opened.dir, ...model.path.split('/')), {
      name,
      manifest,
      expectedSha256: model.sha256,
      notes,
      signal: options.signal,
      onProgress: (fraction) => progress(0.85 + 0.13 * fraction, `importing ${model.path}`),
    });
    if (!created) {
      notes.push(
        `${version.model}:${version.version} already holds these bytes: nothing was changed ` +
          '(its settings, fallback, stage, notes and reference profile are kept)',
      );
      progress(1, `${version.model}:${version.version} was already in the library`);
      return {
        model: version.model,
        version: version.version,
        created: false,
        verifiedFiles: verified.files,
        settingsApplied: false,
        referenceProfile: false,
        notes,
      };
    }
    try {
      progress(0.98, 'applying serving settings');
      applySettings(deps.servingConfig, version, manifest.serving.settings);
      applyFallback(deps, version, manifest.serving.fallback, notes);
      if (manifest.source.stage !== 'dev') {
        notes.push(
          `stage stays dev (it was ${manifest.source.stage} where exported; bundles do not promote): ` +
            `slipway models stage ${version.model}:${version.version} ${manifest.source.stage}`,
        );
      }
      deps.library.setNotes(
        { name: version.model, version: version.version },
        [notes[0]!, manifest.source.notes].filter((n) => n.length > 0).join('\n'),
      );
      const profile = manifest.referenceProfile;
      if (profile) {
        deps.referenceProfiles.set(version.model, version.version, profile, `bundle ${opened.shownAs}`);
        notes.push(
          `stored the reference profile of dataset ${profile.datasetName} (${profile.rows} rows) for live drift`,
        );
      } else notes.push('the bundle has no reference profile: live drift needs a reference dataset bound');
    } catch (error) {
      // A version with half its configuration would look imported: take it out again and report why.
      deps.library.remove({ name: version.model, version: version.version });
      throw error;
    }
    progress(1, `imported ${version.model}:${version.version}`);
    return {
      model: version.model,
      version: version.version,
      created: true,
      verifiedFiles: verified.files,
      settingsApplied: true,
      referenceProfile: manifest.referenceProfile !== null,
      notes,
    };
  } finally {
    await opened.close();
  }
}

async function openAndVerify(
  home: string,
  path: string,
  options: Omit<BundleImportOptions, 'name'>,
  share: number,
): Promise<{ opened: OpenedBundle; verified: VerifiedBundle }> {
  const progress = options.onProgress ?? (() => {});
  let unpackShare = 0;
  const opened = await openBundle(path, {
    home,
    limits: options.limits,
    signal: options.signal,
    onProgress: (fraction) => {
      unpackShare = 0.35 * share;
      progress(fraction * unpackShare, 'unpacking the archive');
    },
  });
  try {
    const verified = await verifyBundle(opened.dir, {
      signal: options.signal,
      onProgress: (fraction, message) => progress(unpackShare + fraction * (share - unpackShare), message),
    });
    return { opened, verified };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/** The original model (its sha256 is the manifest's source), else the edge target's optimised model. */
function pickModelFile(manifest: BundleManifest, notes: string[]): BundleFile {
  const byPattern = (pattern: RegExp) => manifest.files.filter((f) => pattern.test(f.path));
  for (const pattern of ORIGINAL_MODEL) {
    const original = byPattern(pattern).find((f) => f.sha256 === manifest.source.sha256);
    if (original) return original;
  }
  const edge = byPattern(EDGE_MODEL)[0];
  if (edge) {
    notes.push(
      `the bundle holds only the edge target's optimised model (sha256 ${edge.sha256.slice(0, 12)}…), not the ` +
        `original (sha256 ${manifest.source.sha256.slice(0, 12)}…): imported the optimised model`,
    );
    return edge;
  }
  throw new UserError(
    'bad-input',
    `the bundle holds no model to import: expected triton/<name>/<v>/model.onnx or standalone/models/<name>/<v>/` +
      `model.onnx with sha256 ${manifest.source.sha256.slice(0, 12)}… (the manifest's source), or ` +
      'edge/models/<name>/<v>/model.onnx',
  );
}

/** Imports under the manifest's version number when it is free, else the next one. */
async function importModelFile(
  library: ModelLibrary,
  file: string,
  options: {
    name: string;
    manifest: BundleManifest;
    expectedSha256: string;
    notes: string[];
    signal?: AbortSignal;
    onProgress: (fraction: number) => void;
  },
): Promise<{ version: ModelVersion; created: boolean }> {
  const wanted = options.manifest.source.version;
  const existing = library.list().find((m) => m.name.toLowerCase() === options.name.toLowerCase())?.versions ?? [];
  const taken = existing.find((v) => v.version === wanted && v.sha256 !== options.expectedSha256);
  const run = (version: number | undefined) =>
    library.importModelAsync(file, {
      name: options.name,
      version,
      signal: options.signal,
      onProgress: (p) => options.onProgress(p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0),
    });
  let result;
  try {
    result = await run(taken ? undefined : wanted);
  } catch (error) {
    // Another import took the number between the look and the write: take the next one instead.
    if (!isUserError(error) || error.code !== 'conflict') throw error;
    result = await run(undefined);
  }
  const { version, created } = result;
  if (version.sha256 !== options.expectedSha256) {
    // The file changed after it was verified (a folder bundle someone is writing to): keep nothing of it.
    if (created) library.remove({ name: version.model, version: version.version });
    throw new UserError('bad-input', `${file} changed while it was imported; nothing was imported, try again`);
  }
  if (created && version.version !== wanted) {
    options.notes.push(
      `${version.model}:${wanted} is taken in the library by a different model file: imported as ` +
        `${version.model}:${version.version}`,
    );
  }
  return { version, created };
}

/** Stores the bundle's settings as overrides of the imported version's own defaults (only what differs). */
function applySettings(config: ServingConfig, version: ModelVersion, settings: ServingSettings): void {
  const defaults = config.effective(version).settings;
  const set: Record<string, string> = {};
  const visit = (wanted: unknown, current: unknown, key: string) => {
    if (isPlainObject(wanted) && isPlainObject(current)) {
      for (const [k, v] of Object.entries(wanted)) visit(v, current[k], key ? `${key}.${k}` : k);
    } else if (JSON.stringify(wanted) !== JSON.stringify(current)) set[key] = JSON.stringify(wanted);
  };
  visit(settings, defaults, '');
  if (Object.keys(set).length > 0) config.update(version, { set });
}

/**
 * Applies the bundle's model-wide fallback unless the model already has a different one; a fallback that cannot
 * work here (a version this library lacks, outputs this model lacks) becomes a note, not an error.
 */
function applyFallback(deps: BundleImportDeps, version: ModelVersion, fallback: Fallback, notes: string[]): void {
  if (fallback.kind === 'none') return;
  const shown = describeFallback(fallback);
  const current = deps.servingConfig.fallback(version.model);
  if (current.kind !== 'none') {
    if (JSON.stringify(current) !== JSON.stringify(fallback)) {
      notes.push(`kept ${version.model}'s fallback (${describeFallback(current)}); the bundle's was ${shown}`);
    }
    return;
  }
  if (fallback.kind === 'version') {
    const versions = deps.library.versionsOf(version.model).map((v) => v.version);
    if (!versions.includes(fallback.version)) {
      notes.push(
        `the bundle's fallback is ${shown}, which this library does not have (${version.model} has ` +
          `${versions.join(', ')}): no fallback set; set one with slipway models config ${version.model} --fallback`,
      );
      return;
    }
  } else {
    const outputs = version.inspection.outputs.map((o) => o.name);
    const unknown = Object.keys(fallback.outputs).filter((o) => !outputs.includes(o));
    if (unknown.length > 0) {
      notes.push(`the bundle's constant fallback names outputs the model lacks (${unknown.join(', ')}): not set`);
      return;
    }
  }
  deps.servingConfig.setFallback(version.model, JSON.stringify(fallback));
  notes.push(`set ${version.model}'s fallback to ${shown}`);
}

function describeFallback(fallback: Fallback): string {
  if (fallback.kind === 'version') return `version ${fallback.version}`;
  return fallback.kind === 'constant' ? 'constant outputs' : 'none';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
