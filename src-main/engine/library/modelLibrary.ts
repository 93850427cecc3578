// The model library: import .onnx files as content-addressed versions, list, inspect, stage, annotate and
// remove them. Every write is crash-safe: file first (temp + fsync + rename), row second, orphans swept at open.
import { basename } from 'node:path';
import type { ImportResult, ModelInspection, ModelSummary, ModelVersion, Stage } from '../../../src-shared/contract';
import { StageSchema } from '../../../src-shared/contract';
import { inspectModelFile as inspect } from '../onnx/inspectModelFile';
import type { ModelRepository } from '../store/modelRepository';
import { UserError } from '../userError';
import { ContentStore, type StagedFile } from './contentStore';
import { checkModelName, modelNameFromFile, type ModelRef } from './modelName';

export type ImportPhase = 'checking' | 'copying' | 'verifying' | 'committing';
export interface ImportProgress {
  phase: ImportPhase;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptions {
  name?: string;
  version?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export class ModelLibrary {
  constructor(
    private readonly repo: ModelRepository,
    readonly files: ContentStore,
  ) {}

  /** Removes files a crash left behind (see ContentStore.sweep); returns their names. */
  sweepOrphans(): string[] {
    return this.repo.writeTransaction(() => this.files.sweep(this.repo.referencedShas()));
  }

  importModel(source: string, options: ImportOptions = {}): ImportResult {
    const { progress, requestedName } = this.prepareImport(source, options);
    const staged = this.files.stage(source, (done, total) =>
      progress({ phase: 'copying', bytesDone: done, bytesTotal: total }),
    );
    return this.finishImport(source, staged, requestedName, options.version, progress);
  }

  /** The same import with the copy done asynchronously, so a long one reports progress and can be cancelled
   * (the control plane runs imports as jobs on the thread that also answers HTTP). */
  async importModelAsync(
    source: string,
    options: ImportOptions & { signal?: AbortSignal } = {},
  ): Promise<ImportResult> {
    const { progress, requestedName } = this.prepareImport(source, options);
    const cancelled = () =>
      new UserError('cancelled', `the import of ${basename(source)} was cancelled; nothing was imported`);
    let staged: StagedFile;
    try {
      staged = await this.files.stageAsync(source, {
        signal: options.signal,
        onProgress: (done, total) => progress({ phase: 'copying', bytesDone: done, bytesTotal: total }),
      });
    } catch (error) {
      throw options.signal?.aborted ? cancelled() : error;
    }
    if (options.signal?.aborted) {
      this.files.discard(staged);
      throw cancelled();
    }
    return this.finishImport(source, staged, requestedName, options.version, progress);
  }

  /** Checks the name and the source before any copying: a bad file is rejected without being copied. */
  private prepareImport(
    source: string,
    options: ImportOptions,
  ): { progress: (p: ImportProgress) => void; requestedName: string } {
    const progress = options.onProgress ?? (() => {});
    const requestedName = checkModelName(options.name ?? modelNameFromFile(source));
    progress({ phase: 'checking', bytesDone: 0, bytesTotal: 0 });
    // The copy is inspected again in finishImport, so what is stored is exactly what was validated.
    refuseExternalData(source, inspect(source));
    return { progress, requestedName };
  }

  private finishImport(
    source: string,
    staged: StagedFile,
    requestedName: string,
    requestedVersion: number | undefined,
    progress: (p: ImportProgress) => void,
  ): ImportResult {
    let committedFile = false;
    try {
      progress({ phase: 'verifying', bytesDone: staged.bytes, bytesTotal: staged.bytes });
      const inspection = inspect(staged.tempPath, basename(source));
      refuseExternalData(source, inspection);
      return this.repo.writeTransaction(() => {
        const name = this.repo.canonicalName(requestedName) ?? requestedName;
        const twin = this.repo.findBySha(name, staged.sha256);
        if (twin) {
          this.files.discard(staged);
          return { created: false, version: twin };
        }
        const version = requestedVersion ?? this.repo.nextVersion(name);
        const taken = this.repo.findVersion(name, version);
        if (taken) {
          throw new UserError(
            'conflict',
            `${name}:${version} already exists (different bytes, sha256 ${taken.sha256.slice(0, 12)}…); ` +
              `omit --version to import as ${name}:${this.repo.nextVersion(name)}`,
          );
        }
        this.files.commit(staged);
        committedFile = true;
        progress({ phase: 'committing', bytesDone: staged.bytes, bytesTotal: staged.bytes });
        const created = this.repo.insertVersion(
          {
            model: name,
            version,
            sha256: staged.sha256,
            fileBytes: staged.bytes,
            sourceName: basename(source),
            inspection,
          },
          new Date().toISOString(),
        );
        return { created: true, version: created };
      });
    } catch (error) {
      this.files.discard(staged);
      // The transaction rolled back: a file it renamed into place is now unreferenced unless a twin uses it.
      if (committedFile) {
        try {
          this.removeFileIfUnused(staged.sha256);
        } catch {
          // Left for the next open's sweep; the caller needs the import's own error, not this one.
        }
      }
      throw error;
    }
  }

  list(): ModelSummary[] {
    const byName = new Map<string, ModelVersion[]>();
    for (const v of this.repo.listVersions()) {
      const versions = byName.get(v.model) ?? [];
      versions.push(v);
      byName.set(v.model, versions);
    }
    return [...byName].map(([name, versions]) => ({ name, versions }));
  }

  versionsOf(name: string): ModelVersion[] {
    const versions = this.repo.listVersions(name);
    if (versions.length === 0) throw this.unknownModel(name);
    return versions;
  }

  /** Resolves "name" (latest version) or "name:version". */
  get(ref: ModelRef): ModelVersion {
    const found =
      ref.version === undefined ? this.repo.latestVersion(ref.name) : this.repo.findVersion(ref.name, ref.version);
    if (found) return found;
    const versions = this.repo.listVersions(ref.name);
    if (versions.length === 0) throw this.unknownModel(ref.name);
    throw new UserError(
      'not-found',
      `${versions[0]!.model} has no version ${ref.version}; its versions are ${versions.map((v) => v.version).join(', ')}`,
    );
  }

  filePath(version: ModelVersion): string {
    return this.files.pathOf(version.sha256);
  }

  setStage(ref: Required<ModelRef>, stage: string): ModelVersion {
    const parsed = StageSchema.safeParse(stage);
    if (!parsed.success) {
      throw new UserError('bad-input', `invalid stage '${stage}': expected one of ${StageSchema.options.join(', ')}`);
    }
    const version = this.get(ref);
    this.repo.setStage(version.model, version.version, parsed.data satisfies Stage);
    return this.get(ref);
  }

  setNotes(ref: Required<ModelRef>, notes: string): ModelVersion {
    const version = this.get(ref);
    this.repo.setNotes(version.model, version.version, notes);
    return this.get(ref);
  }

  /** Removes a version; its file goes once no other version (of any model) uses the same bytes. */
  remove(ref: Required<ModelRef>): { removed: ModelVersion; fileRemoved: boolean } {
    const { removed, remaining } = this.repo.writeTransaction(() => {
      const version = this.get(ref);
      return { removed: version, remaining: this.repo.deleteVersion(version.model, version.version, version.sha256) };
    });
    // The file goes only after the row's deletion committed (a crash in between leaves an unreferenced file,
    // which the next open sweeps, never a row without its file), and in a second write transaction, because an
    // import of the same bytes may have committed a row of its own in between.
    const fileRemoved = remaining === 0 && this.removeFileIfUnused(removed.sha256);
    return { removed, fileRemoved };
  }

  /** Deletes the file of `sha256` if no version references it, holding the write lock imports commit under, so
   * no import is between keeping that file as its twin and committing its row (as the open-time sweep does). */
  private removeFileIfUnused(sha256: string): boolean {
    return this.repo.writeTransaction(() => {
      if (this.repo.countBySha(sha256) > 0) return false;
      this.files.remove(sha256);
      return true;
    });
  }

  isEmpty(): boolean {
    return this.repo.countModels() === 0;
  }

  private unknownModel(name: string): UserError {
    const names = this.list().map((m) => m.name);
    const hint = names.length > 0 ? `; the library has: ${names.join(', ')}` : '; the library is empty';
    return new UserError('not-found', `no model named '${name}'${hint}`);
  }
}

function refuseExternalData(source: string, inspection: ModelInspection): void {
  if (inspection.externalDataFiles.length === 0) return;
  const files = inspection.externalDataFiles.map((f) => `'${f}'`).join(', ');
  throw new UserError(
    'bad-input',
    `${source} keeps its weights in external data (${files}); Slipway imports self-contained models only. ` +
      `Re-save it as one file, e.g. onnx.save_model(onnx.load('${basename(source)}'), 'single.onnx', save_as_external_data=False)`,
  );
}
