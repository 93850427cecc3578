// Live drift per served version: the share of features whose sampled traffic drifted from the version's
// reference over the sliding window, charted against its threshold, with a banner while drift lasts ("quality
// slipping — consider retraining"), the most drifted features, "Check now", and what is missing when nothing can
// be measured (no reference bound, no request yet, live drift off).
import { useMemo, useState } from 'react';
import type { LiveDriftFeed, LiveDriftSettings, LiveDriftVersion } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { decisiveTest, formatNumber, formatPercent, TEST_NAMES } from '../compare/describe';
import { Empty, ErrorBox } from '../components/States';
import { comparePath } from '../router';
import { useApp } from '../store/appStore';
import { liveDriftSeries } from './liveDriftSeries';
import { TimeChart } from './TimeChart';

const SERIES = [
  { label: 'drifted features', colorVar: '--chart-3' },
  { label: 'threshold', colorVar: '--muted' },
];

const percentAxis = (v: number) => `${Math.round(v)}%`;
const percentValue = (v: number) => `${v.toFixed(1)}%`;

function windowText(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** Drifting versions first, then the monitored ones, then those waiting for a request, then the unmonitored. */
function concern(v: LiveDriftVersion): number {
  if (v.status?.state === 'drift') return 0;
  if (v.status) return 1;
  return v.reference ? 2 : 3;
}
const byConcern = (a: LiveDriftVersion, b: LiveDriftVersion) => concern(a) - concern(b);

function VersionDrift({
  entry,
  settings,
  feeds,
}: {
  entry: LiveDriftVersion;
  settings: LiveDriftSettings;
  feeds: readonly LiveDriftFeed[];
}) {
  const ref = `${entry.model}:${entry.version}`;
  const alerts = useApp((s) => s.driftAlerts);
  const data = useMemo(() => liveDriftSeries(feeds, entry.model, entry.version), [feeds, entry.model, entry.version]);
  const status = entry.status;
  const report = status?.report ?? null;
  const drifting = status?.state === 'drift';
  const alert = [...alerts].reverse().find((a) => a.model === entry.model && a.version === entry.version);
  const drifted = report?.features.filter((f) => f.drifted) ?? [];
  return (
    <section
      className={`card live-drift${drifting ? ' alerting' : ''}`}
      aria-label={`Live drift of ${ref}`}
      data-testid="live-drift"
      data-ref={ref}
      data-state={status?.state ?? (entry.reference ? 'waiting' : 'no-reference')}
    >
      <div className="card-head">
        <h3>{ref}</h3>
        <span className="muted">
          {entry.reference ? `against ${entry.reference.datasetName}` : 'no reference'} · sampling{' '}
          {formatPercent(settings.sampleRate, settings.sampleRate < 0.1 ? 1 : 0)} of rows · window{' '}
          {windowText(settings.windowSeconds)}
          {status && ` · ${formatCount(status.windowRows)} rows in it`}
        </span>
      </div>
      {drifting && (
        <div className="drift-alert" role="alert" data-testid="drift-alert">
          <strong>Quality slipping on {ref} — consider retraining.</strong>{' '}
          {report && (
            <>
              {report.driftedFeatures} of {report.features.length} features ({formatPercent(report.driftedShare)})
              drifted from {entry.reference?.datasetName ?? 'the reference'}, at or above the{' '}
              {formatPercent(report.options.datasetDriftShare, 0)} threshold
            </>
          )}
          {alert?.kind === 'drift-started' && ` (since ${new Date(alert.at).toLocaleTimeString()})`}.
        </div>
      )}
      {!entry.reference && (
        <p className="muted">
          Not monitored: bind a reference dataset to {ref} from its dataset&apos;s page under{' '}
          <a href={comparePath({ kind: 'datasets' })}>Compare › Datasets</a>; monitoring starts with the next request.
        </p>
      )}
      {entry.reference && !status && <p className="muted">Monitoring starts with {ref}&apos;s first request.</p>}
      {status && (
        <>
          <p className="drift-now" data-testid="live-drift-share">
            {report
              ? `${formatPercent(report.driftedShare)} of features drifted (threshold ${formatPercent(report.options.datasetDriftShare, 0)}), checked ${new Date(status.evaluatedAt).toLocaleTimeString()}.`
              : `Collecting: ${formatCount(status.windowRows)} of the ${formatCount(settings.minRows)} sampled rows a window needs before it is compared.`}
          </p>
          <TimeChart
            title="Drifted features over the window"
            unit="% of features"
            series={SERIES}
            data={data}
            format={percentValue}
            axisFormat={percentAxis}
            minTop={100}
            testId={`chart-live-drift-${ref}`}
            height={150}
          />
          {drifted.length > 0 && (
            <p className="muted" data-testid="live-drift-features">
              Most drifted:{' '}
              {drifted
                .slice(0, 5)
                .map((f) => {
                  const t = decisiveTest(f);
                  return t ? `${f.name} (${TEST_NAMES[t.test]} ${formatNumber(t.value)})` : f.name;
                })
                .join(', ')}
            </p>
          )}
        </>
      )}
    </section>
  );
}

export function LiveDriftPanel() {
  const feeds = useApp((s) => s.liveDrift);
  const client = useApp((s) => s.client);
  const putLiveDrift = useApp((s) => s.putLiveDrift);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const feed = feeds.at(-1);
  const check = async () => {
    if (!client) return;
    setChecking(true);
    setError(null);
    try {
      putLiveDrift(await client.call('evaluateLiveDrift'));
    } catch (err) {
      setError(err);
    } finally {
      setChecking(false);
    }
  };
  if (!feed || feed.versions.length === 0)
    return (
      <Empty title="No live drift yet">
        While the endpoint serves, a sample of each version&apos;s inputs is compared with its reference dataset over a
        sliding window; an alert shows here when the share of drifted features crosses its threshold.
      </Empty>
    );
  if (!feed.settings)
    return (
      <Empty title="Live drift is off">
        The endpoint was started with drift sampling off; start it with a sample rate above 0 to watch drift.
      </Empty>
    );
  return (
    <div className="live-drift-list" data-testid="live-drift-panel">
      <div className="toolbar">
        <button type="button" onClick={() => void check()} disabled={checking} data-testid="live-drift-check">
          {checking ? 'Checking…' : 'Check now'}
        </button>
        <span className="hint">
          Windows are compared every {feed.settings.evaluateEverySeconds} s; no input is stored, only sketches.
        </span>
      </div>
      {error !== null && <ErrorBox error={error} />}
      {[...feed.versions].sort(byConcern).map((v) => (
        <VersionDrift key={`${v.model}:${v.version}`} entry={v} settings={feed.settings!} feeds={feeds} />
      ))}
    </div>
  );
}
