import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src-shared/contract';
import { compareAnswers } from '../../../src-main/engine/traffic/compareAnswers';
import { predictionReaderFor } from '../../../src-main/engine/traffic/predictionReader';
import { TrafficMonitor } from '../../../src-main/engine/traffic/trafficMonitor';
import type { WireTensor } from '../../../src-main/engine/runtime/wireTensor';

const f32 = (name: string, rows: number[][]): WireTensor => ({
  name,
  type: 'float32',
  dims: [rows.length, rows[0]?.length ?? 0],
  data: Float32Array.from(rows.flat()).buffer,
});
const i64 = (name: string, values: number[]): WireTensor => ({
  name,
  type: 'int64',
  dims: [values.length],
  data: BigInt64Array.from(values.map(BigInt)).buffer,
});

const digitsSignature: ModelSignature = {
  inputs: [{ name: 'pixels', kind: 'tensor', elementType: 'float32', shape: ['batch', 64] }],
  outputs: [
    { name: 'logits', kind: 'tensor', elementType: 'float32', shape: ['batch', 10] },
    { name: 'probabilities', kind: 'tensor', elementType: 'float32', shape: ['batch', 10] },
  ],
} as ModelSignature;
const cancerSignature: ModelSignature = {
  inputs: [{ name: 'features', kind: 'tensor', elementType: 'float32', shape: ['batch', 30] }],
  outputs: [
    { name: 'label', kind: 'tensor', elementType: 'int64', shape: ['batch'] },
    { name: 'probabilities', kind: 'tensor', elementType: 'float32', shape: ['batch', 2] },
  ],
} as ModelSignature;

describe('predictions and shadow comparison', () => {
  it('reads the argmax of probabilities for [batch, C] float outputs, and the label where there is one', () => {
    const digits = predictionReaderFor(digitsSignature, new Map());
    expect(digits.kind).toBe('class');
    expect(digits.output).toBe('probabilities');
    const probs = f32('probabilities', [
      [0.1, 0.7, 0.2],
      [0.5, 0.2, 0.3],
    ]);
    expect(digits.read([probs])).toEqual([1, 0]);
    expect(digits.read([f32('logits', [[1, 2, 3]])])).toBeNull();
    const cancer = predictionReaderFor(cancerSignature, new Map());
    expect(cancer.output).toBe('label');
    expect(cancer.read([i64('label', [1, 0, 1])])).toEqual([1, 0, 1]);
  });

  it('counts agreeing rows and the largest |Δ| per row of each numeric output', () => {
    const live = {
      version: 1,
      outputs: [
        f32('probabilities', [
          [0.1, 0.9],
          [0.6, 0.4],
          [0.3, 0.7],
        ]),
        i64('label', [1, 0, 1]),
      ],
      predictions: [1, 0, 1],
      kind: 'class' as const,
    };
    const shadow = {
      version: 2,
      outputs: [
        f32('probabilities', [
          [0.2, 0.8],
          [0.4, 0.6],
          [0.3, 0.7],
        ]),
        i64('label', [1, 1, 1]),
      ],
      predictions: [1, 1, 1],
      kind: 'class' as const,
    };
    const pair = compareAnswers(live, shadow, 123);
    expect(pair).toMatchObject({ liveVersion: 1, shadowVersion: 2, atMs: 123, rows: 3, agreeingRows: 2 });
    expect(pair.absDelta.probabilities!.map((d) => Number(d.toFixed(5)))).toEqual([0.1, 0.2, 0]);
    expect(pair.absDelta.label).toEqual([0, 1, 0]);
  });
});

describe('TrafficMonitor', () => {
  function monitorAt(start = 1_000_000, limits = {}) {
    const clock = { t: start };
    return { clock, monitor: new TrafficMonitor({ clock: () => clock.t, limits }) };
  }

  it('counts requests, errors and caller errors per version and role, and error rate over judged requests', () => {
    const { monitor, clock } = monitorAt();
    for (let i = 0; i < 90; i++)
      monitor.record('M', { version: 1, role: 'live', atMs: clock.t++, latencyMs: 2, ok: true });
    for (let i = 0; i < 8; i++)
      monitor.record('M', { version: 2, role: 'live', atMs: clock.t++, latencyMs: 3, ok: true });
    monitor.record('M', { version: 2, role: 'live', atMs: clock.t++, latencyMs: 9, ok: false, reason: 'BACKEND' });
    monitor.record('M', {
      version: 2,
      role: 'live',
      atMs: clock.t++,
      latencyMs: 1,
      ok: false,
      reason: 'BAD_REQUEST',
      callerError: true,
    });
    monitor.record('M', { version: 2, role: 'shadow', atMs: clock.t++, latencyMs: 4, ok: true });
    const snap = monitor.snapshot('m');
    expect(snap.model).toBe('M');
    expect(snap.versions.map((v) => [v.version, v.role, v.requests, v.ok, v.errors, v.rejected])).toEqual([
      [1, 'live', 90, 90, 0, 0],
      [2, 'live', 10, 8, 1, 1],
      [2, 'shadow', 1, 1, 0, 0],
    ]);
    const v2 = snap.versions[1]!;
    expect(v2.errorRate).toBeCloseTo(1 / 9);
    expect(v2.errorsByReason).toEqual({ BACKEND: 1, BAD_REQUEST: 1 });
    // Latency of answered requests only.
    expect(v2.latencySamplesMs).toEqual(Array(8).fill(3));
    expect(snap.versions[0]!.latency).toMatchObject({ count: 90, p50: 2, p99: 2, max: 2 });
  });

  it('reads a window since a time, exactly, even past the per-request ring (from per-second counts)', () => {
    const { monitor, clock } = monitorAt(0, { requests: 100 });
    // 1000 requests, 10 per second over 100 s; every 10th fails.
    for (let i = 0; i < 1000; i++) {
      clock.t = i * 100;
      monitor.record('m', {
        version: 1,
        role: 'live',
        atMs: clock.t,
        latencyMs: i,
        ok: i % 10 !== 0,
        reason: 'BACKEND',
      });
    }
    const all = monitor.snapshot('m').versions[0]!;
    expect([all.requests, all.errors]).toEqual([1000, 100]);
    // Latencies come from the ring: the newest 100.
    expect(all.latency!.count).toBe(90);
    expect(Math.min(...all.latencySamplesMs)).toBeGreaterThanOrEqual(900);
    const since = monitor.snapshot('m', { sinceMs: 50_000 }).versions[0]!;
    expect([since.requests, since.errors]).toEqual([500, 50]);
    const recent = monitor.snapshot('m', { sinceMs: 95_050 }).versions[0]!;
    expect(recent.requests).toBe(49);
  });

  it('caps latency samples and predictions at maxSamples, spread over the window', () => {
    const { monitor, clock } = monitorAt();
    for (let i = 0; i < 1000; i++) {
      monitor.record('m', {
        version: 1,
        role: 'live',
        atMs: clock.t++,
        latencyMs: i,
        ok: true,
        predictions: [i % 10, (i + 1) % 10],
        predictionKind: 'class',
      });
    }
    const w = monitor.snapshot('m', { maxSamples: 100 }).versions[0]!;
    expect(w.latencySamplesMs).toHaveLength(100);
    expect(w.latencySamplesMs[0]).toBe(0);
    expect(w.latencySamplesMs[99]).toBe(990);
    expect(w.predictions).toHaveLength(100);
    expect(w.predictionKind).toBe('class');
    expect(w.samplesTruncated).toBe(true);
    expect(w.latency!.p99).toBeCloseTo(989.01);
  });

  it('aggregates shadow pairs per (live, shadow) version with agreement and |Δ| quantiles, and counts drops', () => {
    const { monitor, clock } = monitorAt();
    for (let i = 0; i < 100; i++) {
      monitor.recordPair('m', {
        liveVersion: 1,
        shadowVersion: 2,
        atMs: clock.t++,
        rows: 2,
        agreeingRows: i < 90 ? 2 : 1,
        absDelta: { probabilities: [i / 100, 0] },
      });
    }
    monitor.recordShadowDrop('m', 2);
    const snap = monitor.snapshot('m');
    expect(snap.shadow).toHaveLength(1);
    const s = snap.shadow[0]!;
    expect([s.liveVersion, s.shadowVersion, s.pairs, s.rows, s.agreeingRows]).toEqual([1, 2, 100, 200, 190]);
    expect(s.agreement).toBeCloseTo(0.95);
    expect(s.absDelta.probabilities!.count).toBe(200);
    expect(s.absDelta.probabilities!.max).toBeCloseTo(0.99);
    expect(snap.shadowDropped).toEqual({ 2: 1 });
    expect(monitor.snapshot('m', { sinceMs: clock.t + 1 }).shadowDropped).toEqual({});
  });

  it('forgets a model, and answers an empty snapshot for one it never saw', () => {
    const { monitor, clock } = monitorAt();
    monitor.record('m', { version: 1, role: 'live', atMs: clock.t, latencyMs: 1, ok: true });
    monitor.forget('m');
    expect(monitor.snapshot('m')).toMatchObject({ versions: [], shadow: [], shadowDropped: {} });
  });
});
