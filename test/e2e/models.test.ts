// End-to-end: the Models screens in web mode — import by upload and by drop, the version page's inspection,
// stage and notes that persist, Try it (random, sample row with top-k, bad JSON), and removal with confirmation.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { model } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';
import { openHash, useWebApp } from './webApp';

const TIMEOUT = 60_000;

const web = useWebApp(TIMEOUT);
/** The model the upload test imports; later tests open, edit, run and finally remove it. */
let imported = { name: '', version: 0 };

// Code passed to the page runs in Chromium; it is written as source text because this file is typed for Node.
const focusedText = () => web.page.evaluate<string | undefined>('document.activeElement?.textContent');

async function openVersion(name: string, version: number): Promise<void> {
  await openHash(web.page, `#/models/${encodeURIComponent(name)}/${version}`);
  await web.page.locator('.version-page h1').filter({ hasText: name }).waitFor();
}

describe('Models screens', () => {
  it(
    'imports a model by upload, shows the job finish and the model in the library',
    async () => {
      await openHash(web.page, '#/models');
      await web.page.getByTestId('library').waitFor();
      const file = join(tempDir(), 'e2e-upload.onnx');
      copyFileSync(model('multi-dtype.onnx'), file);

      await web.page.getByTestId('import-file').setInputFiles(file);
      const line = web.page.getByTestId('import-line').filter({ hasText: 'e2e-upload.onnx' });
      const link = line.getByRole('link');
      await link.waitFor();
      expect(await line.textContent()).toContain('Imported as');
      const [name = '', version = ''] = (await link.textContent())!.split(':');
      expect(name).toMatch(/e2e-upload/);
      imported = { name, version: Number(version) };
      await web.page
        .locator(`tbody[data-model="${name}"]`)
        .getByRole('link', { name: `${name} version 1` })
        .waitFor();

      // A file that is not a model fails with the engine's own explanation.
      const bad = join(tempDir(), 'not-a-model.onnx');
      writeFileSync(bad, 'hello, this is text\n');
      await web.page.getByTestId('import-file').setInputFiles(bad);
      const failed = web.page.getByTestId('import-line').filter({ hasText: 'not-a-model.onnx' });
      await failed.getByRole('alert').waitFor();
      expect(await failed.getByRole('alert').textContent()).toMatch(/not an ONNX model/);
      await web.app.screenshot('models-import');
    },
    TIMEOUT,
  );

  it(
    'imports a model dropped on the page',
    async () => {
      await openHash(web.page, '#/models');
      const bytes = readFileSync(model('digits-mlp-v1.onnx')).toString('base64');
      const transfer = await web.page.evaluateHandle(`(() => {
        const data = Uint8Array.from(atob(${JSON.stringify(bytes)}), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], 'dropped-digits.onnx'));
        return dt;
      })()`);
      await web.page.dispatchEvent('.models-page', 'dragenter', { dataTransfer: transfer });
      expect(await web.page.getByTestId('dropzone').textContent()).toContain('Drop to import');
      await web.page.dispatchEvent('.models-page', 'drop', { dataTransfer: transfer });
      const line = web.page.getByTestId('import-line').filter({ hasText: 'dropped-digits.onnx' });
      await line.getByRole('link').waitFor();
      expect(await web.page.getByTestId('dropzone').textContent()).not.toContain('Drop to import');
      await web.app.screenshot('models-drop');
    },
    TIMEOUT,
  );

  it(
    'shows the inspection on the version page',
    async () => {
      await openHash(web.page, '#/models');
      await web.page.getByRole('link', { name: `${imported.name} version ${imported.version}` }).click();
      await web.page.locator('.version-page h1').filter({ hasText: imported.name }).waitFor();

      const inputs = web.page.getByTestId('signature-inputs');
      const rows = await inputs.locator('tbody tr').allInnerTexts();
      expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
        'x float32 [batch, 4]',
        'scale float64 [batch, 1]',
        'flags bool [batch, 4]',
      ]);
      expect(await inputs.locator('.dim-symbolic').first().textContent()).toBe('batch');
      const outputs = await web.page.getByTestId('signature-outputs').locator('tbody tr').allInnerTexts();
      expect(outputs.join('\n')).toMatch(/count\s+int32\s+\[batch\]/);

      const histogram = await web.page.getByTestId('op-histogram').locator('li').allInnerTexts();
      expect(histogram[0]).toMatch(/Cast\s+3/);
      expect(histogram.join('\n')).toContain('Where');
      const facts = await web.page.getByTestId('facts').innerText();
      expect(facts).toMatch(/IR version\s+7/);
      expect(facts).toMatch(/ai\.onnx \(default\) 13/);
      expect(facts).toContain('f88e01238b435348a082348a655afa3a23aae463f862ee2779f7be6b7ad1fcf0');
      expect(await web.page.getByTestId('metadata').innerText()).toContain('dtype handling');
      await web.app.screenshot('version-inspection');
    },
    TIMEOUT,
  );

  it(
    'says so for a version that is not in the library',
    async () => {
      await openHash(web.page, '#/models/digits-mlp/99');
      await web.page.getByText('This version is not in the library').waitFor();
      await web.page.getByRole('link', { name: 'v2' }).waitFor();
      await web.app.screenshot('version-missing');
    },
    TIMEOUT,
  );

  it(
    'saves stage and notes so that they survive a reload',
    async () => {
      await openVersion(imported.name, imported.version);
      await web.page.getByTestId('stage').selectOption('staging');
      await web.page.getByTestId('save-status').filter({ hasText: 'Stage saved.' }).waitFor();
      await web.page.getByTestId('notes').fill('checked by the e2e test');
      await web.page.getByRole('button', { name: 'Save notes' }).click();
      await web.page.getByTestId('save-status').filter({ hasText: 'Notes saved.' }).waitFor();

      await web.page.reload();
      await web.page.locator('.version-page h1').filter({ hasText: imported.name }).waitFor();
      expect(await web.page.getByTestId('stage').inputValue()).toBe('staging');
      expect(await web.page.getByTestId('stage-badge').textContent()).toBe('staging');
      expect(await web.page.getByTestId('notes').inputValue()).toBe('checked by the e2e test');
      const { json } = await web.app.api<{ stage: string }>(
        'GET',
        `/models/${imported.name}/versions/${imported.version}`,
      );
      expect(json.stage).toBe('staging');
      await web.app.screenshot('version-stage');
    },
    TIMEOUT,
  );

  it(
    'runs Try it with random inputs and shows outputs, provider and latency',
    async () => {
      await openVersion(imported.name, imported.version);
      await web.page.getByLabel('Random values').check();
      await web.page.getByTestId('dim-batch').fill('2');
      await web.page.getByTestId('seed').fill('7');
      await web.page.getByRole('button', { name: 'Run', exact: true }).click();
      await web.page.getByTestId('run-result').waitFor();

      for (const [name, type, shape] of [
        ['y', 'float32', '[2, 4]'],
        ['count', 'int32', '[2]'],
        ['mask', 'uint8', '[2, 4]'],
      ] as const) {
        const head = await web.page.getByTestId(`output-${name}`).locator('.output-head').innerText();
        expect(head.replace(/\s+/g, ' ')).toBe(`${name} ${type} ${shape}`);
      }
      expect(await web.page.getByTestId('run-provider').innerText()).toMatch(/^cpu/);
      expect(await web.page.getByTestId('run-latency').innerText()).toMatch(/\d+(\.\d+)? (µs|ms|s) per request/);

      // The same seed gives the same values.
      const first = await web.page.getByTestId('output-y').locator('pre').innerText();
      await web.page.getByRole('button', { name: 'Run', exact: true }).click();
      await web.page.getByRole('button', { name: 'Run', exact: true }).waitFor();
      expect(await web.page.getByTestId('output-y').locator('pre').innerText()).toBe(first);
      await web.page.getByTestId('run-result').scrollIntoViewIfNeeded();
      await web.app.screenshot('tryit-random');
    },
    TIMEOUT,
  );

  it(
    'runs Try it on a sample row of digits-mlp and lists the top 5 classes',
    async () => {
      await openVersion('digits-mlp', 1);
      await web.page.getByLabel('A sample row').check();
      await web.page.getByTestId('sample-file').selectOption('digits_live_same.jsonl');
      await web.page.getByTestId('sample-row').fill('3');
      await web.page.getByRole('button', { name: 'Run', exact: true }).click();
      const topk = web.page.getByTestId('topk');
      await topk.waitFor();
      const classes = await topk.locator('li').allInnerTexts();
      expect(classes).toHaveLength(5);
      expect(classes[0]).toMatch(/class 6/);
      expect(classes[0]).toMatch(/\d+(\.\d+)?%/);
      expect(await web.page.getByTestId('sample-label').textContent()).toBe('6');
      // Only the probabilities output is ranked, not the logits.
      expect(await web.page.getByTestId('topk').count()).toBe(1);
      await web.page.getByTestId('output-probabilities').getByTestId('topk').waitFor();
      await topk.scrollIntoViewIfNeeded();
      await web.app.screenshot('tryit-sample-topk');
    },
    TIMEOUT,
  );

  it(
    'reports malformed JSON and the engine’s shape errors next to the form, keeping the text',
    async () => {
      await openVersion('digits-mlp', 1);
      await web.page.getByLabel('Pasted JSON').check();
      const box = web.page.getByTestId('paste-json');
      await box.fill('{"pixels": [[0.1, 0.2,');
      await web.page.getByRole('button', { name: 'Run', exact: true }).click();
      const error = web.page.getByTestId('tryit-error');
      await error.waitFor();
      expect(await error.textContent()).toMatch(/^Paste JSON: not valid JSON/);
      expect(await box.inputValue()).toBe('{"pixels": [[0.1, 0.2,');

      await box.fill('{"pixels": [[1, 2]]}');
      await web.page.getByRole('button', { name: 'Run', exact: true }).click();
      await error.filter({ hasText: 'expected 64 values' }).waitFor();
      expect(await error.textContent()).toBe("input 'pixels': expected 64 values in dim 1, got 2 (at [0])");
      expect(await box.inputValue()).toBe('{"pixels": [[1, 2]]}');
      await error.scrollIntoViewIfNeeded();
      await web.app.screenshot('tryit-json-error');
    },
    TIMEOUT,
  );

  it(
    'removes a version after confirmation, and not while it is served',
    async () => {
      const started = await web.app.api<{ state: string }>('POST', '/serving/start', {
        port: 0,
        models: [`${imported.name}:${imported.version}`],
      });
      expect(started.status).toBe(200);
      await openHash(web.page, '#/models');
      const row = web.page.locator(`tbody[data-model="${imported.name}"] tr`).first();
      await row.getByText('yes').waitFor();
      expect(await row.innerText()).toMatch(/cpu/);
      await web.app.screenshot('models-served');

      await openVersion(imported.name, imported.version);
      // Keyboard: the confirmation takes focus on its safe choice, and Escape backs out.
      await web.page.getByRole('button', { name: 'Remove version…' }).click();
      expect(await focusedText()).toBe('Keep it');
      await web.page.keyboard.press('Escape');
      await web.page.locator('#remove-confirm-text').waitFor({ state: 'detached' });
      await web.page.waitForFunction(`document.activeElement?.textContent === 'Remove version…'`);
      await web.page.keyboard.press('Enter');
      expect(await web.page.locator('#remove-confirm-text').textContent()).toMatch(/cannot be undone/);
      await web.page.getByRole('button', { name: `Remove ${imported.name}:${imported.version}` }).click();
      await web.page.getByTestId('remove-error').waitFor();
      expect(await web.page.getByTestId('remove-error').textContent()).toMatch(/is being served/);
      await web.page.getByTestId('remove-error').scrollIntoViewIfNeeded();
      await web.app.screenshot('version-remove-refused');

      expect((await web.app.api('POST', '/serving/stop')).status).toBe(200);
      await web.page.getByRole('button', { name: `Remove ${imported.name}:${imported.version}` }).click();
      await web.page
        .getByTestId('notice')
        .filter({ hasText: `Removed ${imported.name}:${imported.version}` })
        .waitFor();
      await web.page.getByTestId('library').waitFor();
      await web.page.locator(`tbody[data-model="${imported.name}"]`).waitFor({ state: 'detached' });
      const gone = await web.app.api('GET', `/models/${imported.name}/versions/${imported.version}`);
      expect(gone.status).toBe(404);
      await web.app.screenshot('models-removed');
    },
    TIMEOUT,
  );

  it(
    'shows the empty state once the library is empty',
    async () => {
      await web.app.api('POST', '/serving/stop');
      const { json: models } = await web.app.api<{ name: string; versions: { version: number }[] }[]>('GET', '/models');
      for (const m of models)
        for (const v of m.versions)
          expect((await web.app.api('DELETE', `/models/${m.name}/versions/${v.version}`)).status).toBe(200);
      await openHash(web.page, '#/models');
      await web.page.getByText('The library is empty').waitFor();
      await web.page.getByTestId('library').waitFor({ state: 'detached' });
      await web.app.screenshot('models-empty');
    },
    TIMEOUT,
  );
});
