// The charts of one run over its seconds, used live (from ticks) and in the report (from the stored detail):
// offered vs achieved rate, corrected and uncorrected latency, errors, and — when the run has them — errors by
// status, the server's queue vs compute time, and the engine's CPU and memory.
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { LoadInterval } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { formatMs, formatRate, formatSeconds, intervalColumns, statusText, type IntervalColumns } from './describe';
import { RunChart, type RunChartSeries } from './RunChart';

export const CHART_COLORS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'];

const RATE: RunChartSeries[] = [
  { label: 'offered', colorVar: '--chart-1', dash: true },
  { label: 'achieved', colorVar: '--chart-2' },
];
const LIVE_LATENCY: RunChartSeries[] = [
  { label: 'p50', colorVar: '--chart-1' },
  { label: 'p99', colorVar: '--chart-3' },
  { label: 'p99 uncorr.', colorVar: '--chart-4', dash: true },
];
const REPORT_LATENCY: RunChartSeries[] = [
  { label: 'p50', colorVar: '--chart-1' },
  { label: 'p99', colorVar: '--chart-3' },
  { label: 'p99.9', colorVar: '--chart-2' },
  { label: 'p50 uncorr.', colorVar: '--chart-5', dash: true },
  { label: 'p99 uncorr.', colorVar: '--chart-4', dash: true },
];
const ERRORS: RunChartSeries[] = [{ label: 'errors', colorVar: '--chart-3' }];
const SERVER: RunChartSeries[] = [
  { label: 'queue', colorVar: '--chart-2' },
  { label: 'compute', colorVar: '--chart-1' },
];
const CPU: RunChartSeries[] = [{ label: 'CPU', colorVar: '--chart-1' }];
const RSS: RunChartSeries[] = [{ label: 'RSS', colorVar: '--chart-4' }];

export const msAxis = (v: number) => String(Math.round(v * 1000) / 1000);
export const rateAxis = (v: number) => formatCount(Math.round(v * 10) / 10);
export const secondsAxis = (v: number) => formatSeconds(v);
const countText = (v: number) => `${formatCount(Math.round(v))}/s`;
const countAxis = (v: number) => formatCount(Math.round(v));

const col = (c: IntervalColumns, ...columns: (number | null)[][]): uPlot.AlignedData =>
  [c.t, ...columns] as uPlot.AlignedData;

const common = {
  xLabel: 'seconds into the run',
  xFormat: secondsAxis,
  xInteger: true,
  syncKey: 'loadtest-run',
  height: 170,
};

/** Live: rate, corrected p50/p99 with uncorrected p99, and errors; the x axis spans the planned length. */
export function LiveCharts({ intervals, seconds }: { intervals: readonly LoadInterval[]; seconds: number | null }) {
  const live = {
    ...common,
    xMin: 0,
    xMax: seconds ? Math.max(1, Math.ceil(seconds) - 1) : Math.max(10, (intervals.at(-1)?.second ?? 0) + 1),
  };
  const c = useMemo(() => intervalColumns(intervals), [intervals]);
  const data = useMemo(
    () => ({
      rate: col(c, c.offered, c.achieved),
      latency: col(c, c.corrected.p50, c.corrected.p99, c.uncorrected.p99),
      errors: col(c, c.errors),
    }),
    [c],
  );
  return (
    <div className="grid-2 charts">
      <RunChart
        {...live}
        title="Requests per second"
        unit="req/s"
        series={RATE}
        data={data.rate}
        format={formatRate}
        axisFormat={rateAxis}
        testId="live-chart-rate"
        description="offered and achieved requests per second"
      />
      <RunChart
        {...live}
        title="Latency: corrected (solid), uncorrected (dashed)"
        unit="ms"
        series={LIVE_LATENCY}
        data={data.latency}
        format={formatMs}
        axisFormat={msAxis}
        testId="live-chart-latency"
        description="corrected p50 and p99 with uncorrected p99, per second"
      />
      <RunChart
        {...live}
        title="Errors"
        unit="errors/s"
        series={ERRORS}
        data={data.errors}
        format={countText}
        axisFormat={countAxis}
        integer
        testId="live-chart-errors"
        description="failed requests per second"
      />
    </div>
  );
}

/** The report's charts over time. */
export function ReportCharts({ intervals }: { intervals: readonly LoadInterval[] }) {
  const c = useMemo(() => intervalColumns(intervals), [intervals]);
  const statusSeries = useMemo<RunChartSeries[]>(
    () =>
      c.statuses.length > 0
        ? c.statuses.map((s, i) => ({
            label: statusText(s.key),
            colorVar: CHART_COLORS[(i + 2) % CHART_COLORS.length]!,
          }))
        : ERRORS,
    [c],
  );
  const data = useMemo(
    () => ({
      rate: col(c, c.offered, c.achieved),
      latency: col(c, c.corrected.p50, c.corrected.p99, c.corrected.p999, c.uncorrected.p50, c.uncorrected.p99),
      statuses: c.statuses.length > 0 ? col(c, ...c.statuses.map((s) => s.values)) : col(c, c.errors),
      server: c.server ? col(c, c.server.queueMs, c.server.computeMs) : null,
      cpu: c.engine ? col(c, c.engine.cpuPercent) : null,
      rss: c.engine ? col(c, c.engine.rssMb) : null,
    }),
    [c],
  );
  return (
    <div className="grid-2 charts">
      <RunChart
        {...common}
        title="Requests per second"
        unit="req/s"
        series={RATE}
        data={data.rate}
        format={formatRate}
        axisFormat={rateAxis}
        testId="report-chart-rate"
        description="offered and achieved requests per second"
      />
      <RunChart
        {...common}
        title="Latency: corrected (solid) and uncorrected (dashed)"
        unit="ms"
        series={REPORT_LATENCY}
        data={data.latency}
        format={formatMs}
        axisFormat={msAxis}
        testId="report-chart-latency"
        description="latency percentiles per second, corrected and uncorrected"
      />
      <RunChart
        {...common}
        title="Errors by status"
        unit="requests/s"
        series={statusSeries}
        data={data.statuses}
        format={countText}
        axisFormat={countAxis}
        integer
        testId="report-chart-errors"
        description="requests per second that did not answer OK, by outcome"
      />
      {data.server && (
        <RunChart
          {...common}
          title="Server time per request"
          unit="ms"
          series={SERVER}
          data={data.server}
          format={formatMs}
          axisFormat={msAxis}
          testId="report-chart-server"
          description="mean queue and compute time per request from the endpoint's metrics"
        />
      )}
      {data.cpu && (
        <RunChart
          {...common}
          title="Engine CPU"
          unit="% of one core"
          series={CPU}
          data={data.cpu}
          format={(v) => `${Math.round(v)}%`}
          axisFormat={(v) => `${Math.round(v)}`}
          testId="report-chart-cpu"
          description="the engine process's CPU use"
        />
      )}
      {data.rss && (
        <RunChart
          {...common}
          title="Engine memory"
          unit="MB resident"
          series={RSS}
          data={data.rss}
          format={(v) => `${v.toFixed(0)} MB`}
          axisFormat={(v) => `${Math.round(v)}`}
          testId="report-chart-rss"
          description="the engine process's resident memory"
        />
      )}
    </div>
  );
}
