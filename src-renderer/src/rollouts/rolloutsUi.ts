// The Rollouts screen's own state (zustand): the model looked at, the plan being edited (kept across visits, and
// loaded or saved as JSON), and the rehearsal form with the job it last started.
import { create } from 'zustand';
import { formatDuration } from '../../../src-shared/units';
import {
  DEFAULT_ROLLOUT_GATES,
  RolloutPlanSchema,
  type RolloutGateInput,
  type RolloutGateKind,
  type RolloutPlanInput,
  type RolloutStepInput,
} from '../../../src-shared/contract';

export type FaultKind = 'none' | 'latency' | 'errors' | 'skew';

export interface RehearsalForm {
  dataset: string;
  /** Constant rate, req/s, and how long, s. */
  rate: number;
  duration: number;
  fault: FaultKind;
  /** latency: +share (2 = +200 %); errors: share failing; skew: share of rows skewed. */
  amount: number;
  seed: number;
}

export const DEFAULT_STEPS: RolloutStepInput[] = [
  { kind: 'shadow', percent: 20, minDurationSeconds: 60, minRequests: 200 },
  { kind: 'weights', weights: { baseline: 90, candidate: 10 }, minDurationSeconds: 60, minRequests: 200 },
  { kind: 'weights', weights: { baseline: 50, candidate: 50 }, minDurationSeconds: 60, minRequests: 300 },
  { kind: 'weights', weights: { baseline: 0, candidate: 100 }, minDurationSeconds: 60, minRequests: 300 },
];

export const DEFAULT_FAULT_AMOUNT: Record<FaultKind, number> = { none: 0, latency: 2, errors: 0.05, skew: 0.2 };

/** Gate kinds in the order the editor lists them, with words for them. */
export const GATE_LABELS: Record<RolloutGateKind, string> = {
  errorRate: 'Error rate',
  errorRateDelta: 'Error rate − baseline',
  latencyP99Ratio: 'p99 latency ÷ baseline',
  latencyMannWhitney: 'Latency (Mann–Whitney)',
  agreement: 'Agreement with baseline',
  outputDrift: 'Output drift',
};

/** Every gate with its defaults filled in, so the editor can show thresholds and bands. */
export function fullGates(gates: RolloutGateInput[]): RolloutGateInput[] {
  const parsed = RolloutPlanSchema.safeParse({ steps: DEFAULT_STEPS, gates });
  return parsed.success ? parsed.data.gates : gates;
}

interface RolloutsUi {
  model: string | null;
  baseline: number | null;
  candidate: number | null;
  plan: RolloutPlanInput;
  rehearsal: RehearsalForm;
  rehearsalJob: string | null;
  rehearsalError: string | null;
  setModel(model: string | null): void;
  setVersions(baseline: number | null, candidate: number | null): void;
  setPlan(plan: RolloutPlanInput): void;
  setRehearsal(patch: Partial<RehearsalForm>): void;
  setRehearsalJob(id: string | null): void;
  setRehearsalError(error: string | null): void;
}

export const useRolloutsUi = create<RolloutsUi>((set) => ({
  model: null,
  baseline: null,
  candidate: null,
  plan: { steps: DEFAULT_STEPS, gates: fullGates(DEFAULT_ROLLOUT_GATES), evaluateEverySeconds: 10 },
  rehearsal: { dataset: '', rate: 20, duration: 600, fault: 'latency', amount: 2, seed: 1 },
  rehearsalJob: null,
  rehearsalError: null,
  setModel: (model) => set({ model, baseline: null, candidate: null }),
  setVersions: (baseline, candidate) => set({ baseline, candidate }),
  setPlan: (plan) => set({ plan }),
  setRehearsal: (patch) => set((s) => ({ rehearsal: { ...s.rehearsal, ...patch } })),
  setRehearsalJob: (rehearsalJob) => set({ rehearsalJob }),
  setRehearsalError: (rehearsalError) => set({ rehearsalError }),
}));

/** Time since a rollout's start: "0 s" at the start itself rather than "0.00 µs". */
export function sinceStart(ms: number): string {
  return ms === 0 ? '0 s' : formatDuration(ms);
}
