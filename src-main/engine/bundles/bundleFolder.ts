// The folder an export writes into: every target writes its files through it by bundle-relative path, so no
// target can write outside the bundle and the manifest can list exactly what was written.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BundlePathSchema } from '../../../src-shared/contract';

export class BundleFolder {
  private readonly written = new Set<string>();

  constructor(
    /** Absolute path of the bundle's root folder (a temporary one while the export runs). */
    readonly root: string,
  ) {}

  /** Absolute path of a bundle-relative path (checked: relative, `/`-separated, no `..`). */
  pathOf(relPath: string): string {
    BundlePathSchema.parse(relPath);
    return join(this.root, ...relPath.split('/'));
  }

  async writeFile(relPath: string, data: string | Uint8Array, mode?: number): Promise<void> {
    const path = this.pathOf(relPath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data, mode === undefined ? undefined : { mode });
    this.written.add(relPath);
  }

  async copyFile(relPath: string, from: string): Promise<void> {
    const path = this.pathOf(relPath);
    await mkdir(dirname(path), { recursive: true });
    await copyFile(from, path);
    this.written.add(relPath);
  }

  /** Marks a file something else wrote at pathOf(relPath) (e.g. onnxruntime's optimised model). */
  adopt(relPath: string): void {
    BundlePathSchema.parse(relPath);
    this.written.add(relPath);
  }

  /** Bundle-relative paths written so far, sorted. */
  files(): string[] {
    return [...this.written].sort();
  }
}
