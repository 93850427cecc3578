// Plans as people write them: defaults filled in, and every mistake refused with where it is and what was expected.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLLOUT_GATES } from '../../../../src-shared/contract';
import { parsePlan } from '../../../../src-main/engine/traffic/rollout/rolloutPlan';
import { UserError } from '../../../../src-main/engine/userError';
import { thrown as thrownOf } from '../../../helpers/thrown';

const thrown = (fn: () => unknown) => thrownOf(fn, UserError);

describe('parsePlan', () => {
  it('fills in minimums, every gate with its defaults, the check interval', () => {
    const plan = parsePlan({
      steps: [
        { kind: 'shadow', percent: 10 },
        { kind: 'weights', weights: { baseline: 99, candidate: 1 } },
      ],
    });
    expect(plan.steps[0]).toEqual({ kind: 'shadow', percent: 10, minDurationSeconds: 60, minRequests: 100 });
    expect(plan.gates.map((g) => g.kind)).toEqual(DEFAULT_ROLLOUT_GATES.map((g) => g.kind));
    expect(plan.gates.find((g) => g.kind === 'errorRate')).toEqual({ kind: 'errorRate', threshold: 0.02, band: 0.01 });
    expect(plan.evaluateEverySeconds).toBe(10);
    expect(plan.stickyHeader).toBeNull();
  });

  it('refuses weights that do not sum to 100, naming the step', () => {
    const error = thrown(() => parsePlan({ steps: [{ kind: 'weights', weights: { baseline: 90, candidate: 20 } }] }));
    expect(error.message).toBe('invalid rollout plan: steps.0.weights: weights must sum to 100 (baseline + candidate)');
  });

  it('refuses a plan with no steps, a weights step that sends the candidate nothing, fractional weights', () => {
    expect(thrown(() => parsePlan({ steps: [] })).message).toMatch(/a plan needs at least one step/);
    expect(thrown(() => parsePlan({})).message).toMatch(/^invalid rollout plan: steps: /);
    expect(
      thrown(() => parsePlan({ steps: [{ kind: 'weights', weights: { baseline: 100, candidate: 0 } }] })).message,
    ).toMatch(/candidate ≥ 1/);
    expect(
      thrown(() => parsePlan({ steps: [{ kind: 'weights', weights: { baseline: 99.5, candidate: 0.5 } }] })).message,
    ).toMatch(/whole percents/);
  });

  it('refuses a gate kind twice and an unknown gate', () => {
    const twice = { steps: [{ kind: 'shadow', percent: 5 }], gates: [{ kind: 'errorRate' }, { kind: 'errorRate' }] };
    expect(thrown(() => parsePlan(twice)).message).toMatch(/gates: each gate kind may appear once/);
    expect(
      thrown(() => parsePlan({ steps: [{ kind: 'shadow', percent: 5 }], gates: [{ kind: 'vibes' }] })).message,
    ).toMatch(/gates\.0/);
  });
});
