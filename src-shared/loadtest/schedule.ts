// Compiles a traffic shape into its schedule: the intended send time of every request (open loop) and the
// closed-loop concurrency phases. Rates become a cumulative-arrivals curve Λ(t); request k is sent when
// Λ(t) = k (uniform, exactly spaced as wrk2 does) or when Λ(t) reaches a running sum of Exp(1) draws (Poisson
// with the same rate curve). Pure and seeded: the UI previews exactly what the generator will send.
import { MAX_SHAPE_SECONDS, ShapeSchema, type Segment, type ShapeInput } from '../contract/loadTest';
import { mulberry32 } from '../seededRandom';

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Requests are capped so a schedule can never exhaust memory or run forever by accident. */
export const MAX_REQUESTS = 500_000_000;

interface Piece {
  /** Seconds from the segment's start. */
  t0: number;
  t1: number;
  /** Requests/s at t0 and t1, linear in between. */
  r0: number;
  r1: number;
  /** Cumulative arrivals at t0. */
  y0: number;
}

interface OpenPhase {
  kind: 'open';
  index: number;
  startMs: number;
  endMs: number;
  arrivals: 'uniform' | 'poisson';
  expected: number;
  /** Cumulative expected arrivals at `t` seconds into the phase. */
  lambda(t: number): number;
  /** Seconds into the phase at which Λ reaches y (y < expected). */
  invert(y: number): number;
}

interface TracePhase {
  kind: 'trace';
  index: number;
  startMs: number;
  endMs: number;
  expected: number;
  /** Offsets in seconds of one play-through, sorted, starting at 0. */
  offsets: number[];
  period: number;
  loops: number;
}

export interface ClosedPhase {
  kind: 'closed';
  index: number;
  startMs: number;
  endMs: number;
  /** Consecutive concurrency levels, each with its time span in ms from the run's start. */
  levels: { concurrency: number; startMs: number; endMs: number }[];
}

export type Phase = OpenPhase | TracePhase | ClosedPhase;

export interface SchedulePreview {
  /** Bin start, seconds. */
  t: number[];
  /** Offered requests/s in each bin (open loop); null where the bin is closed loop. */
  rate: (number | null)[];
  /** Concurrency in each bin (closed loop); null elsewhere. */
  concurrency: (number | null)[];
}

export interface Schedule {
  durationMs: number;
  phases: Phase[];
  /** Expected open-loop requests (exact for uniform arrivals and traces). */
  expectedRequests: number;
  /** Every intended send time in ms from the start, ascending, across open-loop and trace phases. */
  sendTimes(): Generator<number, void, undefined>;
  preview(binSeconds: number): SchedulePreview;
}

export function compileShape(input: ShapeInput): Schedule {
  const parsed = ShapeSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new ShapeError(`invalid shape: ${where}${issue.message}`);
  }
  const shape = parsed.data;
  const phases: Phase[] = [];
  let startMs = 0;
  shape.segments.forEach((segment, index) => {
    const phase = compileSegment(segment, index, startMs);
    phases.push(phase);
    startMs = phase.endMs;
  });
  if (startMs > MAX_SHAPE_SECONDS * 1000) {
    throw new ShapeError(
      `the shape lasts ${Math.round(startMs / 1000)} s; the limit is a day (${MAX_SHAPE_SECONDS} s)`,
    );
  }
  const expectedRequests = phases.reduce((n, p) => n + (p.kind === 'closed' ? 0 : p.expected), 0);
  if (expectedRequests > MAX_REQUESTS) {
    throw new ShapeError(
      `the shape asks for about ${Math.round(expectedRequests)} requests; the limit is ${MAX_REQUESTS}`,
    );
  }
  return {
    durationMs: startMs,
    phases,
    expectedRequests,
    sendTimes: () => sendTimes(phases, shape.seed),
    preview: (binSeconds) => preview(phases, startMs, binSeconds),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Segments

function compileSegment(segment: Segment, index: number, startMs: number): Phase {
  const name = `segment ${index + 1} (${segment.kind})`;
  switch (segment.kind) {
    case 'constant':
      return piecewise(index, startMs, [[segment.duration, segment.rate, segment.rate]], segment.arrivals);
    case 'poisson':
      return piecewise(index, startMs, [[segment.duration, segment.rate, segment.rate]], 'poisson');
    case 'ramp':
      return piecewise(index, startMs, [[segment.duration, segment.from, segment.to]], segment.arrivals);
    case 'steps': {
      const spans: [number, number, number][] = [];
      for (let i = 0; i < segment.count; i++) {
        const rate = segment.from + i * segment.step;
        if (!(rate > 0))
          throw new ShapeError(`${name}: step ${i + 1} would be ${rate} requests/s; every step must be above 0`);
        spans.push([segment.stepDuration, rate, rate]);
      }
      return piecewise(index, startMs, spans, segment.arrivals);
    }
    case 'spike': {
      const { base, peak } = segment;
      const spans: [number, number, number][] = [
        [segment.before, base, base],
        [segment.rise, base, peak],
        [segment.hold, peak, peak],
        [segment.fall, peak, base],
        [segment.after, base, base],
      ];
      if (spans.every(([d]) => d === 0)) throw new ShapeError(`${name}: every phase lasts 0 s; give it some duration`);
      return piecewise(index, startMs, spans, segment.arrivals);
    }
    case 'bursts': {
      const spans: [number, number, number][] = [];
      for (let t = 0; t < segment.duration;) {
        const on = Math.min(segment.on, segment.duration - t);
        spans.push([on, segment.rate, segment.rate]);
        t += on;
        const off = Math.min(segment.off, segment.duration - t);
        if (off > 0) spans.push([off, segment.offRate, segment.offRate]);
        t += off;
        if (spans.length > 2_000_000) throw new ShapeError(`${name}: too many on/off periods; lengthen on and off`);
      }
      return piecewise(index, startMs, spans, segment.arrivals);
    }
    case 'sine':
      return sine(index, startMs, segment, name);
    case 'trace':
      return trace(index, startMs, segment, name);
    case 'concurrency': {
      // The generator keeps each level's number of requests in flight for the level's duration.
      let t = startMs;
      const levels = segment.levels.map((l) => ({
        concurrency: l.concurrency,
        startMs: t,
        endMs: (t += l.duration * 1000),
      }));
      return { kind: 'closed', index, startMs, endMs: t, levels };
    }
  }
}

function piecewise(
  index: number,
  startMs: number,
  spans: [number, number, number][],
  arrivals: 'uniform' | 'poisson',
): OpenPhase {
  const pieces: Piece[] = [];
  let t = 0;
  let y = 0;
  for (const [duration, r0, r1] of spans) {
    if (duration <= 0) continue;
    pieces.push({ t0: t, t1: t + duration, r0, r1, y0: y });
    t += duration;
    y += ((r0 + r1) / 2) * duration;
  }
  const expected = y;
  const lambda = (s: number): number => {
    const piece = pieceAt(pieces, s);
    if (!piece) return s <= 0 ? 0 : expected;
    const dt = s - piece.t0;
    return piece.y0 + piece.r0 * dt + ((piece.r1 - piece.r0) * dt * dt) / (2 * (piece.t1 - piece.t0));
  };
  const invert = (target: number): number => {
    // The piece whose cumulative range holds the target: the last with y0 <= target.
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]!.y0 <= target) lo = mid;
      else hi = mid - 1;
    }
    const p = pieces[lo]!;
    const need = target - p.y0;
    const span = p.t1 - p.t0;
    const slope = (p.r1 - p.r0) / span;
    // Solve r0·dt + slope·dt²/2 = need for dt in [0, span].
    let dt: number;
    if (Math.abs(slope) < 1e-12) dt = p.r0 > 0 ? need / p.r0 : span;
    else {
      const disc = p.r0 * p.r0 + 2 * slope * need;
      dt = (-p.r0 + Math.sqrt(Math.max(0, disc))) / slope;
    }
    return p.t0 + Math.min(Math.max(dt, 0), span);
  };
  return { kind: 'open', index, startMs, endMs: startMs + t * 1000, arrivals, expected, lambda, invert };
}

function pieceAt(pieces: Piece[], s: number): Piece | undefined {
  for (const p of pieces) if (s >= p.t0 && s < p.t1) return p;
  return undefined;
}

function sine(index: number, startMs: number, s: Extract<Segment, { kind: 'sine' }>, name: string): OpenPhase {
  if (s.amplitude > s.mean) {
    throw new ShapeError(`${name}: amplitude ${s.amplitude} exceeds the mean ${s.mean}, so the rate would go below 0`);
  }
  const w = (2 * Math.PI) / s.period;
  const lambda = (t: number) => {
    const c = Math.min(Math.max(t, 0), s.duration);
    return s.mean * c - (s.amplitude / w) * (Math.cos(w * c + s.phase) - Math.cos(s.phase));
  };
  const expected = lambda(s.duration);
  // Λ is non-decreasing (rate ≥ 0), so bisection finds each send time to well under a microsecond.
  const invert = (y: number) => {
    let lo = 0;
    let hi = s.duration;
    for (let i = 0; i < 60 && hi - lo > 1e-7; i++) {
      const mid = (lo + hi) / 2;
      if (lambda(mid) < y) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return {
    kind: 'open',
    index,
    startMs,
    endMs: startMs + s.duration * 1000,
    arrivals: s.arrivals,
    expected,
    lambda,
    invert,
  };
}

function trace(index: number, startMs: number, s: Extract<Segment, { kind: 'trace' }>, name: string): TracePhase {
  const bad = s.times.findIndex((v) => !Number.isFinite(v) || v < 0);
  if (bad >= 0)
    throw new ShapeError(`${name}: value ${bad + 1} is ${s.times[bad]}; ${s.format} must be 0 or more seconds`);
  let offsets: number[];
  if (s.format === 'gaps') {
    offsets = [];
    let t = 0;
    for (const gap of s.times) offsets.push((t += gap));
    const first = offsets[0]!;
    offsets = offsets.map((o) => o - first);
  } else {
    const unsorted = s.times.findIndex((v, i) => i > 0 && v < s.times[i - 1]!);
    if (unsorted >= 0) {
      throw new ShapeError(
        `${name}: timestamps must not go backwards, but value ${unsorted + 1} (${s.times[unsorted]}) comes before value ${unsorted} (${s.times[unsorted - 1]})`,
      );
    }
    const first = s.times[0]!;
    offsets = s.times.map((v) => v - first);
  }
  offsets = offsets.map((o) => o / s.speedup);
  const span = offsets[offsets.length - 1]!;
  // A loop restarts one mean gap after the last send, so the seam looks like the rest of the trace.
  const period = offsets.length > 1 ? span + span / (offsets.length - 1) : 1 / s.speedup;
  const endMs = startMs + period * s.loops * 1000;
  return { kind: 'trace', index, startMs, endMs, expected: offsets.length * s.loops, offsets, period, loops: s.loops };
}

// ---------------------------------------------------------------------------------------------------------
// Send times and preview

function* sendTimes(phases: Phase[], seed: number): Generator<number, void, undefined> {
  const random = mulberry32(seed);
  for (const phase of phases) {
    if (phase.kind === 'closed') continue;
    if (phase.kind === 'trace') {
      for (let loop = 0; loop < phase.loops; loop++) {
        const base = phase.startMs + loop * phase.period * 1000;
        for (const o of phase.offsets) yield base + o * 1000;
      }
      continue;
    }
    if (phase.arrivals === 'uniform') {
      for (let k = 0; k < phase.expected; k++) yield phase.startMs + phase.invert(k) * 1000;
    } else {
      // Time rescaling: a unit-rate Poisson process mapped through Λ⁻¹ has exactly the rate curve λ(t).
      for (let y = -Math.log(1 - random()); y < phase.expected; y += -Math.log(1 - random())) {
        yield phase.startMs + phase.invert(y) * 1000;
      }
    }
  }
}

function preview(phases: Phase[], durationMs: number, binSeconds: number): SchedulePreview {
  if (!(binSeconds > 0)) throw new ShapeError('preview bins must be above 0 s');
  const bins = Math.max(1, Math.ceil(durationMs / 1000 / binSeconds));
  if (bins > 100_000)
    throw new ShapeError(
      `a preview of ${bins} bins is too fine; use bins of at least ${Math.ceil(durationMs / 1e8)} s`,
    );
  const out: SchedulePreview = { t: [], rate: [], concurrency: [] };
  for (let b = 0; b < bins; b++) {
    const a = b * binSeconds * 1000;
    const z = Math.min(durationMs, a + binSeconds * 1000);
    const mid = (a + z) / 2;
    const phase = phases.find((p) => mid >= p.startMs && mid < p.endMs) ?? phases[phases.length - 1]!;
    out.t.push(a / 1000);
    if (phase.kind === 'closed') {
      out.rate.push(null);
      out.concurrency.push(closedConcurrencyAt(phase, mid));
      continue;
    }
    let count = 0;
    for (const p of phases) {
      if (p.kind === 'closed' || p.endMs <= a || p.startMs >= z) continue;
      count += expectedBetween(p, Math.max(a, p.startMs), Math.min(z, p.endMs));
    }
    out.rate.push(count / ((z - a) / 1000));
    out.concurrency.push(null);
  }
  return out;
}

function expectedBetween(p: OpenPhase | TracePhase, aMs: number, zMs: number): number {
  if (p.kind === 'open') return p.lambda((zMs - p.startMs) / 1000) - p.lambda((aMs - p.startMs) / 1000);
  let n = 0;
  for (let loop = 0; loop < p.loops; loop++) {
    const base = p.startMs + loop * p.period * 1000;
    if (base > zMs || base + p.period * 1000 < aMs) continue;
    for (const o of p.offsets) {
      const t = base + o * 1000;
      if (t >= aMs && t < zMs) n++;
    }
  }
  return n;
}

/** The concurrency level in force at `ms` (from the run's start) in a closed-loop phase. */
export function closedConcurrencyAt(phase: ClosedPhase, ms: number): number {
  const level = phase.levels.find((l) => ms < l.endMs) ?? phase.levels[phase.levels.length - 1]!;
  return level.concurrency;
}
