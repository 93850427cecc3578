// A uPlot chart over a numeric x axis (seconds of a run or of a shape, offered rate, percentile) for the Load
// test screen. The Serve screen's TimeChart is a sliding wall-clock window of at least a minute, which would
// squeeze a few-second run or a schedule preview into a sliver; this follows its conventions otherwise (built
// once, fed with setData, theme colours read at draw time, legend written from uPlot's hooks).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { ChartSeries } from '../serve/TimeChart';

export interface RunChartSeries extends ChartSeries {
  /** Plot against the right-hand axis (a second unit, e.g. concurrency beside req/s). */
  right?: boolean;
  dash?: boolean;
  /** Steps instead of lines (binned values such as a schedule preview). */
  stepped?: boolean;
}

export interface RunChartProps {
  title: string;
  /** Left Y axis label with its unit. */
  unit: string;
  rightUnit?: string;
  series: readonly RunChartSeries[];
  /** [x, ...one column per series]. */
  data: uPlot.AlignedData;
  format(value: number): string;
  axisFormat?(value: number): string;
  rightFormat?(value: number): string;
  /** Right axis tick text (its unit is in the axis label). */
  rightAxisFormat?(value: number): string;
  xLabel: string;
  xFormat(value: number): string;
  /** Whole-number x ticks (seconds of a run, rates). */
  xInteger?: boolean;
  /** The x axis spans at least this far (e.g. a live run's planned length, so the chart fills as it goes). */
  xMin?: number;
  xMax?: number;
  /** Tick positions for the x axis (e.g. the spectrum's 0 %, 90 %, 99 % …); uPlot's own when absent. */
  xSplits?: (min: number, max: number) => number[];
  minTop?: number;
  integer?: boolean;
  testId: string;
  height?: number;
  /** Charts sharing a key move their cursors together. */
  syncKey?: string;
  /** Text for screen readers about what the chart shows. */
  description: string;
}

const INTEGER_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

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

export function RunChart(props: RunChartProps) {
  const { data } = props;
  const root = useRef<HTMLDivElement>(null);
  const plotHost = useRef<HTMLDivElement>(null);
  const feedRef = useRef<((next: uPlot.AlignedData) => void) | null>(null);
  const legendValues = useRef<(HTMLElement | null)[]>([]);
  // Formatters may close over props that change; the chart reads them through refs.
  const fmt = useRef(props);
  fmt.current = props;
  const height = props.height ?? 180;

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
    const writeLegend = (u: uPlot) => {
      const cursorIdx = u.cursor.idx;
      for (let s = 1; s < u.series.length; s++) {
        const el = legendValues.current[s - 1];
        if (!el) continue;
        const column = u.data[s] ?? [];
        const idx = cursorIdx ?? lastIndexWithValue(column);
        const value = idx == null ? null : column[idx];
        const spec = fmt.current.series[s - 1];
        const format = spec?.right ? (fmt.current.rightFormat ?? fmt.current.format) : fmt.current.format;
        el.textContent = value == null ? '–' : format(value);
      }
    };
    const minTop = props.minTop ?? 1;
    const hasRight = props.series.some((s) => s.right);
    const axisStyle = {
      stroke: color('--muted'),
      grid: { stroke: color('--border'), width: 1 },
      ticks: { stroke: color('--border'), width: 1 },
    };
    const stepped = uPlot.paths.stepped?.({ align: 1 });

    const options: uPlot.Options = {
      width: Math.max(200, host.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, ...(props.syncKey ? { sync: { key: props.syncKey } } : {}) },
      scales: {
        x: {
          time: false,
          range: (u, min, max) => {
            // From the data itself: uPlot pads a single point's range widely before asking.
            const xs = u.data[0] ?? [];
            const first = xs.length > 0 ? xs[0]! : min;
            const last = xs.length > 0 ? xs[xs.length - 1]! : max;
            const lo = Math.min(fmt.current.xMin ?? first, first);
            const hi = Math.max(fmt.current.xMax ?? last, last);
            // One point (a run's first second) still gets an axis with room on either side.
            return hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5];
          },
        },
        y: { range: (_u, _min, max) => [0, Number.isFinite(max) ? Math.max(max * 1.1, minTop) : minTop] },
        ...(hasRight
          ? { y2: { range: (_u, _min, max) => [0, Number.isFinite(max) ? Math.max(max * 1.1, 1) : 1] } }
          : {}),
      },
      axes: [
        {
          ...axisStyle,
          label: props.xLabel,
          labelSize: 14,
          labelGap: 0,
          size: 28,
          space: 60,
          values: (_u, splits) => splits.map((v) => fmt.current.xFormat(v)),
          ...(props.xInteger ? { incrs: INTEGER_INCRS } : {}),
          ...(props.xSplits
            ? { splits: (u: uPlot) => props.xSplits!(u.scales.x!.min ?? 0, u.scales.x!.max ?? 1) }
            : {}),
        },
        {
          ...axisStyle,
          label: props.unit,
          size: 60,
          ...(props.integer ? { incrs: INTEGER_INCRS } : {}),
          values: (_u, splits) => splits.map((v) => (fmt.current.axisFormat ?? fmt.current.format)(v)),
        },
        ...(hasRight
          ? [
              {
                ...axisStyle,
                scale: 'y2',
                side: 1,
                label: props.rightUnit ?? '',
                size: 56,
                grid: { show: false },
                incrs: INTEGER_INCRS,
                values: (_u: uPlot, splits: number[]) =>
                  splits.map((v) => (fmt.current.rightAxisFormat ?? ((x: number) => String(Math.round(x))))(v)),
              },
            ]
          : []),
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: color(s.colorVar),
          width: 2,
          spanGaps: false,
          ...(s.right ? { scale: 'y2' } : {}),
          ...(s.dash ? { dash: [6, 4] } : {}),
          ...(s.stepped && stepped ? { paths: stepped } : {}),
        })),
      ],
      hooks: {
        setLegend: [writeLegend],
        setData: [writeLegend],
        draw: [() => root.current?.setAttribute('data-updates', String(Number(root.current.dataset.updates ?? 0) + 1))],
      },
    };
    const u = new uPlot(options, data, host);
    feedRef.current = (next) => u.setData(next);
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
    // Built once per series set; data arrives through setData below.
  }, [props.series.map((s) => s.label).join('|')]);

  useEffect(() => feedRef.current?.(data), [data]);

  return (
    <figure className="chart" ref={root} data-testid={props.testId}>
      <figcaption>
        <span className="chart-title">{props.title}</span>
        <span className="chart-legend">
          {props.series.map((s, i) => (
            <span key={s.label} className="chart-legend-item">
              <span
                className={`swatch${s.dash ? ' dashed' : ''}`}
                style={s.dash ? { color: `var(${s.colorVar})` } : { background: `var(${s.colorVar})` }}
                aria-hidden="true"
              />
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
      <div className="chart-plot" ref={plotHost} role="img" aria-label={`${props.title}: ${props.description}`} />
    </figure>
  );
}
