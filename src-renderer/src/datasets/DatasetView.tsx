// One dataset: where it came from, its inputs and label, the per-feature profile with a small histogram each,
// whether it fits a version (every mismatch listed), and making it a version's reference for drift.
import { useEffect, useMemo, useState } from 'react';
import type { Dataset, DatasetFit, DatasetReference, FeatureProfile } from '../../../src-shared/contract';
import { formatBytes, formatCount } from '../../../src-shared/units';
import { ErrorBox, Loading } from '../components/States';
import { useApiRead } from '../components/useApiRead';
import { ViewHead } from '../components/ViewHead';
import { formatNumber, formatPercent } from '../compare/describe';
import { splitRef, versionRefs } from '../compare/versionRefs';
import { formatDate } from '../loadtest/describe';
import { comparePath, navigate } from '../router';
import { useApp } from '../store/appStore';
import { FitProblems } from './DatasetImportPanel';
import { DeleteDatasetButton } from './DatasetsList';
import { MiniHistogram } from './MiniHistogram';

const quantile = (f: FeatureProfile, p: number) => f.quantiles.find((q) => Math.abs(q.p - p) < 1e-9)?.value ?? null;

function FeatureTable({ features }: { features: readonly FeatureProfile[] }) {
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const text = filter.trim().toLowerCase();
    return text ? features.filter((f) => f.name.toLowerCase().includes(text)) : features;
  }, [features, filter]);
  return (
    <section aria-labelledby="profile-title">
      <div className="toolbar">
        <h3 id="profile-title">Profile: {features.length} features</h3>
        {features.length > 12 && (
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Filter features"
            aria-label="Filter features by name"
          />
        )}
      </div>
      <div className="table-scroll">
        <table className="profile-table" data-testid="profile-table">
          <caption className="visually-hidden">Per-feature statistics</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Count
              </th>
              <th scope="col" className="num">
                Missing
              </th>
              <th scope="col" className="num">
                Min
              </th>
              <th scope="col" className="num">
                p50
              </th>
              <th scope="col" className="num">
                Max
              </th>
              <th scope="col" className="num">
                Mean
              </th>
              <th scope="col" className="num">
                Std
              </th>
              <th scope="col">Distribution</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => (
              <tr key={`${f.input}[${f.index}]`} data-testid="profile-row" data-feature={f.name}>
                <th scope="row">{f.name}</th>
                <td>
                  {f.kind}
                  {f.integer && f.kind === 'numeric' ? ', whole' : ''}
                </td>
                <td className="num">{formatCount(f.count)}</td>
                <td className="num">{f.missing > 0 ? formatCount(f.missing) : '0'}</td>
                <td className="num">{formatNumber(f.min)}</td>
                <td className="num">{formatNumber(quantile(f, 0.5))}</td>
                <td className="num">{formatNumber(f.max)}</td>
                <td className="num">{formatNumber(f.mean)}</td>
                <td className="num">{formatNumber(f.std)}</td>
                <td>
                  {f.histogram ? (
                    <MiniHistogram histogram={f.histogram} />
                  ) : f.frequencies ? (
                    <span className="muted">
                      {f.frequencies
                        .slice(0, 3)
                        .map((c) => `${c.value} ×${c.count}`)
                        .join(', ')}
                      {f.frequencies.length > 3 ? ', …' : ''}
                    </span>
                  ) : (
                    <span className="muted">no values</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Checks the dataset against a version (fit) and binds it as that version's reference. */
function VersionTools({ dataset }: { dataset: Dataset }) {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const refs = versionRefs(models);
  const [ref, setRef] = useState('');
  const [fit, setFit] = useState<DatasetFit | null>(null);
  const [reference, setReference] = useState<DatasetReference | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const chosen = ref || refs[0]?.ref || '';

  useEffect(() => {
    if (!client || !chosen) return;
    let live = true;
    const { name, version } = splitRef(chosen);
    setFit(null);
    setReference(undefined);
    setError(null);
    Promise.all([
      client.call('datasetFit', { params: { id: dataset.id, name, version } }),
      client.call('versionReference', { params: { name, version } }),
    ]).then(
      ([f, r]) => {
        if (!live) return;
        setFit(f);
        setReference(r);
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [client, chosen, dataset.id]);

  const bind = async (clear: boolean) => {
    if (!client) return;
    const { name, version } = splitRef(chosen);
    setError(null);
    try {
      setReference(
        await client.call('setVersionReference', {
          params: { name, version },
          body: { dataset: clear ? null : dataset.id },
        }),
      );
    } catch (err) {
      setError(err);
    }
  };

  const isReference = reference?.datasetId === dataset.id;
  return (
    <section className="card" aria-labelledby="fit-title" data-testid="version-tools">
      <div className="card-head">
        <h2 id="fit-title">Fit and reference</h2>
        <label className="inline">
          Version
          <select value={chosen} onChange={(e) => setRef(e.target.value)} data-testid="fit-version">
            {refs.map((r) => (
              <option key={r.ref} value={r.ref}>
                {r.ref}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== null && <ErrorBox error={error} />}
      {fit === null && error === null && chosen && <Loading what="the fit" />}
      {fit && (
        <div data-testid="fit-result" data-fits={fit.fits}>
          <p className={fit.fits ? 'saved' : 'error-text'}>
            {fit.fits
              ? `Fits ${chosen}: every input is there with the shape and type it needs.`
              : `Does not fit ${chosen}:`}
          </p>
          <FitProblems problems={fit.problems} />
          {fit.mapping.some((m) => m.columns.length > 0) && (
            <p className="muted">
              Columns:{' '}
              {fit.mapping
                .map((m) => `${m.input} ← ${m.columns.length} column${m.columns.length === 1 ? '' : 's'}`)
                .join('; ')}
            </p>
          )}
        </div>
      )}
      {reference !== undefined && (
        <div className="run-bar">
          <span data-testid="reference-state">
            {reference
              ? isReference
                ? `This dataset is ${chosen}'s reference (since ${formatDate(reference.boundAt)}).`
                : `${chosen}'s reference is ${reference.datasetName}.`
              : `${chosen} has no reference dataset yet.`}
          </span>
          {!isReference && (
            <button
              type="button"
              onClick={() => void bind(false)}
              disabled={fit?.fits === false}
              data-testid="set-reference"
            >
              Use as {chosen}&apos;s reference
            </button>
          )}
          {isReference && (
            <button type="button" onClick={() => void bind(true)} data-testid="clear-reference">
              Clear reference
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function DatasetDetail({ dataset }: { dataset: Dataset }) {
  return (
    <article className="dataset-view" data-testid="dataset-view" data-dataset={dataset.name}>
      <ViewHead
        back={{ href: comparePath({ kind: 'datasets' }), label: 'Datasets' }}
        title={dataset.name}
        titleTestId="dataset-title"
        summary={
          <>
            {dataset.format.toUpperCase()} · {formatCount(dataset.rows)} rows · {dataset.features.length} features ·
            imported {formatDate(dataset.createdAt)}
            {dataset.derivedFrom && ` · cut from comparison ${dataset.derivedFrom}`}
          </>
        }
        actions={
          <DeleteDatasetButton
            dataset={{
              ...dataset,
              inputs: dataset.inputs.map((i) => i.name),
              hasLabel: dataset.label !== null,
              features: dataset.features.length,
            }}
            onDeleted={() => navigate(comparePath({ kind: 'datasets' }))}
          />
        }
      />
      <div className="summary-grid">
        <section className="card" aria-label="Source">
          <dl className="facts" data-testid="dataset-facts">
            <dt>Source</dt>
            <dd className="source-cell">{dataset.source}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(dataset.sourceBytes)}</dd>
            <dt>sha256</dt>
            <dd>
              <code>{dataset.sha256.slice(0, 16)}…</code>
            </dd>
            <dt>Rows</dt>
            <dd data-testid="dataset-rows">{formatCount(dataset.rows)}</dd>
            {dataset.skippedRows > 0 && (
              <>
                <dt>Skipped</dt>
                <dd className="error-text">
                  {formatCount(dataset.skippedRows)} bad lines:{' '}
                  {dataset.skipped
                    .slice(0, 5)
                    .map((s) => `line ${s.line}: ${s.message}`)
                    .join('; ')}
                  {dataset.skipped.length > 5 ? '; …' : ''}
                </dd>
              </>
            )}
          </dl>
          <table className="inputs-table" data-testid="dataset-inputs">
            <caption className="visually-hidden">Inputs</caption>
            <thead>
              <tr>
                <th scope="col">Input</th>
                <th scope="col">Per-row shape</th>
                <th scope="col">Values</th>
                <th scope="col" className="num">
                  Missing
                </th>
              </tr>
            </thead>
            <tbody>
              {dataset.inputs.map((input) => (
                <tr key={input.name}>
                  <th scope="row">{input.name}</th>
                  <td>
                    [{input.shape.join(', ')}]{input.columns.length > 0 && ` from ${input.columns.length} columns`}
                  </td>
                  <td>
                    {input.boolean ? 'booleans' : input.integer ? 'whole numbers' : 'numbers'}{' '}
                    {input.min !== null && `${formatNumber(input.min)} … ${formatNumber(input.max)}`}
                  </td>
                  <td className="num">{formatCount(input.missing)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card" aria-label="Label">
          {dataset.label ? (
            <>
              <p>
                Label <code>{dataset.label.source}</code>: {dataset.label.kind === 'class' ? 'classes' : 'regression'},{' '}
                {formatCount(dataset.label.count)} labelled
                {dataset.label.missing > 0 ? `, ${formatCount(dataset.label.missing)} without` : ''}
              </p>
              {dataset.label.classes && (
                <div className="class-bars" data-testid="label-classes">
                  {dataset.label.classes.map((c) => (
                    <div className="bar-row" key={c.value}>
                      <span>{c.value}</span>
                      <div
                        className="bar"
                        style={{ width: `${(c.count / Math.max(1, dataset.label!.count)) * 100}%` }}
                      />
                      <span className="num">{formatPercent(c.count / Math.max(1, dataset.label!.count))}</span>
                    </div>
                  ))}
                </div>
              )}
            </>
          ) : (
            <p className="muted">No label: comparisons of this dataset show agreement, not accuracy.</p>
          )}
        </section>
      </div>
      <VersionTools dataset={dataset} />
      {dataset.features.length > 0 ? (
        <FeatureTable features={dataset.features} />
      ) : (
        <p className="muted">Its inputs are too large to profile feature by feature.</p>
      )}
    </article>
  );
}

export function DatasetView({ id }: { id: string }) {
  const { data: dataset, error, retry } = useApiRead(id, (client) => client.call('dataset', { params: { id } }));
  if (error) return <ErrorBox error={error} onRetry={retry} />;
  if (!dataset || (dataset.id !== id && dataset.name !== id)) return <Loading what="the dataset" />;
  return <DatasetDetail dataset={dataset} />;
}
