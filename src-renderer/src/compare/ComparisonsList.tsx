// Stored comparisons, newest first: open one, delete one; running ones show their progress.
import type { ComparisonSummary } from '../../../src-shared/contract';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { DataTable } from '../components/DataTable';
import { Empty, NotLoaded } from '../components/States';
import { formatDate } from '../loadtest/describe';
import { comparePath } from '../router';
import { useApp } from '../store/appStore';
import { ComparisonStateBadge } from './ComparisonStateBadge';
import { formatPercent, isActive } from './describe';

function DeleteCell({ comparison }: { comparison: ComparisonSummary }) {
  const drop = useApp((s) => s.dropComparison);
  return (
    <ConfirmDelete
      name={comparison.name}
      testId="delete-comparison"
      confirmTestId="confirm-delete-comparison"
      running={isActive(comparison.state)}
      onDelete={async (client) => {
        await client.call('removeComparison', { params: { id: comparison.id } });
        drop(comparison.id);
      }}
    />
  );
}

export function ComparisonsList() {
  const comparisons = useApp((s) => s.comparisons);
  const error = useApp((s) => s.comparisonsError);
  const refresh = useApp((s) => s.refreshComparisons);
  if (comparisons === null) return <NotLoaded error={error} onRetry={() => void refresh()} what="comparisons" />;
  if (comparisons.length === 0)
    return (
      <Empty title="No comparisons yet">
        Set one up under <a href={comparePath({ kind: 'new' })}>New comparison</a>: runs are kept here with their
        reports.
      </Empty>
    );
  return (
    <DataTable
      className="runs-table"
      testId="comparisons-table"
      caption="Comparisons, newest first"
      columns={[
        'Name',
        'Versions',
        'Dataset',
        'State',
        { label: 'Agreement', num: true },
        'Accuracy',
        'Date',
        { label: 'Actions', hidden: true },
      ]}
    >
      {comparisons.map((c) => (
        <tr key={c.id} data-testid="comparison-row" data-id={c.id} data-state={c.state}>
          <td className="run-name">
            <a href={comparePath({ kind: 'run', id: c.id })} data-testid="open-comparison">
              {c.name}
            </a>
          </td>
          <td className="versions-cell">{c.config.versions.join(' vs ')}</td>
          <td className="dataset-cell">
            {c.datasetName}
            {c.referenceName && <span className="muted target-kind">reference {c.referenceName}</span>}
          </td>
          <td>
            <ComparisonStateBadge state={c.state} />
            {isActive(c.state) && <progress max={1} value={c.progress.fraction} aria-label={`Progress of ${c.name}`} />}
          </td>
          <td className="num">{formatPercent(c.agreement)}</td>
          <td className="nowrap">
            {c.accuracies.some((a) => a !== null) ? c.accuracies.map((a) => formatPercent(a)).join(' → ') : '–'}
          </td>
          <td className="nowrap">{formatDate(c.createdAt)}</td>
          <td>
            <DeleteCell comparison={c} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
