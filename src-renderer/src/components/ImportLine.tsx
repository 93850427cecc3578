// One import started from this window (a model, a dataset): the file's name, its upload and then its job's
// progress, Cancel while it can be cancelled, Dismiss once it is over; the screen says what a finished job came to.
import type { ReactNode } from 'react';
import type { Job } from '../../../src-shared/contract';
import type { ApiClient } from '../api/client';
import { isFinished } from '../models/importsStore';
import { useApp } from '../store/appStore';

export interface ImportLineEntry {
  fileName: string;
  /** Upload progress 0..1 (null when not an upload). */
  uploaded: number | null;
  /** Why the import could not start. */
  error: string | null;
}

export interface ImportLineProps {
  entry: ImportLineEntry;
  job: Job | null;
  /** data-testid of the line, and of its Cancel button, job message and job progress where a test reads them. */
  testIds: { line: string; cancel?: string; message?: string; progress?: string };
  /** Stops the import; null while it cannot be stopped. */
  cancel: ((client: ApiClient) => Promise<void>) | null;
  dismiss: () => void;
  /** What a finished job came to: succeeded, failed or cancelled. */
  outcome: (job: Job) => ReactNode;
}

export function ImportLine({ entry, job, testIds, cancel, dismiss, outcome }: ImportLineProps) {
  const client = useApp((s) => s.client);
  const running = !entry.error && !isFinished(job);
  const state = entry.error ? 'failed' : (job?.state ?? 'uploading');
  return (
    <li className={`import-line ${state}`} data-testid={testIds.line} data-state={state}>
      <div className="import-name">
        <strong>{entry.fileName}</strong>
      </div>
      <div className="import-status">
        <ImportStatus entry={entry} job={job} testIds={testIds} outcome={outcome} />
      </div>
      <div className="import-actions">
        {running && cancel && client && (
          <button type="button" onClick={() => void cancel(client)} data-testid={testIds.cancel}>
            Cancel
          </button>
        )}
        {!running && (
          <button type="button" onClick={dismiss} aria-label={`Dismiss ${entry.fileName}`}>
            Dismiss
          </button>
        )}
      </div>
    </li>
  );
}

function ImportStatus({
  entry,
  job,
  testIds,
  outcome,
}: Pick<ImportLineProps, 'entry' | 'job' | 'testIds' | 'outcome'>) {
  if (entry.error)
    return (
      <span className="error-text" role="alert">
        {entry.error}
      </span>
    );
  if (!job) {
    const percent = Math.round((entry.uploaded ?? 0) * 100);
    return (
      <>
        <span>Uploading… {percent}%</span>
        <progress max={1} value={entry.uploaded ?? 0} aria-label={`Upload of ${entry.fileName}`} />
      </>
    );
  }
  if (job.state !== 'running') return outcome(job);
  return (
    <>
      <span data-testid={testIds.message}>
        {job.message}
        {job.progress !== null && ` · ${Math.round(job.progress * 100)}%`}
      </span>
      <progress
        max={1}
        value={job.progress ?? undefined}
        aria-label={`Import of ${entry.fileName}`}
        data-testid={testIds.progress}
      />
    </>
  );
}
