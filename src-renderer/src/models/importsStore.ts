// Imports started from this window (upload, native dialog or drag-and-drop): each one's upload progress, then its
// job. Kept outside the Models page so that leaving the page and coming back still shows imports in flight.
import { create } from 'zustand';
import type { Job } from '../../../src-shared/contract';
import type { ApiClient } from '../api/client';
import { useApp } from '../store/appStore';

export interface ImportEntry {
  /** Local id (the job id is only known once the upload has finished). */
  key: string;
  fileName: string;
  /** Upload progress 0..1 (null when unknown or not an upload). */
  uploaded: number | null;
  /** The job as last seen from the upload reply or a poll; the live event stream may be newer. */
  job: Job | null;
  /** Why the import could not start (upload refused, engine unreachable, not an .onnx file). */
  error: string | null;
}

interface ImportsState {
  entries: ImportEntry[];
  upload(client: ApiClient, file: File): void;
  importPath(client: ApiClient, path: string): void;
  cancel(client: ApiClient, jobId: string): Promise<void>;
  dismiss(key: string): void;
  dismissFinished(): void;
}

const POLL_MS = 1000;
let nextKey = 1;

export function isFinished(job: Job | null | undefined): boolean {
  return job !== null && job !== undefined && job.state !== 'running';
}

/** The freshest view of an import's job: the event stream's copy unless a poll already saw it finish. */
export function currentJob(entry: ImportEntry, live: Record<string, Job>): Job | null {
  const streamed = entry.job ? live[entry.job.id] : undefined;
  if (!streamed) return entry.job;
  if (isFinished(entry.job) && !isFinished(streamed)) return entry.job;
  return streamed;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const useImports = create<ImportsState>((set, get) => {
  const patch = (key: string, change: Partial<ImportEntry>) =>
    set((s) => ({ entries: s.entries.map((e) => (e.key === key ? { ...e, ...change } : e)) }));

  const add = (fileName: string): string => {
    const key = `import-${nextKey++}`;
    set((s) => ({ entries: [{ key, fileName, uploaded: null, job: null, error: null }, ...s.entries] }));
    return key;
  };

  /** The event stream normally delivers progress; polling covers a stream that is reconnecting. */
  const follow = async (client: ApiClient, key: string, job: Job) => {
    patch(key, { job });
    let seen = job;
    while (!isFinished(seen)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!get().entries.some((e) => e.key === key)) return;
      if (isFinished(useApp.getState().jobs[job.id])) break;
      try {
        seen = await client.call('job', { params: { id: job.id } });
        patch(key, { job: seen });
      } catch {
        // A failed poll is retried; the stream may still bring the result.
      }
    }
    void useApp.getState().refreshModels();
  };

  return {
    entries: [],

    upload(client, file) {
      const key = add(file.name);
      if (!file.name.toLowerCase().endsWith('.onnx')) {
        patch(key, { error: `${file.name} is not an .onnx file; Slipway imports ONNX models (.onnx).` });
        return;
      }
      patch(key, { uploaded: 0 });
      client
        .upload(file, (fraction) => patch(key, { uploaded: fraction }))
        .then(
          (job) => {
            patch(key, { uploaded: 1 });
            return follow(client, key, job);
          },
          (error: unknown) => patch(key, { error: message(error) }),
        );
    },

    importPath(client, path) {
      const key = add(path.split(/[\\/]/).pop() ?? path);
      client.call('pathImport', { body: { path } }).then(
        (job) => follow(client, key, job),
        (error: unknown) => patch(key, { error: message(error) }),
      );
    },

    async cancel(client, jobId) {
      const job = await client.call('cancelJob', { params: { id: jobId } });
      set((s) => ({ entries: s.entries.map((e) => (e.job?.id === jobId && !isFinished(e.job) ? { ...e, job } : e)) }));
    },

    dismiss(key) {
      set((s) => ({ entries: s.entries.filter((e) => e.key !== key) }));
    },

    dismissFinished() {
      const live = useApp.getState().jobs;
      set((s) => ({ entries: s.entries.filter((e) => !(e.error || isFinished(currentJob(e, live)))) }));
    },
  };
});
