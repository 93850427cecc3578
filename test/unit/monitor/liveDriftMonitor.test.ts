import { describe, expect, it } from 'vitest';
import { LiveDriftMonitor, type ReferenceProfileSource } from '../../../src-main/engine/monitor/liveDriftMonitor';
import { type LiveDriftAlert, LiveDriftStatusSchema } from '../../../src-shared/contract';
import { mulberry32 } from '../../../src-shared/seededRandom';
import { data } from '../../helpers/paths';
import { ProfiledDatasetRows, readFixtureRows } from '../../helpers/profiledDatasetRows';

const reference = ProfiledDatasetRows.fromRows('digits_reference', readFixtureRows(data('digits_reference.jsonl')));
const pixels = (file: string) => readFixtureRows(data(file)).map((row) => row.inputs.pixels as number[]);
const same = pixels('digits_live_same.jsonl');
const drifted = pixels('digits_live_drift.jsonl');

/** Serves `rows` as requests of 8 rows, the clock moving one second per request. */
function serve(monitor: LiveDriftMonitor, rows: number[][], clock: { t: number }) {
  for (let start = 0; start < rows.length; start += 8) {
    const batch = rows.slice(start, start + 8);
    monitor.offer(new Map([['pixels', Float64Array.from(batch.flat())]]), batch.length);
    clock.t += 1000;
  }
}

describe('LiveDriftMonitor', () => {
  const settings = { sampleRate: 0.5, windowSeconds: 120, bucketSeconds: 10, minRows: 150 };

  it('warms up, stays quiet on traffic like the reference, alerts when drift starts and when it ends', () => {
    const clock = { t: 1_700_000_000_000 };
    const monitor = new LiveDriftMonitor('digits-mlp', 2, reference.dataset.features, settings, {
      now: () => clock.t,
      random: mulberry32(7),
    });
    const alerts: LiveDriftAlert[] = [];
    monitor.onAlert((alert) => alerts.push(alert));

    serve(monitor, same.slice(0, 100), clock);
    expect(monitor.evaluate().state).toBe('warming-up');

    serve(monitor, same.slice(100), clock);
    const quiet = monitor.evaluate();
    expect(LiveDriftStatusSchema.parse(quiet)).toEqual(quiet);
    expect(quiet.state).toBe('ok');
    expect(quiet.windowRows).toBeGreaterThan(150);
    expect(quiet.report!.source).toBe('profile');
    expect(alerts).toEqual([]);

    // Drifted traffic for longer than the window: the window holds only drifted rows.
    serve(monitor, [...drifted, ...drifted], clock);
    expect(monitor.evaluate().state).toBe('drift');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.kind).toBe('drift-started');
    expect(alerts[0]!.message).toMatch(/quality slipping — consider retraining/);
    expect(alerts[0]!.features.length).toBeGreaterThan(0);
    // No repeat while it stays drifted.
    expect(monitor.evaluate().state).toBe('drift');
    expect(alerts).toHaveLength(1);

    serve(monitor, [...same, ...same], clock);
    expect(monitor.evaluate().state).toBe('ok');
    expect(alerts.map((a) => a.kind)).toEqual(['drift-started', 'drift-ended']);
  });

  it('records the new verdict before telling listeners, so one that re-evaluates gets no second alert', () => {
    const clock = { t: 1_700_000_000_000 };
    const monitor = new LiveDriftMonitor('digits-mlp', 2, reference.dataset.features, settings, {
      now: () => clock.t,
      random: mulberry32(7),
    });
    const alerts: LiveDriftAlert[] = [];
    monitor.onAlert((alert) => {
      alerts.push(alert);
      expect(monitor.status()!.state).toBe('drift');
      if (alerts.length < 5) monitor.evaluate();
    });
    serve(monitor, [...drifted, ...drifted], clock);
    expect(monitor.evaluate().state).toBe('drift');
    expect(alerts.map((a) => a.kind)).toEqual(['drift-started']);
  });

  it('samples at the set rate and keeps only sketches', () => {
    const clock = { t: 0 };
    const monitor = new LiveDriftMonitor(
      'm',
      1,
      reference.dataset.features,
      { ...settings, sampleRate: 0.1 },
      {
        now: () => clock.t,
        random: mulberry32(3),
      },
    );
    serve(monitor, [...same, ...same], clock);
    const status = monitor.evaluate();
    // 1080 rows at 10 %, over a 120 s window that holds the last ~120 requests (≈ 960 rows).
    expect(status.windowRows).toBeGreaterThan(60);
    expect(status.windowRows).toBeLessThan(140);
  });

  it('is built from a reference profile source, and is absent when the version has none', async () => {
    const source: ReferenceProfileSource = {
      referenceProfile: async (_model, version) => (version === 1 ? reference.dataset.features : null),
    };
    expect(await LiveDriftMonitor.forVersion(source, 'digits-mlp', 1)).toBeInstanceOf(LiveDriftMonitor);
    expect(await LiveDriftMonitor.forVersion(source, 'digits-mlp', 2)).toBeNull();
  });
});
