// What comparisons need of the dataset library: open a stored dataset's rows, and cut a new dataset from some
// of its rows (the explorer's export). The engine's dataset library provides it.
import type { Dataset } from '../../../../src-shared/contract';
import type { DatasetRows } from '../datasets/datasetRows';

export interface ComparisonDatasets {
  open(nameOrId: string): DatasetRows | Promise<DatasetRows>;
  deriveSubset(
    source: string,
    rowIndices: readonly number[],
    newName: string,
    derivedFrom: string,
  ): Dataset | Promise<Dataset>;
}
