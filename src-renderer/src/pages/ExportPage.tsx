// Export: pick a library version and the targets, see what will be written (asked of the engine as the choices
// change), export as a job with a progress bar and cancel, then a summary with the folder to reveal; and import a
// bundle back.
import { useEffect, useMemo, useState } from 'react';
import { Empty, ErrorBox } from '../components/States';
import { BundleImportPanel } from '../export/BundleImportPanel';
import { ExportSummary } from '../export/ExportSummary';
import { exportRequest, useExportUi } from '../export/exportUi';
import { PlanTable } from '../export/PlanTable';
import { TargetPicker } from '../export/TargetPicker';
import { useExportPlan } from '../export/useExportPlan';
import { useApp } from '../store/appStore';

export function ExportPage() {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const modelsError = useApp((s) => s.modelsError);
  const jobs = useApp((s) => s.jobs);
  const ui = useExportUi();
  const [startError, setStartError] = useState<string | null>(null);

  const refs = useMemo(() => (models ?? []).flatMap((m) => m.versions.map((v) => `${v.model}:${v.version}`)), [models]);
  const { ref, setRef } = ui;
  useEffect(() => {
    if (refs.length > 0 && (ref === null || !refs.includes(ref))) setRef(refs[0]!);
  }, [refs, ref, setRef]);

  const job = ui.exportJob ? jobs[ui.exportJob] : undefined;
  const running = job?.state === 'running';
  // The folder just filled cannot take another bundle: the next plan goes back to the default folder.
  const filled = job?.state === 'succeeded' ? job.export?.outDir : undefined;
  const { outDir, setOutDir } = ui;
  useEffect(() => {
    if (filled !== undefined && outDir?.trim() === filled) setOutDir(null);
  }, [filled, outDir, setOutDir]);
  const request = exportRequest(ui);
  // Asked again when an export finishes: the folder it filled is no longer free.
  const { plan, error, pending, defaultOutDir } = useExportPlan(client, request, job?.state);
  const kserve = request?.targets.includes('kserve') ?? false;

  const start = async () => {
    if (!client || !request) return;
    setStartError(null);
    try {
      const started = await client.call('startExport', { body: request });
      useApp.setState((s) => ({ jobs: { ...s.jobs, [started.id]: s.jobs[started.id] ?? started } }));
      ui.setExportJob(started.id);
    } catch (e) {
      setStartError(e instanceof Error ? e.message : String(e));
    }
  };
  const cancel = async () => {
    if (!client || !job) return;
    try {
      await client.call('cancelJob', { params: { id: job.id } });
    } catch (e) {
      setStartError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="page export-page" aria-labelledby="export-title">
      <div className="page-head">
        <h1 id="export-title">Export</h1>
      </div>
      <p className="muted">
        A deploy bundle that loads as-is in Triton, KServe, a container or on an edge box, with a manifest listing every
        file&apos;s sha256 and what Slipway knows about the version.
      </p>
      {modelsError && <ErrorBox error={modelsError} />}
      {models !== null && refs.length === 0 ? (
        <Empty title="No models yet">Import a model on the Models screen to export it.</Empty>
      ) : (
        <section className="card" aria-labelledby="export-choose-title">
          <h2 id="export-choose-title">What to export</h2>
          <div className="form-row">
            <label>
              Model version
              <select
                value={ui.ref ?? ''}
                onChange={(e) => ui.setRef(e.target.value)}
                data-testid="export-version"
                disabled={running}
              >
                {refs.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <TargetPicker />
          <div className="form-row">
            <label className="export-outdir">
              Output folder
              <input
                type="text"
                value={ui.outDir ?? defaultOutDir ?? ''}
                placeholder="the default folder under the Slipway home"
                onChange={(e) => ui.setOutDir(e.target.value)}
                spellCheck={false}
                data-testid="export-outdir"
              />
            </label>
            {ui.outDir !== null && (
              <button type="button" onClick={() => ui.setOutDir(null)} data-testid="export-outdir-default">
                Use the default folder
              </button>
            )}
          </div>
          {kserve && (
            <div className="form-row">
              <label className="export-storage">
                KServe storageUri
                <input
                  type="text"
                  value={ui.storageUri}
                  placeholder="s3://bucket/models/triton (left empty: a placeholder to replace)"
                  onChange={(e) => ui.setStorageUri(e.target.value)}
                  spellCheck={false}
                  data-testid="export-storage-uri"
                />
              </label>
            </div>
          )}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={ui.tar}
              onChange={(e) => ui.setTar(e.target.checked)}
              data-testid="export-tar"
            />{' '}
            Also write a .tar.gz of the folder
          </label>
        </section>
      )}

      {request && (
        <section className="card" aria-labelledby="export-plan-title">
          <h2 id="export-plan-title">What will be written</h2>
          {error && (
            <p
              className={pending ? 'error-text stale' : 'error-text'}
              role="alert"
              aria-busy={pending}
              data-testid="export-plan-error"
            >
              {error}
            </p>
          )}
          {plan && <PlanTable plan={plan} stale={pending} />}
          {!plan && !error && <p className="muted">Planning…</p>}
          <div className="actions export-run">
            <button
              type="button"
              className="primary"
              disabled={!plan || pending || error !== null || running}
              onClick={() => void start()}
              data-testid="export-start"
            >
              Export
            </button>
            {running && (
              <>
                <progress
                  value={job.progress ?? undefined}
                  max={1}
                  aria-label="Export progress"
                  data-testid="export-progress"
                />
                <span role="status" className="muted">
                  {job.message}
                </span>
                <button type="button" className="danger" onClick={() => void cancel()} data-testid="export-cancel">
                  Cancel export
                </button>
              </>
            )}
          </div>
          {startError && (
            <p className="error-text" role="alert" data-testid="export-start-error">
              {startError}
            </p>
          )}
          {job?.state === 'failed' && (
            <p className="error-text" role="alert" data-testid="export-failed">
              The export failed: {job.error}
            </p>
          )}
          {job?.state === 'cancelled' && (
            <p role="status" className="muted" data-testid="export-cancelled">
              The export was cancelled; nothing was left behind.
            </p>
          )}
        </section>
      )}
      {job?.state === 'succeeded' && job.export && <ExportSummary result={job.export} />}
      <BundleImportPanel />
    </section>
  );
}
