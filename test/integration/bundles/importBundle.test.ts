// Importing a bundle back: the original model arrives with its version number, serving settings, fallback and
// reference profile (which live drift then uses), in dev; bad bundles are refused by name and change nothing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveDriftAlert } from '../../../src-shared/contract';
import { importBundle, verifyBundleAt } from '../../../src-main/engine/bundles/import/importBundle';
import { Engine } from '../../../src-main/engine/engine';
import { LiveDriftRegistry } from '../../../src-main/engine/monitor/liveDriftRegistry';
import { referenceSource } from '../../../src-main/engine/servingSession';
import { UserError } from '../../../src-main/engine/userError';
import {
  digitsReferenceProfile,
  sha256Of,
  tarBundle,
  writeBundleFolder,
  writeRawTarGz,
  type BundleFixtureOptions,
} from '../../helpers/bundleFixtures';
import { data, model } from '../../helpers/paths';
import { readFixtureRows } from '../../helpers/profiledDatasetRows';
import { tempDir } from '../../helpers/tempDir';

const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

function openEngine(): Engine {
  const engine = Engine.open({ home: tempDir(), resourcesDir: null });
  engines.push(engine);
  return engine;
}

const deps = (engine: Engine) => ({
  library: engine.library,
  servingConfig: engine.servingConfig,
  referenceProfiles: engine.referenceProfiles,
  home: engine.home,
});

const bundle = (options: BundleFixtureOptions = {}, folder = 'digits-mlp-v1') =>
  writeBundleFolder(join(tempDir(), folder), options);

/** Everything a failed import must leave as it was: the versions, their settings, and the files on disk. */
function librarySnapshot(engine: Engine) {
  const list = engine.library.list();
  return {
    list,
    settings: list.flatMap((m) => m.versions.map((v) => engine.servingConfig.effective(v))),
    fallbacks: list.map((m) => engine.servingConfig.fallback(m.name)),
    files: readdirSync(join(engine.home, 'models')).sort(),
    tmp: readdirSync(join(engine.home)).includes('tmp') ? readdirSync(join(engine.home, 'tmp')) : [],
  };
}

async function refused(engine: Engine, path: string, options = {}): Promise<UserError> {
  const before = librarySnapshot(engine);
  const error = await importBundle(deps(engine), path, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect(librarySnapshot(engine)).toEqual(before);
  return error as UserError;
}

function pixelTensor(rows: number[][]) {
  const values = Float32Array.from(rows.flat());
  return { name: 'pixels', type: 'float32' as const, dims: [rows.length, 64], data: values.buffer };
}

describe('importBundle', () => {
  it('imports a bundle folder: version, settings, fallback, dev stage, notes and reference profile', async () => {
    const engine = openEngine();
    const profile = digitsReferenceProfile();
    const { dir } = bundle({
      version: 3,
      settings: {
        instances: 2,
        dynamicBatching: { enabled: true, maxBatchSize: 16, maxQueueDelayMicros: 500, preferredBatchSizes: [8] },
      },
      stage: 'production',
      notes: 'trained on the March data',
      referenceProfile: profile,
    });
    const fractions: number[] = [];
    const result = await importBundle(deps(engine), dir, { onProgress: (f) => fractions.push(f) });
    expect(result).toMatchObject({
      model: 'digits-mlp',
      version: 3,
      created: true,
      verifiedFiles: 3,
      settingsApplied: true,
      referenceProfile: true,
    });
    expect(result.notes[0]).toBe(
      'imported from bundle digits-mlp-v1, exported by Slipway 0.1.0 at 2026-11-20T10:00:00.000Z',
    );
    expect(result.notes.join('\n')).toContain('stage stays dev (it was production where exported');
    expect(fractions.at(-1)).toBe(1);

    const version = engine.library.get({ name: 'digits-mlp', version: 3 });
    expect(version.sha256).toBe(sha256Of(model('digits-mlp-v1.onnx')));
    expect(version.stage).toBe('dev');
    expect(version.notes).toBe(`${result.notes[0]}\ntrained on the March data`);
    const effective = engine.servingConfig.effective(version);
    expect(effective.settings.instances).toBe(2);
    expect(effective.settings.dynamicBatching).toEqual({
      enabled: true,
      maxBatchSize: 16,
      maxQueueDelayMicros: 500,
      preferredBatchSizes: [8],
    });
    // Only what differs from the model's defaults is stored as an override.
    expect(effective.overridden).toContain('instances');
    expect(effective.overridden).not.toContain('cache.enabled');
    expect(engine.referenceProfiles.get('digits-mlp', 3)).toEqual(profile);
    expect(readdirSync(engine.home)).not.toContain('tmp');
  });

  it('imports a .tar.gz, stores the profile where live drift finds it, and removes what it unpacked', async () => {
    const engine = openEngine();
    const { dir } = bundle({ referenceProfile: digitsReferenceProfile() });
    const archive = await tarBundle(dir);
    const result = await importBundle(deps(engine), archive);
    expect(result).toMatchObject({ model: 'digits-mlp', version: 1, created: true, referenceProfile: true });
    expect(result.notes[0]).toMatch(/^imported from bundle digits-mlp-v1\.tar\.gz, exported by Slipway 0\.1\.0/);
    expect(readdirSync(join(engine.home, 'tmp'))).toEqual([]);

    // No reference dataset is bound: live drift falls back to the imported profile and sees drifted traffic.
    expect(engine.datasets.referenceFor('digits-mlp', 1)).toBeNull();
    const source = referenceSource(engine);
    const reference = source.referenceOf('digits-mlp', 1)!;
    expect(reference.profile).toEqual(digitsReferenceProfile().features);
    expect([...reference.rowSizes]).toEqual([['pixels', 64]]);
    const verdict = (file: string) => {
      const alerts: LiveDriftAlert[] = [];
      const registry = new LiveDriftRegistry(source, { sampleRate: 1, minRows: 100 }, (a) => alerts.push(a));
      try {
        const rows = readFixtureRows(data(file)).map((r) => r.inputs.pixels as number[]);
        registry.observe('digits-mlp', 1, [pixelTensor(rows)]);
        return registry.evaluateAll()[0];
      } finally {
        registry.close();
      }
    };
    expect(verdict('digits_live_same.jsonl')).toMatchObject({ model: 'digits-mlp', version: 1, state: 'ok' });
    expect(verdict('digits_live_drift.jsonl')).toMatchObject({ model: 'digits-mlp', version: 1, state: 'drift' });

    // The profile goes with its version.
    engine.library.remove({ name: 'digits-mlp', version: 1 });
    expect(engine.referenceProfiles.get('digits-mlp', 1)).toBeNull();
  });

  it('imports the same bytes twice as the same version, leaving its settings as the user changed them', async () => {
    const engine = openEngine();
    const { dir } = bundle({ settings: { instances: 2 } });
    await importBundle(deps(engine), dir);
    const version = engine.library.get({ name: 'digits-mlp', version: 1 });
    engine.servingConfig.update(version, { set: { instances: '4' } });
    const again = await importBundle(deps(engine), dir);
    expect(again).toMatchObject({ model: 'digits-mlp', version: 1, created: false, settingsApplied: false });
    expect(again.notes.join('\n')).toContain('digits-mlp:1 already holds these bytes: nothing was changed');
    expect(engine.servingConfig.effective(version).settings.instances).toBe(4);
    expect(engine.library.list()[0]!.versions).toHaveLength(1);
  });

  it("takes the next version when the manifest's is taken by other bytes, and honours --name", async () => {
    const engine = openEngine();
    engine.library.importModel(model('digits-mlp-v2.onnx'), { name: 'digits-mlp' });
    const { dir } = bundle();
    const result = await importBundle(deps(engine), dir);
    expect(result).toMatchObject({ version: 2, created: true });
    expect(result.notes).toContain(
      'digits-mlp:1 is taken in the library by a different model file: imported as digits-mlp:2',
    );
    const renamed = await importBundle(deps(engine), dir, { name: 'digits-prod' });
    expect(renamed).toMatchObject({ model: 'digits-prod', version: 1, created: true });
  });

  it('applies a version fallback the library has, and notes one it lacks', async () => {
    const engine = openEngine();
    const lacking = await importBundle(
      deps(engine),
      bundle({ version: 2, fallback: { kind: 'version', version: 1 } }).dir,
    );
    expect(lacking.notes.join('\n')).toContain("the bundle's fallback is version 1, which this library does not have");
    expect(engine.servingConfig.fallback('digits-mlp')).toEqual({ kind: 'none' });

    const other = await importBundle(
      deps(engine),
      bundle({ modelFile: 'digits-mlp-v2.onnx', version: 3, fallback: { kind: 'version', version: 2 } }).dir,
    );
    expect(other.notes).toContain("set digits-mlp's fallback to version 2");
    expect(engine.servingConfig.fallback('digits-mlp')).toEqual({ kind: 'version', version: 2 });
  });

  it('imports the optimised model, and says so, when the bundle has only the edge target', async () => {
    const engine = openEngine();
    const { dir } = bundle({ targets: ['edge'], edgeModelFile: 'digits-mlp-v2.onnx' });
    const result = await importBundle(deps(engine), dir);
    expect(result.created).toBe(true);
    expect(result.notes.join('\n')).toContain("the bundle holds only the edge target's optimised model");
    expect(engine.library.get({ name: 'digits-mlp', version: 1 }).sha256).toBe(sha256Of(model('digits-mlp-v2.onnx')));
  });

  it('refuses a tampered file, naming it, and leaves the library and its files as they were', async () => {
    const engine = openEngine();
    engine.library.importModel(model('cancer-logreg-v1.onnx'));
    const { dir } = bundle();
    const path = join(dir, 'standalone', 'models', 'digits-mlp', '1', 'model.onnx');
    const bytes = readFileSync(path);
    bytes[200]! ^= 0x01;
    writeFileSync(path, bytes);
    const error = await refused(engine, dir);
    expect(error.message).toBe(
      'standalone/models/digits-mlp/1/model.onnx: sha256 differs from the manifest (tampered or corrupted)',
    );
    // The same inside an archive, which is unpacked and then removed.
    const archiveError = await refused(engine, await tarBundle(dir));
    expect(archiveError.message).toBe(error.message);
  });

  it('refuses unlisted files, a newer format and a manifest missing a field, changing nothing', async () => {
    const engine = openEngine();
    const extra = bundle();
    writeFileSync(join(extra.dir, 'standalone', 'server.js'), '// not listed');
    expect((await refused(engine, extra.dir)).message).toContain('does not list: standalone/server.js');

    const newer = bundle({ editManifest: (m) => (m.formatVersion = 2) });
    const tooNew = await refused(engine, await tarBundle(newer.dir));
    expect(tooNew.code).toBe('too-new');
    expect(tooNew.message).toContain('written by a newer Slipway (bundle format 2; this Slipway reads up to 1)');

    const lacking = bundle({ editManifest: (m) => delete m.serving });
    expect((await refused(engine, lacking.dir)).message).toMatch(/slipway-manifest\.json is invalid: serving: /);
  });

  it('refuses hostile archives before anything is written', async () => {
    const engine = openEngine();
    const root = tempDir();
    const manifest = { path: 'b/slipway-manifest.json', body: '{}' };
    const traversal = writeRawTarGz(join(root, 'up.tar.gz'), [manifest, { path: 'b/../../escaped.txt', body: 'x' }]);
    expect((await refused(engine, traversal)).message).toContain(`climbs out of the bundle with '..'`);
    const link = writeRawTarGz(join(root, 'link.tar.gz'), [
      manifest,
      { path: 'b/x', type: 'SymbolicLink', linkpath: '/' },
    ]);
    expect((await refused(engine, link)).message).toContain('is a symbolic link');
    const { dir } = bundle();
    const big = await refused(engine, await tarBundle(dir), { limits: { maxEntryBytes: 4096 } });
    expect(big.message).toMatch(/entry "digits-mlp-v1\/(standalone|triton)\/.*model\.onnx" is 10\.8 KB/);
  });

  it('refuses a missing path and a file that is neither a bundle folder nor an archive', async () => {
    const engine = openEngine();
    const missing = await refused(engine, join(tempDir(), 'nope.tar.gz'));
    expect(missing.code).toBe('not-found');
    expect(missing.message).toContain('does not exist; expected a bundle folder (with slipway-manifest.json)');
    const onnx = await refused(engine, model('digits-mlp-v1.onnx'));
    expect(onnx.message).toContain(
      'digits-mlp-v1.onnx: expected a bundle folder (with slipway-manifest.json) or a .tar.gz',
    );
  });

  it('verifies without importing', async () => {
    const engine = openEngine();
    const { dir } = bundle({ referenceProfile: digitsReferenceProfile() });
    const before = librarySnapshot(engine);
    const result = await verifyBundleAt(engine.home, await tarBundle(dir));
    expect(result).toMatchObject({ bundle: 'digits-mlp-v1.tar.gz', archive: true, files: 3 });
    expect(librarySnapshot(engine)).toEqual({ ...before, tmp: [] });
  });
});

describe('a bundle the exporter wrote', () => {
  it('imports back into another library with the same bytes, settings and reference profile', async () => {
    const source = Engine.open({ home: tempDir() });
    engines.push(source);
    const v1 = source.library.get({ name: 'digits-mlp', version: 1 });
    source.servingConfig.update(v1, { set: { instances: '2', 'cache.enabled': 'true' } });
    const outDir = join(tempDir(), 'digits-export');
    const exported = await source.bundles.run({
      model: 'digits-mlp',
      version: 1,
      targets: ['triton', 'kserve'],
      outDir,
      tar: true,
    });

    const target = openEngine();
    const result = await importBundle(deps(target), exported.archive!);
    expect(result).toMatchObject({
      model: 'digits-mlp',
      version: 1,
      created: true,
      verifiedFiles: exported.manifest.files.length,
    });
    const imported = target.library.get({ name: 'digits-mlp', version: 1 });
    expect(imported.sha256).toBe(v1.sha256);
    expect(target.servingConfig.effective(imported).settings).toEqual(source.servingConfig.effective(v1).settings);
    expect(target.referenceProfiles.get('digits-mlp', 1)).toEqual(exported.manifest.referenceProfile);

    // Exported again from here (no reference dataset in this library), the bundle still carries the profile.
    const again = await target.bundles.run({
      model: 'digits-mlp',
      version: 1,
      targets: ['triton'],
      outDir: join(tempDir(), 'again'),
    });
    expect(again.manifest.referenceProfile).toEqual(exported.manifest.referenceProfile);
  });
});
