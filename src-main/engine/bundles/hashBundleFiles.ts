// Lists every file under a bundle folder with its size and sha256, for the manifest. Anything but regular files
// and folders (a link, a socket) is refused: a bundle must unpack the same anywhere.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleFile } from '../../../src-shared/contract';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under root as a bundle-relative path, sorted, except `exclude` at the root. */
export async function hashBundleFiles(root: string, exclude?: string): Promise<BundleFile[]> {
  const files: BundleFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of (await readdir(dir)).sort()) {
      const path = join(dir, entry);
      const rel = prefix ? `${prefix}/${entry}` : entry;
      const stats = await lstat(path);
      if (stats.isDirectory()) await walk(path, rel);
      else if (stats.isFile()) {
        if (rel !== exclude) files.push({ path: rel, bytes: stats.size, sha256: await sha256File(path) });
      } else throw new Error(`${rel} in the bundle is neither a file nor a folder`);
    }
  };
  await walk(root, '');
  return files;
}
