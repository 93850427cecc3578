// A rollout played in virtual time: the traffic's send times go through the real router (seeded), each request
// gets its version's real answer to its row and a latency resampled from that version's measurement, the fault
// is injected on the candidate, answers reach the real traffic monitor at their finish time, and the real
// controller ticks on its own — until it promotes, rolls back or pauses, or the traffic runs out.
import type {
  GateResult,
  RehearsalFault,
  RehearsalOutcome,
  RehearsalResult,
  Rollout,
  RolloutDecision,
  RolloutGateKind,
  RolloutPlan,
} from '../../../../src-shared/contract';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { UserError } from '../../userError';
import { TrafficMonitor } from '../trafficMonitor';
import { TrafficRouter } from '../trafficRouter';
import type { ShadowPairRecord, TrafficRecord } from '../trafficTypes';
import { CompletionQueue } from './completionQueue';
import { MemoryRolloutStore } from './memoryRolloutStore';
import type { RehearsalAnswers, VersionAnswers } from './rehearsalAnswers';
import { RolloutController, describeStep, routeFor } from './rolloutController';
import { VirtualClock } from './rolloutClock';

export interface SimulationInput {
  rolloutId: string;
  model: string;
  plan: RolloutPlan;
  answers: RehearsalAnswers;
  fault: RehearsalFault;
  /** The class (or value shift) skewed rows answer, settled by the caller. */
  skewTarget: { toClass: number | null; shift: number | null };
  seed: number;
  tickMs: number;
  /** Intended send times, ms from the start, ascending. */
  sendTimes: Iterable<number>;
  durationMs: number;
  signal?: AbortSignal;
  /** Share of the traffic played so far, now and then. */
  onProgress?: (fraction: number) => void;
}

/** Requests played between two yields to the event loop (the engine's loop also serves the endpoint). */
const YIELD_EVERY = 5000;

export type SimulationResult = Pick<
  RehearsalResult,
  'outcome' | 'decidingGates' | 'detection' | 'badAnswers' | 'requests' | 'simulatedMs' | 'steps' | 'decisions'
>;

type Completion =
  { kind: 'record'; record: TrafficRecord; candidate: boolean } | { kind: 'pair'; pair: ShadowPairRecord };

/** Independent streams from one seed, so e.g. turning the error fault on does not move the latency draws. */
const STREAM = { latency: 0x9e3779b9, errors: 0x85ebca6b, skew: 0xc2b2ae35 };

export async function simulateRollout(input: SimulationInput): Promise<SimulationResult> {
  const { answers, fault, plan, model } = input;
  const baseline = answers.baseline.version;
  const candidate = answers.candidate.version;
  const clock = new VirtualClock(0);
  const router = new TrafficRouter(
    (m) =>
      m.toLowerCase() === model.toLowerCase()
        ? {
            model,
            versions: [
              { version: baseline, state: 'ready' },
              { version: candidate, state: 'ready' },
            ],
          }
        : undefined,
    { seed: input.seed, clock: () => clock.now() },
  );
  const monitor = new TrafficMonitor({ clock: () => clock.now(), routeOf: (m) => router.route(m) });
  const rollout: Rollout = {
    id: input.rolloutId,
    model,
    baseline,
    candidate,
    plan,
    state: 'running',
    stepIndex: 0,
    startedAt: new Date(0).toISOString(),
    startedAtMs: 0,
    stepStartedAtMs: 0,
    updatedAt: new Date(0).toISOString(),
    finishedAt: null,
    reason: null,
    route: { weights: {}, shadow: null },
    lastEvaluation: null,
    driven: true,
  };
  rollout.route = routeFor(rollout, 'running', 0);
  const store = new MemoryRolloutStore(rollout, {
    rolloutId: rollout.id,
    at: rollout.startedAt,
    atMs: 0,
    elapsedMs: 0,
    actor: 'user',
    action: 'start',
    fromState: null,
    toState: 'running',
    stepIndex: 0,
    toStepIndex: 0,
    reason: `rehearsal of ${model}:${candidate} against ${baseline}: ${describeStep(rollout, 0)}`,
    route: rollout.route,
    evaluation: null,
  });
  const controller = new RolloutController(store.current, { clock, store, traffic: { router, monitor } });
  controller.applyRoute();

  const latencyRandom = mulberry32((input.seed ^ STREAM.latency) >>> 0);
  const errorRandom = mulberry32((input.seed ^ STREAM.errors) >>> 0);
  const skewRandom = mulberry32((input.seed ^ STREAM.skew) >>> 0);
  const slowed = fault.latencyIncrease > 0 || fault.latencyAddMs > 0;
  const latencyOf = (side: VersionAnswers, isCandidate: boolean) => {
    const sample = side.latencyMs[Math.floor(latencyRandom() * side.latencyMs.length)]!;
    return isCandidate ? sample * (1 + fault.latencyIncrease) + fault.latencyAddMs : sample;
  };

  const pending = new CompletionQueue<Completion>();
  const counts = { total: 0, baselineLive: 0, candidateLive: 0, candidateShadow: 0 };
  let candidateAnswers = 0;
  let badAnswers = 0;
  const steps: SimulationResult['steps'] = [
    {
      index: 0,
      step: plan.steps[0]!,
      startedAtMs: 0,
      endedAtMs: null,
      candidateRequests: 0,
      baselineRequests: 0,
      outcome: 'running',
    },
  ];
  let final: RolloutDecision | null = null;

  /** One request: the router's choice, each version's answer to the row, the fault on the candidate. */
  const send = (t: number, row: number) => {
    clock.set(t);
    const decision = router.decide(model);
    if (!decision) return;
    counts.total += 1;
    const step = steps[steps.length - 1]!;
    const live = answerOf(decision.version, 'live', t, row);
    if (decision.version === candidate) {
      counts.candidateLive += 1;
      step.candidateRequests += 1;
      if (live.spoiled) badAnswers += 1;
    } else {
      counts.baselineLive += 1;
      step.baselineRequests += 1;
    }
    if (decision.shadowVersion === null) return;
    counts.candidateShadow += 1;
    step.candidateRequests += 1;
    const shadow = answerOf(decision.shadowVersion, 'shadow', t, row);
    if (!live.record.ok || !shadow.record.ok) return;
    const kind = answers.baseline.kind;
    const rows = kind !== null && answers.candidate.kind === kind ? 1 : 0;
    const agrees =
      rows === 1 &&
      (shadow.skewedTo === null ? answers.agree[row] === 1 : sameAnswer(kind, live.prediction, shadow.skewedTo));
    const absDelta: Record<string, number[]> = {};
    for (const [name, column] of answers.absDelta) if (!Number.isNaN(column[row]!)) absDelta[name] = [column[row]!];
    const at = Math.max(live.record.atMs, shadow.record.atMs);
    pending.push(at, {
      kind: 'pair',
      pair: {
        liveVersion: decision.version,
        shadowVersion: decision.shadowVersion,
        atMs: at,
        rows,
        agreeingRows: agrees ? 1 : 0,
        absDelta,
      },
    });
  };

  const answerOf = (version: number, role: 'live' | 'shadow', t: number, row: number) => {
    const isCandidate = version === candidate;
    const side = isCandidate ? answers.candidate : answers.baseline;
    const latencyMs = latencyOf(side, isCandidate);
    const injectedError = isCandidate && fault.errorRate > 0 && errorRandom() < fault.errorRate;
    const ok = side.ok[row] === 1 && !injectedError;
    let prediction = side.predictions[row]!;
    let skewedTo: number | null = null;
    if (ok && isCandidate && fault.skew && skewRandom() < fault.skew.share && side.kind !== null) {
      const skewed = side.kind === 'class' ? input.skewTarget.toClass! : prediction + input.skewTarget.shift!;
      if (!sameAnswer(side.kind, skewed, prediction)) skewedTo = skewed;
      prediction = skewed;
    }
    const record: TrafficRecord = {
      version,
      role,
      atMs: t + latencyMs,
      latencyMs,
      ok,
      ...(ok ? {} : { reason: 'BACKEND' }),
      ...(ok && side.kind !== null && Number.isFinite(prediction)
        ? { predictions: [prediction], predictionKind: side.kind }
        : {}),
    };
    pending.push(record.atMs, { kind: 'record', record, candidate: isCandidate });
    // What a caller of this answer suffered from the fault (shadow answers reach no caller).
    const spoiled = role === 'live' && isCandidate && (injectedError || skewedTo !== null || (ok && slowed));
    return { record, prediction, skewedTo, spoiled };
  };

  /** Finished requests reach the monitor, then the controller looks; true when the rehearsal is over. */
  const tick = (at: number): boolean => {
    for (const done of pending.until(at)) {
      if (done.kind === 'pair') monitor.recordPair(model, done.pair);
      else {
        monitor.record(model, done.record);
        if (done.candidate) candidateAnswers += 1;
      }
    }
    clock.set(at);
    const decision = controller.tick();
    if (!decision) return false;
    const current = steps[steps.length - 1]!;
    current.endedAtMs = at;
    if (decision.action === 'advance') {
      current.outcome = 'advanced';
      steps.push({
        index: decision.toStepIndex,
        step: plan.steps[decision.toStepIndex]!,
        startedAtMs: at,
        endedAtMs: null,
        candidateRequests: 0,
        baselineRequests: 0,
        outcome: 'running',
      });
      return false;
    }
    current.outcome =
      decision.toState === 'promoted' ? 'promoted' : decision.toState === 'rolledBack' ? 'rolledBack' : 'paused';
    final = decision;
    return true;
  };

  let nextTick = input.tickMs;
  let row = 0;
  let over = false;
  let lastSend = 0;
  for (const t of input.sendTimes) {
    while (nextTick <= t && !over) {
      over = tick(nextTick);
      nextTick += input.tickMs;
    }
    if (over) break;
    send(t, row);
    lastSend = t;
    row = (row + 1) % answers.rows;
    if (counts.total % YIELD_EVERY === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (input.signal?.aborted) throw new UserError('cancelled', 'the rehearsal was cancelled');
      input.onProgress?.(input.durationMs > 0 ? t / input.durationMs : 0);
    }
  }
  // The traffic is over: answers still in flight arrive, and the controller gets one last look after them.
  const end = Math.max(lastSend, input.durationMs) + input.tickMs;
  while (!over && nextTick <= end) {
    over = tick(nextTick);
    nextTick += input.tickMs;
  }

  const decided = final as RolloutDecision | null;
  const outcome: RehearsalOutcome = decided
    ? decided.toState === 'promoted'
      ? 'promoted'
      : decided.toState === 'rolledBack'
        ? 'rolledBack'
        : 'paused'
    : 'incomplete';
  const deciding = (status: GateResult['status']): RolloutGateKind[] =>
    decided?.evaluation?.gates.filter((g) => g.status === status).map((g) => g.kind) ?? [];
  return {
    outcome,
    decidingGates: outcome === 'rolledBack' ? deciding('fail') : outcome === 'paused' ? deciding('inconclusive') : [],
    detection:
      decided && (outcome === 'rolledBack' || outcome === 'paused')
        ? {
            afterMs: decided.atMs,
            stepIndex: decided.stepIndex,
            afterStepStartMs: decided.atMs - steps[steps.length - 1]!.startedAtMs,
            candidateAnswers,
          }
        : null,
    badAnswers,
    requests: counts,
    simulatedMs: decided ? decided.atMs : clock.now(),
    steps,
    decisions: store.decisions,
  };
}

function sameAnswer(kind: 'class' | 'value' | null, a: number, b: number): boolean {
  return kind === 'class' ? a === b : Math.fround(a) === Math.fround(b);
}
