// The files of a bundle folder: listing them (regular files only: a link or a special file is refused by name,
// since a bundle must unpack the same anywhere) and their sha256s, for the manifest an export writes and the
// checks an import makes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleFile } from '../../../src-shared/contract';
import { UserError } from '../userError';

/** sha256 of a file, streamed; `onBytes` hears the bytes read so far. */
export async function sha256File(
  path: string,
  options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
): Promise<string> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal: options.signal })) {
    hash.update(chunk as Buffer);
    options.onBytes?.((bytes += (chunk as Buffer).length));
  }
  return hash.digest('hex');
}

/** Every regular file under dir as a sorted bundle-relative path. */
export async function listBundleFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(folder, entry.name), rel);
      else if (entry.isFile()) files.push(rel);
      else if (entry.isSymbolicLink()) {
        throw new UserError('bad-input', `${rel}: a symbolic link; a bundle holds only regular files and folders`);
      } else throw new UserError('bad-input', `${rel}: not a regular file; a bundle holds only files and folders`);
    }
  };
  await walk(dir, '');
  return files.sort();
}

/** Every file under root with its size and sha256, except `exclude` at the root. */
export async function hashBundleFiles(root: string, exclude?: string): Promise<BundleFile[]> {
  const files: BundleFile[] = [];
  for (const rel of await listBundleFiles(root)) {
    if (rel === exclude) continue;
    const path = join(root, ...rel.split('/'));
    files.push({ path: rel, bytes: (await stat(path)).size, sha256: await sha256File(path) });
  }
  return files;
}
