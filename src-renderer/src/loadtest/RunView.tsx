// One run: live while it goes (progress, elapsed, live charts, Cancel), its report once it is done.
import { useEffect, useMemo, useState } from 'react';
import type { LoadInterval, LoadRun, LoadRunDetail } from '../../../src-shared/contract';
import { compileShape } from '../../../src-shared/loadtest/schedule';
import { ErrorBox, Loading } from '../components/States';
import { loadTestPath } from '../router';
import { useApp } from '../store/appStore';
import { formatMs, formatRate, formatSeconds, shapeSummary, targetSummary } from './describe';
import { RunReport } from './RunReport';
import { LiveCharts } from './runCharts';
import { RunStateBadge } from './RunStateBadge';

/** The planned length of a run (null for a capacity search, whose length depends on the target). */
function plannedSeconds(run: LoadRun): number | null {
  if (!run.config.shape || run.config.capacity) return null;
  try {
    return compileShape(run.config.shape).durationMs / 1000;
  } catch {
    return null;
  }
}

function LiveRun({ run }: { run: LoadRun }) {
  const client = useApp((s) => s.client);
  const putLoadRun = useApp((s) => s.putLoadRun);
  const ticks = useApp((s) => s.loadTicks[run.id]);
  const [earlier, setEarlier] = useState<LoadInterval[]>([]);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // Seconds recorded before this view opened (a reload mid-run); ticks carry the rest.
  useEffect(() => {
    if (!client) return;
    let live = true;
    client.call('loadTest', { params: { id: run.id } }).then(
      (detail) => live && setEarlier(detail.intervals),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client, run.id]);

  const intervals = useMemo(() => {
    const bySecond = new Map<number, LoadInterval>(earlier.map((i) => [i.second, i]));
    for (const t of ticks ?? []) bySecond.set(t.interval.second, t.interval);
    return [...bySecond.values()].sort((a, b) => a.second - b.second);
  }, [earlier, ticks]);
  const last = ticks?.at(-1);
  const planned = plannedSeconds(run);
  const progress = last ? last.progress : 0;
  const elapsed = last?.elapsedSeconds ?? 0;
  const lastInterval = intervals.at(-1);
  const requests = intervals.reduce((n, i) => n + i.completed, 0);

  const cancel = async () => {
    if (!client) return;
    setCancelling(true);
    setError(null);
    try {
      putLoadRun(await client.call('cancelLoadTest', { params: { id: run.id } }));
    } catch (err) {
      setError(err);
      setCancelling(false);
    }
  };

  return (
    <section className="card live-run" aria-labelledby="live-title" data-testid="live-run">
      <div className="card-head">
        <h2 id="live-title">Running</h2>
        <RunStateBadge state={run.state} />
        <button
          type="button"
          className="danger push-right"
          onClick={() => void cancel()}
          disabled={cancelling}
          data-testid="cancel-run"
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div className="progress-line">
        <progress
          max={1}
          {...(progress === null ? {} : { value: progress })}
          aria-label="Run progress"
          data-testid="run-progress"
          data-progress={progress ?? ''}
        />
        <span className="progress-text" data-testid="run-elapsed">
          {progress === null
            ? `${formatSeconds(elapsed)} elapsed (a capacity search runs until it has found the rate)`
            : `${Math.round(progress * 100)}% · ${formatSeconds(elapsed)}${planned ? ` of ${formatSeconds(planned)}` : ''}`}
        </span>
      </div>
      <p className="live-figures" aria-live="off">
        Last second: <strong data-testid="live-achieved">{formatRate(lastInterval?.completed)}</strong> achieved of{' '}
        {formatRate(lastInterval?.offered)} offered, corrected p99{' '}
        <strong data-testid="live-p99">{formatMs(lastInterval?.corrected.p99)}</strong> (uncorrected{' '}
        {formatMs(lastInterval?.uncorrected.p99)}) · {requests} answers so far
      </p>
      {error !== null && <ErrorBox error={error} />}
      <LiveCharts intervals={intervals} seconds={planned} />
    </section>
  );
}

function ReportLoader({ run }: { run: LoadRun }) {
  const client = useApp((s) => s.client);
  const [detail, setDetail] = useState<LoadRunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!client) return;
    let live = true;
    setError(null);
    client.call('loadTest', { params: { id: run.id } }).then(
      (d) => live && setDetail(d),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
    // The detail is read again when the run's state changes (it just finished).
  }, [client, run.id, run.state, attempt]);

  if (error) return <ErrorBox error={error} onRetry={() => setAttempt((a) => a + 1)} />;
  if (!detail || detail.id !== run.id) return <Loading what="the report" />;
  return <RunReport detail={detail} />;
}

export function RunView({ id }: { id: string }) {
  const runs = useApp((s) => s.loadRuns);
  const runsError = useApp((s) => s.loadRunsError);
  const refresh = useApp((s) => s.refreshLoadRuns);
  const run = runs?.find((r) => r.id === id);

  if (runs === null)
    return runsError ? <ErrorBox error={runsError} onRetry={() => void refresh()} /> : <Loading what="the run" />;
  if (!run)
    return (
      <ErrorBox
        error={`There is no load-test run '${id}' (it may have been deleted).`}
        onRetry={() => void refresh()}
      />
    );

  return (
    <article className="run-view" data-testid="run-view" data-run-id={run.id} data-state={run.state}>
      <div className="run-head">
        <div>
          <p className="breadcrumb">
            <a href={loadTestPath({ kind: 'runs' })}>Runs</a> /
          </p>
          <h2 className="run-title" data-testid="run-title">
            {run.name}
          </h2>
          <p className="muted">
            {targetSummary(run)} · {shapeSummary(run.config)} · {run.config.protocol.toUpperCase()} ·{' '}
            {run.config.inputs.kind === 'replay' ? `replaying ${run.config.inputs.file}` : 'synthetic inputs'}
          </p>
        </div>
      </div>
      {run.state === 'running' ? <LiveRun run={run} /> : <ReportLoader run={run} />}
    </article>
  );
}
