// End-to-end: the Compare screen in web mode — pick digits-mlp v1 and v2 and the demo dataset (the fit and the
// inferred prediction shown before running), run with a progress bar, read the report (agreement ≈ 95.6 % with
// its interval, the flip matrix, |Δ| per output), open a row in the disagreement explorer, export the flips as a
// dataset and download the HTML report; the drift table and overlay against the reference on digits_live_drift;
// a dataset upload that does not fit its model, with every problem listed; the dataset profile; and the Serve
// screen's live drift, whose alert shows for the version that receives drifted traffic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { data } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';
import { openHash, shoot, textOf, useWebApp } from './webApp';

const TIMEOUT = 90_000;

const web = useWebApp(TIMEOUT);

/** Ticks exactly these versions, in this order (the first is the baseline). */
async function pickVersions(refs: string[]): Promise<void> {
  const checked = web.page.locator('[data-testid^="pick-"]:checked');
  while ((await checked.count()) > 0) await checked.first().uncheck();
  for (const ref of refs) await web.page.getByTestId(`pick-${ref}`).check();
}

/** A slow comparison started through the API (50 000 bootstrap resamples: a few seconds), so the next one waits behind it. */
async function startBlocker(): Promise<string> {
  const started = await web.app.api<{ id: string }>('POST', '/comparisons', {
    name: 'blocker',
    versions: ['digits-mlp:1', 'digits-mlp:2'],
    dataset: 'digits-reference',
    bootstrap: { iterations: 50_000 },
  });
  expect(started.status).toBe(200);
  return started.json.id;
}

async function datasetId(name: string): Promise<string> {
  const list = await web.app.api<{ id: string; name: string }[]>('GET', '/datasets');
  return list.json.find((d) => d.name === name)!.id;
}

describe('Compare screen', () => {
  it(
    'sets up digits v1 against v2 on the live data, showing the fit and the inferred prediction',
    async () => {
      await openHash(web.page, '#/compare');
      await web.page
        .getByRole('link', { name: 'Compare', exact: true })
        .and(web.page.locator('[aria-current="page"]'))
        .waitFor();
      // First visit: two versions of one model and a dataset that fits them are already chosen.
      await expect.poll(() => web.page.locator('[data-testid^="pick-"]:checked').count()).toBe(2);
      expect(await web.page.getByTestId('compare-dataset').inputValue()).not.toBe('');
      await pickVersions(['digits-mlp:1', 'digits-mlp:2']);
      await web.page.getByTestId('compare-dataset').selectOption(await datasetId('digits-live-same'));
      // The fit is checked again for the new choice: wait for both verdicts, not for the previous ones.
      await expect.poll(() => web.page.locator('[data-testid="fit-line"][data-fits="true"]').count()).toBe(2);
      expect(await web.page.getByTestId('fit-line').count()).toBe(2);
      await expect
        .poll(() => textOf(web.page, 'prediction-choices'))
        .toMatch(/digits-mlp:1: .*'probabilities'.*argmax.*\(inferred\)/);
      const baseline = web.page.locator('label.version-choice', { has: web.page.getByTestId('pick-digits-mlp:1') });
      expect(await baseline.textContent()).toMatch(/baseline/);

      // A dataset that does not fit says so per version, and Run waits.
      await web.page.getByTestId('compare-dataset').selectOption(await datasetId('cancer-live-same'));
      await expect.poll(() => web.page.locator('[data-testid="fit-line"][data-fits="false"]').count()).toBe(2);
      expect(await web.page.getByTestId('fit-problem').count()).toBeGreaterThan(0);
      expect(await web.page.getByTestId('run-comparison').isDisabled()).toBe(true);
      expect(await textOf(web.page, 'compare-problems')).toMatch(/the dataset does not fit digits-mlp:1, digits-mlp:2/);
      await shoot(web.app, 'compare-misfit', 'fit-summary');

      // One version is not a comparison.
      await web.page.getByTestId('compare-dataset').selectOption(await datasetId('digits-live-same'));
      await web.page.getByTestId('pick-digits-mlp:2').uncheck();
      await expect.poll(() => textOf(web.page, 'compare-problems')).toMatch(/tick at least two versions/);
      await web.page.getByTestId('pick-digits-mlp:2').check();
      await web.page.getByTestId('compare-reference').selectOption(await datasetId('digits-reference'));
      await expect.poll(() => web.page.getByTestId('run-comparison').isEnabled()).toBe(true);
      await web.app.screenshot('compare-form');
    },
    TIMEOUT,
  );

  it(
    'runs the comparison with a progress bar and shows agreement ≈ 95.6 % with its interval',
    async () => {
      const blocker = await startBlocker();
      await web.page.getByTestId('run-comparison').click();
      await web.page.getByTestId('live-comparison').waitFor({ timeout: 10_000 });
      expect(await web.page.evaluate('window.location.hash')).toMatch(/^#\/compare\/runs\/.+/);
      expect(await textOf(web.page, 'comparison-state')).toBe('Queued');
      expect(await web.page.getByTestId('comparison-progress').getAttribute('data-progress')).toBe('0');
      expect(await textOf(web.page, 'comparison-progress-text')).toMatch(/^0% · Checking · 0 of 1\D?797 rows$/);
      await web.app.screenshot('compare-queued');
      // Ours starts as soon as the one ahead of it has finished.
      await web.page.getByTestId('comparison-report').waitFor({ timeout: 60_000 });
      const ahead = await web.app.api<{ state: string }>('GET', `/comparisons/${blocker}`);
      expect(ahead.json.state).toBe('succeeded');
      expect(await textOf(web.page, 'comparison-state')).toBe('Done');

      const agreement = web.page.getByTestId('pair-agreement').first();
      expect(Number(await agreement.getAttribute('data-value'))).toBeCloseTo(0.956, 2);
      expect(await agreement.textContent()).toMatch(/^95\.6 % \[\d+\.\d – \d+\.\d\]$/);
      const accuracies = await web.page.getByTestId('version-accuracy').allTextContents();
      expect(accuracies).toHaveLength(2);
      for (const a of accuracies) expect(a).toMatch(/^\d+\.\d % \[\d+\.\d – \d+\.\d\]$/);
      // 24 disagreements: the off-diagonal cells of the flip matrix.
      const flips = await web.page.getByTestId('flip-cell').allTextContents();
      expect(flips.reduce((n, t) => n + Number(t), 0)).toBe(24);
      expect(await web.page.getByTestId('delta-row').count()).toBe(2);
      await shoot(web.app, 'compare-report', 'comparison-report');
      await shoot(web.app, 'compare-flips', 'flip-matrix');
    },
    TIMEOUT,
  );

  it(
    'opens a row in the disagreement explorer with its inputs and both outputs, and exports the flips',
    async () => {
      await web.page.getByTestId('explorer-sort-flips').click();
      const first = web.page.getByTestId('explorer-row').first();
      expect(await first.getAttribute('data-flip')).toBe('negative');
      await first.getByTestId('explorer-open').click();
      const detail = web.page.getByTestId('explorer-detail');
      await detail.waitFor();
      expect(await detail.textContent()).toMatch(/pixels\s*\(64 values\)/);
      expect(await detail.locator('.outputs-table tbody tr').count()).toBe(10);
      await shoot(web.app, 'compare-explorer', 'explorer');

      await web.page.getByTestId('export-name').fill('e2e-flips');
      await web.page.getByTestId('export-limit').fill('10');
      await web.page.getByTestId('export-submit').click();
      await expect.poll(() => textOf(web.page, 'export-done')).toMatch(/^Stored as e2e-flips \(10 rows\)$/);
      const stored = await web.app.api<{ name: string; rows: number }[]>('GET', '/datasets');
      expect(stored.json.find((d) => d.name === 'e2e-flips')?.rows).toBe(10);

      const [download] = await Promise.all([
        web.page.waitForEvent('download'),
        web.page.getByTestId('download-html').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^slipway-compare-.+\.html$/);
      const file = join(tempDir(), download.suggestedFilename());
      await download.saveAs(file);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('digits-mlp:2');
      expect(html).not.toMatch(/<script/i);
    },
    TIMEOUT,
  );

  it(
    'cancels a comparison from its progress view',
    async () => {
      const blocker = await startBlocker();
      await openHash(web.page, '#/compare');
      await web.page.getByTestId('run-comparison').click();
      await web.page.getByTestId('live-comparison').waitFor({ timeout: 10_000 });
      const id = await web.page.getByTestId('comparison-view').getAttribute('data-id');
      await web.page.getByTestId('cancel-comparison').click();
      await web.page.getByTestId('comparison-cancelled').waitFor({ timeout: 10_000 });
      expect(await textOf(web.page, 'comparison-state')).toBe('Cancelled');
      await openHash(web.page, '#/compare/runs');
      await expect
        .poll(
          () => web.page.locator(`[data-testid="comparison-row"][data-id="${blocker}"]`).getAttribute('data-state'),
          {
            timeout: 60_000,
          },
        )
        .toBe('succeeded');
      const row = web.page.locator(`[data-testid="comparison-row"][data-id="${id}"]`);
      expect(await row.getAttribute('data-state')).toBe('cancelled');
      // A finished comparison can be deleted from the list; this one is gone after Delete and confirm.
      await row.getByTestId('delete-comparison').click();
      await row.getByTestId('confirm-delete-comparison').click();
      await expect.poll(() => row.count()).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'shows the drift table sorted by severity, with the overlay of the chosen feature, on digits_live_drift',
    async () => {
      await openHash(web.page, '#/compare/drift');
      await web.page.getByTestId('drift-current').selectOption(await datasetId('digits-live-drift'));
      await web.page.getByTestId('drift-reference').selectOption(await datasetId('digits-reference'));
      await web.page.getByTestId('run-drift').click();
      const report = web.page.getByTestId('drift-report').first();
      await report.waitFor({ timeout: 60_000 });
      expect(await web.page.getByTestId('drift-verdict').first().getAttribute('data-drift')).toBe('true');
      const rows = web.page.getByTestId('drift-row');
      expect(await rows.count()).toBe(64);
      expect(await rows.first().getAttribute('data-drifted')).toBe('true');
      const chosen = await rows.nth(3).getAttribute('data-feature');
      await rows.nth(3).locator('button').click();
      await expect.poll(() => textOf(web.page, 'histogram-overlay')).toContain(`${chosen}: reference vs current`);
      expect(await web.page.locator('[data-testid="histogram-overlay"] canvas').count()).toBe(1);
      await shoot(web.app, 'compare-drift', 'drift-report');

      // The same dataset against its reference finds no dataset drift.
      await web.page.getByTestId('drift-current').selectOption(await datasetId('digits-live-same'));
      await web.page.getByTestId('run-drift').click();
      await expect.poll(() => web.page.getByTestId('drift-verdict').count(), { timeout: 60_000 }).toBe(2);
      expect(await web.page.getByTestId('drift-verdict').first().getAttribute('data-drift')).toBe('false');
    },
    TIMEOUT,
  );

  it(
    'uploads a CSV that does not fit the chosen model and lists every problem; the profile of one that does',
    async () => {
      await openHash(web.page, '#/compare/datasets');
      await web.page.getByTestId('dataset-model').selectOption('digits-mlp:1');
      await web.page.getByTestId('dataset-name').fill('cancer-as-digits');
      await web.page.getByTestId('dataset-file').setInputFiles(data('cancer_live_same.csv'));
      const line = web.page.getByTestId('dataset-import-line').first();
      await expect.poll(() => line.getAttribute('data-state'), { timeout: 20_000 }).toBe('failed');
      expect(await textOf(web.page, 'dataset-import-error')).toMatch(/cancer_live_same\.csv/);
      expect(await web.page.getByTestId('fit-problem').count()).toBeGreaterThan(0);
      await shoot(web.app, 'compare-import-misfit', 'dataset-import');

      await web.page.getByTestId('dataset-name').fill('digits-upload');
      await web.page.getByTestId('dataset-file').setInputFiles(data('digits_live_same.csv'));
      await expect
        .poll(() => textOf(web.page, 'dataset-imported'), { timeout: 20_000 })
        .toMatch(/Imported as digits-upload/);
      await web.page.getByRole('link', { name: 'digits-upload' }).first().click();
      await web.page.getByTestId('dataset-view').waitFor();
      expect(await web.page.getByTestId('profile-row').count()).toBe(64);
      expect(await web.page.getByTestId('mini-histogram').count()).toBeGreaterThan(0);
      await web.page.getByTestId('fit-version').selectOption('digits-mlp:2');
      await expect.poll(() => web.page.getByTestId('fit-result').getAttribute('data-fits')).toBe('true');
      await web.page.getByTestId('fit-version').selectOption('cancer-logreg:1');
      await expect.poll(() => web.page.getByTestId('fit-result').getAttribute('data-fits')).toBe('false');
      expect(await web.page.getByTestId('set-reference').isDisabled()).toBe(true);
      await shoot(web.app, 'compare-dataset', 'dataset-view');
    },
    TIMEOUT,
  );

  it(
    'shows live drift on the Serve screen: an alert for the version whose traffic drifted, a note for one not yet called',
    async () => {
      await openHash(web.page, '#/serve');
      await web.page.getByTestId('port').fill('0');
      await web.page.getByTestId('drift-sample').fill('100');
      await web.page.getByTestId('start').click();
      await expect.poll(() => textOf(web.page, 'serving-state'), { timeout: 20_000 }).toBe('Running');
      const endpoint = await textOf(web.page, 'serving-url');
      const send = async (version: number, file: string) => {
        const rows = readFileSync(data(file), 'utf8')
          .trim()
          .split('\n')
          .slice(0, 320)
          .map((line) => (JSON.parse(line) as { inputs: { pixels: number[] } }).inputs.pixels);
        for (let at = 0; at < rows.length; at += 32) {
          const part = rows.slice(at, at + 32);
          const res = await fetch(`${endpoint}/v2/models/digits-mlp/versions/${version}/infer`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              inputs: [{ name: 'pixels', shape: [part.length, 64], datatype: 'FP32', data: part.flat() }],
            }),
          });
          expect(res.status).toBe(200);
        }
      };
      const served = await web.app.api<{ versions: { model: string; version: number }[] }>('GET', '/serving');
      const digits = served.json.versions.filter((v) => v.model === 'digits-mlp').map((v) => v.version);
      expect(digits).toEqual([1]);
      await send(1, 'digits_live_drift.jsonl');
      const panel = web.page.locator('[data-testid="live-drift"][data-ref="digits-mlp:1"]');
      await expect.poll(() => panel.count(), { timeout: 10_000 }).toBe(1);
      await web.page.getByTestId('live-drift-check').click();
      await expect.poll(() => panel.getAttribute('data-state'), { timeout: 10_000 }).toBe('drift');
      expect(await panel.getByTestId('drift-alert').textContent()).toMatch(
        /^Quality slipping on digits-mlp:1 — consider retraining\. 64 of 64 features/,
      );
      expect(await panel.getByTestId('live-drift-share').textContent()).toMatch(/^100\.0 % of features drifted/);
      // A served version without a request yet says when monitoring starts.
      const cancer = web.page.locator('[data-testid="live-drift"][data-ref="cancer-logreg:1"]');
      expect(await cancer.getAttribute('data-state')).toBe('waiting');
      await shoot(web.app, 'serve-live-drift', 'live-drift-panel');
      await web.page.getByTestId('stop').click();
      await expect.poll(() => textOf(web.page, 'serving-state'), { timeout: 20_000 }).toBe('Stopped');
    },
    TIMEOUT,
  );
});
