// Turns what the user named (a bundle folder, its manifest, or a .tar.gz of it) into a bundle folder to verify;
// an archive is unpacked under `<home>/tmp` and removed on close, whatever happened in between.
import { lstat, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_MANIFEST_FILE } from '../../../../src-shared/contract';
import { processAlive } from '../../processAlive';
import { UserError } from '../../userError';
import {
  IMPORT_TMP_PREFIX,
  isBundleArchiveName,
  readBundleArchive,
  type BundleArchiveLimits,
} from './readBundleArchive';

export interface OpenedBundle {
  /** The bundle folder (the user's, or the unpacked archive's top-level folder). */
  dir: string;
  /** The archive it came from; null for a folder. */
  archive: string | null;
  /** What the user named, for messages and notes: the folder's or archive's file name. */
  shownAs: string;
  close(): Promise<void>;
}

export interface OpenBundleOptions {
  /** Library home: archives unpack under `<home>/tmp`. */
  home: string;
  limits?: Partial<BundleArchiveLimits>;
  signal?: AbortSignal;
  /** 0..1 while an archive unpacks (a folder reports nothing). */
  onProgress?: (fraction: number) => void;
}

export async function openBundle(path: string, options: OpenBundleOptions): Promise<OpenedBundle> {
  const stats = await lstat(path).catch(() => null);
  const expected = `expected a bundle folder (with ${BUNDLE_MANIFEST_FILE}) or a .tar.gz of one`;
  if (!stats) throw new UserError('not-found', `${path} does not exist; ${expected}`);
  if (stats.isDirectory()) return { dir: path, archive: null, shownAs: basename(path), close: async () => {} };
  if (stats.isFile() && basename(path) === BUNDLE_MANIFEST_FILE) {
    const dir = dirname(path);
    return { dir, archive: null, shownAs: basename(dir), close: async () => {} };
  }
  if (!stats.isFile() || !isBundleArchiveName(path)) throw new UserError('bad-input', `${path}: ${expected}`);
  const tmpRoot = join(options.home, 'tmp');
  await sweepStaleImports(tmpRoot);
  const extracted = await readBundleArchive(path, {
    tmpRoot,
    limits: options.limits,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return { dir: extracted.dir, archive: path, shownAs: basename(path), close: extracted.remove };
}

/** Removes folders that imports of processes no longer running left under tmp (a crash mid-import). */
async function sweepStaleImports(tmpRoot: string): Promise<void> {
  const names = await readdir(tmpRoot).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^bundle-import-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (!name.startsWith(IMPORT_TMP_PREFIX) || !Number.isInteger(pid) || processAlive(pid)) continue;
    await rm(join(tmpRoot, name), { recursive: true, force: true });
  }
}
