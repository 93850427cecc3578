// The versions the endpoint serves: state, the provider they actually run on and why, instances, whether
// dynamic batching is active and why, and any load failure; each row opens its settings or its examples.
import type { ServedVersionInfo } from '../../../src-shared/contract';
import { DataTable } from '../components/DataTable';
import { Empty } from '../components/States';
import { useApp } from '../store/appStore';
import { useServeUi, versionKey } from './serveUiStore';

function Explained({ summary, detail, testId }: { summary: string; detail: string; testId?: string }) {
  return (
    <details className="explained" title={detail} data-testid={testId}>
      <summary>{summary}</summary>
      <span className="muted">{detail}</span>
    </details>
  );
}

function ProviderCell({ v }: { v: ServedVersionInfo }) {
  if (!v.provider) return <span className="muted">—</span>;
  const asked = v.provider.requested === v.provider.actual ? '' : ` (asked for ${v.provider.requested})`;
  return <Explained summary={`${v.provider.actual}${asked}`} detail={v.provider.reason} />;
}

export function ServedVersionsTable() {
  const serving = useApp((s) => s.serving);
  const editing = useServeUi((s) => s.editing);
  const exampleTarget = useServeUi((s) => s.exampleTarget);
  const set = useServeUi((s) => s.set);
  if (!serving || serving.state === 'stopped')
    return (
      <Empty title="Nothing is served yet">
        Start the endpoint above. Settings below can be changed before starting; they are stored per version.
      </Empty>
    );
  if (serving.versions.length === 0)
    return <Empty title={serving.state === 'starting' ? 'Loading models…' : 'No versions are loaded'} />;

  return (
    <DataTable
      testId="served-versions"
      columns={[
        'Model',
        { label: 'Version', num: true },
        'State',
        'Provider',
        { label: 'Instances', num: true },
        'Batching',
        'Failure',
        { label: 'Actions', hidden: true },
      ]}
    >
      {serving.versions.map((v) => {
        const key = versionKey(v.model, v.version);
        return (
          <tr key={key} data-testid={`served-${key}`}>
            <td>{v.model}</td>
            <td className="num">
              v{v.version}
              {v.fallbackOnly && <div className="hint">fallback only</div>}
            </td>
            <td>
              <span className={`state-badge ${v.state}`}>{v.state}</span>
            </td>
            <td>
              <ProviderCell v={v} />
            </td>
            <td className="num" data-testid="instances">
              {v.instances}
            </td>
            <td>
              <Explained
                summary={v.batching.active ? `on, up to ${v.settings.dynamicBatching.maxBatchSize} rows` : 'off'}
                detail={v.batching.reason}
                testId="batching"
              />
            </td>
            <td className="failure">{v.failure ?? ''}</td>
            <td>
              <div className="row-actions">
                <button
                  type="button"
                  aria-pressed={editing === key}
                  onClick={() => set({ editing: key })}
                  aria-label={`Settings of ${v.model} v${v.version}`}
                >
                  Settings
                </button>
                {!v.fallbackOnly && (
                  <button
                    type="button"
                    aria-pressed={exampleTarget === key}
                    onClick={() => set({ exampleTarget: key })}
                    aria-label={`Example requests for ${v.model} v${v.version}`}
                  >
                    Examples
                  </button>
                )}
              </div>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
