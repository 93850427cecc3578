// The real desktop window, driven through Playwright's Electron support: the app starts its engine in a utility
// process, the window shows the Models screen, and the preload exposes exactly the documented bridge. Runs only
// where Electron's binary is installed (and, on Linux, a display exists) and better-sqlite3 can be built for
// Electron's ABI (it needs Electron's headers: offline, only from SLIPWAY_ELECTRON_NODEDIR); elsewhere it reports
// itself skipped and says why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';
import { RESULTS } from './webApp';

function electronBinary(): string | undefined {
  try {
    const path: unknown = createRequire(`${ROOT}package.json`)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined; // node_modules/electron throws when its binary was never downloaded.
  }
}

const binary = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = !binary
  ? "Electron's binary is not installed"
  : noDisplay
    ? 'no display (set DISPLAY, e.g. run under xvfb-run)'
    : undefined;
const title = (what: string) => (skipReason ? `${what} (skipped: ${skipReason})` : what);

/** better-sqlite3 built for Electron's ABI (cached after the first time), or why it could not be made. */
function electronSqlite(): { path: string } | { missing: string } {
  try {
    const path = execFileSync(process.execPath, [join(ROOT, 'scripts/electron-native.mjs')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    return { path };
  } catch (error) {
    // electron-native.mjs says why on stderr: what each attempt gave, and what to do offline.
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const lines = stderr
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    // Its first line of failure and its last (what to do offline); the attempts in between are on stderr.
    const first = lines.find((line) => line.includes('could not')) ?? lines[0];
    const why = [...new Set([first, lines.at(-1)])]
      .filter(Boolean)
      .join(' ')
      .replace(/^slipway: /, '');
    return { missing: why || String(error) };
  }
}

describe('desktop app (Electron)', () => {
  let app: ElectronApplication | undefined;
  /** Set when the app cannot be started here for a reason found only at run time. */
  let cannotRun: string | undefined;

  beforeAll(async () => {
    if (skipReason || !binary) return;
    const binding = electronSqlite();
    if ('missing' in binding) {
      cannotRun = binding.missing;
      return;
    }
    const home = tempDir();
    app = await _electron.launch({
      executablePath: binary,
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '.'],
      cwd: ROOT,
      env: {
        ...process.env,
        SLIPWAY_HOME: home,
        SLIPWAY_ELECTRON_USER_DATA: join(home, '.electron-profile'),
        SLIPWAY_SQLITE_BINDING: binding.path,
      },
    });
  }, 600_000);

  afterAll(async () => {
    // Closing goes through before-quit: the engine drains and exits before the app does.
    await app?.close();
  });

  it.skipIf(skipReason !== undefined)(
    title('opens one window on the Models screen, served by the engine'),
    async (ctx) => {
      if (cannotRun) ctx.skip(cannotRun);
      const page = await app!.firstWindow();
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/ui\//, { timeout: 60_000 });
      const models = page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Models' });
      await expect.poll(() => models.getAttribute('aria-current'), { timeout: 30_000 }).toBe('page');
      await expect
        .poll(() => page.getByTestId('engine-state').textContent(), { timeout: 30_000 })
        .toMatch(/engine connected · desktop/);
      expect(app!.windows()).toHaveLength(1);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: `${RESULTS}/electron-models.png` });
    },
    120_000,
  );

  it.skipIf(skipReason !== undefined)(
    title('exposes exactly apiBase, token, openFile and saveFile on window.slipway'),
    async (ctx) => {
      if (cannotRun) ctx.skip(cannotRun);
      const page = await app!.firstWindow();
      await page.waitForURL(/\/ui\//, { timeout: 60_000 });
      const bridge = await page.evaluate(() => {
        const slipway = (globalThis as { slipway?: Record<string, unknown> }).slipway;
        return slipway
          ? {
              keys: Object.keys(slipway).sort(),
              types: Object.fromEntries(Object.entries(slipway).map(([k, v]) => [k, typeof v])),
              apiBase: slipway.apiBase,
              origin: (globalThis as unknown as { location: { origin: string } }).location.origin,
              nodeVisible: typeof (globalThis as { process?: unknown }).process !== 'undefined',
              requireVisible: typeof (globalThis as { require?: unknown }).require !== 'undefined',
            }
          : undefined;
      });
      expect(bridge).toBeDefined();
      expect(bridge!.keys).toEqual(['apiBase', 'openFile', 'saveFile', 'token']);
      expect(bridge!.types).toEqual({ apiBase: 'string', token: 'string', openFile: 'function', saveFile: 'function' });
      expect(bridge!.apiBase).toBe(bridge!.origin);
      // Sandboxed and context-isolated: the page sees no Node.
      expect(bridge!.nodeVisible).toBe(false);
      expect(bridge!.requireVisible).toBe(false);
      // Main refuses an open dialog of a kind it does not know, before showing anything.
      const refused = await page.evaluate(() =>
        (globalThis as unknown as { slipway: { openFile(kind: string): Promise<string | null> } }).slipway
          .openFile('../etc')
          .then(
            () => 'opened',
            (error: unknown) => String(error),
          ),
      );
      expect(refused).toMatch(/openFile takes 'model' or 'dataset'/);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: `${RESULTS}/electron-bridge.png` });
    },
    120_000,
  );
});
