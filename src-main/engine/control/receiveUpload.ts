// An uploaded file (web mode's file picker, drag and drop) streamed to a folder of its own under home/uploads,
// under the name the user's file had: that name names the model or dataset and is recorded as its source, so
// it must be a plain file name; anything path-like is refused before a byte is written.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../userError';

/** Folder under the home where uploads wait for their import job. */
export const UPLOADS_FOLDER = 'uploads';

const MAX_NAME_CHARS = 200;
// Separators, control characters, and what Windows refuses in a name (the same library may move there).
// eslint-disable-next-line no-control-regex
const NOT_IN_A_NAME = /[/\\<>:"|?*\u0000-\u001f\u007f]/;

export interface ReceivedUpload {
  /** The file, named as the user's. */
  path: string;
  /** Removes the file and its folder. */
  remove(): void;
}

/** The query's fileName when it is a plain file name; `example` (e.g. "model.onnx") shows what is expected. */
export function uploadFileName(raw: string | null, example: string): string {
  const name = raw ?? '';
  const expected = `a plain file name such as ${example} (no folders, not '.' or '..')`;
  if (name.trim() === '') throw new UserError('bad-input', `upload needs ?fileName=: ${expected}`);
  if (name === '.' || name === '..' || NOT_IN_A_NAME.test(name) || name.length > MAX_NAME_CHARS) {
    const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
    throw new UserError(
      'bad-input',
      `fileName must be ${expected}, of at most ${MAX_NAME_CHARS} characters; got ${JSON.stringify(shown)}`,
    );
  }
  return name;
}

/** Streams the request body to home/uploads/<random>/<fileName>; on any failure nothing is left behind. */
export async function receiveUpload(req: IncomingMessage, home: string, fileName: string): Promise<ReceivedUpload> {
  const dir = join(home, UPLOADS_FOLDER, randomBytes(6).toString('hex'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  try {
    await pipeline(req, createWriteStream(path, { flags: 'wx' }));
  } catch (error) {
    remove();
    throw error;
  }
  return { path, remove };
}
