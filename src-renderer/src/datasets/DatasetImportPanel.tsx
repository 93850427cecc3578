// Importing a replay file as a dataset: the file (a picker in web mode, the native dialog in the desktop app),
// the model it must fit, CSV column mapping and the other import options, then one line per import with its
// upload and job progress, Cancel, and — when the file does not fit — every problem on a line of its own.
import { useRef, useState } from 'react';
import type { FitProblem, Job } from '../../../src-shared/contract';
import { ImportLine } from '../components/ImportLine';
import { currentJob } from '../models/importsStore';
import { comparePath } from '../router';
import { useApp } from '../store/appStore';
import { useDatasetImports, type DatasetImportEntry, type ImportOptions } from './datasetImports';

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

export function DatasetImportPanel() {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const upload = useDatasetImports((s) => s.upload);
  const importPath = useDatasetImports((s) => s.importPath);
  const fileInput = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [model, setModel] = useState('');
  const [map, setMap] = useState('');
  const [ignore, setIgnore] = useState('');
  const [label, setLabel] = useState('');
  const [noLabel, setNoLabel] = useState(false);
  const [skipBad, setSkipBad] = useState(false);

  const options = (): ImportOptions => ({
    ...(name.trim() ? { name: name.trim() } : {}),
    ...(model ? { model } : {}),
    map: lines(map),
    ignore: lines(ignore),
    ...(noLabel ? { label: null } : label.trim() ? { label: label.trim() } : {}),
    skipBad,
  });

  const choose = async () => {
    if (!client) return;
    const desktop = window.slipway;
    if (desktop) {
      const path = await desktop.openFile('dataset');
      if (path) importPath(client, path, options());
    } else {
      fileInput.current?.click();
    }
  };

  return (
    <section className="card dataset-import" aria-labelledby="dataset-import-title" data-testid="dataset-import">
      <div className="card-head">
        <h2 id="dataset-import-title">Import a dataset</h2>
        <span className="hint">
          JSON Lines (one {'{"inputs": {…}, "label": …}'} per line) or CSV (a column per feature)
        </span>
      </div>
      <div className="fields">
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="the file's name"
            data-testid="dataset-name"
          />
        </label>
        <label>
          Must fit
          <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="dataset-model">
            <option value="">any model (the file's own inputs)</option>
            {(models ?? []).flatMap((m) =>
              m.versions.map((v) => (
                <option key={`${v.model}:${v.version}`} value={`${v.model}:${v.version}`}>
                  {v.model}:{v.version}
                </option>
              )),
            )}
          </select>
        </label>
        <label>
          Label column
          <input
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="label (when present)"
            disabled={noLabel}
            data-testid="dataset-label"
          />
        </label>
        <label className="inline">
          <input type="checkbox" checked={noLabel} onChange={(e) => setNoLabel(e.target.checked)} />
          No label
        </label>
        <label className="wide">
          <span>
            CSV columns onto inputs (one <code>column=input</code> rule a line; <code>*</code> and <code>?</code> match
            many columns, in order)
          </span>
          <textarea
            value={map}
            onChange={(e) => setMap(e.target.value)}
            placeholder={'p*=pixels'}
            rows={2}
            data-testid="dataset-map"
          />
        </label>
        <label>
          Leave out columns
          <input
            value={ignore}
            onChange={(e) => setIgnore(e.target.value)}
            placeholder="id, timestamp*"
            data-testid="dataset-ignore"
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={skipBad}
            onChange={(e) => setSkipBad(e.target.checked)}
            data-testid="dataset-skip-bad"
          />
          Skip bad lines (each is listed) instead of refusing the file
        </label>
      </div>
      <div className="run-bar">
        <button
          type="button"
          className="primary"
          onClick={() => void choose()}
          disabled={!client}
          data-testid="dataset-choose"
        >
          Choose file and import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".jsonl,.ndjson,.csv"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Replay file to import as a dataset"
          data-testid="dataset-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (client && file) upload(client, file, options());
            // Picking the same file again must fire another change.
            e.target.value = '';
          }}
        />
      </div>
      <DatasetImportList />
    </section>
  );
}

function DatasetImportList() {
  const entries = useDatasetImports((s) => s.entries);
  const live = useApp((s) => s.jobs);
  if (entries.length === 0) return null;
  return (
    <ul className="import-list dataset-imports" aria-live="polite">
      {entries.map((entry) => (
        <DatasetImportLine key={entry.key} entry={entry} job={currentJob(entry, live)} />
      ))}
    </ul>
  );
}

function DatasetImportLine({ entry, job }: { entry: DatasetImportEntry; job: Job | null }) {
  const cancel = useDatasetImports((s) => s.cancel);
  const dismiss = useDatasetImports((s) => s.dismiss);
  return (
    <ImportLine
      entry={entry}
      job={job}
      testIds={{
        line: 'dataset-import-line',
        cancel: 'dataset-import-cancel',
        message: 'dataset-import-message',
        progress: 'dataset-import-progress',
      }}
      // Before its job exists, Cancel stops the upload.
      cancel={(client) => cancel(client, entry.key)}
      dismiss={() => dismiss(entry.key)}
      outcome={(finished) => <DatasetImportOutcome job={finished} />}
    />
  );
}

function DatasetImportOutcome({ job }: { job: Job }) {
  switch (job.state) {
    case 'succeeded': {
      const dataset = job.dataset;
      if (!dataset) return <span>Imported.</span>;
      return (
        <span className="saved" data-testid="dataset-imported">
          Imported as <a href={comparePath({ kind: 'dataset', id: dataset.id })}>{dataset.name}</a>: {dataset.rows}{' '}
          rows, {dataset.features} features{dataset.hasLabel ? ', labelled' : ''}
        </span>
      );
    }
    case 'failed':
      return (
        <div role="alert">
          <span className="error-text" data-testid="dataset-import-error">
            {job.error ?? 'The import failed.'}
          </span>
          {job.problems && <FitProblems problems={job.problems} />}
        </div>
      );
    case 'cancelled':
      return <span className="muted">Cancelled; nothing was stored.</span>;
    case 'running':
      return null;
  }
}

const PROBLEM_TEXT: Record<FitProblem['kind'], string> = {
  'missing-input': 'missing input',
  'extra-column': 'extra column',
  count: 'element count',
  dtype: 'type',
  shape: 'shape',
  'unmapped-column': 'unmapped column',
};

/** One line per mismatch: what kind, which input and which column, and the engine's words for it. */
export function FitProblems({ problems }: { problems: readonly FitProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <table className="fit-problems" data-testid="fit-problems">
      <caption className="visually-hidden">Why the file does not fit</caption>
      <thead>
        <tr>
          <th scope="col">Problem</th>
          <th scope="col">Input</th>
          <th scope="col">Column</th>
          <th scope="col">What was expected</th>
        </tr>
      </thead>
      <tbody>
        {problems.map((p, i) => (
          <tr key={i} className={p.severity === 'warning' ? 'warning-row' : 'error-row'} data-testid="fit-problem">
            <td>
              {PROBLEM_TEXT[p.kind]}
              {p.severity === 'warning' && <span className="muted"> (warning)</span>}
            </td>
            <td>{p.input ?? '–'}</td>
            <td>{p.column ?? '–'}</td>
            <td>{p.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
