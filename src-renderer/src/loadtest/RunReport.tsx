// A finished run's report: corrected and uncorrected percentiles side by side (and why they differ), the
// generator-bound warning, outcomes, charts over time, the percentile spectrum, the capacity search's curve and
// result, and the report files to download.
import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { CapacityResult, LoadReportFormat, LoadRunDetail, Percentiles } from '../../../src-shared/contract';
import { LOAD_REPORT_FORMATS } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { ErrorBox } from '../components/States';
import { loadTestPath, navigate } from '../router';
import { useApp } from '../store/appStore';
import {
  errorCount,
  formatDate,
  formatMs,
  formatRate,
  formatSeconds,
  formatShare,
  spectrumLabel,
  spectrumX,
  statusText,
  totalCount,
} from './describe';
import { downloadReport } from './reportDownload';
import { RunChart, type RunChartSeries } from './RunChart';
import { msAxis, rateAxis, ReportCharts } from './runCharts';
import { RunStateBadge } from './RunStateBadge';

const ROWS: { key: keyof Percentiles; label: string }[] = [
  { key: 'p50', label: 'p50' },
  { key: 'p90', label: 'p90' },
  { key: 'p99', label: 'p99' },
  { key: 'p999', label: 'p99.9' },
  { key: 'max', label: 'max' },
  { key: 'mean', label: 'mean' },
];

export const COORDINATED_OMISSION_NOTE =
  'Corrected latency is timed from when each request was due to be sent, so the wait behind a stalled server counts ' +
  '(coordinated omission corrected); uncorrected is timed from the actual send, as most tools report, which hides those stalls.';

function SummaryTable({ detail }: { detail: LoadRunDetail }) {
  const s = detail.summary!;
  return (
    <table className="summary-table" data-testid="summary-table">
      <caption className="visually-hidden">Latency percentiles, corrected and uncorrected</caption>
      <thead>
        <tr>
          <th scope="col">Latency</th>
          <th scope="col" className="num">
            Corrected
          </th>
          <th scope="col" className="num">
            Uncorrected
          </th>
          <th scope="col" className="num">
            Send lag
          </th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map((row) => (
          <tr key={row.key} data-testid={`summary-${row.key}`}>
            <th scope="row">{row.label}</th>
            <td className="num corrected">{formatMs(s.corrected[row.key])}</td>
            <td className="num uncorrected">{formatMs(s.uncorrected[row.key])}</td>
            <td className="num">{formatMs(s.sendLag[row.key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Outcomes({ detail }: { detail: LoadRunDetail }) {
  const s = detail.summary!;
  const total = totalCount(s.statuses);
  const entries = Object.entries(s.statuses).sort((a, b) => b[1] - a[1]);
  return (
    <div className="outcomes">
      <dl className="facts" data-testid="run-facts">
        <dt>Requests</dt>
        <dd data-testid="fact-requests">{formatCount(s.requests)}</dd>
        <dt>Duration</dt>
        <dd>{formatSeconds(s.durationSeconds)}</dd>
        <dt>Offered</dt>
        <dd>{formatRate(s.offeredRate)}</dd>
        <dt>Achieved</dt>
        <dd data-testid="fact-achieved">{formatRate(s.achievedRate)}</dd>
        <dt>Errors</dt>
        <dd>
          {formatCount(errorCount(s.statuses))} ({formatShare(total > 0 ? errorCount(s.statuses) / total : 0)})
        </dd>
        <dt>Late sends</dt>
        <dd>{formatShare(s.lateSendShare)} left over 1 ms after their intended time</dd>
      </dl>
      <table className="status-table" data-testid="status-table">
        <caption className="visually-hidden">Outcomes</caption>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No request finished.
              </td>
            </tr>
          )}
          {entries.map(([key, count]) => (
            <tr key={key} className={key === 'ok' ? undefined : 'bad'}>
              <td>{statusText(key)}</td>
              <td className="num">{formatCount(count)}</td>
              <td className="num">{formatShare(total > 0 ? count / total : 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const SPECTRUM: RunChartSeries[] = [
  { label: 'corrected', colorVar: '--chart-3' },
  { label: 'uncorrected', colorVar: '--chart-4', dash: true },
];
const SPECTRUM_TICKS = [0, 90, 99, 99.9, 99.99, 99.999].map(spectrumX);

function Spectrum({ detail }: { detail: LoadRunDetail }) {
  const data = useMemo(() => {
    const points = [...detail.spectrum].sort((a, b) => a.percentile - b.percentile);
    return [
      points.map((p) => spectrumX(p.percentile)),
      points.map((p) => p.correctedMs),
      points.map((p) => p.uncorrectedMs),
    ] as uPlot.AlignedData;
  }, [detail.spectrum]);
  if (detail.spectrum.length === 0) return null;
  return (
    <RunChart
      title="Percentile spectrum: latency at each percentile"
      unit="ms"
      series={SPECTRUM}
      data={data}
      format={formatMs}
      axisFormat={msAxis}
      xLabel="percentile"
      xFormat={spectrumLabel}
      xSplits={(min, max) => SPECTRUM_TICKS.filter((t) => t >= min - 1e-9 && t <= max + 1e-9)}
      testId="report-chart-spectrum"
      description="latency at each percentile of the whole run, corrected and uncorrected"
      height={200}
    />
  );
}

const CAPACITY_RATE: RunChartSeries[] = [
  { label: 'achieved', colorVar: '--chart-2' },
  { label: 'offered', colorVar: '--chart-1', dash: true },
];
const CAPACITY_LATENCY: RunChartSeries[] = [
  { label: 'p99', colorVar: '--chart-3' },
  { label: 'p50', colorVar: '--chart-1' },
  { label: 'budget', colorVar: '--muted', dash: true },
];

function Capacity({ capacity }: { capacity: CapacityResult }) {
  const levels = useMemo(() => [...capacity.levels].sort((a, b) => a.offeredRate - b.offeredRate), [capacity]);
  const data = useMemo(() => {
    const x = levels.map((l) => l.offeredRate);
    return {
      rate: [x, levels.map((l) => l.achievedRate), x] as uPlot.AlignedData,
      latency: [
        x,
        levels.map((l) => l.p99Ms),
        levels.map((l) => l.p50Ms),
        x.map(() => capacity.budgetMs),
      ] as uPlot.AlignedData,
    };
  }, [levels, capacity.budgetMs]);
  const common = { xLabel: 'offered req/s', xFormat: rateAxis, syncKey: 'loadtest-capacity', height: 190 };
  return (
    <section aria-labelledby="capacity-title" data-testid="capacity">
      <h3 id="capacity-title">Capacity search</h3>
      <dl className="facts capacity-facts">
        <dt>Capacity</dt>
        <dd data-testid="capacity-rate">
          <strong>{capacity.capacityRate === null ? 'none found' : formatRate(capacity.capacityRate)}</strong> with
          corrected p99 within {formatMs(capacity.budgetMs)}
        </dd>
        <dt>Knee</dt>
        <dd>{formatRate(capacity.kneeRate)} (where p99 bends up fastest)</dd>
        <dt>Saturation</dt>
        <dd>{formatRate(capacity.saturationRate)} (where achieved falls below 95% of offered)</dd>
      </dl>
      <div className="grid-2 charts">
        <RunChart
          {...common}
          title="Throughput vs offered rate"
          unit="req/s"
          series={CAPACITY_RATE}
          data={data.rate}
          format={formatRate}
          axisFormat={rateAxis}
          testId="capacity-chart-rate"
          description="achieved rate at each offered rate the search tried"
        />
        <RunChart
          {...common}
          title="Latency vs offered rate"
          unit="ms"
          series={CAPACITY_LATENCY}
          data={data.latency}
          format={formatMs}
          axisFormat={msAxis}
          testId="capacity-chart-latency"
          description="corrected p50 and p99 at each offered rate, against the budget"
        />
      </div>
      <table className="levels-table">
        <caption className="visually-hidden">Levels the search measured</caption>
        <thead>
          <tr>
            <th className="num">Offered</th>
            <th className="num">Achieved</th>
            <th className="num">p50</th>
            <th className="num">p99</th>
            <th className="num">Windows</th>
            <th>Stable</th>
            <th>Within budget</th>
          </tr>
        </thead>
        <tbody>
          {levels.map((l, i) => (
            <tr key={i}>
              <td className="num">{formatRate(l.offeredRate)}</td>
              <td className="num">{formatRate(l.achievedRate)}</td>
              <td className="num">{formatMs(l.p50Ms)}</td>
              <td className="num">{formatMs(l.p99Ms)}</td>
              <td className="num">{l.windows}</td>
              <td>{l.stable ? 'yes' : 'no'}</td>
              <td>{l.meetsBudget ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Downloads({ runId }: { runId: string }) {
  const client = useApp((s) => s.client);
  const [busy, setBusy] = useState<LoadReportFormat | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const download = async (format: LoadReportFormat) => {
    if (!client) return;
    setBusy(format);
    setError(null);
    try {
      setSaved(await downloadReport(client, runId, format));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const label: Record<LoadReportFormat, string> = { html: 'HTML report', csv: 'CSV', json: 'JSON' };
  return (
    <div className="downloads">
      <span className="muted">Download</span>
      {LOAD_REPORT_FORMATS.map((f) => (
        <button
          key={f}
          type="button"
          onClick={() => void download(f)}
          disabled={busy !== null}
          data-testid={`download-${f}`}
        >
          {busy === f ? 'Preparing…' : label[f]}
        </button>
      ))}
      {saved && (
        <span className="saved" role="status">
          Saved {saved}
        </span>
      )}
      {error !== null && <ErrorBox error={error} />}
    </div>
  );
}

/** "name #2", "name #3"…: a rerun keeps its origin's name but can be told apart in lists and comparisons. */
export function rerunName(name: string, existing: readonly string[]): string {
  const base = name.replace(/ #\d+$/, '');
  let n = 2;
  while (existing.includes(`${base} #${n}`)) n++;
  return `${base} #${n}`;
}

function RunActions({ detail }: { detail: LoadRunDetail }) {
  const client = useApp((s) => s.client);
  const runs = useApp((s) => s.loadRuns);
  const putLoadRun = useApp((s) => s.putLoadRun);
  const dropLoadRun = useApp((s) => s.dropLoadRun);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const again = async () => {
    if (!client) return;
    setBusy(true);
    setError(null);
    try {
      const name = rerunName(
        detail.name,
        (runs ?? []).map((r) => r.name),
      );
      const started = await client.call('startLoadTest', { body: { ...detail.config, name } });
      putLoadRun(started);
      navigate(loadTestPath({ kind: 'run', id: started.id }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!client) return;
    setBusy(true);
    try {
      await client.call('removeLoadTest', { params: { id: detail.id } });
      dropLoadRun(detail.id);
      navigate(loadTestPath({ kind: 'runs' }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <div className="run-actions">
      <button type="button" onClick={() => void again()} disabled={busy} data-testid="run-again">
        Run again
      </button>
      {confirming ? (
        <span className="confirm-inline" role="group" aria-label="Confirm deletion">
          Delete this run and its figures?
          <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="delete-run">
          Delete…
        </button>
      )}
      {error !== null && <ErrorBox error={error} />}
    </div>
  );
}

export function RunReport({ detail }: { detail: LoadRunDetail }) {
  const s = detail.summary;
  return (
    <section className="run-report" aria-labelledby="report-title" data-testid="run-report">
      <div className="card">
        <div className="card-head">
          <h2 id="report-title">Report</h2>
          <RunStateBadge state={detail.state} />
          <span className="muted">{formatDate(detail.createdAt)}</span>
          <RunActions detail={detail} />
        </div>
        {detail.state === 'failed' && (
          <div className="state error" role="alert" data-testid="run-error">
            <strong>The run failed.</strong> <span>{detail.error ?? 'No reason was recorded.'}</span>
          </div>
        )}
        {detail.state === 'cancelled' && (
          <p className="notice" data-testid="run-cancelled">
            Cancelled: the figures cover the {formatSeconds(s?.durationSeconds ?? detail.intervals.length)} that ran.
          </p>
        )}
        {s?.generatorBound && (
          <div className="warning" role="alert" data-testid="generator-bound">
            <strong>Generator-bound.</strong> {formatShare(s.lateSendShare)} of sends left over 1 ms after their
            intended time: this machine&apos;s load generator, not the target, limited the run. Use fewer requests per
            second, more connections, or a less busy machine before trusting the tail.
          </div>
        )}
        {s ? (
          <>
            <p className="co-note" data-testid="co-note">
              {COORDINATED_OMISSION_NOTE}
            </p>
            <div className="summary-grid">
              <SummaryTable detail={detail} />
              <Outcomes detail={detail} />
            </div>
            <Downloads runId={detail.id} />
          </>
        ) : (
          detail.state !== 'failed' && <p className="muted">This run recorded no summary.</p>
        )}
      </div>

      {s?.capacity && <Capacity capacity={s.capacity} />}

      {detail.intervals.length > 0 && (
        <>
          <h3>Over time</h3>
          <ReportCharts intervals={detail.intervals} />
          <h3>Whole run</h3>
          <div className="charts">
            <Spectrum detail={detail} />
          </div>
        </>
      )}
    </section>
  );
}
