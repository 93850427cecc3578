// Live traffic over the last five minutes: requests/s, latency percentiles, error rate and queue depth, for all
// served models or one, redrawn once per metrics tick.
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { formatCount, formatDuration } from '../../../src-shared/units';
import { Empty } from '../components/States';
import { useApp } from '../store/appStore';
import { useServeUi } from './serveUiStore';
import { TimeChart } from './TimeChart';
import { trafficSeries, WINDOW_SECONDS } from './trafficSeries';

const RATE = [{ label: 'req/s', colorVar: '--chart-1' }];
const LATENCY = [
  { label: 'p50', colorVar: '--chart-1' },
  { label: 'p95', colorVar: '--chart-2' },
  { label: 'p99', colorVar: '--chart-3' },
];
const ERRORS = [{ label: 'errors', colorVar: '--chart-3' }];
const QUEUE = [{ label: 'queued', colorVar: '--chart-4' }];

const formatRate = (v: number) => `${formatCount(Math.round(v * 10) / 10)}`;
const formatMs = (v: number) => formatDuration(v);
const formatMsAxis = (v: number) => String(Math.round(v * 1000) / 1000);
const formatPercent = (v: number) => `${v < 10 ? v.toFixed(1) : v.toFixed(0)}%`;
const formatPercentAxis = (v: number) => `${Math.round(v * 10) / 10}%`;
const formatQueue = (v: number) => formatCount(Math.round(v));

export function ScopePicker() {
  const serving = useApp((s) => s.serving);
  const chartModel = useServeUi((s) => s.chartModel);
  const set = useServeUi((s) => s.set);
  const models = [...new Set((serving?.versions ?? []).map((v) => v.model))];
  if (chartModel !== null && !models.includes(chartModel)) models.push(chartModel);
  return (
    <label className="inline">
      Show
      <select
        value={chartModel ?? ''}
        onChange={(e) => set({ chartModel: e.target.value === '' ? null : e.target.value })}
        data-testid="traffic-scope"
      >
        <option value="">all served models</option>
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </label>
  );
}

export function LiveTraffic() {
  const metrics = useApp((s) => s.metrics);
  const running = useApp((s) => s.serving?.state === 'running');
  const chartModel = useServeUi((s) => s.chartModel);
  const series = useMemo(() => trafficSeries(metrics, chartModel), [metrics, chartModel]);
  const columns = useMemo(
    () => ({
      rate: [series.t, series.requestsPerSecond] as uPlot.AlignedData,
      latency: [series.t, series.p50, series.p95, series.p99] as uPlot.AlignedData,
      errors: [series.t, series.errorPercent] as uPlot.AlignedData,
      queue: [series.t, series.queueDepth] as uPlot.AlignedData,
    }),
    [series],
  );
  const totals = useMemo(() => {
    let requests = 0;
    let errors = 0;
    metrics.forEach((tick, i) => {
      if (i < metrics.length - series.t.length) return;
      for (const v of tick.versions) {
        if (chartModel !== null && v.model !== chartModel) continue;
        requests += v.requests;
        errors += v.errors;
      }
    });
    return { requests, errors, peak: Math.max(0, ...series.requestsPerSecond) };
  }, [metrics, series, chartModel]);

  if (!running && series.t.length === 0)
    return (
      <Empty title="No traffic yet">
        Start the endpoint: the charts update every second while it serves, over the last {WINDOW_SECONDS / 60} minutes.
      </Empty>
    );

  return (
    <>
      <p className="traffic-totals" data-testid="traffic-totals">
        Last {WINDOW_SECONDS / 60} min: <strong data-testid="total-requests">{formatCount(totals.requests)}</strong>{' '}
        requests, <strong>{formatCount(totals.errors)}</strong> failed, peak{' '}
        <strong data-testid="peak-rate">{formatCount(totals.peak)}</strong> req/s
        {!running && <span className="muted"> · the endpoint is stopped</span>}
      </p>
      <div className="grid-2 charts">
        <TimeChart
          title="Requests per second"
          unit="req/s"
          series={RATE}
          data={columns.rate}
          format={formatRate}
          integer
          testId="chart-requests"
        />
        <TimeChart
          title="Latency"
          unit="ms"
          series={LATENCY}
          data={columns.latency}
          format={formatMs}
          axisFormat={formatMsAxis}
          testId="chart-latency"
        />
        <TimeChart
          title="Error rate"
          unit="% of requests"
          series={ERRORS}
          data={columns.errors}
          format={formatPercent}
          axisFormat={formatPercentAxis}
          minTop={5}
          testId="chart-errors"
        />
        <TimeChart
          title="Queue depth"
          unit="requests"
          series={QUEUE}
          data={columns.queue}
          format={formatQueue}
          integer
          testId="chart-queue"
        />
      </div>
    </>
  );
}
