// The one window: a sandboxed, context-isolated page that shows a small "starting" page until the engine is
// up, then the engine's UI at http://127.0.0.1:<port>/ui/.
import { BrowserWindow, type NativeImage } from 'electron';

export interface MainWindowOptions {
  preloadPath: string;
  icon: NativeImage;
}

const RELOADS_PER_MINUTE = 3;

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Slipway',
    width: 1280,
    height: 860,
    minWidth: 880,
    minHeight: 560,
    show: false,
    icon: options.icon,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(STARTING_PAGE);

  // A crashed or killed renderer leaves a blank window: reload it, but not in a loop.
  const reloads: number[] = [];
  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`slipway: the window's renderer is gone (${details.reason})`);
    const now = Date.now();
    while (reloads.length > 0 && now - reloads[0]! > 60_000) reloads.shift();
    if (details.reason !== 'clean-exit' && reloads.length < RELOADS_PER_MINUTE && !window.isDestroyed()) {
      reloads.push(now);
      window.webContents.reload();
    }
  });
  return window;
}

/** Loads the engine's UI unless the window already shows it (a restart on the same port needs nothing). */
export function showEngineUi(window: BrowserWindow, engineUrl: string): void {
  const current = window.webContents.getURL();
  if (current.startsWith(`${engineUrl}/ui/`)) return;
  window.loadURL(`${engineUrl}/ui/`).catch((error: unknown) => {
    console.error(`slipway: could not load the UI from the engine: ${String(error)}`);
  });
}

/** Inline, static, no script: shown for the second or so the engine takes to open the library. */
const STARTING_PAGE = `data:text/html;charset=utf-8,${encodeURIComponent(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Slipway</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; height: 100vh; display: grid; place-items: center; }
  p { opacity: 0.7; }
</style></head>
<body><main><h1>Slipway</h1><p>Starting the engine…</p></main></body></html>`)}`;
