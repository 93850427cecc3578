// The desktop window's bridge (`window.slipway`, made by the preload): the engine's address and token, and the
// two native file dialogs. Web mode has no bridge; the renderer then uses the URL's token and a file input.
import { z } from 'zod';

/** What the open dialog picks: a model (.onnx) or a replay dataset (.jsonl/.csv); title and filters follow. */
export const OpenFileKindSchema = z.enum(['model', 'dataset']);
export type OpenFileKind = z.infer<typeof OpenFileKindSchema>;

export interface DesktopBridge {
  apiBase: string;
  token: string;
  /** The native open dialog; resolves to the chosen path, or null when cancelled. */
  openFile(kind: OpenFileKind): Promise<string | null>;
  /** The native save dialog, proposing `defaultName` in Downloads; resolves to the path, or null. */
  saveFile(defaultName: string): Promise<string | null>;
}
