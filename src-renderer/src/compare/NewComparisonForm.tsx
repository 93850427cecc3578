// Setting up a comparison: the versions (two or more, the first ticked is the baseline), the dataset replayed
// and an optional reference for drift, whether the dataset fits each version (every mismatch listed), which
// output is the prediction (inferred per version, overridable), the advanced settings, and Run.
import { useEffect, useMemo, useState } from 'react';
import type {
  DatasetFit,
  DatasetSummary,
  ModelSummary,
  ModelVersion,
  PredictionChoice,
  PredictionRule,
} from '../../../src-shared/contract';
import { ErrorBox } from '../components/States';
import { FitProblems } from '../datasets/DatasetImportPanel';
import { comparePath, navigate } from '../router';
import { useApp } from '../store/appStore';
import { comparisonConfig, useCompareUi } from './compareUi';
import { splitRef, versionRefs } from './versionRefs';

const inputNames = (v: ModelVersion) =>
  v.inspection.inputs
    .map((i) => i.name)
    .sort()
    .join(',');

/**
 * The first comparison offered: the first two versions of a model that has a dataset with its inputs, and
 * that dataset (else any model with two versions and the newest dataset).
 */
function defaults(
  models: readonly ModelSummary[],
  datasets: readonly DatasetSummary[],
): { versions: string[]; dataset: string } {
  const candidates = models
    .filter((m) => m.versions.length >= 2)
    .map((m) => [...m.versions].sort((a, b) => a.version - b.version));
  for (const versions of candidates) {
    const fitting = datasets.find((d) => [...d.inputs].sort().join(',') === inputNames(versions[0]!));
    if (fitting) return { versions: versions.slice(0, 2).map((v) => `${v.model}:${v.version}`), dataset: fitting.id };
  }
  const first = candidates[0];
  return {
    versions: first ? first.slice(0, 2).map((v) => `${v.model}:${v.version}`) : [],
    dataset: datasets[0]?.id ?? '',
  };
}

type PerVersion<T> = Record<string, { value: T } | { error: string }>;

/** Asks the engine, per ticked version, how the dataset fits and what it predicts with; stale answers are dropped. */
function useVersionChecks(versions: readonly string[], dataset: string, output: string, rule: '' | PredictionRule) {
  const client = useApp((s) => s.client);
  const [fits, setFits] = useState<PerVersion<DatasetFit>>({});
  const [predictions, setPredictions] = useState<PerVersion<PredictionChoice>>({});
  const key = versions.join(',');

  useEffect(() => {
    if (!client || !dataset) {
      setFits({});
      return;
    }
    let live = true;
    for (const ref of versions) {
      const { name, version } = splitRef(ref);
      client.call('datasetFit', { params: { id: dataset, name, version } }).then(
        (fit) => live && setFits((f) => ({ ...f, [ref]: { value: fit } })),
        (err: unknown) =>
          live && setFits((f) => ({ ...f, [ref]: { error: String(err instanceof Error ? err.message : err) } })),
      );
    }
    return () => {
      live = false;
    };
    // `key` stands for the versions list (a new array on every render).
  }, [client, key, dataset]);

  useEffect(() => {
    if (!client) return;
    let live = true;
    setPredictions({});
    const body = output ? { output, ...(rule ? { rule } : {}) } : {};
    for (const ref of versions) {
      const { name, version } = splitRef(ref);
      client.call('prediction', { params: { name, version }, body }).then(
        (choice) => live && setPredictions((p) => ({ ...p, [ref]: { value: choice } })),
        (err: unknown) =>
          live && setPredictions((p) => ({ ...p, [ref]: { error: String(err instanceof Error ? err.message : err) } })),
      );
    }
    return () => {
      live = false;
    };
    // `key` stands for the versions list (a new array on every render).
  }, [client, key, output, rule]);

  return { fits, predictions };
}

function VersionPicker() {
  const models = useApp((s) => s.models);
  const versions = useCompareUi((s) => s.draft.versions);
  const toggle = useCompareUi((s) => s.toggleVersion);
  const refs = versionRefs(models);
  return (
    <fieldset className="group" data-testid="version-picker">
      <legend>Versions</legend>
      <p className="hint">Tick two or more. The first ticked is the baseline; every other version is paired with it.</p>
      <div className="version-grid">
        {refs.map((r) => {
          const position = versions.indexOf(r.ref);
          return (
            <label key={r.ref} className="inline version-choice">
              <input
                type="checkbox"
                checked={position >= 0}
                onChange={() => toggle(r.ref)}
                data-testid={`pick-${r.ref}`}
              />
              <span>
                {r.ref} <span className="muted">{r.stage}</span>
              </span>
              {position === 0 && <span className="role-badge baseline">baseline</span>}
              {position > 0 && <span className="role-badge">candidate {position}</span>}
            </label>
          );
        })}
        {refs.length === 0 && <p className="muted">The library has no models yet.</p>}
      </div>
    </fieldset>
  );
}

function PredictionPicker({ predictions }: { predictions: PerVersion<PredictionChoice> }) {
  const models = useApp((s) => s.models);
  const draft = useCompareUi((s) => s.draft);
  const edit = useCompareUi((s) => s.edit);
  const baseline = draft.versions[0];
  // The outputs every ticked version shares: an override must name one of them.
  const outputs = useMemo(() => {
    const byRef = new Map<string, ModelVersion>(
      (models ?? []).flatMap((m) => m.versions.map((v): [string, ModelVersion] => [`${v.model}:${v.version}`, v])),
    );
    const lists = draft.versions.map((ref) => byRef.get(ref)?.inspection.outputs.map((o) => o.name) ?? []);
    return lists.length === 0 ? [] : lists.reduce((a, b) => a.filter((n) => b.includes(n)));
  }, [models, draft.versions]);

  return (
    <fieldset className="group" data-testid="prediction-picker">
      <legend>Prediction</legend>
      <div className="fields">
        <label>
          Output
          <select
            value={draft.predictionOutput}
            onChange={(e) => edit(() => ({ predictionOutput: e.target.value }))}
            disabled={!baseline}
            data-testid="prediction-output"
          >
            <option value="">inferred from each signature</option>
            {outputs.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule
          <select
            value={draft.predictionRule}
            onChange={(e) => edit(() => ({ predictionRule: e.target.value as '' | PredictionRule }))}
            disabled={!draft.predictionOutput}
            data-testid="prediction-rule"
          >
            <option value="">from the output&apos;s shape and type</option>
            <option value="argmax">argmax of scores (class)</option>
            <option value="label">class label</option>
            <option value="regression">regression value</option>
          </select>
        </label>
      </div>
      <ul className="prediction-list" data-testid="prediction-choices">
        {draft.versions.map((ref) => {
          const choice = predictions[ref];
          return (
            <li key={ref} data-testid="prediction-choice" data-ref={ref}>
              <strong>{ref}</strong>:{' '}
              {!choice ? (
                <span className="muted">asking…</span>
              ) : 'error' in choice ? (
                <span className="error-text" role="alert">
                  {choice.error}
                </span>
              ) : (
                <span>
                  {choice.value.reason}{' '}
                  <span className="muted">({choice.value.source === 'inferred' ? 'inferred' : 'your choice'})</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function FitSummary({ fits }: { fits: PerVersion<DatasetFit> }) {
  const draft = useCompareUi((s) => s.draft);
  if (!draft.dataset || draft.versions.length === 0) return null;
  return (
    <ul className="fit-list" data-testid="fit-summary">
      {draft.versions.map((ref) => {
        const fit = fits[ref];
        if (!fit)
          return (
            <li key={ref} className="muted">
              {ref}: checking the fit…
            </li>
          );
        if ('error' in fit)
          return (
            <li key={ref} className="error-text">
              {ref}: {fit.error}
            </li>
          );
        return (
          <li key={ref} data-testid="fit-line" data-ref={ref} data-fits={fit.value.fits}>
            {fit.value.fits ? (
              <span className="saved">Fits {ref}.</span>
            ) : (
              <span className="error-text">Does not fit {ref}:</span>
            )}
            <FitProblems problems={fit.value.problems} />
          </li>
        );
      })}
    </ul>
  );
}

export function NewComparisonForm() {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const datasets = useApp((s) => s.datasets);
  const putComparison = useApp((s) => s.putComparison);
  const draft = useCompareUi((s) => s.draft);
  const edit = useCompareUi((s) => s.edit);
  const touched = useCompareUi((s) => s.touched);
  const advancedOpen = useCompareUi((s) => s.advancedOpen);
  const setAdvancedOpen = useCompareUi((s) => s.setAdvancedOpen);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { fits, predictions } = useVersionChecks(
    draft.versions,
    draft.dataset,
    draft.predictionOutput,
    draft.predictionRule,
  );

  // First visit: two versions and a dataset that fits them, so Run is one click away.
  useEffect(() => {
    if (!models || !datasets) return;
    if (!touched && draft.versions.length === 0 && !draft.dataset) {
      edit(() => defaults(models, datasets));
      return;
    }
    if (!draft.dataset && datasets.length > 0) edit(() => ({ dataset: datasets[0]!.id }));
    // A dataset deleted meanwhile is no longer a choice.
    if (draft.dataset && !datasets.some((d) => d.id === draft.dataset))
      edit(() => ({ dataset: datasets[0]?.id ?? '' }));
  }, [models, datasets, touched, draft.versions.length, draft.dataset, edit]);

  const built = comparisonConfig(draft);
  const misfits = draft.versions.filter((ref) => {
    const fit = fits[ref];
    return fit && 'value' in fit && !fit.value.fits;
  });
  const badPredictions = draft.versions.filter((ref) => predictions[ref] && 'error' in predictions[ref]);
  const problems = [
    ...('problems' in built ? built.problems : []),
    ...(misfits.length > 0 ? [`the dataset does not fit ${misfits.join(', ')}`] : []),
    ...(badPredictions.length > 0 ? [`no usable prediction output for ${badPredictions.join(', ')}`] : []),
  ];

  const run = async () => {
    if (!client || !('config' in built)) return;
    setStarting(true);
    setError(null);
    try {
      const started = await client.call('startComparison', { body: built.config });
      putComparison(started);
      navigate(comparePath({ kind: 'run', id: started.id }));
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="new-test new-comparison" data-testid="new-comparison">
      <VersionPicker />
      <fieldset className="group" data-testid="dataset-picker">
        <legend>Data</legend>
        <div className="fields">
          <label>
            Dataset replayed
            <select
              value={draft.dataset}
              onChange={(e) => edit(() => ({ dataset: e.target.value }))}
              data-testid="compare-dataset"
            >
              {(datasets ?? []).length === 0 && <option value="">no datasets yet</option>}
              {(datasets ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.rows} rows{d.hasLabel ? ', labelled' : ''})
                </option>
              ))}
            </select>
          </label>
          <label>
            Reference for drift (optional)
            <select
              value={draft.reference}
              onChange={(e) => edit(() => ({ reference: e.target.value }))}
              data-testid="compare-reference"
            >
              <option value="">none</option>
              {(datasets ?? [])
                .filter((d) => d.id !== draft.dataset)
                .map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name} ({d.rows} rows)
                  </option>
                ))}
            </select>
          </label>
          <p className="hint wide">
            Datasets are imported under <a href={comparePath({ kind: 'datasets' })}>Datasets</a>. With a reference, the
            report adds each input feature&apos;s drift and each version&apos;s prediction drift.
          </p>
        </div>
        <FitSummary fits={fits} />
      </fieldset>
      <PredictionPicker predictions={predictions} />
      <details
        className="group"
        open={advancedOpen}
        onToggle={(e) => setAdvancedOpen((e.target as HTMLDetailsElement).open)}
      >
        <summary>Advanced</summary>
        <div className="fields">
          <label>
            Name
            <input
              value={draft.name}
              onChange={(e) => edit(() => ({ name: e.target.value }))}
              placeholder="versions on dataset"
              data-testid="compare-name"
            />
          </label>
          <label>
            Rows per inference batch
            <input
              value={draft.batchSize}
              onChange={(e) => edit(() => ({ batchSize: e.target.value }))}
              placeholder="automatic"
              inputMode="numeric"
            />
          </label>
          <label>
            Explorer rows kept per sort
            <input
              value={draft.explorerRows}
              onChange={(e) => edit(() => ({ explorerRows: e.target.value }))}
              inputMode="numeric"
            />
          </label>
          <label>
            Bootstrap resamples
            <input
              value={draft.bootstrapIterations}
              onChange={(e) => edit(() => ({ bootstrapIterations: e.target.value }))}
              inputMode="numeric"
            />
          </label>
          <label>
            Confidence
            <input
              value={draft.confidence}
              onChange={(e) => edit(() => ({ confidence: e.target.value }))}
              inputMode="decimal"
            />
          </label>
        </div>
      </details>
      <div className="run-bar">
        <button
          type="button"
          className="primary"
          disabled={!client || starting || problems.length > 0}
          onClick={() => void run()}
          data-testid="run-comparison"
        >
          {starting ? 'Starting…' : 'Run comparison'}
        </button>
        {problems.length > 0 && (
          <span className="problem" data-testid="compare-problems">
            {problems.join('; ')}
          </span>
        )}
      </div>
      {error !== null && <ErrorBox error={error} />}
    </div>
  );
}
