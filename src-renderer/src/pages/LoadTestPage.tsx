// Load test: set up a test (target, inputs, traffic shape with a live preview, or a capacity search), watch it
// run, read its report; the runs list, and the comparison of two or more runs.
import { useEffect } from 'react';
import { CompareView } from '../loadtest/CompareView';
import { NewTestForm } from '../loadtest/NewTestForm';
import { RunsList } from '../loadtest/RunsList';
import { RunView } from '../loadtest/RunView';
import { loadTestPath, type LoadTestView } from '../router';
import { useApp } from '../store/appStore';

export function LoadTestPage({ view }: { view: LoadTestView }) {
  const runs = useApp((s) => s.loadRuns);
  const client = useApp((s) => s.client);
  const refresh = useApp((s) => s.refreshLoadRuns);
  const running = (runs ?? []).filter((r) => r.state === 'running');

  // The list is normally fresh from the event stream; read it once in case the page opened before the stream.
  useEffect(() => {
    if (client && runs === null) void refresh();
  }, [client, runs, refresh]);

  const tab = view.kind === 'new' ? 'new' : 'runs';
  return (
    <section className="page loadtest-page" aria-labelledby="loadtest-title">
      <div className="page-head">
        <h1 id="loadtest-title">Load test</h1>
        <nav className="tabs" aria-label="Load test sections">
          <a
            href={loadTestPath({ kind: 'new' })}
            className={tab === 'new' ? 'current' : undefined}
            aria-current={tab === 'new' ? 'page' : undefined}
            data-testid="tab-new"
          >
            New test
          </a>
          <a
            href={loadTestPath({ kind: 'runs' })}
            className={tab === 'runs' ? 'current' : undefined}
            aria-current={view.kind === 'runs' ? 'page' : undefined}
            data-testid="tab-runs"
          >
            Runs{runs && runs.length > 0 ? ` (${runs.length})` : ''}
          </a>
        </nav>
        {running.length > 0 && view.kind !== 'run' && (
          <a
            className="running-note"
            href={loadTestPath({ kind: 'run', id: running[0]!.id })}
            data-testid="running-note"
          >
            {running.length === 1 ? `${running[0]!.name} is running` : `${running.length} runs are running`} — watch
          </a>
        )}
      </div>
      {view.kind === 'new' && <NewTestForm />}
      {view.kind === 'runs' && <RunsList />}
      {view.kind === 'run' && <RunView id={view.id} />}
      {view.kind === 'compare' && <CompareView ids={view.ids} />}
    </section>
  );
}
