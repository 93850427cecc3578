// `slipway bundles verify|import` as users run them (the built bin/slipway.js): the summary, --json, and one
// stderr line with the right exit code for a tampered or too-new bundle.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundleImportResult } from '../../../src-shared/contract';
import { digitsReferenceProfile, tarBundle, writeBundleFolder } from '../../helpers/bundleFixtures';
import { runCli, runCliJson } from '../../helpers/runCli';
import { tempDir } from '../../helpers/tempDir';

describe('slipway bundles', () => {
  it('verifies and imports a .tar.gz bundle, with --name and --json', async () => {
    const home = tempDir();
    const { dir } = writeBundleFolder(join(tempDir(), 'digits-mlp-v4'), {
      version: 4,
      settings: { instances: 3 },
      referenceProfile: digitsReferenceProfile(),
    });
    const archive = await tarBundle(dir);

    const verify = await runCli(['bundles', 'verify', archive, '--home', home]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^digits-mlp-v4\.tar\.gz: verified 3 files \(.+\) against slipway-manifest\.json/);
    expect(verify.stdout).toContain('model      digits-mlp:4');
    expect(verify.stdout).toContain('reference  digits-ref (');

    const result = await runCliJson<BundleImportResult>([
      'bundles',
      'import',
      archive,
      '--name',
      'digits-prod',
      '--home',
      home,
    ]);
    expect(result).toMatchObject({
      model: 'digits-prod',
      version: 4,
      created: true,
      verifiedFiles: 3,
      referenceProfile: true,
    });
    const config = await runCliJson<{ settings: { instances: number } }>([
      'models',
      'config',
      'digits-prod:4',
      '--home',
      home,
    ]);
    expect(config.settings.instances).toBe(3);

    // The demo library already holds digits-mlp with these bytes: the same version comes back, unchanged.
    const again = await runCli(['bundles', 'import', dir, '--home', home]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^already in the library: digits-mlp:1 \(3 files verified\)/);
  });

  it('exits 1 naming a tampered file, and 4 for a bundle from a newer Slipway', async () => {
    const home = tempDir();
    const { dir } = writeBundleFolder(join(tempDir(), 'digits-mlp-v1'));
    const path = join(dir, 'triton', 'digits-mlp', '1', 'model.onnx');
    const bytes = readFileSync(path);
    bytes[100]! ^= 0x01;
    writeFileSync(path, bytes);
    const tampered = await runCli(['bundles', 'import', dir, '--home', home]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toBe('');
    expect(tampered.stderr.trim().split('\n').at(-1)).toBe(
      'slipway: error: triton/digits-mlp/1/model.onnx: sha256 differs from the manifest (tampered or corrupted)',
    );

    const newer = writeBundleFolder(join(tempDir(), 'newer'), { editManifest: (m) => (m.formatVersion = 2) });
    const tooNew = await runCli(['bundles', 'verify', newer.dir, '--home', home, '--json']);
    expect(tooNew.code).toBe(4);
    expect(JSON.parse(tooNew.stderr)).toEqual({
      error: {
        code: 'too-new',
        message:
          'this bundle was written by a newer Slipway (bundle format 2; this Slipway reads up to 1): update Slipway',
      },
    });
  });
});
