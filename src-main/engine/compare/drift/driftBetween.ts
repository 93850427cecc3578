// Drift of a current dataset against a reference dataset, from every value: feature columns are read a group at
// a time so a million rows × 64 features stays within a few hundred MB, and tested in worker threads.
import { availableParallelism } from 'node:os';
import {
  type DriftOptionsInput,
  DriftOptionsSchema,
  type DriftReport,
  type FeatureDrift,
} from '../../../../src-shared/contract';
import type { DatasetRows } from '../datasets/datasetRows';
import { UserError } from '../../userError';
import { sampleFromValues } from './driftSample';
import { featureDriftOfSamples } from './featureDrift';
import { assembleDriftReport } from './driftReport';
import { DriftWorkerPool } from './driftWorkerPool';

/** Bytes of column values held at once per side (the sorted copies made per feature come on top). */
const COLUMN_BUDGET_BYTES = 64 * 1024 * 1024;

export interface DriftProgress {
  featuresDone: number;
  features: number;
}

export interface DriftRunControl {
  onProgress?: (progress: DriftProgress) => void;
  signal?: AbortSignal;
  /**
   * Worker threads testing features in parallel; 0 tests on the calling thread (yielding between features).
   * Default: cores − 1 (at most 4) on machines with more than 2 cores and columns over 50 000 values, else 0.
   */
  threads?: number;
}

/** Below this many values per side the columns are tested in place (a worker's start costs more). */
const IN_PLACE_MAX_VALUES = 50_000;

export async function driftBetween(
  reference: DatasetRows,
  current: DatasetRows,
  optionsInput: DriftOptionsInput = {},
  control: DriftRunControl = {},
): Promise<DriftReport> {
  const options = DriftOptionsSchema.parse(optionsInput);
  const currentIndex = new Map(current.dataset.features.map((f, i) => [f.name, i]));
  const referenceFeatures = reference.dataset.features.map((f, i) => ({ profile: f, index: i }));
  const wanted = options.features ? new Set(options.features) : null;
  if (wanted) {
    const unknown = [...wanted].filter((name) => !referenceFeatures.some((f) => f.profile.name === name));
    if (unknown.length > 0) {
      throw new UserError(
        'bad-input',
        `the reference dataset "${reference.dataset.name}" has no feature ${unknown.map((n) => `"${n}"`).join(', ')}`,
      );
    }
  }
  const selected = referenceFeatures.filter((f) => !wanted || wanted.has(f.profile.name));
  const missing = selected.filter((f) => !currentIndex.has(f.profile.name)).map((f) => f.profile.name);
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((n) => `"${n}"`)
      .join(', ');
    throw new UserError(
      'bad-input',
      `the current dataset "${current.dataset.name}" lacks ${missing.length} feature(s) of the reference "${reference.dataset.name}": ${shown}${missing.length > 5 ? ', …' : ''}`,
    );
  }
  const rowsPerColumn = Math.max(reference.dataset.rows, current.dataset.rows, 1);
  const group = Math.max(1, Math.min(64, Math.floor(COLUMN_BUDGET_BYTES / (8 * rowsPerColumn))));
  const cores = availableParallelism();
  const threads = control.threads ?? (rowsPerColumn <= IN_PLACE_MAX_VALUES || cores <= 2 ? 0 : Math.min(4, cores - 1));
  const pool = threads > 0 ? new DriftWorkerPool(threads) : null;
  const results: FeatureDrift[] = [];
  const done = (result: FeatureDrift) => {
    results.push(result);
    control.onProgress?.({ featuresDone: results.length, features: selected.length });
  };
  try {
    for (let start = 0; start < selected.length; start += group) {
      if (control.signal?.aborted) throw new UserError('cancelled', 'drift computation cancelled');
      const part = selected.slice(start, start + group);
      const referenceColumns = await reference.featureColumns(part.map((f) => f.index));
      const currentColumns = await current.featureColumns(part.map((f) => currentIndex.get(f.profile.name)!));
      if (pool) {
        await Promise.all(
          part.map((feature, i) =>
            pool
              .run(feature.profile.name, feature.profile.kind, referenceColumns[i]!, currentColumns[i]!, options)
              .then(done),
          ),
        );
      } else {
        for (const [i, feature] of part.entries()) {
          const referenceSample = sampleFromValues(referenceColumns[i]!);
          const currentSample = sampleFromValues(currentColumns[i]!);
          done(
            featureDriftOfSamples(feature.profile.name, feature.profile.kind, referenceSample, currentSample, options),
          );
          // Let the event loop breathe between features (progress events, cancellation).
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
  } finally {
    await pool?.close();
  }
  return assembleDriftReport(
    results,
    'samples',
    { reference: reference.dataset.rows, current: current.dataset.rows },
    options,
  );
}
