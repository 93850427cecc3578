// Stored runs, newest first: open one, delete one, or tick two or more and compare them.
import type { LoadRun } from '../../../src-shared/contract';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { DataTable } from '../components/DataTable';
import { Empty, ErrorBox, NotLoaded } from '../components/States';
import { loadTestPath, navigate } from '../router';
import { useApp } from '../store/appStore';
import { formatDate, formatMs, formatRate, shapeSummary, targetKindNote } from './describe';
import { useLoadTestUi } from './loadTestUi';
import { RunStateBadge } from './RunStateBadge';

function DeleteCell({ run }: { run: LoadRun }) {
  const dropLoadRun = useApp((s) => s.dropLoadRun);
  const toggleSelected = useLoadTestUi((s) => s.toggleSelected);
  const selected = useLoadTestUi((s) => s.selected);
  return (
    <ConfirmDelete
      name={run.name}
      testId="delete-run"
      confirmTestId="confirm-delete"
      running={run.state === 'running'}
      onDelete={async (client) => {
        await client.call('removeLoadTest', { params: { id: run.id } });
        if (selected.includes(run.id)) toggleSelected(run.id);
        dropLoadRun(run.id);
      }}
    />
  );
}

export function RunsList() {
  const runs = useApp((s) => s.loadRuns);
  const error = useApp((s) => s.loadRunsError);
  const refresh = useApp((s) => s.refreshLoadRuns);
  const selected = useLoadTestUi((s) => s.selected);
  const toggleSelected = useLoadTestUi((s) => s.toggleSelected);
  const setSelected = useLoadTestUi((s) => s.setSelected);

  if (runs === null) return <NotLoaded error={error} onRetry={() => void refresh()} what="runs" />;
  if (runs.length === 0)
    return (
      <Empty title="No load tests yet">
        Set one up under <a href={loadTestPath({ kind: 'new' })}>New test</a>: runs are kept here with their reports.
      </Empty>
    );

  // Ticked runs that still exist and have figures, in the order they were ticked.
  const comparable = selected.filter((id) => runs.some((r) => r.id === id && r.summary));
  return (
    <div className="runs-list">
      {error && <ErrorBox error={error} onRetry={() => void refresh()} />}
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={comparable.length < 2}
          onClick={() => navigate(loadTestPath({ kind: 'compare', ids: comparable }))}
          data-testid="compare-selected"
        >
          Compare {comparable.length >= 2 ? `${comparable.length} runs` : 'runs'}
        </button>
        <span className="hint">
          {comparable.length < 2
            ? 'Tick two or more finished runs to compare them; the first ticked is the baseline.'
            : `Baseline: ${runs.find((r) => r.id === comparable[0])?.name}`}
        </span>
        {selected.length > 0 && (
          <button type="button" onClick={() => setSelected([])}>
            Clear selection
          </button>
        )}
      </div>
      <DataTable
        className="runs-table"
        testId="runs-table"
        caption="Load-test runs, newest first"
        columns={[
          { label: 'Compare', hidden: true },
          'Name',
          'Target',
          'Shape',
          'State',
          { label: 'p99 (corrected)', num: true },
          { label: 'Achieved', num: true },
          'Date',
          { label: 'Actions', hidden: true },
        ]}
      >
        {runs.map((run) => (
          <tr key={run.id} data-testid="run-row" data-run-id={run.id} data-state={run.state}>
            <td>
              <input
                type="checkbox"
                checked={selected.includes(run.id)}
                disabled={!run.summary}
                onChange={() => toggleSelected(run.id)}
                aria-label={`Select ${run.name} for comparison`}
                data-testid="select-run"
              />
            </td>
            <td className="run-name">
              <a href={loadTestPath({ kind: 'run', id: run.id })} data-testid="open-run">
                {run.name}
              </a>
            </td>
            <td>
              {run.targetLabel}
              {targetKindNote(run) && <span className="muted target-kind">{targetKindNote(run)}</span>}
            </td>
            <td className="shape-cell">{shapeSummary(run.config)}</td>
            <td>
              <RunStateBadge state={run.state} />
            </td>
            <td className="num">{formatMs(run.summary?.corrected.p99)}</td>
            <td className="num">{formatRate(run.summary?.achievedRate)}</td>
            <td className="nowrap">{formatDate(run.createdAt)}</td>
            <td>
              <DeleteCell run={run} />
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
