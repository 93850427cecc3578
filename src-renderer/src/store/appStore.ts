// The renderer's state (zustand): engine, library, endpoint, jobs, settings and the live streams, kept fresh
// from the control API and its event stream. Pages read slices of it; they never fetch on their own behalf
// except for data only they show.
import { create } from 'zustand';
import type {
  AppSettings,
  EngineInfo,
  EventName,
  EventPayload,
  Job,
  LogLine,
  MetricsTick,
  ModelSummary,
  RequestLogEntry,
  ServingStatus,
} from '../../../src-shared/contract';
import type { ApiClient } from '../api/client';
import { openEventStream, type ConnectionState } from '../api/events';

/** Five minutes of one-second ticks. */
const METRIC_TICKS_KEPT = 300;
const REQUESTS_KEPT = 500;
const LOG_LINES_KEPT = 200;

export interface AppState {
  client: ApiClient | null;
  connection: ConnectionState;
  /** The engine process the UI talks to (pid:startedAt); a new one after a restart. */
  engineId: string | null;
  engineRestarted: boolean;
  engine: EngineInfo | null;
  models: ModelSummary[] | null;
  modelsError: string | null;
  serving: ServingStatus | null;
  jobs: Record<string, Job>;
  settings: AppSettings | null;
  metrics: MetricsTick[];
  requests: RequestLogEntry[];
  logs: LogLine[];
  connect(client: ApiClient): () => void;
  refreshModels(): Promise<void>;
  refreshEngine(): Promise<void>;
  refreshServing(): Promise<void>;
  refreshSettings(): Promise<void>;
  /** Jobs the engine knows (e.g. an import still running when the page was reloaded). */
  refreshJobs(): Promise<void>;
  saveSettings(patch: Partial<AppSettings>): Promise<void>;
  dismissRestart(): void;
}

export const useApp = create<AppState>((set, get) => {
  const onEvent = <E extends EventName>(name: E, payload: EventPayload<E>) => {
    switch (name) {
      case 'hello': {
        const hello = payload as EventPayload<'hello'>;
        const id = `${hello.pid}:${hello.startedAt}`;
        const previous = get().engineId;
        set({ engineId: id, engineRestarted: previous !== null && previous !== id });
        // After a (re)connect, what the UI holds may be stale.
        void get().refreshEngine();
        void get().refreshModels();
        void get().refreshServing();
        void get().refreshJobs();
        return;
      }
      case 'metrics':
        set((s) => ({ metrics: [...s.metrics.slice(-(METRIC_TICKS_KEPT - 1)), payload as MetricsTick] }));
        return;
      case 'requests':
        set((s) => ({ requests: [...s.requests, ...(payload as RequestLogEntry[])].slice(-REQUESTS_KEPT) }));
        return;
      case 'job': {
        const job = payload as Job;
        set((s) => ({ jobs: { ...s.jobs, [job.id]: job } }));
        return;
      }
      case 'serving':
        set({ serving: payload as ServingStatus });
        return;
      case 'library':
        void get().refreshModels();
        return;
      case 'log':
        set((s) => ({ logs: [...s.logs.slice(-(LOG_LINES_KEPT - 1)), payload as LogLine] }));
        return;
    }
  };

  return {
    client: null,
    connection: 'connecting',
    engineId: null,
    engineRestarted: false,
    engine: null,
    models: null,
    modelsError: null,
    serving: null,
    jobs: {},
    settings: null,
    metrics: [],
    requests: [],
    logs: [],

    connect(client) {
      set({ client });
      void get().refreshSettings();
      return openEventStream(client.eventsUrl(), { state: (connection) => set({ connection }), event: onEvent });
    },

    async refreshModels() {
      const client = get().client;
      if (!client) return;
      try {
        set({ models: await client.call('models'), modelsError: null });
      } catch (error) {
        set({ modelsError: error instanceof Error ? error.message : String(error) });
      }
    },

    async refreshEngine() {
      const client = get().client;
      if (client) set({ engine: await client.call('engine') });
    },

    async refreshServing() {
      const client = get().client;
      if (client) set({ serving: await client.call('serving') });
    },

    async refreshJobs() {
      const client = get().client;
      if (!client) return;
      const jobs = await client.call('jobs');
      set((s) => ({ jobs: { ...s.jobs, ...Object.fromEntries(jobs.map((j) => [j.id, j])) } }));
    },

    async refreshSettings() {
      const client = get().client;
      if (client) set({ settings: await client.call('settings') });
    },

    async saveSettings(patch) {
      const client = get().client;
      if (client) set({ settings: await client.call('updateSettings', { body: patch }) });
    },

    dismissRestart() {
      set({ engineRestarted: false });
    },
  };
});
