// `slipway export` as users run it (the built bin/slipway.js): a bundle written where --out says with its
// archive, the dry run, the refusals with their exit codes, and the round trip through `slipway bundles import`
// into another library — which refuses the bundle once a file in it was changed, naming the file.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundleImportResult, ExportPlan, ExportResult } from '../../../src-shared/contract';
import { runCli, runCliJson } from '../../helpers/runCli';
import { tempDir } from '../../helpers/tempDir';

const home = tempDir();

describe('slipway export', () => {
  it('writes the bundle and its archive, and another library imports it back', async () => {
    const out = join(tempDir(), 'cancer-bundle');
    const text = await runCli([
      'export',
      'cancer-logreg:2',
      '--target',
      'triton,standalone',
      '--out',
      out,
      '--tar',
      '--home',
      home,
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`exported cancer-logreg:2 (triton, standalone) to ${out}`);
    expect(text.stdout).toMatch(/archive .*cancer-bundle\.tar\.gz/);
    expect(existsSync(join(out, 'triton', 'cancer-logreg', 'config.pbtxt'))).toBe(true);
    expect(existsSync(join(out, 'standalone', 'server.js'))).toBe(true);

    const other = tempDir();
    const imported = await runCliJson<BundleImportResult>([
      'bundles',
      'import',
      `${out}.tar.gz`,
      '--name',
      'cancer-copy',
      '--home',
      other,
    ]);
    expect(imported).toMatchObject({ model: 'cancer-copy', version: 2, created: true, referenceProfile: true });
  }, 120_000);

  it('prints what it would write with --dry-run and writes nothing', async () => {
    const out = join(tempDir(), 'dry');
    const plan = await runCliJson<ExportPlan>([
      'export',
      'digits-mlp:1',
      '--target',
      'all',
      '--out',
      out,
      '--dry-run',
      '--home',
      home,
    ]);
    expect(plan.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['triton/digits-mlp/config.pbtxt', 'kserve/inferenceservice.yaml', 'edge/parity.json']),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a tampered bundle on import, names the file and imports nothing', async () => {
    const out = join(tempDir(), 'digits');
    await runCliJson<ExportResult>(['export', 'digits-mlp:1', '--target', 'triton', '--out', out, '--home', home]);
    const config = join(out, 'triton', 'digits-mlp', 'config.pbtxt');
    // Same size, one byte changed: only the checksum can tell.
    const original = readFileSync(config, 'utf8');
    const tampered = original.replace('"onnxruntime_onnx"', '"onnxruntime_onnX"');
    expect(tampered).not.toBe(original);
    writeFileSync(config, tampered);
    const other = tempDir();
    const result = await runCli(['bundles', 'import', out, '--name', 'digits-import', '--home', other]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('triton/digits-mlp/config.pbtxt: sha256 differs from the manifest');
    const list = await runCliJson<{ name: string }[]>(['models', 'list', '--home', other]);
    expect(list.map((m) => m.name)).not.toContain('digits-import');

    appendFileSync(config, '\n# edited\n');
    const longer = await runCli(['bundles', 'import', out, '--home', other]);
    expect(longer.stderr).toMatch(/triton\/digits-mlp\/config\.pbtxt: \d+ bytes, the manifest says \d+/);
  }, 60_000);

  it('says which versions exist when asked for one that does not', async () => {
    const result = await runCli(['export', 'digits-mlp:7', '--target', 'triton', '--home', home]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('digits-mlp has no version 7; its versions are 1, 2');
  });

  it('names the targets when one is unknown or none is given', async () => {
    const unknown = await runCli(['export', 'digits-mlp:1', '--target', 'onnx-zoo', '--home', home]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown target 'onnx-zoo': expected triton, kserve, standalone, edge or all");
    const none = await runCli(['export', 'digits-mlp:1', '--home', home]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('name at least one --target');
  });

  it('refuses an output folder that is not empty and leaves it alone', async () => {
    const out = join(tempDir(), 'mine');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep');
    const result = await runCli(['export', 'digits-mlp:1', '--target', 'triton', '--out', out, '--home', home]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('is not empty (1 entry); an export never overwrites');
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });
});
