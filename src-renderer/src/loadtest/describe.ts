// Words and numbers for load tests: a shape or a target in one line, rates, latencies, shares and durations with
// their units, and the run's series turned into chart columns.
import type {
  LoadInterval,
  LoadRun,
  LoadTestConfig,
  Percentiles,
  Segment,
  StatusCounts,
} from '../../../src-shared/contract';
import { formatBytes, formatCount, formatDuration } from '../../../src-shared/units';

const n = (v: number) => (Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100));

/** Seconds as "45 s", "2 min 30 s", "1 h 5 min". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${n(Math.round(seconds * 10) / 10)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

export const formatRate = (v: number | null | undefined): string =>
  v == null || !Number.isFinite(v)
    ? '–'
    : `${v >= 100 ? formatCount(Math.round(v)) : n(Math.round(v * 10) / 10)} req/s`;

export const formatMs = (v: number | null | undefined): string => (v == null ? '–' : formatDuration(v));

export const formatShare = (v: number): string => `${v === 0 ? '0' : v < 0.001 ? '<0.1' : n(v * 100)}%`;

export const formatRequests = (v: number): string => `${formatCount(Math.round(v))}`;

export const formatMemory = (bytes: number): string => formatBytes(bytes);

function segmentSummary(s: Segment): string {
  switch (s.kind) {
    case 'constant':
      return `constant ${n(s.rate)}/s for ${formatSeconds(s.duration)}`;
    case 'poisson':
      return `Poisson ${n(s.rate)}/s for ${formatSeconds(s.duration)}`;
    case 'ramp':
      return `ramp ${n(s.from)}→${n(s.to)}/s over ${formatSeconds(s.duration)}`;
    case 'steps':
      return `${s.count} steps ${n(s.from)}→${n(s.from + (s.count - 1) * s.step)}/s`;
    case 'spike':
      return `spike ${n(s.base)}→${n(s.peak)}/s`;
    case 'sine':
      return `sine ${n(s.mean)}±${n(s.amplitude)}/s`;
    case 'bursts':
      return `bursts ${n(s.rate)}/s ${n(s.on)} s on, ${n(s.off)} s off`;
    case 'trace':
      return `trace of ${formatCount(s.times.length)}${s.loops > 1 ? ` ×${s.loops}` : ''}`;
    case 'concurrency':
      return `closed loop ${s.levels.map((l) => l.concurrency).join('→')} clients`;
  }
}

/** "ramp 10→100/s over 10 s → spike 20→200/s", or the capacity search's budget. */
export function shapeSummary(config: LoadTestConfig): string {
  if (config.capacity) return `capacity search, p99 ≤ ${formatMs(config.capacity.budgetMs)}`;
  if (!config.shape) return '–';
  const parts = config.shape.segments.map(segmentSummary);
  return parts.length > 3 ? `${parts.slice(0, 3).join(' → ')} → … (${parts.length} segments)` : parts.join(' → ');
}

export const TARGET_KIND_TEXT: Record<LoadTestConfig['target']['kind'], string> = {
  endpoint: 'local endpoint',
  runtime: 'in-process runtime',
  url: 'V2 URL',
};

/** The kind of target, unless the engine's label already says it. */
export function targetKindNote(run: LoadRun): string | null {
  const kind = TARGET_KIND_TEXT[run.config.target.kind];
  return run.targetLabel.includes(kind) ? null : kind;
}

export function targetSummary(run: LoadRun): string {
  const note = targetKindNote(run);
  return note ? `${run.targetLabel} · ${note}` : run.targetLabel;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** Outcomes that are not answers: everything but ok and degraded (a fallback answered). */
export function errorCount(statuses: StatusCounts): number {
  let errors = 0;
  for (const [key, count] of Object.entries(statuses)) if (key !== 'ok' && key !== 'degraded') errors += count;
  return errors;
}

export function totalCount(statuses: StatusCounts): number {
  return Object.values(statuses).reduce((a, b) => a + b, 0);
}

export const STATUS_TEXT: Record<string, string> = {
  ok: 'OK',
  degraded: 'degraded (fallback answered)',
  shed: 'shed (429/503)',
  timeout: 'timed out',
  connection: 'connection errors',
};

export const statusText = (key: string): string =>
  STATUS_TEXT[key] ?? (key.startsWith('http:') ? `HTTP ${key.slice(5)}` : key);

// ---------------------------------------------------------------------------------------------------------
// Chart columns

type Column = (number | null)[];

export interface IntervalColumns {
  t: number[];
  offered: number[];
  achieved: number[];
  errors: number[];
  corrected: Record<'p50' | 'p90' | 'p99' | 'p999' | 'max', Column>;
  uncorrected: Record<'p50' | 'p90' | 'p99' | 'p999' | 'max', Column>;
  sendLagP99: Column;
  /** One column per outcome other than ok seen in the run. */
  statuses: { key: string; values: number[] }[];
  server: { queueMs: Column; computeMs: Column } | null;
  engine: { cpuPercent: Column; rssMb: Column } | null;
}

const pick = (p: Percentiles, key: 'p50' | 'p90' | 'p99' | 'p999' | 'max'): number | null => p[key];

export function intervalColumns(intervals: readonly LoadInterval[]): IntervalColumns {
  const sorted = [...intervals].sort((a, b) => a.second - b.second);
  const keys = ['p50', 'p90', 'p99', 'p999', 'max'] as const;
  const statusKeys = [...new Set(sorted.flatMap((i) => Object.keys(i.statuses)))].filter((k) => k !== 'ok').sort();
  const hasServer = sorted.some((i) => i.server && (i.server.queueMs !== null || i.server.computeMs !== null));
  const hasEngine = sorted.some((i) => i.engine);
  return {
    t: sorted.map((i) => i.second),
    offered: sorted.map((i) => i.offered),
    achieved: sorted.map((i) => i.completed),
    errors: sorted.map((i) => errorCount(i.statuses)),
    corrected: Object.fromEntries(keys.map((k) => [k, sorted.map((i) => pick(i.corrected, k))])) as Record<
      (typeof keys)[number],
      Column
    >,
    uncorrected: Object.fromEntries(keys.map((k) => [k, sorted.map((i) => pick(i.uncorrected, k))])) as Record<
      (typeof keys)[number],
      Column
    >,
    sendLagP99: sorted.map((i) => i.sendLag.p99),
    statuses: statusKeys.map((key) => ({ key, values: sorted.map((i) => i.statuses[key] ?? 0) })),
    server: hasServer
      ? {
          queueMs: sorted.map((i) => i.server?.queueMs ?? null),
          computeMs: sorted.map((i) => i.server?.computeMs ?? null),
        }
      : null,
    engine: hasEngine
      ? {
          cpuPercent: sorted.map((i) => i.engine?.cpuPercent ?? null),
          rssMb: sorted.map((i) => (i.engine ? i.engine.rssBytes / 1e6 : null)),
        }
      : null,
  };
}

/** Percentile p (0..100) on the spectrum's x axis: 0, 90, 99, 99.9 … evenly spaced, as HdrHistogram plots it. */
export const spectrumX = (percentile: number): number => -Math.log10(Math.max(1e-6, 1 - percentile / 100));
export const spectrumLabel = (x: number): string => {
  const p = 100 * (1 - 10 ** -x);
  return `${Math.round(p * 1000) / 1000}%`;
};
