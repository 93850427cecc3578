// The renderer's state (zustand): engine, library, endpoint, jobs, settings and the live streams, kept fresh
// from the control API and its event stream. Pages read slices of it; they never fetch on their own behalf
// except for data only they show.
import { create } from 'zustand';
import type {
  AppSettings,
  ComparisonSummary,
  DatasetSummary,
  EngineInfo,
  EventName,
  EventPayload,
  Job,
  LoadRun,
  LoadTick,
  LiveDriftAlert,
  LiveDriftFeed,
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
/** Live ticks kept per running load test: the last hour (stored runs are charted from their detail). */
const LOAD_TICKS_KEPT = 3600;
/** Live-drift feeds kept (one per change of verdict: hours of history at the default 30 s evaluation). */
const LIVE_DRIFT_FEEDS_KEPT = 600;
const DRIFT_ALERTS_KEPT = 50;

const byNewest = (a: { createdAt: string }, b: { createdAt: string }) => b.createdAt.localeCompare(a.createdAt);

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
  /** Stored load-test runs, newest first (null until first read). */
  loadRuns: LoadRun[] | null;
  loadRunsError: string | null;
  /** Live ticks of runs still going, by run id. */
  loadTicks: Record<string, LoadTick[]>;
  /** Stored datasets, newest first (null until first read). */
  datasets: DatasetSummary[] | null;
  datasetsError: string | null;
  /** Stored comparisons, newest first, kept fresh (state and progress) from `comparison` events. */
  comparisons: ComparisonSummary[] | null;
  comparisonsError: string | null;
  /** The endpoint's live-drift feed as it changed, oldest first (the last is the current one). */
  liveDrift: LiveDriftFeed[];
  /** Live-drift alerts (drift started or ended), newest last. */
  driftAlerts: LiveDriftAlert[];
  /** Bumped on every `rollout` or `rolloutdecision` event: the Rollouts screen reads its model's state again. */
  rolloutChanges: number;
  refreshLiveDrift(): Promise<void>;
  putLiveDrift(feed: LiveDriftFeed): void;
  connect(client: ApiClient): () => void;
  refreshModels(): Promise<void>;
  refreshEngine(): Promise<void>;
  refreshServing(): Promise<void>;
  refreshSettings(): Promise<void>;
  /** Jobs the engine knows (e.g. an import still running when the page was reloaded). */
  refreshJobs(): Promise<void>;
  saveSettings(patch: Partial<AppSettings>): Promise<void>;
  refreshLoadRuns(): Promise<void>;
  /** A run the UI learned of from a call (start, cancel) before its event arrived. */
  putLoadRun(run: LoadRun): void;
  dropLoadRun(id: string): void;
  refreshDatasets(): Promise<void>;
  refreshComparisons(): Promise<void>;
  /** A comparison the UI learned of from a call (start, cancel) before its event arrived. */
  putComparison(comparison: ComparisonSummary): void;
  dropComparison(id: string): void;
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
        void get().refreshLoadRuns();
        void get().refreshDatasets();
        void get().refreshComparisons();
        void get().refreshLiveDrift();
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
      case 'loadtick': {
        const tick = payload as LoadTick;
        set((s) => {
          const ticks = s.loadTicks[tick.runId] ?? [];
          // A second is re-sent when late answers complete it: the newer figures replace the older.
          const kept = ticks.filter((t) => t.interval.second !== tick.interval.second).slice(-(LOAD_TICKS_KEPT - 1));
          return { loadTicks: { ...s.loadTicks, [tick.runId]: [...kept, tick] } };
        });
        return;
      }
      case 'loadrun':
        get().putLoadRun(payload as LoadRun);
        return;
      case 'comparison':
        get().putComparison(payload as ComparisonSummary);
        return;
      case 'datasets':
        void get().refreshDatasets();
        return;
      case 'livedrift':
        get().putLiveDrift(payload as LiveDriftFeed);
        return;
      case 'driftalert':
        set((s) => ({ driftAlerts: [...s.driftAlerts.slice(-(DRIFT_ALERTS_KEPT - 1)), payload as LiveDriftAlert] }));
        return;
      case 'rollout':
      case 'rolloutdecision':
        set((s) => ({ rolloutChanges: s.rolloutChanges + 1 }));
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
    rolloutChanges: 0,
    jobs: {},
    settings: null,
    metrics: [],
    requests: [],
    logs: [],
    loadRuns: null,
    loadRunsError: null,
    loadTicks: {},
    datasets: null,
    datasetsError: null,
    comparisons: null,
    comparisonsError: null,
    liveDrift: [],
    driftAlerts: [],

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

    async refreshLoadRuns() {
      const client = get().client;
      if (!client) return;
      try {
        set({ loadRuns: (await client.call('loadTests')).sort(byNewest), loadRunsError: null });
      } catch (error) {
        set({ loadRunsError: error instanceof Error ? error.message : String(error) });
      }
    },

    putLoadRun(run) {
      set((s) => {
        const others = (s.loadRuns ?? []).filter((r) => r.id !== run.id);
        const loadTicks = { ...s.loadTicks };
        // A finished run is charted from its stored detail; its live ticks are no longer needed.
        if (run.state !== 'running') delete loadTicks[run.id];
        return { loadRuns: [run, ...others].sort(byNewest), loadTicks };
      });
    },

    dropLoadRun(id) {
      set((s) => ({ loadRuns: (s.loadRuns ?? []).filter((r) => r.id !== id) }));
    },

    async refreshDatasets() {
      const client = get().client;
      if (!client) return;
      try {
        set({ datasets: (await client.call('datasets')).sort(byNewest), datasetsError: null });
      } catch (error) {
        set({ datasetsError: error instanceof Error ? error.message : String(error) });
      }
    },

    async refreshComparisons() {
      const client = get().client;
      if (!client) return;
      try {
        set({ comparisons: (await client.call('comparisons')).sort(byNewest), comparisonsError: null });
      } catch (error) {
        set({ comparisonsError: error instanceof Error ? error.message : String(error) });
      }
    },

    putComparison(comparison) {
      set((s) => {
        const others = (s.comparisons ?? []).filter((c) => c.id !== comparison.id);
        return { comparisons: [comparison, ...others].sort(byNewest) };
      });
    },

    dropComparison(id) {
      set((s) => ({ comparisons: (s.comparisons ?? []).filter((c) => c.id !== id) }));
    },

    async refreshLiveDrift() {
      const client = get().client;
      if (client) get().putLiveDrift(await client.call('liveDrift'));
    },

    putLiveDrift(feed) {
      set((s) => ({ liveDrift: [...s.liveDrift.slice(-(LIVE_DRIFT_FEEDS_KEPT - 1)), feed] }));
    },

    dismissRestart() {
      set({ engineRestarted: false });
    },
  };
});
