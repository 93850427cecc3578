// Drift between two datasets without replaying a model: the current dataset against a reference dataset or a
// version's reference, the deciding test and thresholds shown and editable, run as a job with progress and
// Cancel; its report below, the latest first.
import { useState } from 'react';
import type { DriftTestName, Job } from '../../../src-shared/contract';
import { ErrorBox } from '../components/States';
import { comparePath } from '../router';
import { useApp } from '../store/appStore';
import { driftRequest, useCompareUi, type DriftDraft } from './compareUi';
import { TEST_NAMES } from './describe';
import { DriftReportView } from './DriftReportView';
import { versionRefs } from './versionRefs';

const THRESHOLD_HINT: Record<keyof DriftDraft['thresholds'], string> = {
  ks: 'drift when p is below',
  chiSquare: 'drift when p is below',
  zTest: 'drift when p is below',
  wasserstein: 'drift at or above',
  jensenShannon: 'drift at or above',
  psi: 'drift at or above',
};

function DriftForm() {
  const client = useApp((s) => s.client);
  const datasets = useApp((s) => s.datasets);
  const models = useApp((s) => s.models);
  const draft = useCompareUi((s) => s.driftDraft);
  const edit = useCompareUi((s) => s.editDrift);
  const addJob = useCompareUi((s) => s.addDriftJob);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const built = driftRequest(draft);
  const datasetOptions = (datasets ?? []).map((d) => (
    <option key={d.id} value={d.id}>
      {d.name} ({d.rows} rows)
    </option>
  ));

  const run = async () => {
    if (!client || !('request' in built)) return;
    setStarting(true);
    setError(null);
    try {
      const job = await client.call('startDrift', { body: built.request });
      useApp.setState((s) => ({ jobs: { ...s.jobs, [job.id]: job } }));
      const name = (id: string) => datasets?.find((d) => d.id === id)?.name ?? id;
      const against = draft.against === 'dataset' ? name(draft.reference) : `${draft.referenceOf}'s reference`;
      addJob(job.id, `${name(draft.current)} against ${against}`);
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="new-test" data-testid="drift-form">
      <fieldset className="group">
        <legend>Datasets</legend>
        <div className="fields">
          <label>
            Current
            <select
              value={draft.current}
              onChange={(e) => edit(() => ({ current: e.target.value }))}
              data-testid="drift-current"
            >
              <option value="">choose…</option>
              {datasetOptions}
            </select>
          </label>
          <label>
            Against
            <select
              value={draft.against}
              onChange={(e) => edit(() => ({ against: e.target.value as DriftDraft['against'] }))}
              data-testid="drift-against"
            >
              <option value="dataset">a reference dataset</option>
              <option value="version">a version&apos;s reference</option>
            </select>
          </label>
          {draft.against === 'dataset' ? (
            <label>
              Reference
              <select
                value={draft.reference}
                onChange={(e) => edit(() => ({ reference: e.target.value }))}
                data-testid="drift-reference"
              >
                <option value="">choose…</option>
                {datasetOptions}
              </select>
            </label>
          ) : (
            <label>
              Version
              <select
                value={draft.referenceOf}
                onChange={(e) => edit(() => ({ referenceOf: e.target.value }))}
                data-testid="drift-reference-of"
              >
                <option value="">choose…</option>
                {versionRefs(models).map((r) => (
                  <option key={r.ref} value={r.ref}>
                    {r.ref}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <p className="hint">
          Import datasets under <a href={comparePath({ kind: 'datasets' })}>Datasets</a>; bind a version&apos;s
          reference from a dataset&apos;s page.
        </p>
      </fieldset>
      <fieldset className="group">
        <legend>Tests and thresholds</legend>
        <div className="fields">
          <label>
            Deciding test
            <select
              value={draft.test}
              onChange={(e) => edit(() => ({ test: e.target.value as DriftDraft['test'] }))}
              data-testid="drift-test"
            >
              <option value="auto">automatic (by sample size and kind, as Evidently)</option>
              {(Object.keys(TEST_NAMES) as DriftTestName[]).map((t) => (
                <option key={t} value={t}>
                  {TEST_NAMES[t]}
                </option>
              ))}
            </select>
          </label>
          {(Object.keys(draft.thresholds) as (keyof DriftDraft['thresholds'])[]).map((test) => (
            <label key={test}>
              {TEST_NAMES[test]}: {THRESHOLD_HINT[test]}
              <input
                value={draft.thresholds[test]}
                onChange={(e) => edit((d) => ({ thresholds: { ...d.thresholds, [test]: e.target.value } }))}
                inputMode="decimal"
                data-testid={`threshold-${test}`}
              />
            </label>
          ))}
          <label>
            Dataset drift when this share of features drifted
            <input
              value={draft.datasetDriftShare}
              onChange={(e) => edit(() => ({ datasetDriftShare: e.target.value }))}
              inputMode="decimal"
              data-testid="threshold-share"
            />
          </label>
          <label>
            Also dataset drift when a feature stays significant after Holm&apos;s correction at
            <input
              value={draft.familyWiseAlpha}
              onChange={(e) => edit(() => ({ familyWiseAlpha: e.target.value }))}
              inputMode="decimal"
              placeholder="off"
              data-testid="threshold-family-wise"
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={draft.calibrate}
              onChange={(e) => edit(() => ({ calibrate: e.target.checked }))}
            />
            Measure false-alarm rates and the smallest detectable shift (slower)
          </label>
        </div>
      </fieldset>
      <div className="run-bar">
        <button
          type="button"
          className="primary"
          onClick={() => void run()}
          disabled={!client || starting || 'problems' in built}
          data-testid="run-drift"
        >
          {starting ? 'Starting…' : 'Measure drift'}
        </button>
        {'problems' in built && (
          <span className="problem" data-testid="drift-problems">
            {built.problems.join('; ')}
          </span>
        )}
      </div>
      {error !== null && <ErrorBox error={error} />}
    </div>
  );
}

function DriftJob({ job, title }: { job: Job; title: string }) {
  const client = useApp((s) => s.client);
  const [error, setError] = useState<unknown>(null);
  const cancel = async () => {
    if (!client) return;
    try {
      const updated = await client.call('cancelJob', { params: { id: job.id } });
      useApp.setState((s) => ({ jobs: { ...s.jobs, [updated.id]: updated } }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card drift-job" data-testid="drift-job" data-state={job.state}>
      <div className="card-head">
        <h2>{job.state === 'running' ? `Measuring drift: ${title}` : `Drift: ${title}`}</h2>
        {job.state === 'running' && (
          <button type="button" className="danger push-right" onClick={() => void cancel()} data-testid="cancel-drift">
            Cancel
          </button>
        )}
      </div>
      {job.state === 'running' && (
        <div className="progress-line">
          <progress
            max={1}
            value={job.progress ?? undefined}
            aria-label="Drift progress"
            data-testid="drift-progress"
          />
          <span className="progress-text">{job.message}</span>
        </div>
      )}
      {job.state === 'failed' && (
        <div className="state error" role="alert" data-testid="drift-error">
          {job.error}
        </div>
      )}
      {job.state === 'cancelled' && <p className="muted">Cancelled.</p>}
      {job.state === 'succeeded' && job.drift && <DriftReportView report={job.drift} title="Feature drift" />}
      {error !== null && <ErrorBox error={error} />}
    </section>
  );
}

export function DriftView() {
  const started = useCompareUi((s) => s.driftJobs);
  const jobs = useApp((s) => s.jobs);
  return (
    <div className="drift-view">
      <DriftForm />
      {started.map(({ id, title }) => {
        const job = jobs[id];
        return job ? <DriftJob key={id} job={job} title={title} /> : null;
      })}
    </div>
  );
}
