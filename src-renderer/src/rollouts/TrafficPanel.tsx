// A served model's versions with their current weights (a slider between two of them), the shadow, and what each
// version answered over the last minute; the per-version request rate charted live from the endpoint's ticks.
import { useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { TrafficView } from '../../../src-shared/contract';
import { TimeChart, type ChartSeries } from '../serve/TimeChart';
import { useApp } from '../store/appStore';

const COLORS = ['--chart-1', '--chart-3', '--chart-2', '--chart-4', '--chart-5', '--chart-6'];
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)} ms`);

export function TrafficPanel({
  view,
  locked,
  onSet,
}: {
  view: TrafficView;
  /** A running rollout owns the route. */
  locked: boolean;
  onSet(body: {
    weights: Record<string, number>;
    shadow: { version: number; percent: number } | null;
    stickyHeader: string | null;
  }): Promise<void>;
}) {
  const ready = view.served.filter((v) => v.state === 'ready').map((v) => v.version);
  const [a, setA] = useState(ready[0] ?? 1);
  const [b, setB] = useState(ready.at(-1) ?? 1);
  const currentB = view.route ? (view.route.weights[String(b)] ?? 0) : b === Math.max(...ready) ? 100 : 0;
  const [share, setShare] = useState(currentB);
  const [shadow, setShadow] = useState(view.route?.shadow?.percent ?? 0);
  const [sticky, setSticky] = useState(view.route?.stickyHeader ?? '');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setShare(currentB), [currentB]);

  const apply = async (next: number, shadowPercent = shadow) => {
    setError(null);
    try {
      const weights = a === b ? { [String(a)]: 100 } : { [String(a)]: 100 - next, [String(b)]: next };
      await onSet({
        weights,
        shadow: shadowPercent > 0 && a !== b && next === 0 ? { version: b, percent: shadowPercent } : null,
        stickyHeader: sticky.trim() === '' ? null : sticky.trim(),
      });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="card" aria-labelledby="traffic-title" data-testid="traffic-panel">
      <h2 id="traffic-title">Traffic to {view.model}</h2>
      <table className="table" data-testid="traffic-versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>State</th>
            <th>Weight</th>
            <th>Requests (1 min)</th>
            <th>Error rate</th>
            <th>p50</th>
            <th>p99</th>
          </tr>
        </thead>
        <tbody>
          {view.served.map((s) => {
            const live = view.versions.find((v) => v.version === s.version && v.role === 'live');
            const shadowed = view.versions.find((v) => v.version === s.version && v.role === 'shadow');
            const weight = view.route ? (view.route.weights[String(s.version)] ?? 0) : null;
            return (
              <tr key={s.version} data-testid={`traffic-row-${s.version}`}>
                <td>v{s.version}</td>
                <td>{s.state}</td>
                <td data-testid={`traffic-weight-${s.version}`}>{weight === null ? 'default' : `${weight} %`}</td>
                <td data-testid={`traffic-requests-${s.version}`}>
                  {live?.requests ?? 0}
                  {shadowed ? ` (+${shadowed.requests} shadow)` : ''}
                </td>
                <td>{pct(live?.errorRate ?? null)}</td>
                <td>{ms(live?.p50Ms ?? null)}</td>
                <td>{ms(live?.p99Ms ?? null)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {view.route?.stickyHeader && (
        <p className="muted" data-testid="traffic-sticky">
          Sticky: requests with the same <code>{view.route.stickyHeader}</code> header go to the same version.
        </p>
      )}
      {view.shadow.map((s) => (
        <p key={`${s.liveVersion}-${s.shadowVersion}`} className="muted" data-testid="traffic-shadow">
          Shadow v{s.shadowVersion} against v{s.liveVersion}: {s.pairs} pairs, agreement {pct(s.agreement)}
        </p>
      ))}
      {ready.length >= 2 && (
        <fieldset className="weights" disabled={locked}>
          <legend>Split live traffic{locked ? ' (a running rollout sets it)' : ''}</legend>
          <label>
            From{' '}
            <select value={a} onChange={(e) => setA(Number(e.target.value))} aria-label="baseline version">
              {ready.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            to{' '}
            <select value={b} onChange={(e) => setB(Number(e.target.value))} aria-label="candidate version">
              {ready.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
          <label className="slider">
            <span>
              v{a} {100 - share} % · v{b} {share} %
            </span>
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={share}
              aria-label={`weight of v${b}`}
              data-testid="weight-slider"
              onChange={(e) => setShare(Number(e.target.value))}
              onMouseUp={() => void apply(share)}
              onKeyUp={() => void apply(share)}
              onBlur={() => share !== currentB && void apply(share)}
            />
          </label>
          <label>
            Shadow to v{b} (while it has no live weight){' '}
            <input
              type="number"
              min={0}
              max={100}
              value={shadow}
              style={{ width: '5em' }}
              onChange={(e) => setShadow(Number(e.target.value))}
            />{' '}
            %
          </label>{' '}
          <label>
            Sticky header{' '}
            <input
              type="text"
              value={sticky}
              placeholder="none"
              style={{ width: '12em' }}
              aria-label="sticky routing header"
              onChange={(e) => setSticky(e.target.value)}
            />
          </label>{' '}
          <button type="button" onClick={() => void apply(share, shadow)} data-testid="apply-route">
            Apply
          </button>
        </fieldset>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="traffic-error">
          {error}
        </p>
      )}
      <RateChart model={view.model} versions={view.served.map((s) => s.version)} />
    </section>
  );
}

/** Requests per second per version, from the endpoint's metrics ticks. */
function RateChart({ model, versions }: { model: string; versions: number[] }) {
  const metrics = useApp((s) => s.metrics);
  const series: ChartSeries[] = useMemo(
    () => versions.map((v, i) => ({ label: `v${v}`, colorVar: COLORS[i % COLORS.length]! })),
    [versions],
  );
  const data = useMemo(() => {
    const t = metrics.map((m) => m.t / 1000);
    const columns = versions.map((v) =>
      metrics.map((m) => m.versions.find((x) => x.model === model && x.version === v)?.requests ?? 0),
    );
    return [t, ...columns] as uPlot.AlignedData;
  }, [metrics, model, versions]);
  return (
    <TimeChart
      title="Requests per second by version"
      unit="req/s"
      series={series}
      data={data}
      format={(v) => `${v}/s`}
      integer
      testId="chart-rollout-traffic"
      height={160}
    />
  );
}
