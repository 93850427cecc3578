// Whether a model's fallback can answer for it: a fallback version must exist, and constant outputs must be
// outputs the model has. `models config --fallback` and `serve --fallback` both check with it.
import type { Fallback } from '../../../src-shared/contract';
import { UserError } from '../userError';

export function checkFallback(fallback: Fallback, versions: number[], outputs: string[]): void {
  if (fallback.kind === 'version' && !versions.includes(fallback.version)) {
    throw new UserError(
      'bad-input',
      `fallback version ${fallback.version} does not exist; versions are ${versions.join(', ')}`,
    );
  }
  if (fallback.kind === 'constant') {
    const unknown = Object.keys(fallback.outputs).filter((o) => !outputs.includes(o));
    if (unknown.length > 0)
      throw new UserError(
        'bad-input',
        `fallback names unknown outputs ${unknown.join(', ')}; outputs are ${outputs.join(', ')}`,
      );
  }
}
