// Rollouts: a served model's versions and weights (set by hand with a slider), the plan editor, the running
// rollout's step judged live with promote / pause / resume / rollback, its decision history, and rehearsals.
// Rollouts act on the endpoint the Serve screen runs; while it is stopped the screen says so.
import { useCallback, useEffect, useState } from 'react';
import type { Rollout, RolloutDecision, RolloutStatus, TrafficView } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { Empty, ErrorBox } from '../components/States';
import { DecisionHistory } from '../rollouts/DecisionHistory';
import { GateTable } from '../rollouts/GateTable';
import { PlanEditor } from '../rollouts/PlanEditor';
import { RehearsalPanel } from '../rollouts/RehearsalPanel';
import { useRolloutsUi } from '../rollouts/rolloutsUi';
import { TrafficPanel } from '../rollouts/TrafficPanel';
import { useApp } from '../store/appStore';
import { ApiError } from '../api/client';

const LIVE_REFRESH_MS = 2000;

export function RolloutsPage() {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const serving = useApp((s) => s.serving);
  const changes = useApp((s) => s.rolloutChanges);
  const { model: chosen, setModel, baseline, candidate, setVersions, plan } = useRolloutsUi();

  const servedModels = [...new Set((serving?.versions ?? []).map((v) => v.model))];
  const names = [...new Set([...servedModels, ...(models ?? []).map((m) => m.name)])];
  const model = chosen ?? servedModels[0] ?? names[0] ?? null;
  const versions = (models ?? []).find((m) => m.name === model)?.versions.map((v) => v.version) ?? [];
  const running = serving?.state === 'running';
  const served = running && model !== null && servedModels.includes(model);
  const cand = candidate ?? versions.at(-1) ?? null;
  const base = baseline ?? versions.filter((v) => v !== cand).at(-1) ?? null;

  const [traffic, setTraffic] = useState<TrafficView | null>(null);
  const [status, setStatus] = useState<RolloutStatus | null>(null);
  const [history, setHistory] = useState<RolloutDecision[]>([]);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    if (!client || !model) return;
    try {
      const s = await client.call('rollout', { params: { name: model } });
      setStatus(s);
      setHistory(await client.call('rolloutHistory', { params: { name: model } }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setStatus(null);
        setHistory([]);
      } else setError(e instanceof Error ? e.message : String(e));
    }
    if (served) {
      try {
        setTraffic(await client.call('traffic', { params: { name: model } }));
      } catch {
        setTraffic(null);
      }
    } else setTraffic(null);
  }, [client, model, served]);

  useEffect(() => {
    void refresh();
  }, [refresh, changes, serving]);
  useEffect(() => {
    if (!served) return;
    const timer = setInterval(() => void refresh(), LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [served, refresh]);

  const act = async (what: 'promoteRollout' | 'pauseRollout' | 'resumeRollout' | 'rollbackRollout') => {
    if (!client || !model) return;
    setError(null);
    try {
      await client.call(what, { params: { name: model }, body: {} });
      await refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const start = async () => {
    if (!client || !model || cand === null) return;
    setError(null);
    try {
      await client.call('startRollout', {
        body: { model, candidate: cand, ...(base !== null ? { baseline: base } : {}), plan },
      });
      await refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const rollout = status?.rollout ?? null;
  const active = rollout !== null && (rollout.state === 'running' || rollout.state === 'paused');

  return (
    <section className="page rollouts-page" aria-labelledby="rollouts-title">
      <div className="page-head">
        <h1 id="rollouts-title">Rollouts</h1>
      </div>
      {models === null ? null : names.length === 0 ? (
        <Empty title="No models yet">Import a model with two versions to roll one out.</Empty>
      ) : (
        <div className="form-row">
          <label>
            Model{' '}
            <select value={model ?? ''} onChange={(e) => setModel(e.target.value)} data-testid="rollout-model">
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                  {servedModels.includes(n) ? ' (served)' : ''}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            Baseline{' '}
            <select
              value={base ?? ''}
              onChange={(e) => setVersions(Number(e.target.value), cand)}
              data-testid="rollout-baseline"
            >
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            Candidate{' '}
            <select
              value={cand ?? ''}
              onChange={(e) => setVersions(base, Number(e.target.value))}
              data-testid="rollout-candidate"
            >
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {error && <ErrorBox error={error} />}
      {!running && (
        <div className="notice" role="status" data-testid="rollouts-endpoint-stopped">
          <span>
            The endpoint is stopped. Rollouts move live traffic on the endpoint the <a href="#/serve">Serve screen</a>{' '}
            runs: serve {model ?? 'the model'}&apos;s baseline and candidate there first. Rehearsals run without it.
          </span>
        </div>
      )}
      {running && model && !served && (
        <div className="notice" role="status" data-testid="rollouts-not-served">
          <span>
            The endpoint does not serve {model}: serve its baseline and candidate on the{' '}
            <a href="#/serve">Serve screen</a>.
          </span>
        </div>
      )}
      {traffic && (
        <TrafficPanel
          view={traffic}
          locked={rollout?.state === 'running'}
          onSet={async (body) => {
            if (!client || !model) return;
            setTraffic(await client.call('setTrafficRoute', { params: { name: model }, body }));
          }}
        />
      )}

      <section className="card" aria-labelledby="rollout-title" data-testid="rollout-panel">
        <h2 id="rollout-title">Rollout</h2>
        {rollout ? (
          <>
            <p>
              <span className={`badge rollout-${rollout.state}`} data-testid="rollout-state">
                {rollout.state}
              </span>{' '}
              {rollout.model}:{rollout.candidate} against v{rollout.baseline}, step {rollout.stepIndex + 1} of{' '}
              {rollout.plan.steps.length}
              {rollout.reason && <span className="muted"> — {rollout.reason}</span>}
            </p>
            {active && (
              <div className="actions">
                <button type="button" onClick={() => void act('promoteRollout')} data-testid="rollout-promote">
                  Promote
                </button>{' '}
                {rollout.state === 'running' ? (
                  <button type="button" onClick={() => void act('pauseRollout')} data-testid="rollout-pause">
                    Pause
                  </button>
                ) : (
                  <button type="button" onClick={() => void act('resumeRollout')} data-testid="rollout-resume">
                    Resume
                  </button>
                )}{' '}
                <button
                  type="button"
                  className="danger"
                  onClick={() => void act('rollbackRollout')}
                  data-testid="rollout-rollback"
                >
                  Roll back
                </button>
              </div>
            )}
            {active && <StepLine rollout={rollout} />}
            {status?.evaluation && <GateTable evaluation={status.evaluation} testId="rollout-live" />}
          </>
        ) : (
          <p className="muted">No rollout of {model} yet.</p>
        )}
        {!active && (
          <button
            type="button"
            className="primary"
            disabled={!served || cand === null}
            onClick={() => void start()}
            data-testid="rollout-start"
          >
            Start rollout of v{cand} against v{base}
          </button>
        )}
        <h3>Decision history</h3>
        <DecisionHistory decisions={history} testId="rollout-history" />
      </section>

      <PlanEditor />
      {model && cand !== null && <RehearsalPanel model={model} baseline={base} candidate={cand} />}
    </section>
  );
}

/** The step the rollout is in, with the minimums it must meet before its gates can advance it. */
function StepLine({ rollout }: { rollout: Rollout }) {
  const step = rollout.plan.steps[rollout.stepIndex];
  if (!step) return null;
  const traffic =
    step.kind === 'shadow'
      ? `${step.percent} % shadowed to the candidate`
      : `${step.weights.candidate} % live to the candidate`;
  return (
    <p data-testid="rollout-step">
      Step {rollout.stepIndex + 1}: {traffic}; at least {formatCount(step.minDurationSeconds)} s and{' '}
      {formatCount(step.minRequests)} candidate requests, gates checked every {rollout.plan.evaluateEverySeconds} s.
    </p>
  );
}
