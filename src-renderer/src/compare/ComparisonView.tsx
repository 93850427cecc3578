// One comparison: its progress while it runs (phase, rows, a progress bar, Cancel), its report once it is done,
// or why it failed.
import { useEffect, useState } from 'react';
import type { Comparison, ComparisonSummary } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { ErrorBox, Loading } from '../components/States';
import { comparePath } from '../router';
import { useApp } from '../store/appStore';
import { ComparisonReport } from './ComparisonReport';
import { ComparisonStateBadge } from './ComparisonStateBadge';
import { isActive } from './describe';

const PHASE_TEXT: Record<ComparisonSummary['progress']['phase'], string> = {
  checking: 'Checking',
  loading: 'Starting sessions',
  replay: 'Replaying the dataset',
  reference: 'Replaying the reference',
  statistics: 'Computing statistics',
  drift: 'Measuring drift',
  done: 'Done',
};

function LiveComparison({ comparison }: { comparison: ComparisonSummary }) {
  const client = useApp((s) => s.client);
  const put = useApp((s) => s.putComparison);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { progress } = comparison;
  const cancel = async () => {
    if (!client) return;
    setCancelling(true);
    setError(null);
    try {
      put(await client.call('cancelComparison', { params: { id: comparison.id } }));
    } catch (err) {
      setError(err);
      setCancelling(false);
    }
  };
  return (
    <section className="card live-run" aria-labelledby="live-compare-title" data-testid="live-comparison">
      <div className="card-head">
        <h2 id="live-compare-title">
          {comparison.state === 'queued' ? 'Waiting for another comparison to finish' : 'Replaying'}
        </h2>
        <button
          type="button"
          className="danger push-right"
          onClick={() => void cancel()}
          disabled={cancelling}
          data-testid="cancel-comparison"
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div className="progress-line">
        <progress
          max={1}
          value={progress.fraction}
          aria-label="Comparison progress"
          data-testid="comparison-progress"
          data-progress={progress.fraction}
        />
        <span className="progress-text" data-testid="comparison-progress-text">
          {Math.round(progress.fraction * 100)}% · {PHASE_TEXT[progress.phase]} · {formatCount(progress.rowsDone)} of{' '}
          {formatCount(progress.rowsTotal)} rows
        </span>
      </div>
      <p className="muted">{progress.message}</p>
      {error !== null && <ErrorBox error={error} />}
    </section>
  );
}

function ReportLoader({ summary }: { summary: ComparisonSummary }) {
  const client = useApp((s) => s.client);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!client) return;
    let live = true;
    setError(null);
    client.call('comparison', { params: { id: summary.id } }).then(
      (c) => live && setComparison(c),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
    // Read again when the state changes (it just finished).
  }, [client, summary.id, summary.state, attempt]);
  if (error) return <ErrorBox error={error} onRetry={() => setAttempt((a) => a + 1)} />;
  if (!comparison || comparison.id !== summary.id || comparison.state !== summary.state)
    return <Loading what="the report" />;
  return <ComparisonReport comparison={comparison} />;
}

export function ComparisonView({ id }: { id: string }) {
  const comparisons = useApp((s) => s.comparisons);
  const error = useApp((s) => s.comparisonsError);
  const refresh = useApp((s) => s.refreshComparisons);
  const summary = comparisons?.find((c) => c.id === id);
  if (comparisons === null)
    return error ? <ErrorBox error={error} onRetry={() => void refresh()} /> : <Loading what="the comparison" />;
  if (!summary)
    return (
      <ErrorBox error={`There is no comparison '${id}' (it may have been deleted).`} onRetry={() => void refresh()} />
    );
  return (
    <article className="run-view" data-testid="comparison-view" data-id={summary.id} data-state={summary.state}>
      <div className="run-head">
        <div>
          <p className="breadcrumb">
            <a href={comparePath({ kind: 'runs' })}>Comparisons</a> /
          </p>
          <h2 className="run-title" data-testid="comparison-title">
            {summary.name} <ComparisonStateBadge state={summary.state} />
          </h2>
          <p className="muted">
            {summary.config.versions.join(' vs ')} on {summary.datasetName}
            {summary.referenceName ? ` · drift against ${summary.referenceName}` : ''}
          </p>
        </div>
      </div>
      {isActive(summary.state) && <LiveComparison comparison={summary} />}
      {summary.state === 'succeeded' && <ReportLoader summary={summary} />}
      {summary.state === 'failed' && (
        <div className="state error" role="alert" data-testid="comparison-error">
          <strong>The comparison failed.</strong> <span className="error-text">{summary.error}</span>
        </div>
      )}
      {summary.state === 'cancelled' && (
        <p className="state" data-testid="comparison-cancelled">
          Cancelled after {formatCount(summary.progress.rowsDone)} rows; a cancelled comparison keeps no results.
        </p>
      )}
    </article>
  );
}
