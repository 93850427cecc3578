// End-to-end: the Load test screen in web mode — compose a shape and watch the live preview and the expected
// request count follow, see the schedule compiler's error inline (Run disabled), run a short test against
// digits-mlp with its progress bar and live chart, read the report (corrected and uncorrected side by side),
// download the HTML report, run a second test and compare the two.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir';
import { openHash, shoot, textOf, useWebApp } from './webApp';

const TIMEOUT = 60_000;

const web = useWebApp(TIMEOUT);
const runIds: string[] = [];

const updatesOf = async (testId: string) =>
  Number((await web.page.getByTestId(testId).getAttribute('data-updates')) ?? 0);

/** Leaves one constant segment of `rate` req/s for `seconds`. */
async function constantShape(rate: number, seconds: number): Promise<void> {
  while ((await web.page.getByTestId('segment').count()) > 1) await web.page.getByTestId('seg-2-remove').click();
  if ((await web.page.getByTestId('segment').first().getAttribute('data-kind')) !== 'constant') {
    await web.page.getByTestId('add-segment-kind').selectOption('constant');
    await web.page.getByTestId('add-segment').click();
    await web.page.getByTestId('seg-1-remove').click();
  }
  await web.page.getByTestId('seg-1-rate').fill(String(rate));
  await web.page.getByTestId('seg-1-duration').fill(String(seconds));
}

async function waitForReport(): Promise<string> {
  await web.page.getByTestId('run-report').waitFor({ timeout: 20_000 });
  return (await web.page.getByTestId('run-view').getAttribute('data-run-id')) ?? '';
}

describe('Load test screen', () => {
  it(
    'builds a composed shape with a live preview and expected request count',
    async () => {
      await openHash(web.page, '#/load-test');
      await web.page
        .getByRole('link', { name: 'Load test', exact: true })
        .and(web.page.locator('[aria-current="page"]'))
        .waitFor();
      await expect.poll(() => web.page.getByTestId('target-model').inputValue()).toBe('digits-mlp');
      // The default: one constant segment of 50 req/s for 10 s.
      await expect.poll(() => textOf(web.page, 'shape-expected')).toBe('about 500');
      expect(await textOf(web.page, 'shape-duration')).toBe('10 s');
      await web.app.screenshot('loadtest-form');
      const updates = await updatesOf('chart-preview');

      await web.page.getByTestId('seg-1-duration').fill('4');
      await expect.poll(() => textOf(web.page, 'shape-expected')).toBe('about 200');
      await web.page.getByTestId('add-segment-kind').selectOption('spike');
      await web.page.getByTestId('add-segment').click();
      // Spike defaults: 20 → 200 req/s, 5 + 1 + 5 + 1 + 5 s: 20·10 + 110·2 + 200·5 = 1 420 requests.
      await expect.poll(() => textOf(web.page, 'shape-expected')).toBe('about 1620');
      expect(await textOf(web.page, 'shape-duration')).toBe('21 s');
      await web.page.getByTestId('seg-2-hold').fill('2');
      await expect.poll(() => textOf(web.page, 'shape-expected')).toBe('about 1020');
      expect(await textOf(web.page, 'shape-duration')).toBe('18 s');
      await web.page.getByTestId('add-segment-kind').selectOption('concurrency');
      await web.page.getByTestId('add-segment').click();
      await expect.poll(() => textOf(web.page, 'shape-facts')).toMatch(/closed-loop clients/);
      // The preview is fed, not rebuilt, as the shape changes (a new series set rebuilds it once).
      await expect.poll(() => updatesOf('chart-preview')).toBeGreaterThan(updates);
      expect(await web.page.locator('[data-testid="chart-preview"] canvas').count()).toBe(1);

      // Reorder: the spike first.
      await web.page.getByRole('button', { name: 'Move segment 2 earlier' }).click();
      const kinds = await web.page
        .getByTestId('segment')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      expect(kinds).toEqual(['spike', 'constant', 'concurrency']);
      await shoot(web.app, 'loadtest-shape', 'chart-preview');
      expect(await web.page.getByTestId('run-test').isEnabled()).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'shows the schedule error inline and disables Run for an invalid shape',
    async () => {
      await web.page.getByTestId('add-segment-kind').selectOption('sine');
      await web.page.getByTestId('add-segment').click();
      await web.page.getByTestId('seg-4-amplitude').fill('80');
      await expect
        .poll(() => textOf(web.page, 'shape-error'))
        .toBe('segment 4 (sine): amplitude 80 exceeds the mean 50, so the rate would go below 0');
      expect(await web.page.getByTestId('run-test').isDisabled()).toBe(true);
      expect(await web.page.getByTestId('chart-preview').count()).toBe(0);
      await shoot(web.app, 'loadtest-shape-error', 'shape-error');

      await web.page.getByTestId('seg-4-amplitude').fill('abc');
      await expect.poll(() => textOf(web.page, 'shape-error')).toMatch(/amplitude must be a number \(req\/s\)/);
      await web.page.getByTestId('seg-4-remove').click();
      await web.page.getByTestId('seg-1-peak').fill('0');
      await expect.poll(() => textOf(web.page, 'shape-error')).toMatch(/a rate must be above 0 requests\/s/);
      await web.page.getByTestId('seg-1-peak').fill('200');
      await web.page.getByTestId('shape-facts').waitFor();
      expect(await web.page.getByTestId('run-test').isEnabled()).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'runs a short test against digits-mlp with a progress bar and live charts',
    async () => {
      await constantShape(40, 3);
      await expect.poll(() => textOf(web.page, 'shape-expected')).toBe('about 120');
      await web.page.locator('details.advanced summary').click();
      await web.page.getByTestId('run-name').fill('e2e first');
      await web.page.getByTestId('run-test').click();

      await web.page.getByTestId('live-run').waitFor({ timeout: 10_000 });
      expect(await web.page.evaluate('window.location.hash')).toMatch(/^#\/load-test\/runs\/.+/);
      const chartUpdates = await updatesOf('live-chart-rate');
      await expect
        .poll(async () => Number(await web.page.getByTestId('run-progress').getAttribute('data-progress')), {
          timeout: 10_000,
        })
        .toBeGreaterThan(0);
      await expect.poll(() => updatesOf('live-chart-rate'), { timeout: 10_000 }).toBeGreaterThan(chartUpdates);
      expect(await textOf(web.page, 'run-elapsed')).toMatch(/^\d+% · [\d.]+ s of 3 s$/);
      await web.app.screenshot('loadtest-live');

      runIds.push(await waitForReport());
      expect(await textOf(web.page, 'run-title')).toBe('e2e first');
      expect(await textOf(web.page, 'run-state')).toBe('Done');
    },
    TIMEOUT,
  );

  it(
    'shows the report with corrected and uncorrected percentiles side by side',
    async () => {
      const row = web.page.getByTestId('summary-p99');
      const corrected = (await row.locator('td.corrected').textContent()) ?? '';
      const uncorrected = (await row.locator('td.uncorrected').textContent()) ?? '';
      expect(corrected).toMatch(/^[\d.]+ (µs|ms|s)$/);
      expect(uncorrected).toMatch(/^[\d.]+ (µs|ms|s)$/);
      expect(await textOf(web.page, 'co-note')).toMatch(/coordinated omission/);
      expect(await textOf(web.page, 'fact-requests')).toBe('120');
      expect(await textOf(web.page, 'fact-achieved')).toMatch(/req\/s$/);
      await web.page.getByTestId('report-chart-spectrum').waitFor();
      await web.page.getByTestId('report-chart-latency').waitFor();
      // On a busy machine a short run may be generator-bound; when it is, the report says so in words.
      if ((await web.page.getByTestId('generator-bound').count()) > 0)
        expect(await textOf(web.page, 'generator-bound')).toMatch(/not the target, limited the run/);
      await shoot(web.app, 'loadtest-report', 'run-report');
      await shoot(web.app, 'loadtest-report-charts', 'report-chart-rate');
      await shoot(web.app, 'loadtest-report-spectrum', 'report-chart-spectrum');
    },
    TIMEOUT,
  );

  it(
    'downloads the HTML report',
    async () => {
      const [download] = await Promise.all([
        web.page.waitForEvent('download'),
        web.page.getByTestId('download-html').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.html$/);
      const file = join(tempDir(), download.suggestedFilename());
      await download.saveAs(file);
      const html = readFileSync(file, 'utf8');
      expect(html).toMatch(/<html/i);
      expect(html).toContain('e2e first');
      await expect.poll(() => textOf(web.page, 'run-report')).toContain(`Saved ${download.suggestedFilename()}`);
    },
    TIMEOUT,
  );

  it(
    'runs a second test and compares the two runs',
    async () => {
      // The form kept the last test's settings: the same traffic, now on the in-process runtime.
      await web.page.getByTestId('tab-new').click();
      await web.page.getByTestId('target-runtime').check();
      await web.page.getByTestId('run-name').fill('e2e runtime');
      expect(await textOf(web.page, 'shape-expected')).toBe('about 120');
      await web.page.getByTestId('run-test').click();
      await web.page.getByTestId('live-run').waitFor({ timeout: 10_000 });
      runIds.push(await waitForReport());
      expect(await textOf(web.page, 'run-title')).toBe('e2e runtime');

      await web.page.getByTestId('tab-runs').click();
      await web.page.getByTestId('runs-table').waitFor();
      expect(await web.page.getByTestId('run-row').count()).toBe(2);
      expect(await web.page.getByTestId('compare-selected').isDisabled()).toBe(true);
      for (const id of runIds) await web.page.locator(`[data-run-id="${id}"] [data-testid="select-run"]`).check();
      await shoot(web.app, 'loadtest-runs', 'runs-table');
      await web.page.getByTestId('compare-selected').click();

      await web.page.getByTestId('compare-view').waitFor();
      await expect.poll(() => web.page.getByTestId('compare-row').count()).toBe(2);
      const rows = await web.page.getByTestId('compare-row').allTextContents();
      expect(rows[0]).toContain('e2e first');
      expect(rows[1]).toContain('e2e runtime');
      expect(rows[0]).toContain('(baseline)');
      const verdicts = await web.page.getByTestId('verdict').allTextContents();
      expect(verdicts).toHaveLength(1);
      expect(verdicts[0]).toMatch(/^2\. e2e runtime against e2e first: .*p99/);
      await web.page.getByTestId('compare-chart-latency').waitFor();
      await shoot(web.app, 'loadtest-compare', 'compare-view');
    },
    TIMEOUT,
  );

  it(
    'runs a stored test again, cancels it and deletes it',
    async () => {
      await web.page.getByRole('link', { name: '1. e2e first' }).click();
      await web.page.getByTestId('run-report').waitFor();
      await web.page.getByTestId('run-again').click();
      await web.page.getByTestId('live-run').waitFor({ timeout: 10_000 });
      expect(await textOf(web.page, 'run-title')).toBe('e2e first #2');
      await expect
        .poll(async () => Number(await web.page.getByTestId('run-progress').getAttribute('data-progress')), {
          timeout: 10_000,
        })
        .toBeGreaterThan(0);
      await web.page.getByTestId('cancel-run').click();
      await web.page.getByTestId('run-cancelled').waitFor({ timeout: 10_000 });
      expect(await textOf(web.page, 'run-state')).toBe('Cancelled');
      await web.page.getByTestId('tab-runs').click();
      await expect.poll(() => web.page.getByTestId('run-row').count()).toBe(3);
      const cancelled = web.page.getByTestId('run-row').first();
      expect(await cancelled.getAttribute('data-state')).toBe('cancelled');

      // Deleting asks first, then the run is gone from the list and from the engine.
      const id = (await cancelled.getAttribute('data-run-id')) ?? '';
      await cancelled.getByTestId('delete-run').click();
      await cancelled.getByTestId('confirm-delete').click();
      await expect.poll(() => web.page.getByTestId('run-row').count()).toBe(2);
      expect((await web.app.api('GET', `/loadtests/${id}`)).status).toBe(404);
    },
    TIMEOUT,
  );
});
