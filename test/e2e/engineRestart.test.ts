// The UI survives its engine dying: the event stream reconnects to the restarted engine (same port and token,
// as the desktop app restarts it) and the UI says the engine was restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';
import { launchChromium, RESULTS } from './webApp';

const token = 'restart-test-token-0123456789';
const home = tempDir();
let port: number;
let browser: Browser;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The desktop app's engine process, run under plain Node with the environment the Electron main gives it. */
async function startEngine(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [`${ROOT}out/main/engine/engineProcess.js`], {
    env: { ...process.env, SLIPWAY_HOME: home, SLIPWAY_CONTROL_PORT: String(port), SLIPWAY_CONTROL_TOKEN: token },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ui/`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the engine did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  port = await freePort();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('engine restart', () => {
  it('the UI reconnects to a restarted engine and says it was restarted', async () => {
    let engine = await startEngine();
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/ui/#token=${token}`);
      await expect
        .poll(() => page.getByTestId('engine-state').textContent(), { timeout: 15_000 })
        .toMatch(/engine connected/);

      engine.kill('SIGKILL');
      await expect
        .poll(() => page.getByTestId('engine-state').textContent(), { timeout: 15_000 })
        .toMatch(/reconnecting/);
      engine = await startEngine();
      await expect
        .poll(() => page.getByTestId('engine-state').textContent(), { timeout: 15_000 })
        .toMatch(/engine connected/);
      await expect
        .poll(() => page.getByRole('alert').first().textContent(), { timeout: 15_000 })
        .toMatch(/engine stopped unexpectedly and was restarted/);
      await page.screenshot({ path: `${RESULTS}/engine-restarted.png` });
    } finally {
      await page.close();
      engine.kill('SIGTERM');
    }
  });
});
