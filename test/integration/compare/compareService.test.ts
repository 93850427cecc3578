// Comparisons end to end on the demo library (models and replay datasets seeded into a fresh home): digits-mlp
// and cancer-logreg versions replayed through the engine's dataset store and session pools, stored, read back,
// exported, cancelled and refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComparisonSchema, type Comparison, type PairResult } from '../../../src-shared/contract';
import { ComparisonService } from '../../../src-main/engine/compare/replay/comparisonService';
import { Engine } from '../../../src-main/engine/engine';
import { UserError } from '../../../src-main/engine/userError';
import { MemoryDatasets, readJsonlRows } from '../../helpers/memoryDatasetRows';
import { data } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

let home: string;
let engine: Engine;
let service: ComparisonService;

beforeAll(() => {
  home = tempDir('slipway-compare-');
  engine = Engine.open({ home });
  service = new ComparisonService(engine);
});
afterAll(async () => {
  await service.close();
  await engine.close();
});

async function compare(versions: string[], dataset: string, extra: Record<string, unknown> = {}): Promise<Comparison> {
  const started = await service.start({ versions, dataset, ...extra });
  const done = await service.wait(started.id);
  expect(done.error).toBeNull();
  expect(done.state).toBe('succeeded');
  return done;
}

/** Class predictions of a version on every row of a fixture, computed apart from the comparison engine. */
async function argmaxPredictions(ref: { name: string; version: number }, file: string): Promise<number[]> {
  const rows = readJsonlRows(data(file));
  const pixels = rows.inputs[0]!.values;
  const result = await engine.runner.run(ref, { kind: 'values', values: { pixels } }, { outputs: ['probabilities'] });
  return (result.outputs[0]!.data as number[][]).map((p) => p.indexOf(Math.max(...p)));
}

function checkPairConsistency(pair: PairResult): void {
  const m = pair.flipMatrix!;
  const total = m.counts.flat().reduce((a, b) => a + b, 0);
  const offDiagonal = m.counts.reduce((n, row, i) => n + row.reduce((s, c, j) => s + (i === j ? 0 : c), 0), 0);
  expect(total).toBe(pair.rows);
  expect(offDiagonal).toBe(pair.disagreements);
  expect(pair.agreement!.value).toBeCloseTo(1 - pair.disagreements / pair.rows, 12);
  expect(pair.kappa!).toBeGreaterThanOrEqual(-1);
  expect(pair.kappa!).toBeLessThanOrEqual(pair.agreement!.value);
  const l = pair.labels!;
  expect(l.bothRight + l.bothWrong + l.negativeFlips + l.positiveFlips).toBe(l.rows);
  // Every flip is a disagreement; a disagreement where both are wrong is neither kind.
  expect(l.negativeFlips + l.positiveFlips).toBeLessThanOrEqual(pair.disagreements);
  expect(l.mcnemar.b).toBe(l.negativeFlips);
  expect(l.mcnemar.c).toBe(l.positiveFlips);
  expect(pair.agreement!.low!).toBeLessThanOrEqual(pair.agreement!.value);
  expect(pair.agreement!.high!).toBeGreaterThanOrEqual(pair.agreement!.value);
}

describe('digits-mlp v1 vs v2', () => {
  it('on digits_live_same: agreement 0.9556, accuracies 0.9519 / 0.9796, flips that add up', async () => {
    const done = await compare(['digits-mlp:1', 'digits-mlp:2'], 'digits-live-same');
    const r = done.results!;
    expect(ComparisonSchema.parse(done)).toBeTruthy();
    expect(r.datasetRows).toBe(540);
    expect(r.labelledRows).toBe(540);
    const [v1, v2] = r.versions;
    expect(v1!.prediction).toMatchObject({ output: 'probabilities', rule: 'argmax', source: 'inferred' });
    expect(v1!.accuracy!.value).toBeCloseTo(0.9519, 4);
    expect(v2!.accuracy!.value).toBeCloseTo(0.9796, 4);
    expect(v1!.rows).toBe(540);
    expect(v1!.errors).toBe(0);
    const pair = r.pairs[0]!;
    expect(pair.agreement!.value).toBeCloseTo(0.9556, 4);
    checkPairConsistency(pair);
    // Accuracy change = (positive − negative flips) / labelled rows.
    const l = pair.labels!;
    expect(l.accuracyDelta.value).toBeCloseTo((l.positiveFlips - l.negativeFlips) / l.rows, 12);
    expect(v2!.accuracy!.value - v1!.accuracy!.value).toBeCloseTo(l.accuracyDelta.value, 12);

    // The same predictions computed apart, through the model runner's JSON path.
    const p1 = await argmaxPredictions({ name: 'digits-mlp', version: 1 }, 'digits_live_same.jsonl');
    const p2 = await argmaxPredictions({ name: 'digits-mlp', version: 2 }, 'digits_live_same.jsonl');
    const labels = readJsonlRows(data('digits_live_same.jsonl')).labels as number[];
    const negative = labels.filter((label, i) => p1[i] === label && p2[i] !== label).length;
    const positive = labels.filter((label, i) => p1[i] !== label && p2[i] === label).length;
    expect(pair.disagreements).toBe(p1.filter((p, i) => p !== p2[i]).length);
    expect(l.negativeFlips).toBe(negative);
    expect(l.positiveFlips).toBe(positive);
    expect(m(pair, String(p1[0]), String(p2[0]))).toBeGreaterThan(0);

    // The explorer: flips first (negative first), each row with its inputs and both outputs.
    const flips = pair.explorer.byFlips;
    expect(flips.length).toBe(Math.min(50, pair.disagreements));
    expect(flips.slice(0, negative).every((row) => row.flip === 'negative')).toBe(true);
    const first = flips[0]!;
    expect(first.inputs['pixels']).toHaveLength(64);
    expect(first.outputs.map((o) => o.prediction)).toEqual([p1[first.row], p2[first.row]]);
    expect(first.outputs[0]!.values).toHaveLength(10);
    const deltas = pair.explorer.byDelta.map((row) => row.absDelta);
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a));
    expect(deltas[0]).toBeCloseTo(pair.outputs.find((o) => o.output === 'probabilities')!.absDelta!.max, 6);
  });

  it('on digits_live_drift: agreement 0.6981, with input and prediction drift against the reference', async () => {
    const done = await compare(['digits-mlp:1', 'digits-mlp:2'], 'digits-live-drift', {
      reference: 'digits-reference',
    });
    const r = done.results!;
    expect(r.pairs[0]!.agreement!.value).toBeCloseTo(0.6981, 4);
    checkPairConsistency(r.pairs[0]!);
    expect(r.inputDrift!.datasetDrift).toBe(true);
    expect(r.inputDrift!.currentRows).toBe(540);
    expect(r.predictionDrift!.map((p) => p.ref)).toEqual(['digits-mlp:1', 'digits-mlp:2']);
    expect(r.predictionDrift![0]!.referenceRows).toBe(1257);
    expect(r.predictionDrift![0]!.kind).toBe('categorical');
    expect(done.referenceName).toBe('digits-reference');
  });

  it('exports the explorer rows as a new dataset, sorted by flips', async () => {
    const done = await compare(['digits-mlp:1', 'digits-mlp:2'], 'digits-live-same');
    const dataset = await service.exportRows(done.id, { sort: 'flips', limit: 10, name: 'digits-flips' });
    expect(dataset.rows).toBe(10);
    expect(dataset.derivedFrom).toContain(done.id);
    expect(engine.datasets.get('digits-flips').rows).toBe(10);
    const all = await service.exportRows(done.id, { sort: 'flips', limit: 10_000, name: 'digits-all-flips' });
    expect(all.rows).toBe(done.results!.pairs[0]!.disagreements);
    await expect(service.exportRows(done.id, { sort: 'delta', limit: 5, name: 'digits-flips' })).rejects.toThrow(
      /digits-flips/,
    );
  });
});

describe('prediction outputs', () => {
  it('takes cancer-logreg’s int64 label output as the label', async () => {
    const done = await compare(['cancer-logreg:1', 'cancer-logreg:2'], 'cancer-live-same');
    const v1 = done.results!.versions[0]!;
    expect(v1.prediction).toMatchObject({ output: 'label', rule: 'label', source: 'inferred' });
    expect(v1.prediction.reason).toMatch(/int64 output 'label'/);
    expect(v1.accuracy!.value).toBeGreaterThan(0.8);
    const pair = done.results!.pairs[0]!;
    checkPairConsistency(pair);
    expect(pair.explorer.deltaOutput).toBe('probabilities');
  });

  it('follows --prediction probabilities:argmax and says so', async () => {
    const done = await compare(['cancer-logreg:1', 'cancer-logreg:2'], 'cancer-live-same', {
      prediction: { output: 'probabilities', rule: 'argmax' },
    });
    expect(done.results!.versions[0]!.prediction).toMatchObject({
      output: 'probabilities',
      rule: 'argmax',
      source: 'override',
    });
  });
});

describe('refusals and cancellation', () => {
  it('refuses a dataset that does not fit a version before storing or running anything', async () => {
    const before = service.list().length;
    const error = await service
      .start({ versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'cancer-live-same' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/dataset cancer-live-same does not fit digits-mlp:1/);
    expect((error as UserError).message).toMatch(/pixels/);
    expect(service.list()).toHaveLength(before);
  });

  it('refuses unknown versions, unknown outputs and a single version', async () => {
    await expect(
      service.start({ versions: ['digits-mlp:1', 'digits-mlp:9'], dataset: 'digits-live-same' }),
    ).rejects.toThrow(UserError);
    await expect(
      service.start({
        versions: ['digits-mlp:1', 'digits-mlp:2'],
        dataset: 'digits-live-same',
        prediction: { output: 'nope' },
      }),
    ).rejects.toThrow(/no output 'nope'.*logits, probabilities/);
    await expect(service.start({ versions: ['digits-mlp:1'], dataset: 'digits-live-same' })).rejects.toThrow(
      /at least two versions/,
    );
  });

  it('keeps a comparison cancelled mid-run cancelled, with no results and no per-row figures', async () => {
    const datasets = new MemoryDatasets();
    datasets.addFile(data('digits_live_same.jsonl'), { name: 'digits-many', rows: 60_000 });
    const own = new ComparisonService(engine, { datasets });
    const progress: number[] = [];
    const started = await own.start(
      { versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'digits-many', batchSize: 2 },
      {
        onProgress: (p) => {
          progress.push(p.rowsDone);
          if (p.phase === 'replay' && p.rowsDone > 0) own.cancel(started.id);
        },
      },
    );
    const done = await own.wait(started.id);
    expect(done.state).toBe('cancelled');
    expect(done.results).toBeNull();
    expect(done.error).toBeNull();
    expect(progress.some((n) => n > 0)).toBe(true);
    expect(Math.max(...progress)).toBeLessThan(60_000);
    expect(engine.comparisons.pairRows(done.id, 0)).toBeUndefined();
    expect(own.get(done.id).state).toBe('cancelled');
    expect(datasets.opened.every((rows) => rows.closed > 0)).toBe(true);
    await expect(own.exportRows(done.id, { name: 'nothing' })).rejects.toThrow(/cancelled/);
  });

  it('queues a second comparison behind the first and runs both', async () => {
    const a = await service.start({ versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'digits-live-same' });
    const b = await service.start({ versions: ['cancer-logreg:1', 'cancer-logreg:2'], dataset: 'cancer-live-same' });
    expect(b.state).toBe('queued');
    const [doneA, doneB] = await Promise.all([service.wait(a.id), service.wait(b.id)]);
    expect([doneA.state, doneB.state]).toEqual(['succeeded', 'succeeded']);
    expect(
      service
        .list()
        .slice(0, 2)
        .map((c) => c.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    await service.remove(a.id);
    expect(() => service.get(a.id)).toThrow(/no comparison/);
  });

  it('ends a queued comparison at once when cancelled; the one ahead and the one behind still run', async () => {
    const datasets = new MemoryDatasets();
    datasets.addFile(data('digits_live_same.jsonl'), { name: 'digits-many', rows: 60_000 });
    datasets.addFile(data('digits_live_same.jsonl'), { name: 'digits-few' });
    const own = new ComparisonService(engine, { datasets });
    const ahead = await own.start({ versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'digits-many', batchSize: 2 });
    const queued = await own.start({ versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'digits-few' });
    expect(queued.state).toBe('queued');
    expect(own.cancel(queued.id).state).toBe('queued');
    const cancelled = await own.wait(queued.id);
    // Ended while the one ahead is still replaying its 60,000 rows.
    expect(own.get(ahead.id).state).toBe('running');
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.progress.rowsDone).toBe(0);
    expect(cancelled.results).toBeNull();
    expect(own.get(queued.id).state).toBe('cancelled');
    const behind = await own.start({ versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'digits-few' });
    expect(behind.state).toBe('queued');
    own.cancel(ahead.id);
    const [doneAhead, doneBehind] = await Promise.all([own.wait(ahead.id), own.wait(behind.id)]);
    expect([doneAhead.state, doneBehind.state]).toEqual(['cancelled', 'succeeded']);
    expect(own.get(queued.id).state).toBe('cancelled');
    expect(datasets.opened.every((rows) => rows.closed > 0)).toBe(true);
    await own.close();
  });

  it('marks a comparison left running by a stopped engine as interrupted', async () => {
    const other = tempDir('slipway-compare-interrupted-');
    const first = Engine.open({ home: other, resourcesDir: null });
    const stranded = { ...(await compare(['digits-mlp:1', 'digits-mlp:2'], 'digits-live-same')), id: 'cmp-stranded' };
    first.comparisons.insert({ ...stranded, state: 'running', results: null, finishedAt: null });
    await first.close();
    const again = Engine.open({ home: other, resourcesDir: null });
    try {
      const c = again.comparisons.get('cmp-stranded')!;
      expect(c.state).toBe('failed');
      expect(c.error).toMatch(/interrupted/);
    } finally {
      await again.close();
    }
  });
});

function m(pair: PairResult, from: string, to: string): number {
  const i = pair.flipMatrix!.classes.indexOf(from);
  const j = pair.flipMatrix!.classes.indexOf(to);
  return pair.flipMatrix!.counts[i]![j]!;
}
