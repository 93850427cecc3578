// End-to-end: the Export screen in web mode — reached from the rail, it plans digits-mlp:1 for Triton and KServe
// (the planned files listed), exports into a temporary folder with a summary whose files are on disk, and answers
// "Reveal folder" with the path where it cannot open a file manager; a folder that is not empty shows the plan's
// error and the Export button stays disabled.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleManifestSchema } from '../../src-shared/contract';
import { tempDir } from '../helpers/tempDir';
import { textOf, useWebApp } from './webApp';

const TIMEOUT = 90_000;

const web = useWebApp(TIMEOUT);

/** Waits until the plan on screen is the plan of `outDir` (it is asked a moment after the choices change). */
async function planFor(outDir: string): Promise<void> {
  await expect
    .poll(async () => {
      const shown = web.page.getByTestId('export-plan-outdir');
      return (await shown.count()) > 0 ? await shown.textContent() : null;
    })
    .toBe(outDir);
}

describe('Export screen', () => {
  it(
    'plans and exports digits-mlp:1 for Triton and KServe, and shows where it went',
    async () => {
      await web.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Export' }).click();
      await web.page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
      await web.page.getByLabel('Model version').selectOption('digits-mlp:1');
      await web.page.getByRole('checkbox', { name: 'KServe', exact: true }).check();
      // KServe reads the Triton repository, so Triton is ticked and cannot be unticked while KServe is.
      const triton = web.page.getByRole('checkbox', { name: /^Triton/ });
      expect(await triton.isChecked()).toBe(true);
      expect(await triton.isDisabled()).toBe(true);
      await web.page.getByLabel('KServe storageUri').fill('s3://models/digits/triton');

      // The default folder is shown before anything is typed.
      await expect.poll(() => web.page.getByLabel('Output folder').inputValue()).toContain('digits-mlp-v1');
      const outDir = join(tempDir(), 'digits-bundle');
      await web.page.getByLabel('Output folder').fill(outDir);
      await planFor(outDir);
      const table = web.page.getByRole('table', { name: 'Files the export will write' });
      const planned = (await table.textContent()) ?? '';
      for (const file of [
        'triton/digits-mlp/config.pbtxt',
        'triton/digits-mlp/1/model.onnx',
        'kserve/inferenceservice.yaml',
        'slipway-manifest.json',
      ])
        expect(planned).toContain(file);
      expect(planned).not.toContain('standalone/');
      expect(await textOf(web.page, 'export-plan-notes')).toMatch(/no finished load test of digits-mlp:1/);
      await web.app.screenshot('export-plan');

      const exportButton = web.page.getByRole('button', { name: 'Export', exact: true });
      expect(await exportButton.isEnabled()).toBe(true);
      await exportButton.click();
      await web.page.getByTestId('export-summary').waitFor({ timeout: 60_000 });
      expect(await textOf(web.page, 'export-summary-folder')).toBe(outDir);
      expect(await textOf(web.page, 'export-summary-storage')).toContain('s3://models/digits/triton');
      expect(await textOf(web.page, 'export-summary-loadtest')).toMatch(/none yet/);

      for (const file of [
        'triton/digits-mlp/config.pbtxt',
        'triton/digits-mlp/1/model.onnx',
        'kserve/inferenceservice.yaml',
        'slipway-manifest.json',
      ])
        expect(existsSync(join(outDir, file)), file).toBe(true);
      const manifest = BundleManifestSchema.parse(
        JSON.parse(readFileSync(join(outDir, 'slipway-manifest.json'), 'utf8')),
      );
      expect(manifest.targets).toEqual(['triton', 'kserve']);
      expect(await textOf(web.page, 'export-summary-files')).toContain(String(manifest.files.length + 1));
      // The folder it filled is no longer offered: the plan goes back to a free default folder.
      await expect.poll(() => web.page.getByLabel('Output folder').inputValue()).toContain('digits-mlp-v1');
      await expect.poll(() => web.page.getByTestId('export-plan-error').count()).toBe(0);

      // The engine runs without a desktop session here: it names the folder rather than opening it.
      await web.page.getByRole('button', { name: 'Reveal folder' }).click();
      await web.page.getByTestId('export-reveal-path').waitFor();
      expect(await textOf(web.page, 'export-reveal-path')).toContain(outDir);
      await web.page.getByTestId('export-summary').scrollIntoViewIfNeeded();
      await web.app.screenshot('export-done');
    },
    TIMEOUT,
  );

  it(
    'shows why a folder that is not empty cannot take the bundle, with Export disabled',
    async () => {
      const full = tempDir();
      writeFileSync(join(full, 'notes.txt'), 'mine');
      await web.page.getByLabel('Output folder').fill(full);
      // The error shown is the plan of this folder, not one left from an earlier choice.
      await expect.poll(() => textOf(web.page, 'export-plan-error')).toContain(full);
      expect(await textOf(web.page, 'export-plan-error')).toMatch(/not empty/);
      expect(await web.page.getByRole('button', { name: 'Export', exact: true }).isDisabled()).toBe(true);
      await web.app.screenshot('export-not-empty');
      // Nothing was written into it.
      expect(existsSync(join(full, 'slipway-manifest.json'))).toBe(false);
    },
    TIMEOUT,
  );
});
