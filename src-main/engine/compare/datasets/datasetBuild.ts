// One dataset being made in a temp folder: the readers' `begin` (inputs fixed: checked against the model, the
// writer opened), the second pass, and the Dataset and layout that get committed. Shared by file imports and
// subsets cut from a stored dataset.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, DatasetFit, ModelSignature } from '../../../../src-shared/contract';
import type { DatasetLayout } from '../../store/datasetRepository';
import { BadRows } from './badRows';
import { DatasetWriter, inputFileName, LABEL_FILE, type InputSpec } from './datasetWriter';
import { DatasetMismatchError, fitDataset, fitInputs } from './fitDataset';
import { LabelCollector, type LabelKindOption } from './labelCollector';

export interface BuildOptions {
  /** How the source is named in messages. */
  file: string;
  labelKind: LabelKindOption;
  skipBad: boolean;
  /** The model to check against, and how it is named in messages. */
  signature: ModelSignature | null;
  model: string | null;
  /** Hash what is written (a subset has no source file to hash). */
  hashRows?: boolean;
}

export interface DatasetIdentity {
  id: string;
  name: string;
  format: Dataset['format'];
  source: string;
  sourceBytes: number;
  sha256: string;
  derivedFrom: string | null;
}

export interface BuiltDataset {
  dataset: Dataset;
  layout: DatasetLayout;
  /** The check against the model, when one was given (it fits: a misfit throws). */
  fit: DatasetFit | null;
}

export class DatasetBuild {
  readonly labels = new LabelCollector('label');
  readonly bad: BadRows;
  private writer: DatasetWriter | null = null;
  private hasLabel = false;

  constructor(
    readonly folder: string,
    private readonly options: BuildOptions,
  ) {
    this.bad = new BadRows(options.file, options.skipBad);
  }

  get rows(): number {
    return this.writer?.rows ?? 0;
  }

  get profileBytes(): number {
    return this.writer?.profileBytes ?? 0;
  }

  /** The inputs are known: checks them against the model (unless the mapping step already did) and opens the files. */
  begin(inputs: InputSpec[], labelSource: string | null, alreadyChecked = false): DatasetWriter {
    if (this.options.signature && !alreadyChecked) {
      const fit = fitInputs(inputs, this.options.signature);
      if (!fit.fits) throw new DatasetMismatchError(this.describe(), fit.problems);
    }
    this.hasLabel = labelSource !== null;
    if (labelSource !== null) this.labels.source = labelSource;
    this.writer = new DatasetWriter(this.folder, inputs, this.hasLabel, { hash: this.options.hashRows });
    return this.writer;
  }

  /** After the last row: flushes and fsyncs, then the second pass (yields bytes done after each chunk). */
  *complete(): Generator<number> {
    const writer = this.writer!;
    writer.finish();
    yield* writer.profileStored();
  }

  result(identity: DatasetIdentity): BuiltDataset {
    const writer = this.writer!;
    const label = this.hasLabel ? this.labels.profile(this.options.labelKind) : null;
    // A label key that no row had (the default `label` of a file without labels) leaves no label.
    if (this.hasLabel && label === null) rmSync(join(this.folder, LABEL_FILE), { force: true });
    const inputs = writer.datasetInputs();
    const dataset: Dataset = {
      id: identity.id,
      name: identity.name,
      format: identity.format,
      source: identity.source,
      sourceBytes: identity.sourceBytes,
      sha256: identity.sha256 || writer.digest(),
      rows: writer.rows,
      skippedRows: this.bad.count,
      skipped: this.bad.listed,
      inputs,
      features: writer.features(),
      label,
      createdAt: new Date().toISOString(),
      derivedFrom: identity.derivedFrom,
    };
    const layout: DatasetLayout = {
      format: 1,
      inputFiles: inputs.map((_, k) => inputFileName(k)),
      labelFile: label ? LABEL_FILE : null,
      labelType: label ? this.labels.type : null,
      labelValues: label && this.labels.type === 'string' ? this.labels.values : [],
    };
    let fit: DatasetFit | null = null;
    if (this.options.signature) {
      fit = fitDataset(dataset, this.options.signature);
      if (!fit.fits) throw new DatasetMismatchError(this.describe(), fit.problems);
    }
    return { dataset, layout, fit };
  }

  /** Closes what is open (the caller removes the folder). */
  abort(): void {
    this.writer?.close();
  }

  private describe(): string {
    return this.options.model ? `${this.options.file} (checked against ${this.options.model})` : this.options.file;
  }
}
