// Main's side of the preload bridge: the engine address and token for the UI, and the native open/save dialogs.
// Each handler answers only the top frame of the engine's UI in the main window.
import { basename, join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { OpenFileKindSchema } from '../../src-shared/contract';
import { isTrustedSender, type ContentPolicy } from './contentPolicy';
import { openDialogSpec } from './fileDialogs';
import { IpcChannel, type ConnectionReply } from './ipcChannels';

export interface DesktopIpcOptions {
  policy: ContentPolicy;
  /** The window whose page may use the bridge. */
  window(): BrowserWindow | undefined;
  /** The engine's address and token; stable across engine restarts. */
  connection(): ConnectionReply | undefined;
}

const MAX_NAME_CHARS = 200;

export function registerDesktopIpc(options: DesktopIpcOptions): void {
  const trusted = (event: Parameters<typeof isTrustedSender>[0]) =>
    isTrustedSender(event, options.window()?.webContents, options.policy);

  ipcMain.on(IpcChannel.connection, (event) => {
    // A sync message must always get a value, or the page hangs.
    event.returnValue = trusted(event) ? (options.connection() ?? null) : null;
  });

  ipcMain.handle(IpcChannel.openFile, async (event, kind: unknown) => {
    const window = windowFor(event, trusted);
    const parsed = OpenFileKindSchema.safeParse(kind);
    if (!parsed.success) throw new Error(`openFile takes 'model' or 'dataset', not ${JSON.stringify(kind)}`);
    const result = await dialog.showOpenDialog(window, { ...openDialogSpec(parsed.data), properties: ['openFile'] });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });

  ipcMain.handle(IpcChannel.saveFile, async (event, defaultName: unknown) => {
    const window = windowFor(event, trusted);
    // The page proposes a file name only: any folder part it sends is dropped.
    const name =
      typeof defaultName === 'string' ? basename(defaultName.replace(/\\/g, '/')).slice(0, MAX_NAME_CHARS) : '';
    const result = await dialog.showSaveDialog(window, {
      defaultPath: name ? join(app.getPath('downloads'), name) : app.getPath('downloads'),
    });
    return result.canceled ? null : (result.filePath ?? null);
  });
}

function windowFor(event: IpcMainInvokeEvent, trusted: (event: IpcMainInvokeEvent) => boolean): BrowserWindow {
  const window = BrowserWindow.fromWebContents(event.sender);
  if (!trusted(event) || !window) throw new Error('this page may not open file dialogs');
  return window;
}
