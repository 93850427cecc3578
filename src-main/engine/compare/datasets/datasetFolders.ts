// Where datasets' rows live: datasets/<id>/ under the home. A dataset is written into a temp folder
// (.tmp-<pid>-<random>), fsynced, and renamed to its id before its row is committed; at open, folders no row
// names and temp folders whose writer is gone are swept, so a crash at any point leaves a consistent library.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../../processAlive';
import { syncFolder } from '../../syncFolder';

const DATASET_FOLDER = /^ds-[0-9a-f]{12}$/;
const TEMP_FOLDER = /^\.tmp-(\d+)-[0-9a-f]+$/;

export function newDatasetId(): string {
  return `ds-${randomBytes(6).toString('hex')}`;
}

export class DatasetFolders {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  pathOf(id: string): string {
    return join(this.root, id);
  }

  createTemp(): string {
    const path = join(this.root, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    mkdirSync(path);
    return path;
  }

  /** Makes a written temp folder the dataset `id` (its files must already be fsynced) and the rename durable. */
  commit(tempPath: string, id: string): string {
    syncFolder(tempPath);
    const finalPath = this.pathOf(id);
    renameSync(tempPath, finalPath);
    syncFolder(this.root);
    return finalPath;
  }

  discard(path: string): void {
    removeQuietly(path);
  }

  remove(id: string): void {
    removeQuietly(this.pathOf(id));
  }

  /**
   * Deletes dataset folders no row references and temp folders whose writer is gone; returns their names. Call
   * it holding the database write lock, so no other process is between its rename and its commit.
   */
  sweep(referenced: ReadonlySet<string>): string[] {
    const removed: string[] = [];
    for (const name of readdirSync(this.root)) {
      const temp = TEMP_FOLDER.exec(name);
      const orphan = DATASET_FOLDER.test(name) ? !referenced.has(name) : temp ? !processAlive(Number(temp[1])) : false;
      if (orphan && removeQuietly(join(this.root, name))) removed.push(`datasets/${name}`);
    }
    if (removed.length > 0) syncFolder(this.root);
    return removed;
  }
}

/** Removes a folder; a file still held open elsewhere (Windows) is left for the next sweep. */
function removeQuietly(path: string): boolean {
  try {
    rmSync(path, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}
