// The audit history of a rollout (or a rehearsal): who decided what, when, in which step, why, and the gate
// numbers behind each decision.
import type { RolloutDecision } from '../../../src-shared/contract';
import { GateTable } from './GateTable';
import { sinceStart } from './rolloutsUi';

export function DecisionHistory({ decisions, testId }: { decisions: RolloutDecision[]; testId: string }) {
  if (decisions.length === 0) return <p className="muted">No decisions yet.</p>;
  return (
    <ol className="decisions" data-testid={testId}>
      {decisions.map((d) => (
        <li key={d.seq} className={`decision decision-${d.action}`} data-testid={`${testId}-${d.action}`}>
          <div>
            <strong>{d.action}</strong> by {d.actor} at +{sinceStart(d.elapsedMs)} (step {d.stepIndex + 1}
            {d.toStepIndex !== d.stepIndex ? ` → ${d.toStepIndex + 1}` : ''}, {d.fromState ?? 'new'} → {d.toState})
          </div>
          <div className="muted">{d.reason}</div>
          {d.evaluation && (
            <details>
              <summary>The numbers behind it</summary>
              <GateTable evaluation={d.evaluation} testId={`${testId}-${d.seq}`} />
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
