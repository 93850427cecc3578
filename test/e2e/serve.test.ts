// End-to-end: the Serve screen in web mode — start the endpoint from the form, watch requests sent from the test
// reach the live charts and the request log, change a setting and see the endpoint use it, run the generated
// example requests as shown, stop, and the loud warning plus API key for a non-loopback host.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { shoot, textOf, useWebApp } from './webApp';

const TIMEOUT = 60_000;
const run = promisify(execFile);

const web = useWebApp(TIMEOUT);
/** The endpoint URL as the Serve screen shows it. */
let endpoint = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function digitsBody(shape = [1, 64]): string {
  const count = shape.reduce((a, b) => a * b, 1);
  return JSON.stringify({
    inputs: [{ name: 'pixels', datatype: 'FP32', shape, data: Array.from({ length: count }, (_, i) => (i % 17) / 16) }],
  });
}

async function infer(url: string, body = digitsBody(), headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${url}/v2/models/digits-mlp/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function openServe(): Promise<void> {
  // A string, as the test's TypeScript knows no DOM.
  await web.page.evaluate(`window.location.hash = '#/serve'`);
  await web.page.getByTestId('serving-state').waitFor();
}

async function waitForState(text: string): Promise<void> {
  await web.page.getByTestId('serving-state').filter({ hasText: text }).waitFor({ timeout: 30_000 });
}

describe('Serve screen', () => {
  it(
    'starts serving the chosen models from the form',
    async () => {
      await openServe();
      await waitForState('Stopped');
      expect(await web.page.getByTestId('host').inputValue()).toBe('127.0.0.1');
      expect(await web.page.getByTestId('port').inputValue()).toBe('8000');
      await expect.poll(() => web.page.getByTestId('serve-all').isChecked()).toBe(true);

      await web.page.getByTestId('serve-all').uncheck();
      await expect.poll(() => textOf(web.page, 'start-problems')).toContain('Choose at least one model');
      expect(await web.page.getByTestId('start').isDisabled()).toBe(true);
      await web.page.getByTestId('serve-model-digits-mlp').check();
      await web.page.getByTestId('serve-model-cancer-logreg').check();
      const port = await freePort();
      await web.page.getByTestId('port').fill(String(port));
      await web.page.getByTestId('start').click();

      await waitForState('Running');
      endpoint = await textOf(web.page, 'serving-url');
      expect(endpoint).toBe(`http://127.0.0.1:${port}`);
      await web.page.getByTestId('served-digits-mlp:1').filter({ hasText: 'ready' }).waitFor();
      await web.page.getByTestId('served-cancer-logreg:1').filter({ hasText: 'ready' }).waitFor();
      expect(await web.page.getByTestId('served-versions').locator('tbody tr').count()).toBe(2);
      expect(await web.page.getByTestId('endpoint-status').textContent()).toContain(endpoint);
      expect((await fetch(`${endpoint}/v2/health/ready`)).status).toBe(200);
      await web.app.screenshot('serve-running');
    },
    TIMEOUT,
  );

  it(
    'shows requests sent to the endpoint in the live charts and the request log',
    async () => {
      const chart = web.page.getByTestId('chart-requests');
      const updatesBefore = Number((await chart.getAttribute('data-updates')) ?? 0);
      // About three seconds of traffic so that several ticks carry requests, and one bad request (wrong shape).
      const statuses: number[] = [];
      for (let second = 0; second < 3; second++) {
        statuses.push(...(await Promise.all(Array.from({ length: 20 }, () => infer(endpoint)))));
        await new Promise((r) => setTimeout(r, 1000));
      }
      statuses.push(await infer(endpoint, digitsBody([1, 63])));
      expect(statuses.filter((s) => s === 200)).toHaveLength(60);
      expect(statuses.at(-1)).toBe(400);

      await expect.poll(() => textOf(web.page, 'peak-rate'), { timeout: 10_000 }).toMatch(/^[1-9]\d*$/);
      await expect
        .poll(async () => Number(await textOf(web.page, 'total-requests')), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(61);
      // The same chart element keeps counting updates: it is fed with setData, never rebuilt.
      const updatesAfter = Number((await chart.getAttribute('data-updates')) ?? 0);
      expect(updatesAfter).toBeGreaterThan(updatesBefore + 2);
      expect(await web.page.locator('[data-testid="chart-requests"] canvas').count()).toBe(1);
      const p50 = await web.page.locator('[data-testid="chart-latency"] [data-series="p50"]').textContent();
      expect(p50).toMatch(/(µs|ms)$/);
      // Limited to one model: the other served model saw none of this traffic.
      await web.page.getByTestId('traffic-scope').selectOption('cancer-logreg');
      await expect.poll(() => textOf(web.page, 'total-requests')).toBe('0');
      await web.page.getByTestId('traffic-scope').selectOption('');
      await expect.poll(async () => Number(await textOf(web.page, 'total-requests'))).toBeGreaterThanOrEqual(61);
      console.log(`chart update cost: ${await chart.getAttribute('data-update-ms')} ms per setData+draw (avg)`);

      const log = web.page.getByTestId('request-log');
      await log.locator('tbody tr').filter({ hasText: 'digits-mlp' }).filter({ hasText: '200' }).first().waitFor();
      const firstRow = (await log.locator('tbody tr').first().textContent()) ?? '';
      expect(firstRow).toContain('400'); // newest first
      expect(await log.locator('tbody tr').count()).toBeGreaterThanOrEqual(61);
      await shoot(web.app, 'serve-live', 'traffic-totals');
      await shoot(web.app, 'serve-log', 'request-log');

      await web.page.emulateMedia({ colorScheme: 'dark' });
      await web.page.waitForTimeout(300);
      await shoot(web.app, 'serve-live-dark', 'traffic-totals');
      await web.page.emulateMedia({ colorScheme: 'light' });
    },
    TIMEOUT,
  );

  it(
    'changes a setting and the endpoint uses it at once; engine validation errors show verbatim',
    async () => {
      const config = async () =>
        (await (await fetch(`${endpoint}/v2/models/digits-mlp/config`)).json()) as {
          instance_group: { count: number }[];
          response_cache: { enable: boolean };
        };
      expect((await config()).instance_group[0]!.count).toBe(1);

      await web.page
        .getByTestId('served-digits-mlp:1')
        .getByRole('button', { name: /Settings/ })
        .click();
      expect(await web.page.getByTestId('settings-target').inputValue()).toBe('digits-mlp:1');
      const editor = web.page.getByTestId('settings-editor');
      await web.page.getByTestId('setting-instances').fill('2');
      await web.page.getByTestId('setting-cache-enabled').check();
      await expect.poll(() => textOf(web.page, 'pending-changes')).toBe('2 unsaved change(s)');
      await web.page.getByTestId('save-settings').click();
      await web.page.getByTestId('settings-saved').waitFor();
      expect(await textOf(web.page, 'settings-saved')).toContain('reloaded digits-mlp');

      const after = await config();
      expect(after.instance_group[0]!.count).toBe(2);
      expect(after.response_cache.enable).toBe(true);
      await web.page.getByTestId('served-digits-mlp:1').getByTestId('instances').filter({ hasText: '2' }).waitFor();
      expect(await infer(endpoint)).toBe(200);
      await editor.getByTestId('setting-instances-reset').waitFor();
      // Only the two changed keys were stored as overrides; every other value is still the model's default.
      expect(await editor.getByRole('button', { name: /^Reset .* to its default$/ }).count()).toBe(2);
      await shoot(web.app, 'serve-settings', 'settings-editor');

      // A value the engine refuses: its own message, verbatim.
      await web.page.getByTestId('setting-instances').fill('100');
      await web.page.getByTestId('save-settings').click();
      await web.page.getByTestId('settings-error').waitFor();
      const message = await textOf(web.page, 'settings-error');
      expect(message).toMatch(/invalid instances/);
      expect(message).toMatch(/64/);
      expect((await config()).instance_group[0]!.count).toBe(2);
      await shoot(web.app, 'serve-settings-error', 'save-settings');

      // Back to the defaults, key by key.
      await web.page.getByTestId('setting-instances-reset').click();
      await expect.poll(async () => (await config()).instance_group[0]!.count, { timeout: 20_000 }).toBe(1);
      await web.page.getByTestId('setting-cache-enabled-reset').click();
      await expect.poll(async () => (await config()).response_cache.enable, { timeout: 20_000 }).toBe(false);
      expect(await web.page.getByTestId('setting-instances').inputValue()).toBe('1');
      expect(await editor.getByTestId('setting-instances-reset').count()).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'generates example requests for the served model that run as shown',
    async () => {
      await web.page
        .getByTestId('served-digits-mlp:1')
        .getByRole('button', { name: /Example/ })
        .click();
      await web.page.getByTestId('example-curl').waitFor();
      expect(await textOf(web.page, 'example-inputs')).toContain('pixels FP32 [1, 64]');
      const curl = await textOf(web.page, 'example-curl');
      const python = await textOf(web.page, 'example-python');
      const js = await textOf(web.page, 'example-fetch');
      expect(curl).toContain(`${endpoint}/v2/models/digits-mlp/infer`);
      expect(curl).toContain('"datatype":"FP32","shape":[1,64]');
      expect(curl).not.toContain('Authorization');
      expect(python).toContain(`InferenceServerClient(url="${endpoint.replace('http://', '')}")`);
      expect(python).toContain('httpclient.InferInput("pixels", [1, 64], "FP32")');
      expect(python).toContain('np.zeros([1, 64], dtype=np.float32)');
      expect(python).toContain('httpclient.InferRequestedOutput(');
      expect(js).toContain('new Array(64).fill(0)');

      // The examples work as copied.
      const fromCurl = JSON.parse((await run('sh', ['-c', curl])).stdout) as { model_name: string; outputs: unknown[] };
      expect(fromCurl.model_name).toBe('digits-mlp');
      expect(fromCurl.outputs.length).toBeGreaterThan(0);
      const fromJs = (await run(process.execPath, ['--input-type=module', '-e', js])).stdout;
      expect(fromJs).toContain('datatype');

      await web.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.app.origin });
      await web.page.getByRole('button', { name: 'Copy curl example' }).click();
      await web.page.getByText('Copied').first().waitFor();
      expect(await web.page.evaluate<string>('navigator.clipboard.readText()')).toBe(curl);

      await web.page.getByTestId('example-target').selectOption('cancer-logreg:1');
      await expect.poll(() => textOf(web.page, 'example-curl')).toContain('/v2/models/cancer-logreg/infer');
      await shoot(web.app, 'serve-examples', 'examples');
    },
    TIMEOUT,
  );

  it(
    'stops serving, and the endpoint refuses connections',
    async () => {
      await web.page.getByTestId('stop').click();
      await waitForState('Stopped');
      await expect(fetch(`${endpoint}/v2/health/live`)).rejects.toThrow();
      await web.page.getByText('Nothing is served yet').waitFor();
      expect(await web.page.getByTestId('endpoint-status').textContent()).toContain('Endpoint stopped');
      await shoot(web.app, 'serve-stopped', 'serving-state');
    },
    TIMEOUT,
  );

  it(
    "shows the engine's start error verbatim",
    async () => {
      // A port another process holds.
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const address = holder.address();
      const busy = typeof address === 'object' && address ? address.port : 0;
      try {
        await web.page.getByTestId('port').fill(String(busy));
        await web.page.getByTestId('start').click();
        await web.page.getByTestId('serving-error').waitFor();
        expect(await textOf(web.page, 'serving-error')).toContain(`port ${busy} on 127.0.0.1 is in use`);
        await waitForState('Stopped');
        await shoot(web.app, 'serve-start-error', 'serving-state');
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }
    },
    TIMEOUT,
  );

  it(
    'warns loudly about a non-loopback host and will not start without an API key',
    async () => {
      expect(await web.page.getByTestId('exposed-warning').count()).toBe(0);
      await web.page.getByTestId('host').fill('0.0.0.0');
      await web.page.getByTestId('exposed-warning').waitFor();
      expect(await textOf(web.page, 'exposed-warning')).toContain('reachable from other machines');
      expect(await web.page.getByTestId('start').isDisabled()).toBe(true);
      expect(await textOf(web.page, 'start-problems')).toContain('An API key is required');
      await web.page.getByTestId('api-key').fill('short');
      await expect.poll(() => textOf(web.page, 'start-problems')).toContain('at least 8 characters');
      const key = 'e2e-serve-key-123';
      await web.page.getByTestId('api-key').fill(key);
      await web.page.getByTestId('port').fill(String(await freePort()));
      expect(await web.page.getByTestId('start').isDisabled()).toBe(false);
      await shoot(web.app, 'serve-exposed-form', 'serving-state');

      await web.page.getByTestId('start').click();
      await waitForState('Running');
      await web.page.getByTestId('exposed-urls').waitFor();
      const url = (await textOf(web.page, 'serving-url')).replace('0.0.0.0', '127.0.0.1');
      expect(await infer(url)).toBe(401);
      expect(await infer(url, digitsBody(), { authorization: `Bearer ${key}` })).toBe(200);

      await web.page.getByTestId('example-curl').waitFor();
      const curl = await textOf(web.page, 'example-curl');
      expect(curl).toContain('Authorization: Bearer $SLIPWAY_API_KEY');
      expect(await textOf(web.page, 'example-python')).toContain('os.environ["SLIPWAY_API_KEY"]');
      const out = await run('sh', ['-c', curl], {
        env: { ...process.env, SLIPWAY_API_KEY: key },
      });
      expect(out.stdout).toContain('"outputs"');
      await shoot(web.app, 'serve-exposed-running', 'serving-state');

      await web.page.getByTestId('stop').click();
      await waitForState('Stopped');
      await web.page.getByTestId('host').fill('127.0.0.1');
      await web.page.getByTestId('exposed-warning').waitFor({ state: 'detached' });
    },
    TIMEOUT,
  );
});
