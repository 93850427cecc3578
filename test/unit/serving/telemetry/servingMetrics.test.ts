// The /metrics text: Triton's metric names and labels with the same totals as the statistics, latency
// histograms, and text that Prometheus' own checker (promtool) parses.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ServingEvent } from '../../../../src-main/engine/serving/servingEvent';
import { ServingTelemetry } from '../../../../src-main/engine/serving/servingTelemetry';

const PROMTOOL = '/usr/bin/promtool';

type Labels = Record<string, string>;
interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped, label values unescaped). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparseable sample line: ${line}`);
    const labels: Labels = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Labels): number | undefined {
  const hit = samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && sameKeys(s, labels),
  );
  return hit?.value;
}
const sameKeys = (s: Sample, labels: Labels) => Object.keys(s.labels).length === Object.keys(labels).length;

const model = 'digits-mlp';
const version = '1';
const v1 = { model, version };
const ok = (requestNs: number, queueNs: number, compute: [number, number, number], cacheHit = false): ServingEvent => ({
  kind: 'success',
  model,
  version,
  requestNs,
  queueNs,
  inputNs: compute[0],
  inferNs: compute[1],
  outputNs: compute[2],
  cacheHit,
});

function busyTelemetry(): ServingTelemetry {
  const telemetry = new ServingTelemetry({ now: () => 1_700_000_000_000 });
  telemetry.registerVersion(model, '1');
  telemetry.registerVersion(model, '2');
  const events: ServingEvent[] = [
    { kind: 'execution', model, version, batchSize: 2, inputNs: 1_000, inferNs: 20_000, outputNs: 3_000 },
    ok(50_400, 10_600, [1_000, 20_000, 3_000]),
    ok(60_700, 12_500, [1_000, 20_000, 3_000]),
    { kind: 'cache', model, version, hit: false, lookupNs: 1_700 },
    { kind: 'execution', model, version, batchSize: 1, inputNs: 500, inferNs: 9_000, outputNs: 1_500 },
    ok(30_000, 4_000, [500, 9_000, 1_500]),
    { kind: 'cache', model, version, hit: true, lookupNs: 2_800 },
    ok(2_000, 0, [2_800, 0, 0], true),
    { kind: 'failure', model, version, reason: 'REJECTED', requestNs: 5_000 },
    { kind: 'failure', model, version, reason: 'REJECTED', requestNs: 6_000 },
    { kind: 'failure', model, version, reason: 'BACKEND', requestNs: 7_000 },
  ];
  for (const event of events) telemetry.record(event);
  telemetry.setPending(model, '1', 3);
  return telemetry;
}

describe('ServingTelemetry metrics', () => {
  it("exposes Triton's counters with model and version labels and the statistics' totals in µs", async () => {
    const telemetry = busyTelemetry();
    const samples = parseSamples(await telemetry.metrics());
    const stats = telemetry.statistics({ model, version }).model_stats[0]!.inference_stats;
    const us = (ns: number) => Math.floor(ns / 1000);
    expect(valueOf(samples, 'nv_inference_request_success', v1)).toBe(4);
    expect(valueOf(samples, 'nv_inference_count', v1)).toBe(3);
    expect(valueOf(samples, 'nv_inference_exec_count', v1)).toBe(2);
    expect(valueOf(samples, 'nv_inference_pending_request_count', v1)).toBe(3);
    expect(valueOf(samples, 'nv_inference_request_duration_us', v1)).toBe(us(stats.success.ns));
    expect(valueOf(samples, 'nv_inference_request_duration_us', v1)).toBe(143);
    expect(valueOf(samples, 'nv_inference_queue_duration_us', v1)).toBe(27);
    expect(valueOf(samples, 'nv_inference_compute_input_duration_us', v1)).toBe(us(stats.compute_input.ns));
    expect(valueOf(samples, 'nv_inference_compute_infer_duration_us', v1)).toBe(49);
    expect(valueOf(samples, 'nv_inference_compute_output_duration_us', v1)).toBe(7);
    expect(valueOf(samples, 'nv_cache_num_hits_per_model', v1)).toBe(1);
    expect(valueOf(samples, 'nv_cache_num_misses_per_model', v1)).toBe(1);
    expect(valueOf(samples, 'nv_cache_hit_duration_per_model', v1)).toBe(2);
    expect(valueOf(samples, 'nv_cache_miss_duration_per_model', v1)).toBe(1);
  });

  it('counts failures per Triton reason, every reason present from the start', async () => {
    const samples = parseSamples(await busyTelemetry().metrics());
    const failures = (reason: string) => valueOf(samples, 'nv_inference_request_failure', { ...v1, reason });
    expect([failures('REJECTED'), failures('BACKEND'), failures('CANCELED'), failures('OTHER')]).toEqual([2, 1, 0, 0]);
  });

  it('keeps the µs counters equal to the floored ns totals, without per-request rounding loss', async () => {
    const telemetry = new ServingTelemetry();
    telemetry.registerVersion(model, version);
    // Three 1.5 µs requests: truncating each would report 3 µs; the total is 4.5 µs.
    for (let i = 0; i < 3; i++) telemetry.record(ok(1_500, 1_500, [1_500, 1_500, 1_500]));
    const samples = parseSamples(await telemetry.metrics());
    expect(valueOf(samples, 'nv_inference_request_duration_us', v1)).toBe(4);
    expect(valueOf(samples, 'nv_inference_compute_infer_duration_us', v1)).toBe(4);
  });

  it('shows a loaded version with zeros and no cache series until it uses the cache', async () => {
    const samples = parseSamples(await busyTelemetry().metrics());
    const v2 = { model, version: '2' };
    for (const name of [
      'nv_inference_request_success',
      'nv_inference_count',
      'nv_inference_exec_count',
      'nv_inference_pending_request_count',
      'nv_inference_request_duration_us',
      'nv_inference_queue_duration_us',
      'nv_inference_compute_input_duration_us',
      'nv_inference_compute_infer_duration_us',
      'nv_inference_compute_output_duration_us',
      'slipway_request_duration_seconds_count',
      'slipway_batch_size_count',
    ]) {
      expect([name, valueOf(samples, name, v2)]).toEqual([name, 0]);
    }
    expect(samples.filter((s) => s.name.startsWith('nv_cache') && s.labels.version === '2')).toEqual([]);
  });

  it('has latency histograms in seconds (10 µs .. 10 s) and a batch-size histogram', async () => {
    const samples = parseSamples(await busyTelemetry().metrics());
    const bucket = (name: string, le: string) => valueOf(samples, `${name}_bucket`, { ...v1, le });
    expect(valueOf(samples, 'slipway_request_duration_seconds_count', v1)).toBe(4);
    expect(valueOf(samples, 'slipway_request_duration_seconds_sum', v1)).toBeCloseTo(143.1e-6, 12);
    expect(bucket('slipway_request_duration_seconds', '0.00001')).toBe(1);
    expect(bucket('slipway_request_duration_seconds', '0.00005')).toBe(2);
    expect(bucket('slipway_request_duration_seconds', '0.0001')).toBe(4);
    expect(bucket('slipway_request_duration_seconds', '10')).toBe(4);
    expect(bucket('slipway_request_duration_seconds', '+Inf')).toBe(4);
    expect(valueOf(samples, 'slipway_queue_duration_seconds_count', v1)).toBe(4);
    expect(valueOf(samples, 'slipway_execution_duration_seconds_count', v1)).toBe(2);
    expect(bucket('slipway_batch_size', '1')).toBe(1);
    expect(bucket('slipway_batch_size', '2')).toBe(2);
    expect(valueOf(samples, 'slipway_batch_size_sum', v1)).toBe(3);
  });

  it("uses Triton's help texts and metric types", async () => {
    const text = await busyTelemetry().metrics();
    expect(text).toContain(
      '# HELP nv_inference_request_success Number of successful inference requests, all batch sizes\n' +
        '# TYPE nv_inference_request_success counter',
    );
    expect(text).toContain(
      '# HELP nv_inference_pending_request_count Instantaneous number of pending requests awaiting execution per-model.\n' +
        '# TYPE nv_inference_pending_request_count gauge',
    );
    expect(text).toContain(
      '# HELP nv_inference_compute_infer_duration_us Cumulative compute inference duration in microseconds (does not include cached requests)',
    );
    expect(text).toContain('# TYPE slipway_request_duration_seconds histogram');
  });

  it('drops every series of a removed version', async () => {
    const telemetry = busyTelemetry();
    telemetry.removeVersion(model, '1');
    const samples = parseSamples(await telemetry.metrics());
    expect(samples.filter((s) => s.labels.version === '1')).toEqual([]);
    expect(valueOf(samples, 'nv_inference_request_success', { model, version: '2' })).toBe(0);
  });

  it('keeps its metrics on its own registry, so servers in one process never collide', async () => {
    const a = busyTelemetry();
    const b = busyTelemetry();
    b.record(ok(1_000, 0, [0, 0, 0]));
    expect(valueOf(parseSamples(await a.metrics()), 'nv_inference_request_success', v1)).toBe(4);
    expect(valueOf(parseSamples(await b.metrics()), 'nv_inference_request_success', v1)).toBe(5);
    expect(globalRegistry.getSingleMetric('nv_inference_request_success')).toBeUndefined();
    expect(a.metricsContentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  // CI installs promtool (.ci/run), so there a missing one is a failure, not a skip.
  const promtool = existsSync(PROMTOOL) || process.env.CI === 'true';
  const promtoolTitle = promtool
    ? 'parses with promtool check metrics (lint warnings only on Triton names)'
    : `promtool check metrics: SKIPPED, ${PROMTOOL} not found (install the Debian package "prometheus")`;
  it.skipIf(!promtool)(promtoolTitle, async () => {
    const telemetry = busyTelemetry();
    // Label values that need escaping must not break the exposition.
    const odd = 'odd/model:"quoted"\\back\nline';
    telemetry.registerVersion(odd, '7');
    telemetry.record({ ...ok(1_000, 10, [1, 2, 3]), model: odd, version: '7' });
    const text = await telemetry.metrics();
    expect(valueOf(parseSamples(text), 'nv_inference_request_success', { model: odd, version: '7' })).toBe(1);
    const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    // 0: clean; 3: lint problems only (Triton's counters lack _total and use _us / _count names); 1: unparseable.
    if (result.status !== 0 && result.status !== 3) expect.fail(`promtool exited ${result.status}:\n${output}`);
    const complaints = output.split('\n').filter((line) => line.trim() !== '');
    expect(complaints.filter((line) => !line.startsWith('nv_'))).toEqual([]);
  });
});
