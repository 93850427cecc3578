// Makes a rename inside a folder durable: the new directory entry is on disk only once the folder is fsynced.
import { closeSync, fsyncSync, openSync } from 'node:fs';

export function syncFolder(path: string): void {
  // Windows cannot open folders for fsync (and NTFS journals the rename).
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
