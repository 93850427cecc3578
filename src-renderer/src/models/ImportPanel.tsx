// Importing models: the Import button (native dialog in the desktop app, a file picker in web mode), the drop
// zone, and one line per import with its upload and job progress, its outcome, and Cancel while it runs.
import { useRef } from 'react';
import type { Job } from '../../../src-shared/contract';
import { versionPath } from '../router';
import { useApp } from '../store/appStore';
import { currentJob, isFinished, useImports, type ImportEntry } from './importsStore';

export function ImportButton() {
  const client = useApp((s) => s.client);
  const upload = useImports((s) => s.upload);
  const importPath = useImports((s) => s.importPath);
  const input = useRef<HTMLInputElement>(null);

  const choose = async () => {
    if (!client) return;
    const desktop = window.slipway;
    if (desktop) {
      const path = await desktop.openFile();
      if (path) importPath(client, path);
    } else {
      input.current?.click();
    }
  };

  return (
    <>
      <button type="button" className="primary" onClick={() => void choose()} disabled={!client}>
        Import model…
      </button>
      <input
        ref={input}
        type="file"
        accept=".onnx"
        multiple
        className="visually-hidden"
        tabIndex={-1}
        aria-label="ONNX model files to import"
        data-testid="import-file"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          if (client) for (const file of files) upload(client, file);
          // Picking the same file again must fire another change.
          e.target.value = '';
        }}
      />
    </>
  );
}

export function DropZone({ dragging }: { dragging: boolean }) {
  return (
    <div className={`dropzone${dragging ? ' active' : ''}`} data-testid="dropzone">
      {dragging ? 'Drop to import' : 'Drop .onnx files anywhere on this page to import them'}
    </div>
  );
}

export function ImportList() {
  const entries = useImports((s) => s.entries);
  const live = useApp((s) => s.jobs);
  const dismissFinished = useImports((s) => s.dismissFinished);
  if (entries.length === 0) return null;
  const anyFinished = entries.some((e) => e.error || isFinished(currentJob(e, live)));
  return (
    <section className="card imports" aria-labelledby="imports-title">
      <div className="card-head">
        <h2 id="imports-title">Imports</h2>
        {anyFinished && (
          <button type="button" onClick={dismissFinished}>
            Clear finished
          </button>
        )}
      </div>
      <ul className="import-list" aria-live="polite">
        {entries.map((entry) => (
          <ImportLine key={entry.key} entry={entry} job={currentJob(entry, live)} />
        ))}
      </ul>
    </section>
  );
}

function ImportLine({ entry, job }: { entry: ImportEntry; job: Job | null }) {
  const client = useApp((s) => s.client);
  const cancel = useImports((s) => s.cancel);
  const dismiss = useImports((s) => s.dismiss);
  const running = !entry.error && !isFinished(job);
  const state = entry.error ? 'failed' : (job?.state ?? 'uploading');

  return (
    <li className={`import-line ${state}`} data-testid="import-line">
      <div className="import-name">
        <strong>{entry.fileName}</strong>
      </div>
      <div className="import-status">
        <ImportStatus entry={entry} job={job} />
      </div>
      <div className="import-actions">
        {running && job && client && (
          <button type="button" onClick={() => void cancel(client, job.id)}>
            Cancel
          </button>
        )}
        {!running && (
          <button type="button" onClick={() => dismiss(entry.key)} aria-label={`Dismiss ${entry.fileName}`}>
            Dismiss
          </button>
        )}
      </div>
    </li>
  );
}

function ImportStatus({ entry, job }: { entry: ImportEntry; job: Job | null }) {
  if (entry.error) {
    return (
      <span className="error-text" role="alert">
        {entry.error}
      </span>
    );
  }
  if (!job) {
    const percent = Math.round((entry.uploaded ?? 0) * 100);
    return (
      <>
        <span>Uploading… {percent}%</span>
        <progress max={1} value={entry.uploaded ?? 0} aria-label={`Upload of ${entry.fileName}`} />
      </>
    );
  }
  switch (job.state) {
    case 'running':
      return (
        <>
          <span>
            {job.message}
            {job.progress !== null && ` · ${Math.round(job.progress * 100)}%`}
          </span>
          <progress max={1} value={job.progress ?? undefined} aria-label={`Import of ${entry.fileName}`} />
        </>
      );
    case 'succeeded': {
      const v = job.result?.version;
      if (!v) return <span>Imported.</span>;
      const link = (
        <a href={versionPath(v.model, v.version)}>
          {v.model}:{v.version}
        </a>
      );
      return job.result?.created ? (
        <span className="saved">Imported as {link}</span>
      ) : (
        <span>Already in the library as {link}</span>
      );
    }
    case 'failed':
      return (
        <span className="error-text" role="alert">
          {job.error ?? 'The import failed.'}
        </span>
      );
    case 'cancelled':
      return <span className="muted">Cancelled.</span>;
  }
}
