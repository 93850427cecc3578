// One run: live while it goes (progress, elapsed, live charts, Cancel), its report once it is done.
import { useEffect, useMemo, useState } from 'react';
import type { LoadInterval, LoadRun } from '../../../src-shared/contract';
import { compileShape } from '../../../src-shared/loadtest/schedule';
import { CancelButton, useCancel } from '../components/CancelButton';
import { ErrorBox, Loading, NotLoaded } from '../components/States';
import { useApiRead } from '../components/useApiRead';
import { ViewHead } from '../components/ViewHead';
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
  const cancel = useCancel(async (client) =>
    putLoadRun(await client.call('cancelLoadTest', { params: { id: run.id } })),
  );

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

  return (
    <section className="card live-run" aria-labelledby="live-title" data-testid="live-run">
      <div className="card-head">
        <h2 id="live-title">Running</h2>
        <RunStateBadge state={run.state} />
        <CancelButton cancel={cancel} testId="cancel-run" />
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
      {cancel.error !== null && <ErrorBox error={cancel.error} />}
      <LiveCharts intervals={intervals} seconds={planned} />
    </section>
  );
}

function ReportLoader({ run }: { run: LoadRun }) {
  // The detail is read again when the run's state changes (it just finished).
  const {
    data: detail,
    error,
    retry,
  } = useApiRead(`${run.id}:${run.state}`, (client) => client.call('loadTest', { params: { id: run.id } }));

  if (error) return <ErrorBox error={error} onRetry={retry} />;
  if (!detail || detail.id !== run.id) return <Loading what="the report" />;
  return <RunReport detail={detail} />;
}

export function RunView({ id }: { id: string }) {
  const runs = useApp((s) => s.loadRuns);
  const runsError = useApp((s) => s.loadRunsError);
  const refresh = useApp((s) => s.refreshLoadRuns);
  const run = runs?.find((r) => r.id === id);

  if (runs === null) return <NotLoaded error={runsError} onRetry={() => void refresh()} what="the run" />;
  if (!run)
    return (
      <ErrorBox
        error={`There is no load-test run '${id}' (it may have been deleted).`}
        onRetry={() => void refresh()}
      />
    );

  return (
    <article className="run-view" data-testid="run-view" data-run-id={run.id} data-state={run.state}>
      <ViewHead
        back={{ href: loadTestPath({ kind: 'runs' }), label: 'Runs' }}
        title={run.name}
        titleTestId="run-title"
        summary={
          <>
            {targetSummary(run)} · {shapeSummary(run.config)} · {run.config.protocol.toUpperCase()} ·{' '}
            {run.config.inputs.kind === 'replay' ? `replaying ${run.config.inputs.file}` : 'synthetic inputs'}
          </>
        }
      />
      {run.state === 'running' ? <LiveRun run={run} /> : <ReportLoader run={run} />}
    </article>
  );
}
