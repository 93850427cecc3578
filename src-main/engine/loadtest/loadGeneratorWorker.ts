// The load generator's sender thread: follows a schedule of intended send times (pulled lazily, so a day-long
// schedule is never materialised), sends everything due, then sleeps precisely until the next send (a timer for
// long gaps, setImmediate turns for the last stretch), and streams one raw record per request to the stats
// thread. Runs on its own thread with its own connection pool (or session pool), never on a serving loop.
import { parentPort, workerData } from 'node:worker_threads';
import { Pool, type Dispatcher } from 'undici';
import type { ShapeInput } from '../../../src-shared/contract';
import { compileShape, type ClosedPhase, type Schedule } from '../../../src-shared/loadtest/schedule';
import type { SessionPool } from '../runtime/sessionPool';
import type { WireTensor } from '../runtime/wireTensor';
import {
  OUTCOME_CANCELLED,
  OUTCOME_DEGRADED,
  OUTCOME_ERROR,
  OUTCOME_RUNTIME_OK,
  OUTCOME_TIMEOUT,
  RECORD_DONE,
  RECORD_OFFER,
  RECORD_STRIDE,
  type GeneratorCommand,
  type GeneratorEvent,
  type GeneratorWorkerData,
  type StatsMessage,
} from './loadGeneratorProtocol';
import { DegradedScanner, errorOutcome, headerLengthOf } from './requestOutcome';
import { threadCpuMs } from './threadCpu';

const config = workerData as GeneratorWorkerData;
const stats = config.statsPort;
const post = (event: GeneratorEvent) => parentPort!.postMessage(event);
const postStats = (message: StatsMessage, transfer: ArrayBuffer[] = []) => stats.postMessage(message, transfer);
const clock = () => performance.now();

/** Records per batch sent to the stats thread (a batch also leaves every FLUSH_MS). */
const BATCH_RECORDS = 4096;
const FLUSH_MS = 100;
/** After a cancel, in-flight requests get this long (at most their timeout) to finish before being dropped. */
const CANCEL_WAIT_MS = 3_000;
/** Timers fire late by about a millisecond, more on a busy machine: wake this early, then turn the event loop. */
/** The warm-up before a generator's first run: a closed loop this long at this concurrency (at most). */
const WARMUP_MS = 800;
const WARMUP_CONCURRENCY = 32;
/** The open-loop part of the warm-up sends at most this fast. */
const MAX_WARMUP_RATE = 20_000;
/** Warm-up answers still out this long after it ends are dropped. */
const WARMUP_DRAIN_MS = 300;
/** The token of the warm-up run: the parent and the stats thread's figures for it are never used. */
const WARMUP_TOKEN = 0;
const MIN_MARGIN_MS = 0.75;
/** While requests are in flight, the send loop lets answers in at least this often (ms). */
const TURN_MS = 0.1;
/** Rounds of sending in one turn when nothing is in flight, as a guard. */
const MAX_ROUNDS = 1000;
const MAX_MARGIN_MS = 4;
/** Recent timer lateness (ms), shared by runs: it is a property of the machine, not of a schedule. */
const lateness = new Float64Array(64).fill(1);
let latenessNext = 0;
let marginMs = 1.5;

const spinCell = new Int32Array(new SharedArrayBuffer(4));

/** The last stretch of a wait is spun: a futex wait wakes up to ~60 µs late (the kernel's timer slack). */
const SPIN_TAIL_MS = 0.08;

/** Waits until the clock reads `until`: asleep (so the CPU goes to the target and the other threads) for all
 * but the last few dozen microseconds, which are spun. The spin reads the clock every few dozen nanoseconds,
 * not in a tight loop: each read makes a little garbage, and a spin must not feed the garbage collector. */
function waitUntil(until: number): void {
  const sleep = until - performance.now() - SPIN_TAIL_MS;
  if (sleep > 0.02) Atomics.wait(spinCell, 0, 0, sleep);
  while (performance.now() < until) {
    for (let i = 0; i < 32; i++) Atomics.load(spinCell, 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Records for the stats thread

class RecordWriter {
  private buffer = new Float64Array(BATCH_RECORDS * RECORD_STRIDE);
  private count = 0;
  lastFlush = 0;

  get pending(): number {
    return this.count;
  }

  offer(second: number): void {
    const at = this.count * RECORD_STRIDE;
    this.buffer[at] = RECORD_OFFER;
    this.buffer[at + 1] = second;
    if (++this.count === BATCH_RECORDS) this.flush();
  }

  done(
    intendedSecond: number,
    doneSecond: number,
    corrected: number,
    uncorrected: number,
    lag: number,
    outcome: number,
  ): void {
    const b = this.buffer;
    const at = this.count * RECORD_STRIDE;
    b[at] = RECORD_DONE;
    b[at + 1] = intendedSecond;
    b[at + 2] = doneSecond;
    b[at + 3] = corrected;
    b[at + 4] = uncorrected;
    b[at + 5] = lag;
    b[at + 6] = outcome;
    if (++this.count === BATCH_RECORDS) this.flush();
  }

  flush(): void {
    this.lastFlush = clock();
    if (this.count === 0) return;
    const buffer = this.buffer.buffer as ArrayBuffer;
    postStats({ type: 'records', buffer, length: this.count }, [buffer]);
    this.buffer = new Float64Array(BATCH_RECORDS * RECORD_STRIDE);
    this.count = 0;
  }
}

const records = new RecordWriter();

// ---------------------------------------------------------------------------------------------------------
// Requests and transports

/** One request in flight. Times are ms from the run's start on this thread's clock. */
class InFlight {
  done = false;
  /** Set once the transport can abort the request (HTTP: when it is written to a connection). */
  abort: ((reason: Error) => void) | undefined;
  constructor(
    readonly run: Run,
    readonly intended: number,
    readonly lag: number,
    readonly sent: number,
    readonly closedLoop: boolean,
  ) {}
}

interface Transport {
  /** Starts the request; the transport calls `req.run.finish(req, outcome, at)` exactly when it ends. */
  send(req: InFlight): void;
  close(): Promise<void>;
}

/**
 * One HTTP request and its undici handler. It uses undici's raw handler callbacks (the ones its own dispatch
 * runs on): no header object is parsed and no controller allocated per response, which matters at tens of
 * thousands of requests a second.
 */
class HttpRequest extends InFlight implements Dispatcher.DispatchHandler {
  private status = 0;
  private scanner: DegradedScanner | undefined;

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
    // Timed out or cancelled while waiting for a connection.
    if (this.done) abort(new Error('dropped'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    if (statusCode >= 200 && statusCode < 300) this.scanner = new DegradedScanner(rawHeaderLength(rawHeaders));
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.scanner?.feed(chunk);
    return true;
  }

  onComplete(): void {
    this.run.finish(this, this.scanner?.found ? OUTCOME_DEGRADED : this.status, clock());
  }

  onError(error: Error): void {
    this.run.finish(this, errorOutcome(error), Number.NaN);
  }
}

const HEADER_LENGTH_NAME = 'inference-header-content-length';

/** Inference-Header-Content-Length from raw [name, value, …] headers, or Infinity (the body is all JSON). */
function rawHeaderLength(raw: Buffer[]): number {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === HEADER_LENGTH_NAME.length && name.toString('latin1').toLowerCase() === HEADER_LENGTH_NAME) {
      return headerLengthOf({ [HEADER_LENGTH_NAME]: raw[i + 1]!.toString('latin1') });
    }
  }
  return Infinity;
}

function httpTransport(
  target: Extract<GeneratorWorkerData['target'], { kind: 'http' }>,
  connections: number,
): Transport {
  const pool = new Pool(target.origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    // The generator enforces its own deadline from the send, so undici's idle timers stay off.
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { timeout: Math.min(config.timeoutMs, 10_000) },
  });
  // Dispatch options are built once per body: nothing is allocated per request but the handler.
  const options: Dispatcher.DispatchOptions[] = target.requests.map((r) => ({
    path: target.path,
    method: 'POST',
    headers: { ...target.headers, ...r.headers },
    body: Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength),
  }));
  let next = 0;
  return {
    send(req) {
      const opts = options[next]!;
      next = next + 1 === options.length ? 0 : next + 1;
      pool.dispatch(opts, req as HttpRequest);
    },
    async close() {
      await pool.destroy();
    },
  };
}

function copyTensor(t: WireTensor): WireTensor {
  return { name: t.name, type: t.type, dims: t.dims, data: Array.isArray(t.data) ? [...t.data] : t.data.slice(0) };
}

function runtimeTransport(pool: SessionPool, inputs: WireTensor[][]): Transport {
  let next = 0;
  return {
    send(req) {
      const set = inputs[next]!;
      next = next + 1 === inputs.length ? 0 : next + 1;
      // The pool takes ownership of (transfers) the buffers it is given, so each request gets fresh copies.
      pool.run(set.map(copyTensor)).then(
        () => req.run.finish(req, OUTCOME_RUNTIME_OK, clock()),
        () => req.run.finish(req, OUTCOME_ERROR, clock()),
      );
      req.abort = () => {};
    },
    close: () => pool.close(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// What a run follows: a compiled schedule, or an open-ended stream at a rate that can change (capacity search)

interface Plan {
  /** The next intended send time (ms from the run's start), or undefined when there are no more. */
  pull(): number | undefined;
  /** When the plan ends; Infinity for a stream until it is stopped. */
  durationMs: number;
  closedPhases: ClosedPhase[];
}

function schedulePlan(schedule: Schedule): Plan {
  const times = schedule.sendTimes();
  return {
    pull: () => {
      const next = times.next();
      return next.done ? undefined : next.value;
    },
    durationMs: schedule.durationMs,
    closedPhases: schedule.phases.filter((p): p is ClosedPhase => p.kind === 'closed'),
  };
}

/** Sends exactly 1/rate apart, for as long as it runs; a new rate takes over from the last send. */
class StreamPlan implements Plan {
  durationMs = Infinity;
  closedPhases: ClosedPhase[] = [];
  /** The time last handed out (lined up in the run, not sent yet), and the one before it (sent). */
  private lined = Number.NaN;
  private sent = Number.NaN;
  constructor(private rate: number) {}

  pull(): number {
    this.sent = this.lined;
    this.lined = Number.isNaN(this.lined) ? 0 : this.lined + 1000 / this.rate;
    return this.lined;
  }

  /** The send lined up moves to one new interval after the last send, never into the past. */
  setRate(rate: number, now: number): number {
    this.rate = rate;
    this.lined = Math.max(now, (Number.isNaN(this.sent) ? now : this.sent) + 1000 / rate);
    return this.lined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// A run: one plan followed from start to end

class Run {
  private readonly t0 = clock();
  private nextTime: number | undefined;
  private readonly closedPhases: ClosedPhase[];
  private stopped = false;
  /** Requests that got an answer (any status). */
  answered = 0;
  /** Sends due while every connection was busy: [intended, lag] pairs, oldest first. */
  private pending: number[] = [];
  private pendingHead = 0;
  /** Requests in send order, which is intended order: deadlines (intended + timeout) ascend, so only the head
   * needs watching. */
  private inFlight: InFlight[] = [];
  private inFlightHead = 0;
  private inFlightCount = 0;
  private closedInFlight = 0;
  private nextTickMs = 1000;
  private cancelled = false;
  private cancelDeadline = Infinity;
  private ended = false;
  private pumping = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private timerTarget = 0;

  constructor(
    readonly token: number,
    private readonly plan: Plan,
    private readonly secondOffset: number,
    private readonly transport: Transport,
    private readonly maxInFlight: number,
    private readonly onEnd?: () => void,
  ) {
    this.nextTime = plan.pull();
    this.closedPhases = plan.closedPhases;
    postStats({ type: 'begin', token, secondOffset });
    records.lastFlush = this.t0;
    this.step();
  }

  cancel(): void {
    if (this.cancelled || this.ended) return;
    this.cancelled = true;
    this.nextTime = undefined;
    const now = this.now();
    // Sends that were due but never left: they were offered, so they are counted, as cancelled.
    while (this.pendingHead < this.pending.length) {
      const intended = this.pending[this.pendingHead]!;
      const lag = this.pending[this.pendingHead + 1]!;
      this.pendingHead += 2;
      records.done(this.second(intended), this.second(now), Number.NaN, Number.NaN, lag, OUTCOME_CANCELLED);
    }
    this.cancelDeadline = now + Math.min(config.timeoutMs, CANCEL_WAIT_MS);
    this.wakeSoon();
  }

  private now(): number {
    return clock() - this.t0;
  }

  private second(ms: number): number {
    return this.secondOffset + Math.floor(ms / 1000);
  }

  /** A stream's new rate: the next send moves accordingly. */
  setRate(rate: number): void {
    if (this.plan instanceof StreamPlan && !this.stopped && !this.cancelled) {
      this.nextTime = this.plan.setRate(rate, this.now());
      this.wakeSoon();
    }
  }

  /** Stops sending; answers in flight are awaited as at the end of a schedule (timeouts bound the wait). */
  stop(): void {
    if (this.stopped || this.cancelled || this.ended) return;
    this.stopped = true;
    this.nextTime = undefined;
    this.wakeSoon();
  }

  /** Called by transports when a request ends; `at` is the clock time (NaN: no response came). */
  finish(req: InFlight, outcome: number, at: number): void {
    if (req.done) return;
    req.done = true;
    this.inFlightCount--;
    if (req.closedLoop) this.closedInFlight--;
    if (!Number.isNaN(at)) this.answered++;
    const end = Number.isNaN(at) ? this.now() : at - this.t0;
    const corrected = Number.isNaN(at) ? Number.NaN : end - req.intended;
    const uncorrected = Number.isNaN(at) ? Number.NaN : end - req.sent;
    records.done(this.second(req.intended), this.second(end), corrected, uncorrected, req.lag, outcome);
    this.pump();
  }

  /** Fills free connections: queued open-loop sends first, then closed-loop clients. */
  private pump(): void {
    if (this.pumping || this.ended) return;
    this.pumping = true;
    try {
      if (!this.cancelled) {
        while (this.pendingHead < this.pending.length && this.inFlightCount < this.maxInFlight) {
          const intended = this.pending[this.pendingHead]!;
          const lag = this.pending[this.pendingHead + 1]!;
          this.pendingHead += 2;
          this.dispatch(intended, lag, false);
        }
        if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
          this.pending = this.pending.slice(this.pendingHead);
          this.pendingHead = 0;
        }
        if (!this.stopped) this.refillClosedLoop(this.now());
      }
      if (this.inFlightCount === 0 && this.finishedSending()) this.wakeSoon();
    } finally {
      this.pumping = false;
    }
  }

  private dispatch(intended: number, lag: number, closedLoop: boolean): void {
    const sent = this.now();
    const req = newRequest(this, intended, lag, sent, closedLoop);
    this.inFlight.push(req);
    this.inFlightCount++;
    if (closedLoop) this.closedInFlight++;
    this.transport.send(req);
  }

  /** Closed loop: keep the level's number of requests in flight; each send is its own intended time. */
  private refillClosedLoop(now: number): void {
    const phase = this.closedPhaseAt(now, true);
    if (!phase) return;
    let level = phase.levels[phase.levels.length - 1]!;
    for (const l of phase.levels) {
      if (now < l.endMs) {
        level = l;
        break;
      }
    }
    while (this.closedInFlight < level.concurrency) {
      const at = this.now();
      records.offer(this.second(at));
      this.dispatch(at, 0, true);
    }
  }

  private finishedSending(): boolean {
    if (this.cancelled) return true;
    if (this.nextTime !== undefined || this.pendingHead < this.pending.length) return false;
    return this.stopped || this.now() >= this.plan.durationMs;
  }

  /**
   * One turn of the send loop. Sends what is due; when the next send is close, waits for it right here (on the
   * clock) and goes on, handing the thread back to the event loop at least every TURN_MS while answers are
   * expected (so they are timed within that) — not on every send: each turn costs a syscall and garbage.
   */
  private step = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.ended) return;
    try {
      const turnEnds = clock() + TURN_MS;
      for (let round = 0; ; round++) {
        const wake = this.stepOnce();
        if (wake === undefined) return;
        const delay = wake - this.now();
        if (delay > marginMs) {
          this.timerTarget = wake - marginMs;
          this.timer = setTimeout(this.step, delay - marginMs);
          return;
        }
        // With nothing in flight there is nothing to read: the turn may last until the next send.
        const budget = this.inFlightCount === 0 && round < MAX_ROUNDS ? delay : turnEnds - clock();
        if (delay > budget || round >= MAX_ROUNDS) {
          if (budget > 0) waitUntil(clock() + budget);
          this.immediate = setImmediate(this.step);
          return;
        }
        if (delay > 0) waitUntil(clock() + delay);
      }
    } catch (error) {
      post({ type: 'run-failed', token: this.token, message: error instanceof Error ? error.message : String(error) });
      this.cancel();
      this.end();
    }
  };

  /** Sends what is due and keeps the books; returns when to come back (ms of the run), or undefined at the end. */
  private stepOnce(): number | undefined {
    let now = this.now();
    if (this.timerTarget > 0) {
      this.learnTimerLateness(now - this.timerTarget);
      this.timerTarget = 0;
    }
    // Everything due leaves now; the lag of each is how late this thread got to it.
    while (this.nextTime !== undefined && this.nextTime <= now) {
      const intended = this.nextTime;
      records.offer(this.second(intended));
      if (this.inFlightCount < this.maxInFlight && this.pendingHead === this.pending.length) {
        this.dispatch(intended, this.now() - intended, false);
      } else {
        this.pending.push(intended, now - intended);
      }
      this.nextTime = this.plan.pull();
      now = this.now();
    }
    if (!this.cancelled && !this.stopped) this.refillClosedLoop(now);
    this.expire(now);
    if (now >= this.nextTickMs) this.tick(now);
    else if (records.pending > 0 && clock() - records.lastFlush >= FLUSH_MS) records.flush();
    if (this.finishedSending() && this.inFlightCount === 0) {
      this.end();
      return undefined;
    }
    return this.nextWake(now);
  }

  /** Times out requests past their deadline; after a cancel, drops what is left once the wait is over. */
  private expire(now: number): void {
    // The deadline runs from the intended send, as a caller's would: a request still waiting for a free
    // connection when it passes times out without being sent. Intended times ascend along both queues.
    while (this.pendingHead < this.pending.length && now - this.pending[this.pendingHead]! >= config.timeoutMs) {
      const intended = this.pending[this.pendingHead]!;
      const lag = this.pending[this.pendingHead + 1]!;
      this.pendingHead += 2;
      records.done(this.second(intended), this.second(now), Number.NaN, Number.NaN, lag, OUTCOME_TIMEOUT);
    }
    const dropAll = this.cancelled && now >= this.cancelDeadline;
    while (this.inFlightHead < this.inFlight.length) {
      const req = this.inFlight[this.inFlightHead]!;
      if (!req.done) {
        const timedOut = now - req.intended >= config.timeoutMs;
        if (!timedOut && !dropAll) break;
        this.finish(req, timedOut ? OUTCOME_TIMEOUT : OUTCOME_CANCELLED, Number.NaN);
        req.abort?.(new Error(timedOut ? 'timed out' : 'cancelled'));
      }
      this.inFlightHead++;
    }
    if (this.inFlightHead > 1024 && this.inFlightHead * 2 > this.inFlight.length) {
      this.inFlight = this.inFlight.slice(this.inFlightHead);
      this.inFlightHead = 0;
    }
  }

  private oldestOpenMs(): number {
    let oldest = Infinity;
    for (let i = this.inFlightHead; i < this.inFlight.length; i++) {
      const req = this.inFlight[i]!;
      if (!req.done) {
        oldest = req.intended;
        break;
      }
    }
    if (this.pendingHead < this.pending.length) oldest = Math.min(oldest, this.pending[this.pendingHead]!);
    return oldest;
  }

  private tick(now: number): void {
    const wall = Math.floor(now / 1000);
    this.nextTickMs = (wall + 1) * 1000;
    records.flush();
    const second = this.secondOffset + wall;
    const oldest = this.oldestOpenMs();
    const closedBelow = oldest === Infinity ? second : Math.min(second, this.second(oldest));
    postStats({ type: 'tick', second, closedBelow, cpuMs: threadCpuMs() });
  }

  /** The next moment something is due: a send, a tick, a deadline, a level change, a flush. */
  private nextWake(now: number): number {
    let wake = this.nextTickMs;
    if (this.nextTime !== undefined) wake = Math.min(wake, this.nextTime);
    if (this.inFlightHead < this.inFlight.length) {
      const head = this.inFlight[this.inFlightHead]!;
      wake = Math.min(wake, head.done ? now : head.intended + config.timeoutMs);
    }
    if (this.pendingHead < this.pending.length) {
      wake = Math.min(wake, this.pending[this.pendingHead]! + config.timeoutMs);
    }
    if (this.cancelled) wake = Math.min(wake, this.cancelDeadline);
    else {
      const closed = this.closedPhaseAt(now, false);
      if (closed) {
        let change = closed.endMs;
        for (const level of closed.levels) {
          if (level.startMs > now) {
            change = level.startMs;
            break;
          }
        }
        wake = Math.min(wake, now < closed.startMs ? closed.startMs : change);
      } else if (this.nextTime === undefined && !this.stopped && now < this.plan.durationMs) {
        wake = Math.min(wake, this.plan.durationMs);
      }
    }
    if (records.pending > 0) wake = Math.min(wake, records.lastFlush - this.t0 + FLUSH_MS);
    return wake;
  }

  /** The closed-loop phase in force at `now` (started: true), or the next one not over yet (started: false). */
  private closedPhaseAt(now: number, started: boolean): ClosedPhase | undefined {
    for (const p of this.closedPhases) if (now < p.endMs && (!started || now >= p.startMs)) return p;
    return undefined;
  }

  /** Timers fire up to a millisecond or two late (more on a busy machine): wake early by about the worst
   * recent lateness (the second highest of the last 64), so sends leave on time without spinning longer than
   * needed. */
  private learnTimerLateness(late: number): void {
    lateness[latenessNext] = late;
    latenessNext = (latenessNext + 1) % lateness.length;
    if (latenessNext % 16 !== 0) return;
    const sorted = Float64Array.from(lateness).sort();
    const high = sorted[sorted.length - 2]!;
    marginMs = Math.min(MAX_MARGIN_MS, Math.max(MIN_MARGIN_MS, high + 0.3));
  }

  /** Drops whatever is still in flight and ends the run now (the generator is closing). */
  dropNow(): void {
    this.cancel();
    this.cancelDeadline = -Infinity;
    this.step();
  }

  private wakeSoon(): void {
    if (this.immediate || this.ended) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerTarget = 0;
    }
    this.immediate = setImmediate(this.step);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    records.flush();
    const elapsedMs = this.now();
    postStats({ type: 'end', token: this.token, elapsedMs, cancelled: this.cancelled, cpuMs: threadCpuMs() });
    if (current === this) current = undefined;
    this.onEnd?.();
  }
}

let newRequest: (run: Run, intended: number, lag: number, sent: number, closedLoop: boolean) => InFlight = (...args) =>
  new InFlight(...args);

// ---------------------------------------------------------------------------------------------------------
// Thread lifecycle

let transport: Transport | undefined;
let current: Run | undefined;

async function init(): Promise<void> {
  const target = config.target;
  if (target.kind === 'http') {
    transport = httpTransport(target, config.connections);
    newRequest = (...args) => new HttpRequest(...args);
  } else {
    // Loaded only for this target: HTTP runs never pay for onnxruntime.
    const { SessionPool } = await import('../runtime/sessionPool');
    const pool = await SessionPool.open({ ...target.pool, warmup: true });
    transport = runtimeTransport(pool, target.inputs);
  }
}

function onCommand(command: GeneratorCommand): void {
  switch (command.type) {
    case 'run': {
      if (current) {
        post({ type: 'run-failed', token: command.token, message: 'another run is still going on this generator' });
        return;
      }
      let schedule: Schedule;
      try {
        schedule = compileShape(command.shape as ShapeInput);
      } catch (error) {
        post({ type: 'run-failed', token: command.token, message: (error as Error).message });
        return;
      }
      current = new Run(command.token, schedulePlan(schedule), command.secondOffset, transport!, config.connections);
      return;
    }
    case 'stream':
      if (current) {
        post({ type: 'run-failed', token: command.token, message: 'another run is still going on this generator' });
        return;
      }
      current = new Run(
        command.token,
        new StreamPlan(command.rate),
        command.secondOffset,
        transport!,
        config.connections,
      );
      return;
    case 'rate':
      if (current?.token === command.token) current.setRate(command.rate);
      return;
    case 'stop':
      if (current?.token === command.token) current.stop();
      return;
    case 'cancel':
      if (current?.token === command.token) current.cancel();
      return;
    case 'close':
      current?.dropNow();
      void (transport?.close() ?? Promise.resolve())
        .catch(() => {})
        .finally(() => {
          stats.close();
          parentPort!.close();
        });
      return;
  }
}

/**
 * Runs this thread's whole request path — the run loop, the transport, the records and the stats thread's
 * folding — before the first measured send, so the first second is not spent compiling: a short closed loop
 * (which also opens connections), then an open loop at half the rate the closed loop reached, which the
 * target therefore keeps up with. Answers are ignored; a slow or silent target cuts it short.
 */
async function warmUp(): Promise<void> {
  const concurrency = Math.min(config.connections, WARMUP_CONCURRENCY);
  const closed = await warmUpRun({
    segments: [{ kind: 'concurrency', levels: [{ concurrency, duration: WARMUP_MS / 2000 }] }],
  });
  const rate = Math.min(MAX_WARMUP_RATE, (0.5 * closed) / (WARMUP_MS / 2000));
  if (rate >= 10) await warmUpRun({ segments: [{ kind: 'constant', rate, duration: WARMUP_MS / 2000 }] });
}

/** Runs a warm-up shape; resolves with the answers it got. */
function warmUpRun(shape: ShapeInput): Promise<number> {
  return new Promise((resolve) => {
    const schedule = compileShape(shape);
    const timer = setTimeout(() => run.dropNow(), schedule.durationMs + WARMUP_DRAIN_MS);
    const run: Run = new Run(WARMUP_TOKEN, schedulePlan(schedule), 0, transport!, config.connections, () => {
      clearTimeout(timer);
      resolve(run.answered);
    });
  });
}

init()
  .then(warmUp)
  .then(
    () => {
      parentPort!.on('message', onCommand);
      post({ type: 'ready' });
    },
    (error: unknown) => {
      post({ type: 'init-failed', message: error instanceof Error ? error.message : String(error) });
      stats.close();
      parentPort!.close();
    },
  );
