// The window's bridge (sandboxed preload, bundled to one CommonJS file): `window.slipway` with the engine's
// address and token, read once at load, and the two native dialogs — nothing else reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopBridge, OpenFileKind } from '../../src-shared/contract';
import { IpcChannel, type ConnectionReply } from '../desktop/ipcChannels';

// Main answers null for any page that is not the engine's UI (the starting page, anything unexpected): such a
// page gets no bridge at all.
const connection = ipcRenderer.sendSync(IpcChannel.connection) as ConnectionReply | null;

if (connection) {
  const bridge: DesktopBridge = {
    apiBase: connection.apiBase,
    token: connection.token,
    openFile: (kind: OpenFileKind): Promise<string | null> => ipcRenderer.invoke(IpcChannel.openFile, String(kind)),
    saveFile: (defaultName: string): Promise<string | null> =>
      ipcRenderer.invoke(IpcChannel.saveFile, String(defaultName)),
  };
  contextBridge.exposeInMainWorld('slipway', bridge);
}
