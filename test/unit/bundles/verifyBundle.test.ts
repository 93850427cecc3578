// A bundle folder is trusted only when its manifest is one this Slipway reads and every file matches it exactly:
// errors name the file or field and say what was expected.
import { appendFileSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../src-main/engine/bundles/import/verifyBundle';
import { UserError } from '../../../src-main/engine/userError';
import { digitsReferenceProfile, writeBundleFolder, type BundleFixtureOptions } from '../../helpers/bundleFixtures';
import { tempDir } from '../../helpers/tempDir';

const bundle = (options: BundleFixtureOptions = {}) => writeBundleFolder(join(tempDir(), 'digits-mlp-v1'), options);

async function failure(dir: string): Promise<UserError> {
  const error = await verifyBundle(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('verifyBundle', () => {
  it('returns the manifest of a bundle whose files all match, with progress to 1', async () => {
    const { dir, manifest } = bundle({
      referenceProfile: digitsReferenceProfile(),
      targets: ['triton', 'standalone', 'edge'],
    });
    const messages: string[] = [];
    const result = await verifyBundle(dir, { onProgress: (_f, m) => messages.push(m) });
    expect(result.files).toBe(4);
    expect(result.manifest).toEqual(manifest);
    expect(messages).toContain('verifying standalone/models/digits-mlp/1/model.onnx');
    expect(messages.at(-1)).toBe('verified 4 files');
  });

  it('stops hashing when cancelled, saying nothing was imported', async () => {
    const { dir } = bundle();
    const controller = new AbortController();
    controller.abort();
    const error = await verifyBundle(dir, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('cancelled');
    expect((error as UserError).message).toBe('verifying the bundle was cancelled; nothing was imported');
  });

  it('names a tampered file (same size, other bytes)', async () => {
    const { dir } = bundle();
    const path = join(dir, 'standalone', 'models', 'digits-mlp', '1', 'model.onnx');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(path, bytes);
    expect((await failure(dir)).message).toBe(
      'standalone/models/digits-mlp/1/model.onnx: sha256 differs from the manifest (tampered or corrupted)',
    );
  });

  it('names a file whose size differs, and a listed file that is missing', async () => {
    const { dir } = bundle();
    truncateSync(join(dir, 'triton', 'digits-mlp', '1', 'model.onnx'), 10);
    expect((await failure(dir)).message).toMatch(
      /^triton\/digits-mlp\/1\/model\.onnx: 10 bytes, the manifest says \d+/,
    );
    const other = bundle();
    rmSync(join(other.dir, 'triton', 'digits-mlp', 'config.pbtxt'));
    const missing = await failure(other.dir);
    expect(missing.message).toBe('triton/digits-mlp/config.pbtxt: listed in the manifest but missing from the bundle');
  });

  it('refuses files the manifest does not list, naming them', async () => {
    const { dir } = bundle();
    appendFileSync(join(dir, 'standalone', 'extra.js'), 'console.log("hi")');
    writeFileSync(join(dir, 'README.txt'), 'x');
    const error = await failure(dir);
    expect(error.message).toContain('does not list: README.txt, standalone/extra.js');
  });

  it('refuses a symbolic link in a folder bundle, listed or not', async () => {
    const { dir } = bundle();
    const path = join(dir, 'standalone', 'models', 'digits-mlp', '1', 'model.onnx');
    rmSync(path);
    symlinkSync(join(dir, 'triton', 'digits-mlp', '1', 'model.onnx'), path);
    expect((await failure(dir)).message).toBe(
      'standalone/models/digits-mlp/1/model.onnx: a symbolic link; a bundle holds only regular files and folders',
    );
  });

  it('refuses a manifest from a newer bundle format before reading the rest of it', async () => {
    const { dir } = bundle({
      editManifest: (m) => {
        m.formatVersion = 2;
        m.source = 'something a future format means';
      },
    });
    const error = await failure(dir);
    expect(error.code).toBe('too-new');
    expect(error.message).toBe(
      'this bundle was written by a newer Slipway (bundle format 2; this Slipway reads up to 1): update Slipway',
    );
  });

  it('names the field a manifest lacks or gets wrong', async () => {
    const lacking = bundle({ editManifest: (m) => delete (m.source as Record<string, unknown>).sha256 });
    expect((await failure(lacking.dir)).message).toMatch(/^slipway-manifest\.json is invalid: source\.sha256: /);
    const wrong = bundle({
      editManifest: (m) => ((m.serving as { settings: { instances: number } }).settings.instances = 0),
    });
    expect((await failure(wrong.dir)).message).toMatch(/serving\.settings\.instances: /);
    const climbing = bundle({
      editManifest: (m) =>
        (m.files as { path: string }[]).push({ path: '../outside', bytes: 1, sha256: '0'.repeat(64) } as never),
    });
    expect((await failure(climbing.dir)).message).toMatch(/files\.\d+\.path: no "\.\."/);
  });

  it('refuses what is not a Slipway manifest', async () => {
    const { dir } = bundle();
    writeFileSync(join(dir, 'slipway-manifest.json'), '{"format": "something-else", "formatVersion": 1}');
    expect((await failure(dir)).message).toContain('is not a Slipway bundle manifest');
    writeFileSync(join(dir, 'slipway-manifest.json'), '{ not json');
    expect((await failure(dir)).message).toMatch(/^slipway-manifest\.json is not valid JSON/);
    rmSync(join(dir, 'slipway-manifest.json'));
    expect((await failure(dir)).message).toContain('has no slipway-manifest.json');
  });
});
