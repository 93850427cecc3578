// The automatic request size: larger for a small model replaying many small rows, never below the default,
// and still enough requests for the paired latency figures.
import { describe, expect, it } from 'vitest';
import { automaticBatchRows, DEFAULT_BATCH_ROWS } from '../../../../src-main/engine/compare/replay/replayPlan';
import { memoryDataset } from '../../../helpers/memoryDatasetRows';

const model = (parameterBytes: number) => ({ inspection: { parameterBytes } });
/** A one-row dataset's description, claiming `rows` rows (only the sizes matter here). */
const rowsOf = (rows: number, features: number) => ({
  ...memoryDataset(
    { inputs: [{ name: 'x', shape: [features], values: [Array.from({ length: features }, () => 0)] }], labels: [null] },
    { name: 'd' },
  ).dataset,
  rows,
});

describe('automaticBatchRows', () => {
  it('grows for a small model on many small rows (digits: 64 features, 100 000 rows)', () => {
    expect(automaticBatchRows([model(10_000), model(70_000)], [rowsOf(100_000, 64)])).toBe(2048);
    expect(automaticBatchRows([model(10_000)], [rowsOf(1_000_000, 30)])).toBe(4096);
  });

  it('keeps the default for a large model, a small dataset or wide rows', () => {
    expect(automaticBatchRows([model(10_000), model(5_000_000)], [rowsOf(100_000, 64)])).toBe(DEFAULT_BATCH_ROWS);
    expect(automaticBatchRows([model(10_000)], [rowsOf(540, 64)])).toBe(DEFAULT_BATCH_ROWS);
    expect(automaticBatchRows([model(10_000)], [rowsOf(100_000, 4096)])).toBe(DEFAULT_BATCH_ROWS);
  });

  it('sizes for the largest of the datasets replayed', () => {
    expect(automaticBatchRows([model(10_000)], [rowsOf(540, 64), rowsOf(40_000, 64)])).toBe(1024);
  });
});
