// Two or more runs side by side: their latency and throughput over time overlaid, and a table of each run
// against the first (the baseline) with deltas and a verdict that allows for run-to-run noise.
import { useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { LoadRunDetail, RunComparison } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { ErrorBox, Loading } from '../components/States';
import { loadTestPath } from '../router';
import { useApp } from '../store/appStore';
import { errorCount, formatMs, formatRate, totalCount } from './describe';
import { RunChart, type RunChartSeries } from './RunChart';
import { CHART_COLORS, msAxis, rateAxis, secondsAxis } from './runCharts';

interface Loaded {
  comparison: RunComparison;
  details: LoadRunDetail[];
}

/** One column per run over the union of their seconds (null where a run has no such second). */
function overlay(details: LoadRunDetail[], value: (d: LoadRunDetail, second: number) => number | null) {
  const seconds = [...new Set(details.flatMap((d) => d.intervals.map((i) => i.second)))].sort((a, b) => a - b);
  return [seconds, ...details.map((d) => seconds.map((s) => value(d, s)))] as uPlot.AlignedData;
}

const ratio = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)}×`);
const signedShare = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v * 100).toFixed(2)} pt`;

function verdictClass(verdict: string): string {
  const v = verdict.toLowerCase();
  if (/(worse|slower|regress)/.test(v)) return 'verdict worse';
  if (/(better|faster|improv)/.test(v)) return 'verdict better';
  return 'verdict same';
}

export function CompareView({ ids }: { ids: string[] }) {
  const client = useApp((s) => s.client);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const key = ids.join(',');

  useEffect(() => {
    if (!client) return;
    let live = true;
    setLoaded(null);
    setError(null);
    Promise.all([
      client.call('compareLoadTests', { body: { ids } }),
      Promise.all(ids.map((id) => client.call('loadTest', { params: { id } }))),
    ]).then(
      ([comparison, details]) => live && setLoaded({ comparison, details }),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
    // `key` stands for the ids.
  }, [client, key, attempt]);

  const series = useMemo<RunChartSeries[]>(
    () =>
      (loaded?.details ?? []).map((d, i) => ({
        label: `${i + 1}. ${d.name}`,
        colorVar: CHART_COLORS[i % CHART_COLORS.length]!,
      })),
    [loaded],
  );
  const data = useMemo(() => {
    if (!loaded) return null;
    const at = (d: LoadRunDetail, s: number) => d.intervals.find((i) => i.second === s);
    return {
      p99: overlay(loaded.details, (d, s) => at(d, s)?.corrected.p99 ?? null),
      rate: overlay(loaded.details, (d, s) => at(d, s)?.completed ?? null),
    };
  }, [loaded]);

  if (ids.length < 2)
    return <ErrorBox error="Pick two or more runs to compare, on the Runs list." onRetry={() => history.back()} />;
  if (error) return <ErrorBox error={error} onRetry={() => setAttempt((a) => a + 1)} />;
  if (!loaded || !data) return <Loading what="the comparison" />;

  const { comparison } = loaded;
  const common = {
    xLabel: 'seconds into the run',
    xFormat: secondsAxis,
    xInteger: true,
    syncKey: 'loadtest-compare',
    height: 200,
  };
  return (
    <section className="compare-view" aria-labelledby="compare-title" data-testid="compare-view">
      <p className="breadcrumb">
        <a href={loadTestPath({ kind: 'runs' })}>Runs</a> /
      </p>
      <h2 id="compare-title">Comparing {comparison.runs.length} runs</h2>
      <p className="hint">
        Against the baseline (run 1). The p99 ratio&apos;s 95% interval comes from resampling each run&apos;s per-second
        histograms, so a verdict of “no clear difference” means the runs differ by no more than their own noise.
      </p>
      <div className="table-scroll">
        <table className="compare-table" data-testid="compare-table">
          <caption className="visually-hidden">Runs against the baseline</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col" className="num">
                Achieved
              </th>
              <th scope="col" className="num">
                p50
              </th>
              <th scope="col" className="num">
                p99 corrected
              </th>
              <th scope="col" className="num">
                p99 uncorrected
              </th>
              <th scope="col" className="num">
                Errors
              </th>
              <th scope="col" className="num">
                p99 vs baseline (95% interval)
              </th>
              <th scope="col" className="num">
                Throughput vs baseline
              </th>
              <th scope="col" className="num">
                Error rate Δ
              </th>
            </tr>
          </thead>
          <tbody>
            {comparison.runs.map((run, i) => {
              const delta = comparison.deltas.find((d) => d.id === run.id);
              const total = totalCount(run.summary.statuses);
              const errors = errorCount(run.summary.statuses);
              return (
                <tr key={run.id} data-testid="compare-row">
                  <th scope="row">
                    <span className="swatch" style={{ background: `var(${CHART_COLORS[i % CHART_COLORS.length]})` }} />{' '}
                    <a href={loadTestPath({ kind: 'run', id: run.id })}>
                      {i + 1}. {run.name}
                    </a>
                    {i === 0 && <span className="muted"> (baseline)</span>}
                  </th>
                  <td className="num">{formatCount(run.summary.requests)}</td>
                  <td className="num">{formatRate(run.summary.achievedRate)}</td>
                  <td className="num">{formatMs(run.summary.corrected.p50)}</td>
                  <td className="num">{formatMs(run.summary.corrected.p99)}</td>
                  <td className="num">{formatMs(run.summary.uncorrected.p99)}</td>
                  <td className="num">
                    {formatCount(errors)}
                    {total > 0 && errors > 0 && ` (${((errors / total) * 100).toFixed(1)}%)`}
                  </td>
                  <td className="num">
                    {i === 0 || !delta
                      ? '–'
                      : `${ratio(delta.p99Ratio)}${
                          delta.p99RatioLow !== null && delta.p99RatioHigh !== null
                            ? ` (${delta.p99RatioLow.toFixed(2)}–${delta.p99RatioHigh.toFixed(2)})`
                            : ''
                        }`}
                  </td>
                  <td className="num">{i === 0 || !delta ? '–' : ratio(delta.achievedRateRatio)}</td>
                  <td className="num">{i === 0 || !delta ? '–' : signedShare(delta.errorRateDelta)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ul className="verdicts" aria-label="Verdicts against the baseline">
        {comparison.runs.slice(1).map((run, i) => {
          const delta = comparison.deltas.find((d) => d.id === run.id);
          return (
            <li key={run.id} data-testid="verdict">
              <strong>
                {i + 2}. {run.name}
              </strong>{' '}
              against {comparison.runs[0]!.name}:{' '}
              <span className={verdictClass(delta?.verdict ?? '')}>{delta?.verdict ?? 'no comparison'}</span>
            </li>
          );
        })}
      </ul>
      <div className="grid-2 charts">
        <RunChart
          {...common}
          title="p99 latency (corrected)"
          unit="ms"
          series={series}
          data={data.p99}
          format={formatMs}
          axisFormat={msAxis}
          testId="compare-chart-latency"
          description="each run's corrected p99 per second, overlaid"
        />
        <RunChart
          {...common}
          title="Achieved requests per second"
          unit="req/s"
          series={series}
          data={data.rate}
          format={formatRate}
          axisFormat={rateAxis}
          testId="compare-chart-rate"
          description="each run's achieved rate per second, overlaid"
        />
      </div>
    </section>
  );
}
