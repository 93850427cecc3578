// Importing a bundle back: a folder or .tar.gz on this machine, verified file by file before the library is
// touched; shows the job's progress, then the version it became (or why it was refused).
import { useState } from 'react';
import { versionPath } from '../router';
import { useApp } from '../store/appStore';
import { useExportUi } from './exportUi';

export function BundleImportPanel() {
  const client = useApp((s) => s.client);
  const jobs = useApp((s) => s.jobs);
  const path = useExportUi((s) => s.importPath);
  const setPath = useExportUi((s) => s.setImportPath);
  const jobId = useExportUi((s) => s.importJob);
  const setJob = useExportUi((s) => s.setImportJob);
  const [error, setError] = useState<string | null>(null);
  const job = jobId ? jobs[jobId] : undefined;
  const running = job?.state === 'running';
  const result = job?.state === 'succeeded' ? job.bundleImport : undefined;

  const start = async () => {
    if (!client || !path.trim()) return;
    setError(null);
    try {
      const started = await client.call('importBundle', { body: { path: path.trim() } });
      useApp.setState((s) => ({ jobs: { ...s.jobs, [started.id]: s.jobs[started.id] ?? started } }));
      setJob(started.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="card" aria-labelledby="bundle-import-title" data-testid="bundle-import">
      <h2 id="bundle-import-title">Import a bundle</h2>
      <p className="muted">
        A bundle folder or its .tar.gz on this machine: every file is checked against the manifest&apos;s sha256 before
        the model joins the library, with its serving settings and reference profile.
      </p>
      <div className="form-row">
        <label className="export-outdir">
          Bundle path
          <input
            type="text"
            value={path}
            placeholder="/path/to/digits-mlp-v1 or /path/to/digits-mlp-v1.tar.gz"
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            data-testid="bundle-import-path"
          />
        </label>
        <button
          type="button"
          onClick={() => void start()}
          disabled={running || !path.trim()}
          data-testid="bundle-import-start"
        >
          Import bundle
        </button>
      </div>
      {running && (
        <p role="status">
          <progress value={job.progress ?? undefined} max={1} aria-label="Bundle import progress" /> {job.message}
        </p>
      )}
      {(error ?? (job?.state === 'failed' ? job.error : null)) && (
        <p className="error-text" role="alert" data-testid="bundle-import-error">
          {error ?? job?.error}
        </p>
      )}
      {result && (
        <div role="status" data-testid="bundle-import-result">
          <p>
            {result.created ? 'Imported as ' : 'Already in the library as '}
            <a href={versionPath(result.model, result.version)}>
              {result.model}:{result.version}
            </a>{' '}
            ({result.verifiedFiles} files verified{result.settingsApplied ? ', serving settings applied' : ''}
            {result.referenceProfile ? ', reference profile kept' : ''}).
          </p>
          {result.notes.length > 0 && (
            <ul className="export-notes">
              {result.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
