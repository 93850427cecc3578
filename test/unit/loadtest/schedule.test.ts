import { describe, expect, it } from 'vitest';
import type { ShapeInput } from '../../../src-shared/contract/loadTest';
import { compileShape, ShapeError } from '../../../src-shared/loadtest/schedule';

const times = (shape: ShapeInput) => [...compileShape(shape).sendTimes()];
const countIn = (ts: number[], aMs: number, zMs: number) => ts.filter((t) => t >= aMs && t < zMs).length;
const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]!);

describe('schedules', () => {
  it('constant: rate × duration sends, exactly 1/rate apart from t = 0', () => {
    const ts = times({ segments: [{ kind: 'constant', rate: 100, duration: 10 }] });
    expect(ts).toHaveLength(1000);
    expect(ts[0]).toBe(0);
    for (const g of gaps(ts)) expect(g).toBeCloseTo(10, 9);
  });

  it('ramp: Λ(t) = a·t + (b−a)·t²/2D sends, spacing shrinking from 1/a to 1/b', () => {
    const ts = times({ segments: [{ kind: 'ramp', from: 10, to: 110, duration: 10 }] });
    expect(ts).toHaveLength(600);
    ts.forEach((t, k) => {
      const s = t / 1000;
      expect(10 * s + (100 * s * s) / 20).toBeCloseTo(k, 6);
    });
    expect(gaps(ts)[0]).toBeCloseTo(100, -1);
    expect(gaps(ts).at(-1)).toBeCloseTo(1000 / 110, 0);
  });

  it('steps: each step holds its rate for its duration', () => {
    const ts = times({ segments: [{ kind: 'steps', from: 10, step: 10, count: 3, stepDuration: 2 }] });
    expect([countIn(ts, 0, 2000), countIn(ts, 2000, 4000), countIn(ts, 4000, 6000)]).toEqual([20, 40, 60]);
  });

  it('spike: base, linear rise, hold at peak, linear fall, base', () => {
    const schedule = compileShape({
      segments: [{ kind: 'spike', base: 10, peak: 100, before: 2, rise: 1, hold: 2, fall: 1, after: 2 }],
    });
    expect(schedule.expectedRequests).toBeCloseTo(20 + 55 + 200 + 55 + 20, 9);
    const ts = [...schedule.sendTimes()];
    expect(ts).toHaveLength(350);
    expect(countIn(ts, 0, 2000)).toBe(20);
    expect(countIn(ts, 3000, 5000)).toBe(200);
    expect(countIn(ts, 6000, 8000)).toBe(20);
    expect(schedule.durationMs).toBe(8000);
  });

  it('sine: mean·duration over whole periods, densest at the crest', () => {
    const ts = times({ segments: [{ kind: 'sine', mean: 50, amplitude: 50, period: 10, duration: 10 }] });
    expect(ts).toHaveLength(500);
    // Crest of 50 + 50·sin(2πt/10) is at t = 2.5 s, trough (rate 0) at 7.5 s.
    expect(countIn(ts, 2000, 3000)).toBeGreaterThan(90);
    expect(countIn(ts, 7000, 8000)).toBeLessThan(5);
  });

  it('poisson: the right count within statistical bounds, exponential gaps, repeatable per seed', () => {
    const shape: ShapeInput = { seed: 7, segments: [{ kind: 'poisson', rate: 200, duration: 20 }] };
    const ts = times(shape);
    expect(Math.abs(ts.length - 4000)).toBeLessThan(4 * Math.sqrt(4000));
    const g = gaps(ts);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const sd = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length);
    expect(mean).toBeCloseTo(5, 0);
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
    expect(times(shape)).toEqual(ts);
    expect(times({ ...shape, seed: 8 })).not.toEqual(ts);
  });

  it('poisson arrivals follow any rate curve (a ramp here)', () => {
    const ts = times({ seed: 3, segments: [{ kind: 'ramp', from: 50, to: 450, duration: 10, arrivals: 'poisson' }] });
    expect(Math.abs(ts.length - 2500)).toBeLessThan(4 * 50);
    expect(countIn(ts, 9000, 10_000)).toBeGreaterThan(3 * countIn(ts, 0, 1000));
  });

  it('bursts: the rate during on, nothing during off', () => {
    const ts = times({ segments: [{ kind: 'bursts', rate: 100, on: 1, off: 1, duration: 6 }] });
    expect(ts).toHaveLength(300);
    expect(countIn(ts, 1000, 2000) + countIn(ts, 3000, 4000) + countIn(ts, 5000, 6000)).toBe(0);
  });

  it('trace: timestamps from any origin, sped up, looped one mean gap after the last', () => {
    const ts = times({
      segments: [{ kind: 'trace', times: [10, 10.5, 11, 13], format: 'timestamps', speedup: 2, loops: 2 }],
    });
    expect(ts).toEqual([0, 250, 500, 1500, 2000, 2250, 2500, 3500]);
    const fromGaps = times({ segments: [{ kind: 'trace', times: [0, 0.1, 0.2], format: 'gaps' }] });
    [0, 100, 300].forEach((t, i) => expect(fromGaps[i]).toBeCloseTo(t, 9));
  });

  it('segments compose: each starts where the previous ended', () => {
    const schedule = compileShape({
      segments: [
        { kind: 'ramp', from: 10, to: 20, duration: 5 },
        { kind: 'spike', base: 20, peak: 200, before: 1, rise: 0, hold: 1, fall: 0, after: 1 },
      ],
    });
    expect(schedule.phases.map((p) => [p.startMs, p.endMs])).toEqual([
      [0, 5000],
      [5000, 8000],
    ]);
    const ts = [...schedule.sendTimes()];
    expect(countIn(ts, 0, 5000)).toBe(75);
    expect(countIn(ts, 6000, 7000)).toBe(200);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });

  it('closed loop: concurrency levels are phases without send times, shown in the preview', () => {
    const schedule = compileShape({
      segments: [
        { kind: 'constant', rate: 10, duration: 2 },
        {
          kind: 'concurrency',
          levels: [
            { concurrency: 4, duration: 2 },
            { concurrency: 8, duration: 2 },
          ],
        },
      ],
    });
    expect([...schedule.sendTimes()]).toHaveLength(20);
    expect(schedule.durationMs).toBe(6000);
    const preview = schedule.preview(1);
    expect(preview.rate).toEqual([10, 10, null, null, null, null]);
    expect(preview.concurrency).toEqual([null, null, 4, 4, 8, 8]);
  });

  it('preview: the offered rate per bin', () => {
    const preview = compileShape({
      segments: [{ kind: 'steps', from: 100, step: 100, count: 3, stepDuration: 1 }],
    }).preview(0.5);
    expect(preview.t).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    preview.rate.forEach((r, i) => expect(r).toBeCloseTo([100, 100, 200, 200, 300, 300][i]!, 9));
  });
});

describe('bad shapes are refused before a run, with what was expected', () => {
  it.each<[string, ShapeInput, RegExp]>([
    [
      'a zero rate',
      { segments: [{ kind: 'constant', rate: 0, duration: 1 }] },
      /segments\.0\.rate: a rate must be above 0/,
    ],
    [
      'a negative rate',
      { segments: [{ kind: 'ramp', from: -5, to: 10, duration: 1 }] },
      /segments\.0\.from: a rate must be above 0/,
    ],
    [
      'a zero duration',
      { segments: [{ kind: 'constant', rate: 5, duration: 0 }] },
      /duration: a duration must be above 0/,
    ],
    ['no segments', { segments: [] }, /a shape needs at least one segment/],
    [
      'a shape longer than a day',
      {
        segments: [
          { kind: 'constant', rate: 1, duration: 50_000 },
          { kind: 'constant', rate: 1, duration: 50_000 },
        ],
      },
      /lasts 100000 s; the limit is a day \(86400 s\)/,
    ],
    ['a segment longer than a day', { segments: [{ kind: 'constant', rate: 1, duration: 90_000 }] }, /duration/],
    [
      'an unsorted trace',
      { segments: [{ kind: 'trace', times: [0, 2, 1], format: 'timestamps' }] },
      /timestamps must not go backwards, but value 3 \(1\) comes before value 2 \(2\)/,
    ],
    [
      'a negative trace time',
      { segments: [{ kind: 'trace', times: [0, -1], format: 'gaps' }] },
      /value 2 is -1; gaps must be 0 or more seconds/,
    ],
    [
      'a sine that goes negative',
      { segments: [{ kind: 'sine', mean: 10, amplitude: 20, period: 5, duration: 5 }] },
      /amplitude 20 exceeds the mean 10, so the rate would go below 0/,
    ],
    [
      'a staircase that goes to 0',
      { segments: [{ kind: 'steps', from: 20, step: -10, count: 3, stepDuration: 1 }] },
      /step 3 would be 0 requests\/s; every step must be above 0/,
    ],
    [
      'far too many requests',
      { segments: [{ kind: 'constant', rate: 1_000_000, duration: 86_000 }] },
      /asks for about \d+ requests; the limit/,
    ],
  ])('%s', (_what, shape, message) => {
    expect(() => compileShape(shape)).toThrow(ShapeError);
    expect(() => compileShape(shape)).toThrow(message);
  });
});
