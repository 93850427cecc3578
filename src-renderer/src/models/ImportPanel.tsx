// Importing models: the Import button (native dialog in the desktop app, a file picker in web mode), the drop
// zone, and one line per import with its upload and job progress, its outcome, and Cancel while it runs.
import { useRef } from 'react';
import type { Job } from '../../../src-shared/contract';
import { ImportLine } from '../components/ImportLine';
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
      const path = await desktop.openFile('model');
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
          <ModelImportLine key={entry.key} entry={entry} job={currentJob(entry, live)} />
        ))}
      </ul>
    </section>
  );
}

function ModelImportLine({ entry, job }: { entry: ImportEntry; job: Job | null }) {
  const cancel = useImports((s) => s.cancel);
  const dismiss = useImports((s) => s.dismiss);
  return (
    <ImportLine
      entry={entry}
      job={job}
      testIds={{ line: 'import-line' }}
      // The upload itself cannot be stopped: Cancel comes once its job exists.
      cancel={job ? (client) => cancel(client, job.id) : null}
      dismiss={() => dismiss(entry.key)}
      outcome={(finished) => <ImportOutcome job={finished} />}
    />
  );
}

function ImportOutcome({ job }: { job: Job }) {
  switch (job.state) {
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
    case 'running':
      return null;
  }
}
