// End-to-end: the Settings screen in web mode — the library folder it shows, the theme following the OS until
// the user picks light or dark (kept across a reload), the default provider and threads taking effect on Try it
// and persisting, a bad threads value refused with its text kept, and every control reached by keyboard.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AppSettings, EngineInfo } from '../../src-shared/contract';
import { openHash, shoot, textOf, useWebApp } from './webApp';

const TIMEOUT = 60_000;

const web = useWebApp(TIMEOUT);

// Code passed to the page runs in Chromium; it is written as source text because this file is typed for Node.
const dataTheme = () => web.page.evaluate<string | undefined>('document.documentElement.dataset.theme');
const background = () => web.page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
const focusedLabel = () =>
  web.page.evaluate<string>(
    `(document.activeElement?.closest('label')?.textContent ?? document.activeElement?.textContent ?? '').trim()`,
  );

/** Perceived brightness of a CSS rgb() colour, 0 (black) to 1 (white). */
function brightness(css: string): number {
  const [r = 0, g = 0, b = 0] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}

const storedSettings = async () => (await web.app.api<AppSettings>('GET', '/settings')).json;

async function openSettings(): Promise<void> {
  await openHash(web.page, '#/settings');
  await web.page.getByTestId('home-folder').filter({ hasText: '/' }).waitFor();
}

/** Waits until the page has saved and the engine holds `expected`. */
async function savedAs(expected: Partial<AppSettings>): Promise<void> {
  await web.page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await expect.poll(storedSettings).toMatchObject(expected);
}

async function reloadSettings(): Promise<void> {
  await web.page.reload();
  await web.page.getByTestId('home-folder').filter({ hasText: '/' }).waitFor();
}

async function tryIt(name: string, version: number): Promise<string> {
  await openHash(web.page, `#/models/${encodeURIComponent(name)}/${version}`);
  await web.page.locator('.version-page h1').filter({ hasText: name }).waitFor();
  // The provider list fills in once the engine's probe has answered.
  await web.page.getByText('Checking which providers work here…').waitFor({ state: 'detached' });
  await web.page.getByLabel('Random values').check();
  await web.page.getByRole('button', { name: 'Run', exact: true }).click();
  await web.page.getByTestId('run-result').waitFor();
  await web.page.getByRole('button', { name: 'Run', exact: true }).waitFor();
  return web.page.getByTestId('run-provider').innerText();
}

/** OS threads of the engine process (its worker threads and onnxruntime's pools included). */
async function engineThreads(): Promise<number> {
  const { json } = await web.app.api<EngineInfo>('GET', '/engine');
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${json.pid}/status`, 'utf8'))?.[1]);
}

describe('Settings screen', () => {
  it(
    'shows the library folder the engine uses',
    async () => {
      await openSettings();
      expect(await textOf(web.page, 'home-folder')).toBe(web.app.home);
      const { json } = await web.app.api<EngineInfo>('GET', '/engine');
      expect(json.home).toBe(web.app.home);
      expect(await storedSettings()).toEqual({
        defaultProvider: 'auto',
        defaultThreads: null,
        theme: 'system',
        keepServingInTray: false,
      });
      await shoot(web.app, 'settings', 'home-folder');
    },
    TIMEOUT,
  );

  it(
    'follows the OS colour scheme while the theme is "system"',
    async () => {
      await openSettings();
      expect(await web.page.getByLabel('Theme').inputValue()).toBe('system');
      await web.page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(dataTheme).toBe('dark');
      const dark = await background();
      expect(brightness(dark)).toBeLessThan(0.3);
      await web.app.screenshot('settings-system-dark');

      // The OS changing its mind while the page is open is followed too, without a reload.
      await web.page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(dataTheme).toBe('light');
      const light = await background();
      expect(brightness(light)).toBeGreaterThan(0.7);
    },
    TIMEOUT,
  );

  it(
    'applies light and dark when chosen, over the OS, and keeps them across a reload',
    async () => {
      await openSettings();
      await web.page.emulateMedia({ colorScheme: 'light' });
      await web.page.getByLabel('Theme').selectOption('dark');
      await savedAs({ theme: 'dark' });
      await expect.poll(dataTheme).toBe('dark');
      expect(brightness(await background())).toBeLessThan(0.3);
      await reloadSettings();
      expect(await web.page.getByLabel('Theme').inputValue()).toBe('dark');
      await expect.poll(dataTheme).toBe('dark');
      await web.app.screenshot('settings-dark');

      await web.page.emulateMedia({ colorScheme: 'dark' });
      await web.page.getByLabel('Theme').selectOption('light');
      await savedAs({ theme: 'light' });
      await expect.poll(dataTheme).toBe('light');
      expect(brightness(await background())).toBeGreaterThan(0.7);
      await reloadSettings();
      expect(await web.page.getByLabel('Theme').inputValue()).toBe('light');
      await expect.poll(dataTheme).toBe('light');

      // Back to following the OS, which is dark just now.
      await web.page.getByLabel('Theme').selectOption('system');
      await savedAs({ theme: 'system' });
      await expect.poll(dataTheme).toBe('dark');
      await web.page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(dataTheme).toBe('light');
    },
    TIMEOUT,
  );

  it(
    'makes the default provider the one Try it asks for, and keeps it',
    async () => {
      await openSettings();
      const provider = web.page.getByLabel('Default execution provider');
      expect(await provider.inputValue()).toBe('auto');
      // "auto" is decided by the engine: the result says what was asked for and what it ran on.
      expect(await tryIt('digits-mlp', 1)).toMatch(/^cpu\s*\(asked for auto\)/);

      await openSettings();
      await provider.selectOption('cpu');
      await savedAs({ defaultProvider: 'cpu' });
      const shown = await tryIt('digits-mlp', 1);
      expect(await web.page.getByTestId('provider').inputValue()).toBe('cpu');
      expect(shown).toMatch(/^cpu/);
      expect(shown).not.toContain('asked for');
      await web.page.getByTestId('run-result').scrollIntoViewIfNeeded();
      await web.app.screenshot('settings-provider-tryit');

      await web.page.reload();
      await openSettings();
      expect(await provider.inputValue()).toBe('cpu');
      await provider.selectOption('auto');
      await savedAs({ defaultProvider: 'auto' });
      expect(await tryIt('digits-mlp', 1)).toContain('asked for auto');
    },
    TIMEOUT,
  );

  it.runIf(existsSync('/proc/self/status'))(
    'runs Try it with the default threads, and keeps the number',
    async () => {
      const threads = web.page.getByLabel('Intra-op threads for Try it');
      // Each Try-it setting gets its own session (one worker thread) whose onnxruntime pool has threads - 1
      // threads of its own, so the engine's thread count grows by the setting.
      await openSettings();
      await threads.fill('1');
      await savedAs({ defaultThreads: 1 });
      let before = await engineThreads();
      await tryIt('cancer-logreg', 1);
      const grownWithOne = (await engineThreads()) - before;

      await openSettings();
      await threads.fill('5');
      await savedAs({ defaultThreads: 5 });
      before = await engineThreads();
      await tryIt('cancer-logreg', 1);
      const grownWithFive = (await engineThreads()) - before;
      // Four more onnxruntime threads; one either way allows for a thread the engine starts or ends meanwhile.
      expect(grownWithFive - grownWithOne).toBeGreaterThanOrEqual(3);
      expect(grownWithFive - grownWithOne).toBeLessThanOrEqual(5);

      await openSettings();
      await reloadSettings();
      expect(await threads.inputValue()).toBe('5');

      // A number the engine cannot use is refused in words; the text stays and nothing is saved.
      await threads.fill('0');
      const refusal = web.page.getByTestId('threads-error');
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(/whole number from 1 to 256/);
      expect(await threads.inputValue()).toBe('0');
      expect((await storedSettings()).defaultThreads).toBe(5);
      await web.app.screenshot('settings-threads-refused');

      // Empty means automatic (the engine picks from the cores).
      await threads.fill('');
      await savedAs({ defaultThreads: null });
      await refusal.waitFor({ state: 'detached' });
    },
    TIMEOUT,
  );

  it(
    'can be used from the keyboard alone',
    async () => {
      await openHash(web.page, '#/models');
      await web.page.getByRole('link', { name: 'Settings' }).focus();
      await web.page.keyboard.press('Enter');
      await web.page.getByTestId('home-folder').filter({ hasText: '/' }).waitFor();

      // Tab from the rail into the form, control by control.
      const reached: string[] = [];
      for (let i = 0; i < 10 && !reached.at(-1)?.startsWith('Theme'); i++) {
        await web.page.keyboard.press('Tab');
        reached.push(await focusedLabel());
      }
      expect(reached.at(-1)).toMatch(/^Theme/);
      expect(reached.findIndex((l) => l.startsWith('Default execution provider'))).toBeGreaterThanOrEqual(0);
      expect(reached.findIndex((l) => l.startsWith('Intra-op threads'))).toBeGreaterThanOrEqual(0);

      // Two presses in a row move two options on (system → light → dark), as in any select.
      await web.page.keyboard.press('ArrowDown');
      await web.page.keyboard.press('ArrowDown');
      await savedAs({ theme: 'dark' });
      expect(await web.page.getByLabel('Theme').inputValue()).toBe('dark');
      await expect.poll(dataTheme).toBe('dark');

      // Back one field to threads, typed key by key.
      await web.page.keyboard.press('Shift+Tab');
      expect(await focusedLabel()).toMatch(/^Intra-op threads/);
      await web.page.keyboard.press('ControlOrMeta+A');
      await web.page.keyboard.type('12');
      await savedAs({ defaultThreads: 12 });
      expect(await web.page.getByLabel('Intra-op threads for Try it').inputValue()).toBe('12');
      await web.app.screenshot('settings-keyboard');

      await reloadSettings();
      expect(await web.page.getByLabel('Theme').inputValue()).toBe('dark');
      expect(await web.page.getByLabel('Intra-op threads for Try it').inputValue()).toBe('12');
    },
    TIMEOUT,
  );
});
