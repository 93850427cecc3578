// Sends a copy of a live request to the shadow candidate alongside the live run (its worker uses the time the event
// loop waits for the live answer), never awaited by the live caller; records the shadow's latency and errors and
// compares its answer with the live one once both are in. Bounded: a
// candidate with too many requests pending gets no more shadow work (the drop is counted), so a slow or stuck
// candidate cannot pile work onto the cores that serve live traffic.
import type { InferRequest } from '../serving/inferRequest';
import type { ServedVersion } from '../serving/servedVersion';
import type { WireTensor } from '../runtime/wireTensor';
import { compareAnswers } from './compareAnswers';
import { failureOf } from './failureOf';
import type { TrafficMonitor } from './trafficMonitor';

export interface ShadowRunnerOptions {
  /** A candidate with this many requests pending (queued or running) takes no more shadow requests; default:
   * twice its instance count. */
  maxPending?: number;
}

/** What the live version answered, for the comparison. */
export interface LiveAnswer {
  version: number;
  /** null when the live request failed (the shadow is still run and timed, not compared). */
  outputs: readonly WireTensor[] | null;
  predictions: readonly number[] | null;
  kind: 'class' | 'value' | null;
}

export class ShadowRunner {
  /** Shadow requests started and not finished, for drains. */
  private readonly running = new Set<Promise<void>>();
  /** Per candidate: shadow requests handed over and not finished, including those still waiting for their turn
   * (the candidate's own pending count sees them only once they reach it). */
  private readonly inFlight = new Map<ServedVersion, number>();

  constructor(
    private readonly monitor: TrafficMonitor,
    private readonly options: ShadowRunnerOptions = {},
  ) {}

  /** Whether the candidate takes one more shadow request now; counts the drop when it does not. */
  admit(model: string, candidate: ServedVersion): boolean {
    const limit = this.options.maxPending ?? Math.max(2, candidate.instances * 2);
    const pending = Math.max(candidate.pendingRequests, this.inFlight.get(candidate) ?? 0);
    if (candidate.state === 'ready' && pending < limit) return true;
    this.monitor.recordShadowDrop(model, candidate.version);
    return false;
  }

  /** Runs `request` (the caller's own copy: the pool takes its buffers) on the candidate now, and compares its
   * answer with the live one once both are in; nothing here is awaited by the live request. */
  run(model: string, candidate: ServedVersion, request: InferRequest, live: Promise<LiveAnswer>): void {
    this.inFlight.set(candidate, (this.inFlight.get(candidate) ?? 0) + 1);
    const done = this.execute(model, candidate, request, live).finally(() => {
      this.running.delete(done);
      const left = (this.inFlight.get(candidate) ?? 1) - 1;
      if (left > 0) this.inFlight.set(candidate, left);
      else this.inFlight.delete(candidate);
    });
    this.running.add(done);
  }

  /** Resolves when every shadow request started so far has finished. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async execute(
    model: string,
    candidate: ServedVersion,
    request: InferRequest,
    liveAnswer: Promise<LiveAnswer>,
  ): Promise<void> {
    const started = performance.now();
    try {
      const answer = await candidate.infer(request, started);
      const latencyMs = performance.now() - started;
      const live = await liveAnswer;
      const reader = this.monitor.predictionReader(model, candidate.version, candidate.signature);
      const predictions = reader.read(answer.outputs);
      const atMs = this.monitor.now();
      this.monitor.record(model, {
        version: candidate.version,
        role: 'shadow',
        atMs,
        latencyMs,
        ok: true,
        predictions: predictions ?? undefined,
        predictionKind: reader.kind,
      });
      if (live.outputs) {
        const shadow = { version: candidate.version, outputs: answer.outputs, predictions, kind: reader.kind };
        this.monitor.recordPair(model, compareAnswers({ ...live, outputs: live.outputs }, shadow, atMs));
      }
    } catch (error) {
      const failure = failureOf(error);
      this.monitor.record(model, {
        version: candidate.version,
        role: 'shadow',
        atMs: this.monitor.now(),
        latencyMs: performance.now() - started,
        ok: false,
        callerError: failure.callerError,
        reason: failure.reason,
      });
    }
  }
}
