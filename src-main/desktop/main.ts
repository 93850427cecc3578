// Electron main: lifecycle, the window, menus, dialogs and supervision of the engine, which runs in a
// utilityProcess (DESIGN.md §1). Main stays thin: everything the user does goes through the engine's control API.
//
// Environment: SLIPWAY_HOME (library folder; one app instance per library), SLIPWAY_SQLITE_BINDING (overrides the
// Electron-ABI better-sqlite3 binary), SLIPWAY_ELECTRON_USER_DATA (Chromium's profile folder; tests point it at
// a temporary folder).
import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, Menu, shell, type BrowserWindow } from 'electron';
import { buildAppMenu } from './appMenu';
import { registerDesktopIpc } from './desktopIpc';
import { getAppSettings, getEngineInfo, getServingStatus } from './engineClient';
import { EngineSupervisor, type RunningEngine } from './engineSupervisor';
import type { ContentPolicy } from './contentPolicy';
import { installHardening } from './hardening';
import { createMainWindow, showEngineUi } from './mainWindow';
import { electronSqliteBinding } from './sqliteBinding';
import { TrayIcon, windowIcon } from './trayIcon';
import { forkUtilityEngine } from './utilityEngineFork';

const ENGINE_SCRIPT = fileURLToPath(new URL('../engine/engineProcess.js', import.meta.url));
const PRELOAD_SCRIPT = fileURLToPath(new URL('../../preload/index.cjs', import.meta.url));

/** Made here, once per launch, and handed to every engine run so the window's token stays valid. */
const token = randomBytes(24).toString('base64url');

let mainWindow: BrowserWindow | undefined;
let supervisor: EngineSupervisor | undefined;
/** The last engine address: kept while the engine restarts (it comes back on the same port). */
let engine: RunningEngine | undefined;
let libraryHome: string | undefined;
let keepServingInTray = false;
/** 'running' → 'draining' (engine asked to stop) → 'done' (windows may close, the app exits). */
let quitPhase: 'running' | 'draining' | 'done' = 'running';

const tray = new TrayIcon({ show: showWindow, quit: () => app.quit() });

const policy: ContentPolicy = {
  engineOrigin: () => engine?.url,
  async externalOrigins() {
    if (!engine) return [];
    const status = await getServingStatus(engine);
    return [status.url, ...status.exposedUrls].flatMap((url) => (url ? [new URL(url).origin] : []));
  },
};

configureProfileFolder();
if (app.requestSingleInstanceLock()) {
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('before-quit', onBeforeQuit);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app.whenReady().then(start, (error: unknown) => fail('Slipway could not start', String(error)));
} else {
  // Another instance already manages this library: it was told (second-instance) and shows itself.
  app.quit();
}

/**
 * One app instance per library folder: Chromium's profile (and with it the single-instance lock) lives in a
 * folder per library, apart from the library itself.
 */
function configureProfileFolder(): void {
  const explicit = process.env.SLIPWAY_ELECTRON_USER_DATA;
  if (explicit) {
    app.setPath('userData', resolve(explicit));
    return;
  }
  const home = process.env.SLIPWAY_HOME ? resolve(process.env.SLIPWAY_HOME) : undefined;
  const key = home ? `library-${createHash('sha256').update(home).digest('hex').slice(0, 16)}` : 'default';
  app.setPath('userData', join(app.getPath('appData'), 'slipway-desktop', key));
}

function start(): void {
  const binding = electronSqliteBinding(app.getAppPath(), app.isPackaged);
  if (binding.kind === 'missing') {
    fail('better-sqlite3 is not built for Electron', `${binding.hint}\n\nExpected: ${binding.path}`);
    return;
  }
  const env: Record<string, string> = {};
  if (binding.kind === 'file') env.SLIPWAY_SQLITE_BINDING = binding.path;
  // Packaged, resources/ ships beside app.asar (extraResources) so model files are plain files on disk.
  if (app.isPackaged) env.SLIPWAY_RESOURCES = join(process.resourcesPath, 'resources');

  installHardening(policy);
  registerDesktopIpc({
    policy,
    window: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined),
    connection: () => (engine ? { apiBase: engine.url, token } : undefined),
  });
  Menu.setApplicationMenu(buildAppMenu({ openLibraryFolder: () => void openLibraryFolder() }));

  supervisor = new EngineSupervisor({
    scriptPath: ENGINE_SCRIPT,
    fork: forkUtilityEngine,
    token,
    env,
    onReady,
    onGiveUp,
  });
  mainWindow = openWindow();
  supervisor.start();
}

function openWindow(): BrowserWindow {
  const created = createMainWindow({ preloadPath: PRELOAD_SCRIPT, icon: windowIcon() });
  created.on('close', (event) => {
    if (quitPhase !== 'running') return;
    event.preventDefault();
    void closeToTrayOrQuit();
  });
  if (engine) showEngineUi(created, engine.url);
  return created;
}

function showWindow(): void {
  // Before start() there is nothing to show yet; while quitting, nothing should appear.
  if (quitPhase !== 'running' || !supervisor) return;
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = openWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function onReady(running: RunningEngine, restarted: boolean): void {
  engine = running;
  console.log(`slipway: engine ${restarted ? 'restarted' : 'ready'} at ${running.url}`);
  if (mainWindow && !mainWindow.isDestroyed()) showEngineUi(mainWindow, running.url);
  void refreshEngineFacts();
}

/** The library folder (Help menu) and the tray setting, read from the engine whenever it (re)starts. */
async function refreshEngineFacts(): Promise<void> {
  if (!engine) return;
  try {
    libraryHome = (await getEngineInfo(engine)).home;
    keepServingInTray = (await getAppSettings(engine)).keepServingInTray;
    if (keepServingInTray) tray.ensure();
  } catch (error) {
    console.error(`slipway: could not read the engine's settings: ${String(error)}`);
  }
}

/** Closing the window: to the tray when the user chose to keep serving, otherwise the app quits. */
async function closeToTrayOrQuit(): Promise<void> {
  if (engine) {
    // The setting may have changed since the engine started; if the engine cannot answer, the last value holds.
    keepServingInTray = await getAppSettings(engine).then(
      (settings) => settings.keepServingInTray,
      () => keepServingInTray,
    );
  }
  if (keepServingInTray) {
    tray.ensure();
    mainWindow?.hide();
  } else {
    app.quit();
  }
}

/** Quitting drains the engine first (the endpoint finishes its requests), then lets the app exit. */
function onBeforeQuit(event: Electron.Event): void {
  if (quitPhase === 'done') return;
  event.preventDefault();
  if (quitPhase === 'draining') return;
  quitPhase = 'draining';
  mainWindow?.hide();
  tray.destroy();
  const stopped = supervisor ? supervisor.stop() : Promise.resolve();
  void stopped.finally(() => {
    quitPhase = 'done';
    app.quit();
  });
}

async function onGiveUp(reason: string, output: string): Promise<void> {
  const lastLines = output.trim().split('\n').slice(-12).join('\n');
  const options = {
    type: 'error' as const,
    title: 'Slipway',
    message: 'The Slipway engine keeps stopping',
    detail: `${reason}${lastLines ? `\n\nLast output:\n${lastLines}` : ''}`,
    buttons: ['Try Again', 'Quit'],
    defaultId: 0,
    cancelId: 1,
  };
  const parent = mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined;
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  if (response === 0) supervisor?.retry();
  else app.quit();
}

async function openLibraryFolder(): Promise<void> {
  if (!libraryHome && engine) libraryHome = (await getEngineInfo(engine).catch(() => undefined))?.home;
  if (!libraryHome) {
    await dialog.showMessageBox({ type: 'info', message: 'The engine is still starting; try again in a moment.' });
    return;
  }
  const problem = await shell.openPath(libraryHome);
  if (problem)
    await dialog.showMessageBox({
      type: 'warning',
      message: 'Could not open the library folder',
      detail: `${libraryHome}: ${problem}`,
    });
}

/** Fatal before the engine could start: say why, then exit. */
function fail(message: string, detail: string): void {
  console.error(`slipway: ${message}: ${detail}`);
  dialog.showErrorBox(message, detail);
  app.exit(1);
}
