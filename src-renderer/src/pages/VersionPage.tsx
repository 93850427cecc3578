// One version of a model: its inspection (signature, facts, metadata, operator histogram), stage and notes,
// Try it, and removal; an unknown model or version gets a page that says so and links to what exists.
import { useCallback, useEffect, useState } from 'react';
import type { ModelVersion } from '../../../src-shared/contract';
import { formatBytes } from '../../../src-shared/units';
import { ApiError } from '../api/client';
import { Empty, ErrorBox, Loading } from '../components/States';
import { MetadataView, OpHistogram, SignatureTable, VersionFacts } from '../models/InspectionView';
import { useNotice } from '../models/notice';
import { TryItPanel } from '../models/TryItPanel';
import { RemoveVersion, StageAndNotes } from '../models/VersionControls';
import { navigate, versionPath } from '../router';
import { useApp } from '../store/appStore';

type Loaded =
  | { state: 'loading' }
  | { state: 'ready'; version: ModelVersion }
  | { state: 'missing'; message: string }
  | { state: 'error'; error: unknown };

export function VersionPage({ name, version }: { name: string; version: number }) {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const refreshModels = useApp((s) => s.refreshModels);
  const showNotice = useNotice((s) => s.show);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  const load = useCallback(() => {
    if (!client) return () => undefined;
    let current = true;
    setLoaded((l) =>
      l.state === 'ready' && l.version.model === name && l.version.version === version ? l : { state: 'loading' },
    );
    client.call('version', { params: { name, version } }).then(
      (v) => current && setLoaded({ state: 'ready', version: v }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.status === 404) setLoaded({ state: 'missing', message: error.message });
        else setLoaded({ state: 'error', error });
      },
    );
    return () => {
      current = false;
    };
  }, [client, name, version]);
  useEffect(load, [load]);

  // Stage or notes changed elsewhere (another window, the CLI): the library refresh brings the new values.
  useEffect(() => {
    const fresh = models?.find((m) => m.name === name)?.versions.find((v) => v.version === version);
    setLoaded((l) =>
      fresh && l.state === 'ready' && (l.version.stage !== fresh.stage || l.version.notes !== fresh.notes)
        ? { state: 'ready', version: fresh }
        : l,
    );
  }, [models, name, version]);

  const siblings =
    models
      ?.find((m) => m.name === name)
      ?.versions.map((v) => v.version)
      .sort((a, b) => a - b) ?? [];

  if (loaded.state === 'loading')
    return (
      <section className="page version-page">
        <Loading what={`${name}:${version}`} />
      </section>
    );
  if (loaded.state === 'error')
    return (
      <section className="page version-page">
        <Breadcrumb name={name} />
        <ErrorBox error={loaded.error} onRetry={load} />
      </section>
    );
  if (loaded.state === 'missing')
    return (
      <section className="page version-page" aria-labelledby="version-title">
        <Breadcrumb name={name} />
        <h1 id="version-title">
          {name}:{version}
        </h1>
        <Empty title="This version is not in the library">
          <p>{loaded.message}</p>
          {siblings.length > 0 ? (
            <p>
              Versions of {name}:{' '}
              {siblings.map((v, i) => (
                <span key={v}>
                  {i > 0 && ', '}
                  <a href={versionPath(name, v)}>v{v}</a>
                </span>
              ))}
            </p>
          ) : (
            <p>
              <a href="#/models">Back to the library</a>
            </p>
          )}
        </Empty>
      </section>
    );

  const v = loaded.version;
  const i = v.inspection;
  return (
    <section className="page version-page" aria-labelledby="version-title">
      <Breadcrumb name={name} />
      <div className="version-head">
        <h1 id="version-title">
          {v.model} <span className="version-number">v{v.version}</span>
        </h1>
        <span className={`stage stage-${v.stage}`} data-testid="stage-badge">
          {v.stage}
        </span>
        <span className="muted">
          {formatBytes(v.fileBytes)} · {v.sourceName}
        </span>
        {siblings.length > 1 && (
          <nav className="sibling-versions" aria-label={`Versions of ${v.model}`}>
            {siblings.map((n) =>
              n === v.version ? (
                <span key={n} aria-current="page" className="current-version">
                  v{n}
                </span>
              ) : (
                <a key={n} href={versionPath(v.model, n)}>
                  v{n}
                </a>
              ),
            )}
          </nav>
        )}
      </div>

      <div className="grid-2">
        <section className="card" aria-labelledby="signature-title">
          <h2 id="signature-title">Signature</h2>
          <SignatureTable title="Inputs" tensors={i.inputs} />
          <SignatureTable title="Outputs" tensors={i.outputs} />
        </section>
        <section className="card" aria-labelledby="stage-title">
          <h2 id="stage-title">Stage and notes</h2>
          <StageAndNotes version={v} onSaved={(updated) => setLoaded({ state: 'ready', version: updated })} />
        </section>
      </div>

      <section className="card" aria-labelledby="tryit-title">
        <h2 id="tryit-title">Try it</h2>
        <TryItPanel key={`${v.model}:${v.version}`} version={v} />
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title">File and graph</h2>
          <VersionFacts version={v} />
        </section>
        <section className="card" aria-labelledby="ops-title">
          <h2 id="ops-title">
            Operators{' '}
            <span className="muted">
              ({Object.keys(i.opHistogram).length} types, {i.nodeCount} nodes)
            </span>
          </h2>
          <OpHistogram histogram={i.opHistogram} />
        </section>
      </div>

      <section className="card" aria-labelledby="metadata-title">
        <h2 id="metadata-title">Description and metadata</h2>
        <MetadataView version={v} />
      </section>

      <section className="card danger-zone" aria-labelledby="remove-title">
        <h2 id="remove-title">Remove</h2>
        <RemoveVersion
          version={v}
          onRemoved={() => {
            showNotice(`Removed ${v.model}:${v.version} from the library.`);
            void refreshModels();
            navigate('#/models');
          }}
        />
      </section>
    </section>
  );
}

function Breadcrumb({ name }: { name: string }) {
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <a href="#/models">Models</a> <span aria-hidden="true">/</span> <span>{name}</span>
    </nav>
  );
}
