// Packs a finished bundle folder into a .tar.gz whose single top-level folder is the bundle (node-tar, portable
// headers: no owner names or uids, so the archive is the same whoever made it).
import { basename, dirname } from 'node:path';
import { create } from 'tar';

export async function writeBundleArchive(bundleDir: string, archivePath: string): Promise<void> {
  await create({ gzip: true, file: archivePath, cwd: dirname(bundleDir), portable: true }, [basename(bundleDir)]);
}
