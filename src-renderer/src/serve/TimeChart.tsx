// One live time-series chart on uPlot: created once, fed with setData on every tick, resized with its
// container, coloured from the theme's CSS variables at draw time. Its legend shows the latest values, or the
// values under the cursor; the cost of each update is kept on the element for benches and tests
// (data-update-ms: the mean of recent ones, data-last-update-ms: the latest).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { WINDOW_SECONDS } from './trafficSeries';

export interface ChartSeries {
  label: string;
  /** CSS custom property holding the line colour, e.g. --chart-1. */
  colorVar: string;
}

export interface TimeChartProps {
  title: string;
  /** Y axis label with its unit. */
  unit: string;
  series: readonly ChartSeries[];
  /** [times (s), ...one column per series]. */
  data: uPlot.AlignedData;
  format(value: number): string;
  /** Y axis tick text (in the axis label's unit); `format` when absent. */
  axisFormat?(value: number): string;
  /** Lower bound for the top of the Y axis, so an idle chart is not scaled to noise. */
  minTop?: number;
  /** Whole-number quantities (requests, queue depth): no fractional ticks. */
  integer?: boolean;
  testId: string;
  height?: number;
}

const UPDATES_KEPT = 30;
/** The window grows from one minute to WINDOW_SECONDS as ticks arrive, so a fresh endpoint is not a sliver. */
const MIN_WINDOW_SECONDS = 60;
const INTEGER_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

function clockTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Re-reads colours and redraws when the theme changes (setting or OS preference). */
function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', onChange);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onChange);
  };
}

function lastIndexWithValue(column: ArrayLike<number | null | undefined>): number | null {
  for (let i = column.length - 1; i >= 0; i--) if (column[i] != null) return i;
  return null;
}

export function TimeChart(props: TimeChartProps) {
  const { data, format } = props;
  const root = useRef<HTMLDivElement>(null);
  const plotHost = useRef<HTMLDivElement>(null);
  const feedRef = useRef<((next: uPlot.AlignedData) => void) | null>(null);
  const legendValues = useRef<(HTMLElement | null)[]>([]);
  const formatRef = useRef(format);
  formatRef.current = format;
  const axisFormatRef = useRef(props.axisFormat ?? format);
  axisFormatRef.current = props.axisFormat ?? format;
  const minTop = props.minTop ?? 1;
  const height = props.height ?? 170;

  // The legend is plain DOM written from uPlot's hooks: no React render per cursor move or tick.
  const writeLegend = (u: uPlot) => {
    const cursorIdx = u.cursor.idx;
    for (let s = 1; s < u.series.length; s++) {
      const el = legendValues.current[s - 1];
      if (!el) continue;
      const column = u.data[s] ?? [];
      const idx = cursorIdx ?? lastIndexWithValue(column);
      const value = idx == null ? null : column[idx];
      el.textContent = value == null ? '–' : formatRef.current(value);
    }
  };

  useEffect(() => {
    const host = plotHost.current;
    if (!host) return;
    const colors = new Map<string, string>();
    const refreshColors = () => {
      for (const name of ['--muted', '--border', '--text', ...props.series.map((s) => s.colorVar)])
        colors.set(name, cssVar(name));
    };
    refreshColors();
    const color = (name: string) => () => colors.get(name) ?? '#888';
    let pendingSince: number | null = null;
    const costs: number[] = [];

    const options: uPlot.Options = {
      width: Math.max(200, host.clientWidth),
      height,
      legend: { show: false },
      cursor: { sync: { key: 'serve-traffic' }, drag: { x: false, y: false } },
      scales: {
        x: {
          time: true,
          // A sliding window ending at the newest tick: at least a minute, at most five.
          range: (_u, min, max) => {
            const hi = Number.isFinite(max) ? max : Date.now() / 1000;
            const lo = Number.isFinite(min) ? min : hi;
            const span = Math.min(WINDOW_SECONDS, Math.max(MIN_WINDOW_SECONDS, hi - lo));
            return [hi - span, hi];
          },
        },
        y: {
          range: (_u, _min, max) => [0, Number.isFinite(max) ? Math.max(max * 1.1, minTop) : minTop],
        },
      },
      axes: [
        {
          label: 'local time',
          labelSize: 14,
          labelGap: 0,
          size: 28,
          stroke: color('--muted'),
          grid: { stroke: color('--border'), width: 1 },
          ticks: { stroke: color('--border'), width: 1 },
          values: (_u, splits) => splits.map(clockTime),
          space: 70,
        },
        {
          label: props.unit,
          stroke: color('--muted'),
          grid: { stroke: color('--border'), width: 1 },
          ticks: { stroke: color('--border'), width: 1 },
          size: 56,
          ...(props.integer ? { incrs: INTEGER_INCRS } : {}),
          values: (_u, splits) => splits.map((v) => axisFormatRef.current(v)),
        },
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: color(s.colorVar),
          width: 2,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : formatRef.current(v)),
        })),
      ],
      hooks: {
        setLegend: [writeLegend],
        setData: [writeLegend],
        draw: [
          () => {
            if (pendingSince === null) return;
            const cost = performance.now() - pendingSince;
            costs.push(cost);
            if (costs.length > UPDATES_KEPT) costs.shift();
            pendingSince = null;
            const average = costs.reduce((a, b) => a + b, 0) / costs.length;
            root.current?.setAttribute('data-update-ms', average.toFixed(3));
            // This update alone, so a bench sampling every update can take a median and tail, not a mean of means.
            root.current?.setAttribute('data-last-update-ms', cost.toFixed(3));
            root.current?.setAttribute('data-updates', String(Number(root.current.dataset.updates ?? 0) + 1));
          },
        ],
      },
    };
    const u = new uPlot(options, data, host);
    feedRef.current = (next) => {
      pendingSince = performance.now();
      u.setData(next);
    };

    const resize = new ResizeObserver(() => {
      const width = Math.max(200, host.clientWidth);
      if (width !== u.width) u.setSize({ width, height });
    });
    resize.observe(host);
    const stopWatching = watchTheme(() => {
      refreshColors();
      u.redraw(false, true);
    });
    return () => {
      stopWatching();
      resize.disconnect();
      u.destroy();
      feedRef.current = null;
    };
    // The chart is built once (its options never change); data arrives through setData below.
  }, []);

  useEffect(() => feedRef.current?.(data), [data]);

  return (
    <figure className="chart" ref={root} data-testid={props.testId}>
      <figcaption>
        <span className="chart-title">{props.title}</span>
        <span className="chart-legend">
          {props.series.map((s, i) => (
            <span key={s.label} className="chart-legend-item">
              <span className="swatch" style={{ background: `var(${s.colorVar})` }} aria-hidden="true" />
              {s.label}{' '}
              <span
                className="chart-value"
                data-series={s.label}
                ref={(el) => {
                  legendValues.current[i] = el;
                }}
              >
                –
              </span>
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-plot" ref={plotHost} role="img" aria-label={`${props.title} over the last 5 minutes`} />
    </figure>
  );
}
