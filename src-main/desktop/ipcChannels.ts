// The IPC channels between the preload and main: the whole surface the window has beyond the control API.
export const IpcChannel = {
  /** Synchronous, at preload time: `{ apiBase, token }`, or null for a page that is not the engine's UI. */
  connection: 'slipway:connection',
  /** Native open dialog for a model or dataset file (the argument says which); resolves to its path or null. */
  openFile: 'slipway:open-file',
  /** Native save dialog; resolves to the chosen path or null. */
  saveFile: 'slipway:save-file',
} as const;

export interface ConnectionReply {
  apiBase: string;
  token: string;
}
