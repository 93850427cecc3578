// What the native open dialog shows for each kind of file the UI imports: its title and file filters.
import type { OpenFileKind } from '../../src-shared/contract';

export interface OpenDialogSpec {
  title: string;
  filters: { name: string; extensions: string[] }[];
}

const SPECS: Record<OpenFileKind, OpenDialogSpec> = {
  model: {
    title: 'Import a model',
    filters: [
      { name: 'ONNX models', extensions: ['onnx'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  dataset: {
    title: 'Import a dataset',
    filters: [
      // The extensions the dataset importer recognises by name (readDatasetFile).
      { name: 'Datasets (JSON Lines, CSV)', extensions: ['jsonl', 'ndjson', 'csv'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
};

export function openDialogSpec(kind: OpenFileKind): OpenDialogSpec {
  return SPECS[kind];
}
