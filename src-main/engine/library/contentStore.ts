// Content-addressed model files (models/<sha256>.onnx). Files arrive as temp files (copied, hashed, fsynced)
// and become visible by an atomic rename, so a crash never leaves a half-written model under its final name.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../processAlive';
import { syncFolder } from '../syncFolder';

export interface StagedFile {
  tempPath: string;
  sha256: string;
  bytes: number;
}

export type CopyProgress = (bytesDone: number, bytesTotal: number) => void;

const FINAL_NAME = /^([0-9a-f]{64})\.onnx$/;
const TEMP_NAME = /^\.tmp-(\d+)-[0-9a-f]+\.onnx$/;
const CHUNK = 4 * 1024 * 1024;

export class ContentStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  pathOf(sha256: string): string {
    return join(this.root, `${sha256}.onnx`);
  }

  /** Copies `source` into a temp file next to the final location, hashing on the way, and fsyncs it. */
  stage(source: string, onProgress?: CopyProgress): StagedFile {
    const total = statSync(source).size;
    const tempPath = join(this.root, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}.onnx`);
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(total, 1)));
    const input = openSync(source, 'r');
    let output: number | undefined;
    let done = 0;
    try {
      output = openSync(tempPath, 'wx');
      for (;;) {
        const n = readSync(input, buffer, 0, buffer.length, null);
        if (n === 0) break;
        hash.update(buffer.subarray(0, n));
        let written = 0;
        while (written < n) written += writeSync(output, buffer, written, n - written);
        done += n;
        onProgress?.(done, total);
      }
      fsyncSync(output);
    } catch (error) {
      if (output !== undefined) closeSync(output);
      output = undefined;
      rmSync(tempPath, { force: true });
      throw error;
    } finally {
      if (output !== undefined) closeSync(output);
      closeSync(input);
    }
    return { tempPath, sha256: hash.digest('hex'), bytes: done };
  }

  /** As stage(), reading and writing asynchronously so the caller's thread stays responsive; an aborted signal
   * stops the copy and removes the temp file. */
  async stageAsync(
    source: string,
    options: { onProgress?: CopyProgress; signal?: AbortSignal } = {},
  ): Promise<StagedFile> {
    const total = (await stat(source)).size;
    const tempPath = join(this.root, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}.onnx`);
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(total, 1)));
    const input = await open(source, 'r');
    let output: FileHandle | undefined;
    let done = 0;
    try {
      output = await open(tempPath, 'wx');
      for (;;) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        await output.write(buffer, 0, bytesRead);
        done += bytesRead;
        options.onProgress?.(done, total);
      }
      await output.sync();
      await output.close();
      output = undefined;
    } catch (error) {
      await output?.close();
      output = undefined;
      rmSync(tempPath, { force: true });
      throw error;
    } finally {
      await input.close();
    }
    return { tempPath, sha256: hash.digest('hex'), bytes: done };
  }

  /** Moves a staged file to its content address (a twin already there wins) and makes the rename durable. */
  commit(staged: StagedFile): string {
    const finalPath = this.pathOf(staged.sha256);
    if (existsSync(finalPath)) rmSync(staged.tempPath, { force: true });
    else renameSync(staged.tempPath, finalPath);
    syncFolder(this.root);
    return finalPath;
  }

  discard(staged: StagedFile): void {
    rmSync(staged.tempPath, { force: true });
  }

  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }

  /**
   * Deletes what a crash left behind: final files no row references, and temp files whose writer is gone.
   * Call it holding the database write lock, so no other process is between its rename and its commit.
   */
  sweep(referenced: ReadonlySet<string>): string[] {
    const removed: string[] = [];
    for (const name of readdirSync(this.root)) {
      const final = FINAL_NAME.exec(name);
      const temp = TEMP_NAME.exec(name);
      const orphan = final ? !referenced.has(final[1]!) : temp ? !processAlive(Number(temp[1])) : false;
      if (orphan) {
        rmSync(join(this.root, name), { force: true });
        removed.push(name);
      }
    }
    if (removed.length > 0) syncFolder(this.root);
    return removed;
  }
}
