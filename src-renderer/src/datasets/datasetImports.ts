// Dataset imports started from this window (upload in web mode, a path from the desktop's open dialog): each
// one's upload progress, then its job, and the fit problems when the file does not fit the chosen model. Kept
// outside the screen so that leaving it and coming back still shows imports in flight.
import { create } from 'zustand';
import type { DatasetImportOptions, Job } from '../../../src-shared/contract';
import type { ApiClient } from '../api/client';
import { isFinished } from '../models/importsStore';
import { useApp } from '../store/appStore';

export interface DatasetImportEntry {
  key: string;
  fileName: string;
  /** Upload progress 0..1 (null when the file is read in place, from a path). */
  uploaded: number | null;
  /** The job as last seen from the upload reply or a poll; the live event stream may be newer. */
  job: Job | null;
  /** Why the import could not start (upload refused, engine unreachable, a bad option). */
  error: string | null;
  /** Stops the upload before its job exists. */
  abort: AbortController | null;
}

/** Options as the form holds them: the CLI's flags, one field each. */
export type ImportOptions = Pick<DatasetImportOptions, 'name' | 'model' | 'map' | 'ignore' | 'label' | 'skipBad'>;

interface DatasetImportsState {
  entries: DatasetImportEntry[];
  upload(client: ApiClient, file: File, options: ImportOptions): void;
  importPath(client: ApiClient, path: string, options: ImportOptions): void;
  cancel(client: ApiClient, key: string): Promise<void>;
  dismiss(key: string): void;
}

const POLL_MS = 1000;
const FILE_TYPES = /\.(jsonl|ndjson|csv)$/i;
let nextKey = 1;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The upload's query string: the same options the path import takes in its body. */
export function importQuery(options: ImportOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.name) query.set('name', options.name);
  if (options.model) query.set('model', options.model);
  // The library reads the label name 'none' as "no label" (a query string has no null).
  if (options.label !== undefined) query.set('label', options.label ?? 'none');
  for (const rule of options.map ?? []) query.append('map', rule);
  for (const glob of options.ignore ?? []) query.append('ignore', glob);
  if (options.skipBad) query.set('skipBad', 'true');
  return query;
}

export const useDatasetImports = create<DatasetImportsState>((set, get) => {
  const patch = (key: string, change: Partial<DatasetImportEntry>) =>
    set((s) => ({ entries: s.entries.map((e) => (e.key === key ? { ...e, ...change } : e)) }));

  const add = (fileName: string): string => {
    const key = `dataset-import-${nextKey++}`;
    const entry: DatasetImportEntry = { key, fileName, uploaded: null, job: null, error: null, abort: null };
    set((s) => ({ entries: [entry, ...s.entries] }));
    return key;
  };

  /** The event stream normally delivers progress; polling covers a stream that is reconnecting. */
  const follow = async (client: ApiClient, key: string, job: Job) => {
    patch(key, { job, abort: null });
    let seen = job;
    while (!isFinished(seen)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!get().entries.some((e) => e.key === key)) return;
      const streamed = useApp.getState().jobs[job.id];
      if (isFinished(streamed)) break;
      try {
        seen = await client.call('job', { params: { id: job.id } });
        patch(key, { job: seen });
      } catch {
        // A failed poll is retried; the stream may still bring the result.
      }
    }
    void useApp.getState().refreshDatasets();
  };

  return {
    entries: [],

    upload(client, file, options) {
      const key = add(file.name);
      if (!FILE_TYPES.test(file.name)) {
        patch(key, { error: `${file.name} is not a .jsonl or .csv file; datasets are JSON Lines or CSV.` });
        return;
      }
      const abort = new AbortController();
      patch(key, { uploaded: 0, abort });
      client
        .uploadDataset(file, importQuery(options), (fraction) => patch(key, { uploaded: fraction }), abort.signal)
        .then(
          (job) => {
            patch(key, { uploaded: 1 });
            return follow(client, key, job);
          },
          (error: unknown) => patch(key, { error: message(error), abort: null }),
        );
    },

    importPath(client, path, options) {
      const key = add(path.split(/[\\/]/).pop() ?? path);
      client.call('pathDataset', { body: { path, ...options } }).then(
        (job) => follow(client, key, job),
        (error: unknown) => patch(key, { error: message(error) }),
      );
    },

    async cancel(client, key) {
      const entry = get().entries.find((e) => e.key === key);
      if (!entry) return;
      if (!entry.job) {
        entry.abort?.abort();
        return;
      }
      const job = await client.call('cancelJob', { params: { id: entry.job.id } });
      patch(key, { job });
    },

    dismiss(key) {
      set((s) => ({ entries: s.entries.filter((e) => e.key !== key) }));
    },
  };
});
