// Dataset names: the same rule as model names (1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or
// digit), unique regardless of case; the default is the file's stem, sanitised the way a model name is.
import { MODEL_NAME_PATTERN } from '../../../../src-shared/contract';
import { modelNameFromFile } from '../../library/modelName';
import { UserError } from '../../userError';
import { basename } from 'node:path';

export function checkDatasetName(name: string): string {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new UserError(
      'bad-input',
      `invalid dataset name '${name}': expected 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit`,
    );
  }
  return name;
}

export function datasetNameFromFile(path: string): string {
  try {
    return modelNameFromFile(path);
  } catch {
    throw new UserError('bad-input', `cannot make a dataset name from '${basename(path)}'; pass --name`);
  }
}
