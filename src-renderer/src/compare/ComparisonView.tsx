// One comparison: its progress while it runs (phase, rows, a progress bar, Cancel), its report once it is done,
// or why it failed.
import type { ComparisonSummary } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { CancelButton, useCancel } from '../components/CancelButton';
import { ErrorBox, Loading, NotLoaded } from '../components/States';
import { useApiRead } from '../components/useApiRead';
import { ViewHead } from '../components/ViewHead';
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
  const put = useApp((s) => s.putComparison);
  const cancel = useCancel(async (client) =>
    put(await client.call('cancelComparison', { params: { id: comparison.id } })),
  );
  const { progress } = comparison;
  return (
    <section className="card live-run" aria-labelledby="live-compare-title" data-testid="live-comparison">
      <div className="card-head">
        <h2 id="live-compare-title">
          {comparison.state === 'queued' ? 'Waiting for another comparison to finish' : 'Replaying'}
        </h2>
        <CancelButton cancel={cancel} testId="cancel-comparison" />
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
      {cancel.error !== null && <ErrorBox error={cancel.error} />}
    </section>
  );
}

function ReportLoader({ summary }: { summary: ComparisonSummary }) {
  // Read again when the state changes (it just finished).
  const {
    data: comparison,
    error,
    retry,
  } = useApiRead(`${summary.id}:${summary.state}`, (client) =>
    client.call('comparison', { params: { id: summary.id } }),
  );
  if (error) return <ErrorBox error={error} onRetry={retry} />;
  if (!comparison || comparison.id !== summary.id || comparison.state !== summary.state)
    return <Loading what="the report" />;
  return <ComparisonReport comparison={comparison} />;
}

export function ComparisonView({ id }: { id: string }) {
  const comparisons = useApp((s) => s.comparisons);
  const error = useApp((s) => s.comparisonsError);
  const refresh = useApp((s) => s.refreshComparisons);
  const summary = comparisons?.find((c) => c.id === id);
  if (comparisons === null) return <NotLoaded error={error} onRetry={() => void refresh()} what="the comparison" />;
  if (!summary)
    return (
      <ErrorBox error={`There is no comparison '${id}' (it may have been deleted).`} onRetry={() => void refresh()} />
    );
  return (
    <article className="run-view" data-testid="comparison-view" data-id={summary.id} data-state={summary.state}>
      <ViewHead
        back={{ href: comparePath({ kind: 'runs' }), label: 'Comparisons' }}
        title={
          <>
            {summary.name} <ComparisonStateBadge state={summary.state} />
          </>
        }
        titleTestId="comparison-title"
        summary={
          <>
            {summary.config.versions.join(' vs ')} on {summary.datasetName}
            {summary.referenceName ? ` · drift against ${summary.referenceName}` : ''}
          </>
        }
      />
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
