// Rehearsal: the plan run offline on replayed traffic (a dataset at a constant rate) with a fault injected into
// the candidate; shows the job's progress, then detection time, bad answers before the rollback and the timeline.
import { useEffect } from 'react';
import type { RehearsalConfigInput, RehearsalResult } from '../../../src-shared/contract';
import { formatDuration } from '../../../src-shared/units';
import { useApp } from '../store/appStore';
import { DecisionHistory } from './DecisionHistory';
import { RouteTimeline } from './RouteTimeline';
import {
  DEFAULT_FAULT_AMOUNT,
  GATE_LABELS,
  sinceStart,
  useRolloutsUi,
  type FaultKind,
  type RehearsalForm,
} from './rolloutsUi';

const FAULT_WORDS: Record<FaultKind, string> = {
  none: 'No fault',
  latency: 'Added latency (+share, 2 = +200 %)',
  errors: 'Errors (share of requests failing)',
  skew: 'Skewed outputs (share of rows)',
};

function faultOf(form: RehearsalForm): RehearsalConfigInput['fault'] {
  switch (form.fault) {
    case 'latency':
      return { latencyIncrease: form.amount };
    case 'errors':
      return { errorRate: form.amount };
    case 'skew':
      return { skew: { share: form.amount } };
    default:
      return {};
  }
}

export function RehearsalPanel({
  model,
  baseline,
  candidate,
}: {
  model: string;
  baseline: number | null;
  candidate: number;
}) {
  const client = useApp((s) => s.client);
  const datasets = useApp((s) => s.datasets);
  const refreshDatasets = useApp((s) => s.refreshDatasets);
  const jobs = useApp((s) => s.jobs);
  const { plan, rehearsal: form, setRehearsal, rehearsalJob, setRehearsalJob } = useRolloutsUi();
  const job = rehearsalJob ? jobs[rehearsalJob] : undefined;
  const error = useRolloutsUi((s) => s.rehearsalError);
  const setError = useRolloutsUi((s) => s.setRehearsalError);

  useEffect(() => {
    if (client && datasets === null) void refreshDatasets();
  }, [client, datasets, refreshDatasets]);
  useEffect(() => {
    if (!form.dataset && datasets && datasets.length > 0) {
      const fitting = datasets.find((d) => d.name.startsWith(model.split('-')[0] ?? '')) ?? datasets[0]!;
      setRehearsal({ dataset: fitting.name });
    }
  }, [datasets, form.dataset, model, setRehearsal]);

  const run = async () => {
    if (!client) return;
    setError(null);
    try {
      const started = await client.call('startRehearsal', {
        body: {
          model,
          candidate,
          ...(baseline !== null ? { baseline } : {}),
          plan,
          dataset: form.dataset,
          shape: { segments: [{ kind: 'constant', rate: form.rate, duration: form.duration }] },
          fault: faultOf(form),
          seed: form.seed,
        },
      });
      setRehearsalJob(started.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="card" aria-labelledby="rehearsal-title" data-testid="rehearsal-panel">
      <h2 id="rehearsal-title">Rehearse the plan</h2>
      <p className="muted">
        Offline, in virtual time: {model}:{candidate} against {baseline === null ? 'its baseline' : `v${baseline}`} on
        replayed rows, nothing served is touched.
      </p>
      <div className="form-row">
        <label>
          Dataset{' '}
          <select
            value={form.dataset}
            onChange={(e) => setRehearsal({ dataset: e.target.value })}
            data-testid="rehearsal-dataset"
          >
            {(datasets ?? []).map((d) => (
              <option key={d.id} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Rate (req/s){' '}
          <input
            type="number"
            min={1}
            value={form.rate}
            style={{ width: '6em' }}
            onChange={(e) => setRehearsal({ rate: Number(e.target.value) })}
            data-testid="rehearsal-rate"
          />
        </label>{' '}
        <label>
          for (s){' '}
          <input
            type="number"
            min={1}
            value={form.duration}
            style={{ width: '6em' }}
            onChange={(e) => setRehearsal({ duration: Number(e.target.value) })}
            data-testid="rehearsal-duration"
          />
        </label>
      </div>
      <div className="form-row">
        <label>
          Fault{' '}
          <select
            value={form.fault}
            onChange={(e) => {
              const fault = e.target.value as FaultKind;
              setRehearsal({ fault, amount: DEFAULT_FAULT_AMOUNT[fault] });
            }}
            data-testid="rehearsal-fault"
          >
            {(Object.keys(FAULT_WORDS) as FaultKind[]).map((k) => (
              <option key={k} value={k}>
                {FAULT_WORDS[k]}
              </option>
            ))}
          </select>
        </label>{' '}
        {form.fault !== 'none' && (
          <label>
            Amount{' '}
            <input
              type="number"
              step="any"
              min={0}
              value={form.amount}
              style={{ width: '6em' }}
              onChange={(e) => setRehearsal({ amount: Number(e.target.value) })}
              data-testid="rehearsal-amount"
            />
          </label>
        )}{' '}
        <label>
          Seed{' '}
          <input
            type="number"
            min={0}
            value={form.seed}
            style={{ width: '5em' }}
            onChange={(e) => setRehearsal({ seed: Number(e.target.value) })}
          />
        </label>{' '}
        <button
          type="button"
          className="primary"
          onClick={() => void run()}
          disabled={job?.state === 'running' || !form.dataset}
          data-testid="rehearsal-run"
        >
          Run rehearsal
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert" data-testid="rehearsal-error">
          {error}
        </p>
      )}
      {job?.state === 'running' && (
        <p role="status" data-testid="rehearsal-progress">
          <progress value={job.progress ?? undefined} max={1} /> {job.message}
        </p>
      )}
      {job?.state === 'failed' && (
        <p className="error-text" role="alert" data-testid="rehearsal-error">
          {job.error}
        </p>
      )}
      {job?.rehearsal && <RehearsalReport result={job.rehearsal} />}
    </section>
  );
}

function RehearsalReport({ result }: { result: RehearsalResult }) {
  return (
    <div className="rehearsal-result" data-testid="rehearsal-result">
      <dl className="facts">
        <dt>Outcome</dt>
        <dd data-testid="rehearsal-outcome" className={`outcome-${result.outcome}`}>
          {result.outcome}
          {result.decidingGates.length > 0 && ` by ${result.decidingGates.map((g) => GATE_LABELS[g]).join(', ')}`}
        </dd>
        <dt>Detection</dt>
        <dd data-testid="rehearsal-detection">
          {result.detection
            ? `${formatDuration(result.detection.afterMs)} after the start (${formatDuration(result.detection.afterStepStartMs)} into step ${result.detection.stepIndex + 1}, ${result.detection.candidateAnswers} candidate answers)`
            : 'no rollback or pause'}
        </dd>
        <dt>Bad answers before the rollback</dt>
        <dd data-testid="rehearsal-bad">{result.badAnswers}</dd>
        <dt>Requests</dt>
        <dd>
          {result.requests.total} ({result.requests.baselineLive} baseline, {result.requests.candidateLive} candidate
          live, {result.requests.candidateShadow} shadow)
        </dd>
      </dl>
      <RouteTimeline result={result} />
      <h3>Timeline</h3>
      <ol className="timeline" data-testid="rehearsal-timeline">
        {result.steps.map((s) => (
          <li key={s.index}>
            Step {s.index + 1} (
            {s.step.kind === 'shadow' ? `shadow ${s.step.percent} %` : `${s.step.weights.candidate} % live`}
            ): {sinceStart(s.startedAtMs)} → {s.endedAtMs === null ? '…' : formatDuration(s.endedAtMs)},{' '}
            {s.candidateRequests} candidate requests — {s.outcome}
          </li>
        ))}
      </ol>
      <h3>Decisions</h3>
      <DecisionHistory decisions={result.decisions} testId="rehearsal-decisions" />
    </div>
  );
}
