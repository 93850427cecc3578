// The library table: one row per version, grouped by model (newest version first), with its stage, size, and
// whether the endpoint serves it and on which execution provider.
import type { ModelSummary, ServedVersionInfo, ServingStatus } from '../../../src-shared/contract';
import { formatBytes, formatCount } from '../../../src-shared/units';
import { versionPath } from '../router';

function servedAs(serving: ServingStatus | null, model: string, version: number): ServedVersionInfo | undefined {
  if (!serving || serving.state === 'stopped') return undefined;
  return serving.versions.find((v) => v.model === model && v.version === version);
}

function ServedCell({ served }: { served: ServedVersionInfo | undefined }) {
  if (!served) return <span className="muted">no</span>;
  switch (served.state) {
    case 'ready':
      return <span className="saved">{served.fallbackOnly ? 'yes (fallback)' : 'yes'}</span>;
    case 'loading':
      return <span>loading…</span>;
    case 'unloading':
      return <span className="muted">unloading…</span>;
    case 'failed':
      return (
        <span className="error-text" title={served.failure}>
          failed{served.failure ? `: ${served.failure}` : ''}
        </span>
      );
  }
}

export function LibraryTable({ models, serving }: { models: ModelSummary[]; serving: ServingStatus | null }) {
  return (
    <table className="library" data-testid="library">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Version</th>
          <th scope="col">Stage</th>
          <th scope="col" className="num">
            Size
          </th>
          <th scope="col" className="num">
            Parameters
          </th>
          <th scope="col">Provider</th>
          <th scope="col">Served</th>
          <th scope="col">Imported</th>
        </tr>
      </thead>
      {models.map((model) => {
        const versions = [...model.versions].sort((a, b) => b.version - a.version);
        const latest = versions[0];
        return (
          <tbody key={model.name} className="model-group" data-model={model.name}>
            {versions.map((v, i) => {
              const served = servedAs(serving, v.model, v.version);
              return (
                <tr key={v.version}>
                  {i === 0 && (
                    <th scope="rowgroup" rowSpan={versions.length} className="model-cell">
                      <div className="model-name">{model.name}</div>
                      <div className="muted">
                        {versions.length} {versions.length === 1 ? 'version' : 'versions'}
                        {latest && `, latest v${latest.version}`}
                      </div>
                    </th>
                  )}
                  <td>
                    <a href={versionPath(v.model, v.version)} aria-label={`${v.model} version ${v.version}`}>
                      v{v.version}
                    </a>
                  </td>
                  <td>
                    <span className={`stage stage-${v.stage}`}>{v.stage}</span>
                  </td>
                  <td className="num">{formatBytes(v.fileBytes)}</td>
                  <td className="num">{formatCount(v.inspection.parameterCount)}</td>
                  <td>{served?.provider?.actual ?? '—'}</td>
                  <td>
                    <ServedCell served={served} />
                  </td>
                  <td className="muted" title={v.createdAt}>
                    {new Date(v.createdAt).toLocaleString()}
                  </td>
                </tr>
              );
            })}
          </tbody>
        );
      })}
    </table>
  );
}
