// A DatasetLibrary over a fresh home, wired as the engine wires it (optionally with the demo models, whose
// signatures the fit checks use), plus small file writers for the tests.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetFolders } from '../../../../src-main/engine/compare/datasets/datasetFolders';
import { DatasetLibrary } from '../../../../src-main/engine/compare/datasets/datasetLibrary';
import { DatasetRepository } from '../../../../src-main/engine/store/datasetRepository';
import { model } from '../../../helpers/paths';
import { openLibrary, type TestLibrary } from '../../../helpers/openLibrary';
import { tempDir } from '../../../helpers/tempDir';

export interface TestDatasets extends TestLibrary {
  datasets: DatasetLibrary;
  dir: string;
  /** Writes a file into the test's scratch folder and returns its path. */
  file: (name: string, text: string) => string;
  close: () => void;
}

export function openDatasets(options: { models?: boolean } = {}): TestDatasets {
  const home = tempDir();
  const lib = openLibrary(home);
  if (options.models) {
    for (const [file, name] of [
      ['digits-mlp-v1.onnx', 'digits-mlp'],
      ['cancer-logreg-v1.onnx', 'cancer-logreg'],
      ['text-classifier.onnx', 'text-classifier'],
      ['multi-dtype.onnx', 'multi-dtype'],
    ] as const) {
      lib.library.importModel(model(file), { name });
    }
  }
  const datasets = new DatasetLibrary(
    new DatasetRepository(lib.db),
    new DatasetFolders(join(home, 'datasets')),
    lib.library,
  );
  const dir = tempDir();
  return {
    ...lib,
    datasets,
    dir,
    file: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    close: () => lib.db.close(),
  };
}

/** What an import threw (a rejected promise's reason). */
export async function importError(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the import to fail');
}
