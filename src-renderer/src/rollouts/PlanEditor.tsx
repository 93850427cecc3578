// The plan editor: steps (shadow %, or baseline/candidate weights) with their minimum duration and requests, the
// gates with threshold and inconclusive band, and the plan as JSON to load or save.
import { useState } from 'react';
import {
  RolloutGateKindSchema,
  RolloutPlanSchema,
  type RolloutGateInput,
  type RolloutStepInput,
} from '../../../src-shared/contract';
import { GATE_LABELS, fullGates, useRolloutsUi } from './rolloutsUi';

function num(value: string): number {
  return value === '' ? 0 : Number(value);
}

export function PlanEditor() {
  const plan = useRolloutsUi((s) => s.plan);
  const setPlan = useRolloutsUi((s) => s.setPlan);
  const [json, setJson] = useState<string | null>(null);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const check = RolloutPlanSchema.safeParse(plan);
  const steps = plan.steps;
  const gates = plan.gates ?? [];

  const setStep = (i: number, step: RolloutStepInput) =>
    setPlan({ ...plan, steps: steps.map((s, j) => (j === i ? step : s)) });
  const setGate = (kind: RolloutGateInput['kind'], gate: RolloutGateInput | null) => {
    const others = gates.filter((g) => g.kind !== kind);
    const next = gate ? [...others, gate] : others;
    const order = RolloutGateKindSchema.options;
    setPlan({ ...plan, gates: next.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)) });
  };

  const loadJson = () => {
    try {
      const parsed = RolloutPlanSchema.safeParse(JSON.parse(json ?? ''));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        setJsonError(`${issue?.path.join('.') || 'plan'}: ${issue?.message}`);
        return;
      }
      setPlan({ ...parsed.data, gates: fullGates(parsed.data.gates) });
      setJson(null);
      setJsonError(null);
    } catch (e) {
      setJsonError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const download = () => {
    const blob = new Blob([JSON.stringify(plan, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${plan.name ?? 'rollout-plan'}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <section className="card" aria-labelledby="plan-title" data-testid="plan-editor">
      <h2 id="plan-title">Plan</h2>
      <table className="table plan-steps">
        <thead>
          <tr>
            <th>#</th>
            <th>Step</th>
            <th>Traffic to the candidate</th>
            <th>Min duration (s)</th>
            <th>Min requests</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {steps.map((step, i) => (
            <tr key={i} data-testid={`plan-step-${i}`}>
              <td>{i + 1}</td>
              <td>
                <select
                  value={step.kind}
                  aria-label={`step ${i + 1} kind`}
                  onChange={(e) =>
                    setStep(
                      i,
                      e.target.value === 'shadow'
                        ? {
                            kind: 'shadow',
                            percent: 10,
                            minDurationSeconds: step.minDurationSeconds,
                            minRequests: step.minRequests,
                          }
                        : {
                            kind: 'weights',
                            weights: { baseline: 90, candidate: 10 },
                            minDurationSeconds: step.minDurationSeconds,
                            minRequests: step.minRequests,
                          },
                    )
                  }
                >
                  <option value="shadow">shadow</option>
                  <option value="weights">weights</option>
                </select>
              </td>
              <td>
                {step.kind === 'shadow' ? (
                  <label>
                    <input
                      type="number"
                      min={0}
                      max={100}
                      value={step.percent}
                      aria-label={`step ${i + 1} shadow percent`}
                      onChange={(e) => setStep(i, { ...step, percent: num(e.target.value) })}
                    />{' '}
                    % shadowed
                  </label>
                ) : (
                  <label>
                    <input
                      type="number"
                      min={0}
                      max={100}
                      value={step.weights.candidate}
                      aria-label={`step ${i + 1} candidate weight`}
                      onChange={(e) => {
                        const candidate = num(e.target.value);
                        setStep(i, { ...step, weights: { baseline: 100 - candidate, candidate } });
                      }}
                    />{' '}
                    % live (baseline {step.weights.baseline} %)
                  </label>
                )}
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  value={step.minDurationSeconds ?? 60}
                  aria-label={`step ${i + 1} minimum duration`}
                  onChange={(e) => setStep(i, { ...step, minDurationSeconds: num(e.target.value) })}
                />
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  value={step.minRequests ?? 100}
                  aria-label={`step ${i + 1} minimum requests`}
                  onChange={(e) => setStep(i, { ...step, minRequests: num(e.target.value) })}
                />
              </td>
              <td>
                <button
                  type="button"
                  aria-label={`remove step ${i + 1}`}
                  onClick={() => setPlan({ ...plan, steps: steps.filter((_, j) => j !== i) })}
                >
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() =>
          setPlan({
            ...plan,
            steps: [
              ...steps,
              { kind: 'weights', weights: { baseline: 0, candidate: 100 }, minDurationSeconds: 60, minRequests: 100 },
            ],
          })
        }
      >
        Add step
      </button>
      <h3>Gates</h3>
      <table className="table plan-gates">
        <thead>
          <tr>
            <th>On</th>
            <th>Gate</th>
            <th>Threshold</th>
            <th>Inconclusive band</th>
          </tr>
        </thead>
        <tbody>
          {RolloutGateKindSchema.options.map((kind) => {
            const gate = gates.find((g) => g.kind === kind);
            return (
              <tr key={kind} data-testid={`plan-gate-${kind}`}>
                <td>
                  <input
                    type="checkbox"
                    checked={gate !== undefined}
                    aria-label={`use gate ${GATE_LABELS[kind]}`}
                    onChange={(e) =>
                      setGate(kind, e.target.checked ? (fullGates([{ kind } as RolloutGateInput])[0] ?? null) : null)
                    }
                  />
                </td>
                <td>{GATE_LABELS[kind]}</td>
                <td>
                  {gate && (
                    <input
                      type="number"
                      step="any"
                      value={gate.threshold ?? ''}
                      aria-label={`${GATE_LABELS[kind]} threshold`}
                      onChange={(e) => setGate(kind, { ...gate, threshold: num(e.target.value) } as RolloutGateInput)}
                    />
                  )}
                </td>
                <td>
                  {gate && (
                    <input
                      type="number"
                      step="any"
                      value={gate.band ?? ''}
                      aria-label={`${GATE_LABELS[kind]} band`}
                      onChange={(e) => setGate(kind, { ...gate, band: num(e.target.value) } as RolloutGateInput)}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!check.success && (
        <p className="error-text" role="alert" data-testid="plan-error">
          {check.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; ')}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => setJson(JSON.stringify(plan, null, 2))}>
          Edit as JSON
        </button>{' '}
        <button type="button" onClick={download}>
          Save JSON
        </button>
      </div>
      {json !== null && (
        <div className="plan-json">
          <textarea
            rows={12}
            value={json}
            aria-label="plan JSON"
            data-testid="plan-json"
            onChange={(e) => setJson(e.target.value)}
          />
          <button type="button" onClick={loadJson} data-testid="plan-json-load">
            Load
          </button>{' '}
          <button type="button" onClick={() => setJson(null)}>
            Close
          </button>
          {jsonError && (
            <p className="error-text" role="alert">
              {jsonError}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
