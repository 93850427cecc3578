// Each gate's value against its threshold, coloured by its verdict (pass, fail, inconclusive, skipped), with
// the numbers behind it on hover: the live view of a running step and the evaluation behind a decision.
import type { GateResult, StepEvaluation } from '../../../src-shared/contract';
import { formatDuration } from '../../../src-shared/units';
import { GATE_LABELS } from './rolloutsUi';

function figure(value: number | null): string {
  if (value === null) return '—';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

function numbers(g: GateResult): string {
  return Object.entries(g.numbers)
    .map(([k, v]) => `${k}: ${v === null ? '—' : figure(v)}`)
    .join(', ');
}

export function GateTable({ evaluation, testId }: { evaluation: StepEvaluation; testId: string }) {
  return (
    <div data-testid={testId}>
      <p className="muted">
        Step {evaluation.stepIndex + 1}: {formatDuration(evaluation.elapsedInStepMs)} in, candidate{' '}
        {evaluation.candidateRequests} requests, baseline {evaluation.baselineRequests} ({evaluation.baselineWindow}{' '}
        window) — <strong data-testid={`${testId}-outcome`}>{evaluation.outcome}</strong>
        {!evaluation.minimumsMet && ' (minimums not met yet)'}
      </p>
      <table className="table gates">
        <thead>
          <tr>
            <th>Gate</th>
            <th>Value</th>
            <th>Fails when</th>
            <th>Band</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.gates.map((g) => (
            <tr key={g.kind} className={`gate-${g.status}`} data-testid={`${testId}-gate-${g.kind}`} title={numbers(g)}>
              <td>{GATE_LABELS[g.kind]}</td>
              <td>{figure(g.value)}</td>
              <td>
                {g.failsWhen === 'above' ? '≥' : '<'} {figure(g.threshold)}
              </td>
              <td>{figure(g.band)}</td>
              <td>
                <span className={`badge gate-badge-${g.status}`}>{g.status}</span>{' '}
                <span className="muted">{g.message}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
