// The dataset library (engine.datasets): import JSONL/CSV files as stored datasets with a schema and a profile,
// list, show, open for reading, remove, cut subsets, check against a model, and bind a dataset as a model
// version's reference. Writes are crash-safe: rows into a temp folder (fsynced), renamed, then the row
// committed; orphans swept at open.
import { basename } from 'node:path';
import type {
  Dataset,
  DatasetFit,
  DatasetImportOptions,
  DatasetReference,
  DatasetSummary,
  ModelSignature,
} from '../../../../src-shared/contract';
import { DatasetImportOptionsSchema } from '../../../../src-shared/contract';
import type { ModelLibrary } from '../../library/modelLibrary';
import { parseModelRef } from '../../library/modelName';
import type { DatasetRepository, StoredDataset } from '../../store/datasetRepository';
import { UserError } from '../../userError';
import { DatasetBuild, type BuiltDataset } from './datasetBuild';
import { newDatasetId, type DatasetFolders } from './datasetFolders';
import { checkDatasetName, datasetNameFromFile } from './datasetName';
import { fitDataset } from './fitDataset';
import {
  formatOf,
  profileBuild,
  readDatasetFile,
  readJsonlFileSync,
  type ReadControl,
  type ReadSpec,
} from './readDatasetFile';
import { StoredDatasetRows } from './storedDatasetRows';

/** Rows read from the source per step when cutting a subset. */
const SUBSET_STEP = 4096;

export type { ReadControl as DatasetImportControl };

export class DatasetLibrary {
  constructor(
    private readonly repo: DatasetRepository,
    readonly folders: DatasetFolders,
    private readonly models: ModelLibrary,
  ) {}

  /** Removes folders a crash left behind (see DatasetFolders.sweep); returns their names. */
  sweepOrphans(): string[] {
    return this.repo.writeTransaction(() => this.folders.sweep(this.repo.ids()));
  }

  /**
   * Imports a JSONL or CSV file, streamed in bounded memory. `control.onProgress` hears the bytes read (then the
   * profiling pass); an aborted `control.signal` stops it and leaves nothing behind.
   */
  async import(path: string, options: DatasetImportOptions = {}, control: ReadControl = {}): Promise<Dataset> {
    const plan = this.plan(path, options);
    const temp = this.folders.createTemp();
    const build = new DatasetBuild(temp, plan.build);
    try {
      const read = await readDatasetFile(build, path, plan.spec, control);
      await profileBuild(build, control);
      if (control.signal?.aborted) throw cancelled(path);
      control.onProgress?.({ phase: 'committing', bytesDone: read.bytes, bytesTotal: read.bytes, rows: build.rows });
      const built = build.result({ ...plan.identity, sourceBytes: read.bytes, sha256: read.sha256 });
      return this.commit(temp, built);
    } catch (error) {
      build.abort();
      this.folders.discard(temp);
      throw control.signal?.aborted && !(error instanceof UserError && error.code === 'cancelled')
        ? cancelled(path)
        : error;
    }
  }

  /** The same import, synchronously and for JSONL only: small files such as the demo datasets seeded at open. */
  importSync(path: string, options: DatasetImportOptions = {}): Dataset {
    const plan = this.plan(path, options);
    if (plan.spec.format !== 'jsonl') throw new Error('importSync reads JSONL files only');
    const temp = this.folders.createTemp();
    const build = new DatasetBuild(temp, plan.build);
    try {
      const read = readJsonlFileSync(build, path, plan.spec);
      const built = build.result({ ...plan.identity, sourceBytes: read.bytes, sha256: read.sha256 });
      return this.commit(temp, built);
    } catch (error) {
      build.abort();
      this.folders.discard(temp);
      throw error;
    }
  }

  list(): DatasetSummary[] {
    return this.repo.list();
  }

  /** By id or by name (any case). */
  get(nameOrId: string): Dataset {
    return this.find(nameOrId).dataset;
  }

  /** Opens a dataset's rows for reading (DatasetRows, plus readRows by index); close it when done. */
  async open(nameOrId: string): Promise<StoredDatasetRows> {
    const stored = this.find(nameOrId);
    return StoredDatasetRows.open(this.folders.pathOf(stored.dataset.id), stored);
  }

  /**
   * Removes a dataset. One bound as a model version's reference is refused unless `force`, which unbinds it.
   * The folder goes after the commit; a crash between leaves an orphan the next open sweeps.
   */
  remove(nameOrId: string, options: { force?: boolean } = {}): { removed: Dataset; unbound: DatasetReference[] } {
    const result = this.repo.writeTransaction(() => {
      const { dataset } = this.find(nameOrId);
      const bound = this.repo.references(dataset.id);
      if (bound.length > 0 && !options.force) {
        throw new UserError(
          'conflict',
          `dataset ${dataset.name} is the reference of ${bound.map((r) => `${r.model}:${r.version}`).join(', ')}; ` +
            `bind another first (slipway datasets reference NAME:V DATASET), or remove it with --force to unbind it`,
        );
      }
      this.repo.clearReferencesOf(dataset.id);
      this.repo.delete(dataset.id);
      return { removed: dataset, unbound: bound };
    });
    this.folders.remove(result.removed.id);
    return result;
  }

  /** A new dataset made of some rows of another (in the order given), e.g. a comparison's disagreements. */
  async deriveSubset(
    source: string,
    rowIndices: readonly number[],
    newName: string,
    derivedFrom: string,
  ): Promise<Dataset> {
    const name = checkDatasetName(newName);
    this.refuseTaken(name);
    if (rowIndices.length === 0) throw new UserError('bad-input', `no rows to make dataset ${name} from`);
    const stored = this.find(source);
    const { dataset } = stored;
    const rows = await StoredDatasetRows.open(this.folders.pathOf(dataset.id), stored);
    const temp = this.folders.createTemp();
    const build = new DatasetBuild(temp, {
      file: dataset.name,
      labelKind: dataset.label?.kind ?? 'auto',
      skipBad: false,
      signature: null,
      model: null,
      hashRows: true,
    });
    try {
      const writer = build.begin(
        dataset.inputs.map((i) => ({ name: i.name, shape: i.shape, size: i.size, columns: i.columns })),
        dataset.label?.source ?? null,
      );
      for (let at = 0; at < rowIndices.length; at += SUBSET_STEP) {
        const picked = await rows.readRows(rowIndices.slice(at, at + SUBSET_STEP));
        for (let r = 0; r < picked.indices.length; r++) {
          dataset.inputs.forEach((input, k) => {
            const values = picked.inputs.get(input.name)!.subarray(r * input.size, (r + 1) * input.size);
            writer.buffer(k).set(values, writer.offset(k));
            if (input.boolean) writer.rowBooleans[k] = values.reduce((n, v) => (v === v ? n + 1 : n), 0);
          });
          writer.commitRow(build.labels.fromStored(picked.labels[r] ?? null));
        }
      }
      await profileBuild(build);
      const built = build.result({
        id: newDatasetId(),
        name,
        format: dataset.format,
        source: `${rowIndices.length} rows of dataset ${dataset.name}`,
        sourceBytes: 0,
        sha256: '',
        derivedFrom,
      });
      return this.commit(temp, built);
    } catch (error) {
      build.abort();
      this.folders.discard(temp);
      throw error;
    } finally {
      await rows.close();
    }
  }

  /** Does a stored dataset fit a model's inputs? Every problem is named; see fitDataset. */
  fit(nameOrId: string, signature: ModelSignature): DatasetFit {
    return fitDataset(this.get(nameOrId), signature);
  }

  /** Binds a dataset as a model version's reference (its profile is what drift compares against). */
  setReference(model: string, version: number, dataset: string): DatasetReference {
    return this.repo.writeTransaction(() => {
      const target = this.models.get({ name: model, version });
      const stored = this.find(dataset).dataset;
      const signature = { inputs: target.inspection.inputs, outputs: target.inspection.outputs };
      const fit = fitDataset(stored, signature);
      if (!fit.fits) {
        const problems = fit.problems.filter((p) => p.severity === 'error').map((p) => p.message);
        throw new UserError(
          'bad-input',
          `dataset ${stored.name} cannot be the reference of ${target.model}:${target.version}: ${problems.join('; ')}`,
        );
      }
      this.repo.setReference(target.model, target.version, stored.id, new Date().toISOString());
      return this.repo.reference(target.model, target.version)!;
    });
  }

  /** Unbinds a version's reference; false when it had none. */
  clearReference(model: string, version: number): boolean {
    const target = this.models.get({ name: model, version });
    return this.repo.clearReference(target.model, target.version);
  }

  /** The version's reference dataset (schema and profile), or null when none is bound. */
  referenceFor(model: string, version: number): Dataset | null {
    const binding = this.repo.reference(model, version);
    return binding ? this.get(binding.datasetId) : null;
  }

  /** Reference bindings: of one dataset, or all of them. */
  references(nameOrId?: string): DatasetReference[] {
    return this.repo.references(nameOrId === undefined ? undefined : this.get(nameOrId).id);
  }

  private find(nameOrId: string): StoredDataset {
    const stored = this.repo.find(nameOrId);
    if (stored) return stored;
    const names = this.repo.list().map((d) => d.name);
    const hint =
      names.length > 0
        ? `; the library has: ${names.join(', ')}`
        : '; the library has no datasets (import one with `slipway datasets import FILE --name NAME`)';
    throw new UserError('not-found', `no dataset named '${nameOrId}'${hint}`);
  }

  private refuseTaken(name: string): void {
    const taken = this.repo.canonicalName(name);
    if (taken !== undefined) {
      throw new UserError(
        'conflict',
        `a dataset named '${taken}' already exists; choose another --name, or remove it first (slipway datasets remove ${taken})`,
      );
    }
  }

  /** Checks the options, the name and the model before anything is read. */
  private plan(path: string, raw: DatasetImportOptions) {
    const parsed = DatasetImportOptionsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError('bad-input', `invalid import option ${issue.path.join('.') || ''}: ${issue.message}`);
    }
    const options = parsed.data;
    const name = checkDatasetName(options.name ?? datasetNameFromFile(path));
    this.refuseTaken(name);
    const format = formatOf(path, options.format);
    let signature: ModelSignature | null = null;
    let model: string | null = null;
    if (options.model !== undefined) {
      const version = this.models.get(parseModelRef(options.model));
      signature = { inputs: version.inspection.inputs, outputs: version.inspection.outputs };
      model = `${version.model}:${version.version}`;
    }
    const label = options.label === 'none' ? null : options.label;
    const spec: ReadSpec = { format, map: options.map, ignore: options.ignore, label, signature, model };
    return {
      spec,
      build: { file: basename(path), labelKind: options.labelKind, skipBad: options.skipBad, signature, model },
      identity: { id: newDatasetId(), name, format, source: options.sourceName ?? path, derivedFrom: null },
    };
  }

  private commit(temp: string, built: BuiltDataset): Dataset {
    const { dataset, layout } = built;
    let renamed = false;
    try {
      return this.repo.writeTransaction(() => {
        this.refuseTaken(dataset.name);
        this.folders.commit(temp, dataset.id);
        renamed = true;
        this.repo.insert(dataset, layout);
        return dataset;
      });
    } catch (error) {
      // The transaction rolled back: a folder it renamed into place belongs to no row.
      if (renamed) this.folders.remove(dataset.id);
      throw error;
    }
  }
}

function cancelled(path: string): UserError {
  return new UserError('cancelled', `the import of ${basename(path)} was cancelled; nothing was imported`);
}
