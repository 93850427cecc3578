// Triton's statistics extension: the counts and nanoseconds a client reads from /v2/models/.../stats add up
// exactly, per version, with Triton's semantics for batches, cache hits and failures.
import { describe, expect, it } from 'vitest';
import type { ServingEvent } from '../../../../src-main/engine/serving/servingEvent';
import { ServingTelemetry, type DurationStat } from '../../../../src-main/engine/serving/servingTelemetry';

const T0 = 1_700_000_000_000;
const zero = (): DurationStat => ({ count: 0, ns: 0 });
const d = (count: number, ns: number): DurationStat => ({ count, ns });

const model = 'digits-mlp';
const version = '1';
const ok = (
  requestNs: number,
  queueNs: number,
  [inputNs, inferNs, outputNs]: [number, number, number],
  cacheHit = false,
): ServingEvent => ({ kind: 'success', model, version, requestNs, queueNs, inputNs, inferNs, outputNs, cacheHit });
const exec = (batchSize: number, inputNs: number, inferNs: number, outputNs: number): ServingEvent => ({
  kind: 'execution',
  model,
  version,
  batchSize,
  inputNs,
  inferNs,
  outputNs,
});

/** Two requests merged into one batch, a single request, a cache miss then a hit, two failures, one more batch. */
function busyTelemetry() {
  let clock = T0;
  const telemetry = new ServingTelemetry({ now: () => clock });
  telemetry.registerVersion(model, '1');
  telemetry.registerVersion(model, '2');
  telemetry.registerVersion('text-classifier', '1');
  const at = (ms: number, event: ServingEvent) => {
    clock = T0 + ms;
    telemetry.record(event);
  };
  at(10, exec(2, 1_000, 20_000, 3_000));
  at(11, ok(50_000, 10_000, [1_000, 20_000, 3_000]));
  at(12, ok(60_000, 12_000, [1_000, 20_000, 3_000]));
  at(20, { kind: 'cache', model, version, hit: false, lookupNs: 700 });
  at(21, exec(1, 500, 9_000, 1_500));
  at(22, ok(30_000, 4_000, [500, 9_000, 1_500]));
  at(30, { kind: 'cache', model, version, hit: true, lookupNs: 800 });
  at(31, ok(2_000, 0, [800, 0, 0], true));
  at(40, exec(2, 1_200, 21_000, 2_800));
  at(41, ok(55_000, 9_000, [1_200, 21_000, 2_800]));
  at(42, ok(57_000, 11_000, [1_200, 21_000, 2_800]));
  // Failures do not move last_inference: Triton stamps it when the model answers.
  at(50, { kind: 'failure', model, version, reason: 'REJECTED', requestNs: 5_000 });
  at(51, { kind: 'failure', model, version, reason: 'BACKEND', requestNs: 7_000 });
  return telemetry;
}

describe('ServingTelemetry statistics', () => {
  it('accumulates every count and nanosecond of a known sequence exactly', () => {
    const [stat] = busyTelemetry().statistics({ model, version: '1' }).model_stats;
    expect(stat).toEqual({
      name: 'digits-mlp',
      version: '1',
      last_inference: T0 + 42,
      // Batch rows executed (2 + 1 + 2) and executions (3); the cache hit ran nothing.
      inference_count: 5,
      execution_count: 3,
      inference_stats: {
        // Every answered request, the cache hit included.
        success: d(6, 50_000 + 60_000 + 30_000 + 2_000 + 55_000 + 57_000),
        fail: d(2, 12_000),
        queue: d(6, 10_000 + 12_000 + 4_000 + 0 + 9_000 + 11_000),
        // Only the five requests that ran the model, each with its execution's durations.
        compute_input: d(5, 1_000 + 1_000 + 500 + 1_200 + 1_200),
        compute_infer: d(5, 20_000 + 20_000 + 9_000 + 21_000 + 21_000),
        compute_output: d(5, 3_000 + 3_000 + 1_500 + 2_800 + 2_800),
        cache_hit: d(1, 800),
        cache_miss: d(1, 700),
      },
      // Per batch size: executions, not requests.
      batch_stats: [
        { batch_size: 1, compute_input: d(1, 500), compute_infer: d(1, 9_000), compute_output: d(1, 1_500) },
        {
          batch_size: 2,
          compute_input: d(2, 2_200),
          compute_infer: d(2, 41_000),
          compute_output: d(2, 5_800),
        },
      ],
    });
  });

  it('lists loaded versions without traffic, with zeros', () => {
    const stats = busyTelemetry().statistics().model_stats;
    expect(stats.map((s) => `${s.name}:${s.version}`)).toEqual(['digits-mlp:1', 'digits-mlp:2', 'text-classifier:1']);
    expect(stats[1]).toEqual({
      name: 'digits-mlp',
      version: '2',
      last_inference: 0,
      inference_count: 0,
      execution_count: 0,
      inference_stats: {
        success: zero(),
        fail: zero(),
        queue: zero(),
        compute_input: zero(),
        compute_infer: zero(),
        compute_output: zero(),
        cache_hit: zero(),
        cache_miss: zero(),
      },
      batch_stats: [],
    });
  });

  it('filters by model and by version, and finds nothing for unknown ones', () => {
    const telemetry = busyTelemetry();
    const names = (filter: { model?: string; version?: string }) =>
      telemetry.statistics(filter).model_stats.map((s) => `${s.name}:${s.version}`);
    expect(names({ model })).toEqual(['digits-mlp:1', 'digits-mlp:2']);
    expect(names({ model, version: '2' })).toEqual(['digits-mlp:2']);
    expect(names({ model: 'text-classifier' })).toEqual(['text-classifier:1']);
    expect(names({ model: 'nope' })).toEqual([]);
    expect(names({ model, version: '3' })).toEqual([]);
  });

  it('orders versions numerically and models by name', () => {
    const telemetry = new ServingTelemetry();
    for (const [m, v] of [
      ['zeta', '1'],
      ['alpha', '10'],
      ['alpha', '9'],
      ['alpha', '2'],
    ]) {
      telemetry.registerVersion(m!, v!);
    }
    expect(telemetry.statistics().model_stats.map((s) => `${s.name}:${s.version}`)).toEqual([
      'alpha:2',
      'alpha:9',
      'alpha:10',
      'zeta:1',
    ]);
  });

  it('serializes as Triton JSON: version a string, every count and ns a JSON number', () => {
    const json = JSON.parse(JSON.stringify(busyTelemetry().statistics({ model, version: '1' }))) as {
      model_stats: Record<string, unknown>[];
    };
    const stat = json.model_stats[0]!;
    expect(Object.keys(stat)).toEqual([
      'name',
      'version',
      'last_inference',
      'inference_count',
      'execution_count',
      'inference_stats',
      'batch_stats',
    ]);
    expect(typeof stat.version).toBe('string');
    expect(Object.keys(stat.inference_stats as object)).toEqual([
      'success',
      'fail',
      'queue',
      'compute_input',
      'compute_infer',
      'compute_output',
      'cache_hit',
      'cache_miss',
    ]);
    const numbers = JSON.stringify(json).match(/"(count|ns|batch_size)":[^,}]+/g)!;
    expect(numbers.every((pair) => /:\d+$/.test(pair))).toBe(true);
  });

  it('returns a snapshot that later traffic does not change', () => {
    const telemetry = busyTelemetry();
    const before = telemetry.statistics({ model, version: '1' });
    telemetry.record(ok(1_000, 100, [10, 20, 30]));
    expect(before.model_stats[0]!.inference_stats.success).toEqual(d(6, 254_000));
    expect(telemetry.statistics({ model, version: '1' }).model_stats[0]!.inference_stats.success).toEqual(
      d(7, 255_000),
    );
  });

  it('forgets a removed version, ignores its late events, and starts from zero when loaded again', () => {
    const telemetry = busyTelemetry();
    telemetry.removeVersion(model, '1');
    telemetry.record(ok(1_000, 100, [10, 20, 30]));
    expect(telemetry.statistics({ model }).model_stats.map((s) => s.version)).toEqual(['2']);
    telemetry.removeVersion(model, '2');
    expect(telemetry.statistics({ model }).model_stats).toEqual([]);
    telemetry.registerVersion(model, '1');
    expect(telemetry.statistics({ model }).model_stats[0]!.inference_stats.success).toEqual(zero());
  });

  it('keeps totals when a version is registered twice', () => {
    const telemetry = busyTelemetry();
    telemetry.registerVersion(model, '1');
    expect(telemetry.statistics({ model, version: '1' }).model_stats[0]!.execution_count).toBe(3);
  });

  it('counts a negative or non-finite duration as zero instead of corrupting the totals', () => {
    const telemetry = new ServingTelemetry();
    telemetry.registerVersion(model, version);
    telemetry.record(ok(-5, Number.NaN, [Infinity, 10, 20]));
    const stats = telemetry.statistics().model_stats[0]!.inference_stats;
    expect(stats.success).toEqual(d(1, 0));
    expect(stats.queue).toEqual(d(1, 0));
    expect(stats.compute_input).toEqual(d(1, 0));
    expect(stats.compute_infer).toEqual(d(1, 10));
  });
});
