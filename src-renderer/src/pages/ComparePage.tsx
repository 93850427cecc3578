// Compare: set up a comparison of two or more versions on a dataset, watch it run, read its report; the runs
// list; drift between two datasets; and the datasets themselves (import, profile, fit, reference).
import { useEffect } from 'react';
import { ComparisonsList } from '../compare/ComparisonsList';
import { ComparisonView } from '../compare/ComparisonView';
import { isActive } from '../compare/describe';
import { DriftView } from '../compare/DriftView';
import { NewComparisonForm } from '../compare/NewComparisonForm';
import { DatasetImportPanel } from '../datasets/DatasetImportPanel';
import { DatasetsList } from '../datasets/DatasetsList';
import { DatasetView } from '../datasets/DatasetView';
import { comparePath, type CompareView } from '../router';
import { useApp } from '../store/appStore';

const TABS: { kind: 'new' | 'runs' | 'drift' | 'datasets'; label: string }[] = [
  { kind: 'new', label: 'New comparison' },
  { kind: 'runs', label: 'Comparisons' },
  { kind: 'drift', label: 'Drift' },
  { kind: 'datasets', label: 'Datasets' },
];

function tabOf(view: CompareView): (typeof TABS)[number]['kind'] {
  if (view.kind === 'run') return 'runs';
  if (view.kind === 'dataset') return 'datasets';
  return view.kind;
}

export function ComparePage({ view }: { view: CompareView }) {
  const client = useApp((s) => s.client);
  const comparisons = useApp((s) => s.comparisons);
  const datasets = useApp((s) => s.datasets);
  const refreshComparisons = useApp((s) => s.refreshComparisons);
  const refreshDatasets = useApp((s) => s.refreshDatasets);
  const running = (comparisons ?? []).filter((c) => isActive(c.state));

  // Normally fresh from the event stream; read once in case the page opened before the stream.
  useEffect(() => {
    if (client && comparisons === null) void refreshComparisons();
  }, [client, comparisons, refreshComparisons]);
  useEffect(() => {
    if (client && datasets === null) void refreshDatasets();
  }, [client, datasets, refreshDatasets]);

  const tab = tabOf(view);
  const counts: Partial<Record<(typeof TABS)[number]['kind'], number>> = {
    runs: comparisons?.length,
    datasets: datasets?.length,
  };
  return (
    <section className="page compare-page" aria-labelledby="compare-title">
      <div className="page-head">
        <h1 id="compare-title">Compare</h1>
        <nav className="tabs" aria-label="Compare sections">
          {TABS.map((t) => (
            <a
              key={t.kind}
              href={comparePath({ kind: t.kind })}
              className={tab === t.kind ? 'current' : undefined}
              aria-current={tab === t.kind ? 'page' : undefined}
              data-testid={`compare-tab-${t.kind}`}
            >
              {t.label}
              {counts[t.kind] ? ` (${counts[t.kind]})` : ''}
            </a>
          ))}
        </nav>
        {running.length > 0 && view.kind !== 'run' && (
          <a
            className="running-note"
            href={comparePath({ kind: 'run', id: running[0]!.id })}
            data-testid="comparison-running-note"
          >
            {running.length === 1 ? `${running[0]!.name} is running` : `${running.length} comparisons are running`} —
            watch
          </a>
        )}
      </div>
      {view.kind === 'new' && <NewComparisonForm />}
      {view.kind === 'runs' && <ComparisonsList />}
      {view.kind === 'run' && <ComparisonView id={view.id} />}
      {view.kind === 'drift' && <DriftView />}
      {view.kind === 'datasets' && (
        <>
          <DatasetImportPanel />
          <DatasetsList />
        </>
      )}
      {view.kind === 'dataset' && <DatasetView id={view.id} />}
    </section>
  );
}
