// Harness for end-to-end tests: the real app in web mode (`slipway web` in a child process, a fresh library
// with the demo models) driven in Debian's Chromium through playwright-core. Screenshots go to test-results/.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';

export const CHROMIUM = process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS = `${ROOT}test-results`;

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface WebApp {
  /** The UI address with the token fragment, as printed at launch. */
  url: string;
  origin: string;
  token: string;
  home: string;
  page: Page;
  /** Calls the control API with the token, as the UI does. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface WebAppOptions {
  /** The library folder; a fresh temporary one (with the demo models) when left out. */
  home?: string;
}

/** The app of one test file, as `useWebApp` gives it: read these once the file's tests run. */
export interface WebAppHandle {
  readonly app: WebApp;
  readonly page: Page;
}

/** Starts the app before the calling file's tests (within `timeout` ms) and closes it after them. */
export function useWebApp(timeout: number, options: WebAppOptions = {}): WebAppHandle {
  let app: WebApp | undefined;
  beforeAll(async () => {
    app = await startWebApp(options);
  }, timeout);
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('the web app is not running: read it inside a test, after useWebApp started it');
      return app;
    },
    get page() {
      return this.app.page;
    },
  };
}

/** The text of the first element with this test id ('' when it has none). */
export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().textContent()) ?? '';
}

/** Goes to a screen by its hash route, as the rail's links do. */
export async function openHash(page: Page, hash: string): Promise<void> {
  // Code passed to the page runs in Chromium; it is written as source text because this file is typed for Node.
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

/** The app scrolls inside its content pane, so a screenshot shows what is scrolled into view. */
export async function shoot(app: WebApp, name: string, testId: string): Promise<void> {
  await app.page.getByTestId(testId).first().waitFor();
  await app.page.evaluate(`document.querySelector('[data-testid="${testId}"]').scrollIntoView({ block: 'start' })`);
  await app.screenshot(name);
}

export async function startWebApp(options: WebAppOptions = {}): Promise<WebApp> {
  const home = options.home ?? tempDir();
  const child = spawn(
    process.execPath,
    [`${ROOT}bin/slipway.js`, 'web', '--json', '--no-open', '--port', '0', '--home', home],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await readyUrl(child);
  const origin = new URL(url).origin;
  const token = new URL(url).hash.replace('#token=', '');
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  mkdirSync(RESULTS, { recursive: true });
  return {
    url,
    origin,
    token,
    home,
    page,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${origin}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as T };
    },
    async screenshot(name: string) {
      await page.screenshot({ path: `${RESULTS}/${name}.png`, fullPage: true });
    },
    async close() {
      await browser.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      if (pageErrors.length > 0) throw new Error(`uncaught errors in the page: ${pageErrors.join('; ')}`);
    },
  };
}

function readyUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`slipway web exited ${code}: ${err}`)));
  });
}
