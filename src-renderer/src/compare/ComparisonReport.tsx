// A finished comparison's report: per version (prediction rule, accuracy or error with intervals, latency), per
// pair (agreement with its interval, κ, flips, McNemar, accuracy difference), the chosen pair's flip matrix,
// |Δ| distribution and disagreement explorer, input and prediction drift against the reference, the offline
// report downloads, and the conventions every number follows.
import { useMemo, useState } from 'react';
import {
  API_PREFIX,
  ControlApi,
  DriftReportSchema,
  FeatureDriftSchema,
  type Comparison,
  type ComparisonReportFormat,
  type ComparisonResults,
} from '../../../src-shared/contract';
import { formatCount, formatDuration } from '../../../src-shared/units';
import type { ApiClient } from '../api/client';
import { ErrorBox } from '../components/States';
import { formatMs } from '../loadtest/describe';
import { downloadAttachment } from '../loadtest/reportDownload';
import { useApp } from '../store/appStore';
import { DeltaDistribution } from './DeltaDistribution';
import { decisiveTest, formatEstimate, formatNumber, formatPValue, TEST_NAMES } from './describe';
import { DisagreementExplorer } from './DisagreementExplorer';
import { DriftReportView } from './DriftReportView';
import { FlipMatrix } from './FlipMatrix';

function reportUrl(client: ApiClient, id: string, format: ComparisonReportFormat): string {
  const origin = new URL(client.eventsUrl()).origin;
  return `${origin}${API_PREFIX}${ControlApi.comparisonReport.path.replace(':id', encodeURIComponent(id))}?format=${format}`;
}

function VersionsTable({ results }: { results: ComparisonResults }) {
  const regression = results.versions.some((v) => v.mae !== null);
  return (
    <table className="compare-table" data-testid="versions-table">
      <caption className="visually-hidden">Each version on the dataset</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Prediction</th>
          <th scope="col" className="num">
            Rows answered
          </th>
          <th scope="col">{regression ? 'MAE / RMSE' : 'Accuracy'} (CI)</th>
          <th scope="col" className="num">
            Per-row latency p50 / p99
          </th>
          <th scope="col">Provider</th>
        </tr>
      </thead>
      <tbody>
        {results.versions.map((v, i) => (
          <tr key={v.ref} data-testid="version-row" data-ref={v.ref}>
            <th scope="row">
              {v.ref}
              {i === 0 && <span className="role-badge baseline">baseline</span>}
            </th>
            <td title={v.prediction.reason}>
              {v.prediction.rule} of <code>{v.prediction.output}</code>
              {v.prediction.source === 'override' && <span className="muted"> (your choice)</span>}
            </td>
            <td className="num">
              {formatCount(v.rows)}
              {v.errors > 0 && (
                <span className="error-text" title={v.errorSamples.map((e) => `row ${e.row}: ${e.message}`).join('\n')}>
                  {' '}
                  ({formatCount(v.errors)} failed)
                </span>
              )}
            </td>
            <td data-testid="version-accuracy">
              {v.accuracy
                ? formatEstimate(v.accuracy, 'percent')
                : v.mae
                  ? `${formatEstimate(v.mae)} / ${formatEstimate(v.rmse)}`
                  : v.labelledRows === 0
                    ? 'no labels'
                    : '–'}
            </td>
            <td className="num">
              {formatMs(v.latency.p50Ms)} / {formatMs(v.latency.p99Ms)}
            </td>
            <td>{v.provider}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PairsTable({
  results,
  selected,
  onSelect,
}: {
  results: ComparisonResults;
  selected: number;
  onSelect: (index: number) => void;
}) {
  return (
    <table className="compare-table pairs-table" data-testid="pairs-table">
      <caption className="visually-hidden">Each candidate against the baseline</caption>
      <thead>
        <tr>
          <th scope="col">Pair</th>
          <th scope="col">Agreement (CI)</th>
          <th scope="col" className="num">
            Cohen&apos;s κ
          </th>
          <th scope="col" className="num">
            Disagreements
          </th>
          <th scope="col">Accuracy Δ (CI)</th>
          <th scope="col" className="num">
            Negative / positive flips
          </th>
          <th scope="col">McNemar</th>
          <th scope="col" className="num">
            Latency ratio
          </th>
        </tr>
      </thead>
      <tbody>
        {results.pairs.map((p, i) => (
          <tr
            key={p.candidate}
            className={i === selected ? 'selected' : undefined}
            data-testid="pair-row"
            data-candidate={p.candidate}
          >
            <th scope="row">
              {results.pairs.length > 1 ? (
                <button type="button" className="link" onClick={() => onSelect(i)} aria-pressed={i === selected}>
                  {p.candidate} vs {p.baseline}
                </button>
              ) : (
                `${p.candidate} vs ${p.baseline}`
              )}
            </th>
            <td data-testid="pair-agreement" data-value={p.agreement?.value ?? ''}>
              {p.agreement ? formatEstimate(p.agreement, 'percent') : '–'}
            </td>
            <td className="num">{formatNumber(p.kappa)}</td>
            <td className="num">
              {formatCount(p.disagreements)} of {formatCount(p.rows)}
            </td>
            <td>
              {p.labels
                ? formatEstimate(p.labels.accuracyDelta, 'points')
                : p.regressionLabels
                  ? `|error| ${formatEstimate(p.regressionLabels.absErrorDelta)}`
                  : 'no labels'}
            </td>
            <td className="num">
              {p.labels ? (
                <>
                  <span className={p.labels.negativeFlips > 0 ? 'error-text' : undefined}>
                    {p.labels.negativeFlips}
                  </span>{' '}
                  / <span className="saved">{p.labels.positiveFlips}</span>
                </>
              ) : (
                '–'
              )}
            </td>
            <td title={p.labels?.mcnemar.variant}>
              {p.labels
                ? `b ${p.labels.mcnemar.b}, c ${p.labels.mcnemar.c}, p ${formatPValue(p.labels.mcnemar.pValue)}`
                : '–'}
            </td>
            <td className="num">{p.latencyDelta?.ratio == null ? '–' : `${formatNumber(p.latencyDelta.ratio)}×`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each version's predictions on the reference against those on the dataset. */
function PredictionDrift({ results }: { results: ComparisonResults }) {
  const rows = useMemo(
    () =>
      (results.predictionDrift ?? []).map((p) => {
        const parsed = FeatureDriftSchema.safeParse(p.drift);
        return { ...p, feature: parsed.success ? parsed.data : null };
      }),
    [results.predictionDrift],
  );
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="prediction-drift-title" data-testid="prediction-drift">
      <h3 id="prediction-drift-title">Prediction drift</h3>
      <table className="compare-table">
        <caption className="visually-hidden">Each version&apos;s predictions, reference against dataset</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Test</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col" className="num">
              p-value
            </th>
            <th scope="col">Drifted</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const t = r.feature ? decisiveTest(r.feature) : undefined;
            return (
              <tr key={r.ref}>
                <th scope="row">{r.ref}</th>
                <td>{t ? TEST_NAMES[t.test] : 'not in the expected form'}</td>
                <td className="num">{formatNumber(t?.value)}</td>
                <td className="num">{formatPValue(t?.pValue)}</td>
                <td>{r.feature ? (r.feature.drifted ? 'drifted' : 'no') : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function InputDrift({ results, reference }: { results: ComparisonResults; reference: string | null }) {
  const parsed = useMemo(
    () => (results.inputDrift == null ? null : DriftReportSchema.safeParse(results.inputDrift)),
    [results.inputDrift],
  );
  if (!reference) return null;
  if (!parsed) return <p className="muted">The comparison recorded no input drift against {reference}.</p>;
  if (!parsed.success)
    return <ErrorBox error="The input drift in this comparison does not match the contract; it cannot be shown." />;
  return <DriftReportView report={parsed.data} title={`Input drift: dataset against ${reference}`} />;
}

function Downloads({ id }: { id: string }) {
  const client = useApp((s) => s.client);
  const [busy, setBusy] = useState<ComparisonReportFormat | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const download = async (format: ComparisonReportFormat) => {
    if (!client) return;
    setBusy(format);
    setError(null);
    try {
      setSaved(await downloadAttachment(client, reportUrl(client, id, format), `slipway-compare-${id}.${format}`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="downloads" data-testid="comparison-downloads">
      <button type="button" onClick={() => void download('html')} disabled={busy !== null} data-testid="download-html">
        {busy === 'html' ? 'Preparing…' : 'Download HTML report'}
      </button>
      <button type="button" onClick={() => void download('json')} disabled={busy !== null} data-testid="download-json">
        {busy === 'json' ? 'Preparing…' : 'Download JSON'}
      </button>
      {saved && <span className="saved">Saved {saved}</span>}
      {error !== null && <ErrorBox error={error} />}
    </div>
  );
}

export function ComparisonReport({ comparison }: { comparison: Comparison }) {
  const [pairIndex, setPairIndex] = useState(0);
  const results = comparison.results;
  if (!results) return <p className="muted">This comparison has no results.</p>;
  const pair = results.pairs[pairIndex] ?? results.pairs[0];
  return (
    <div className="run-report comparison-report" data-testid="comparison-report">
      <section className="card">
        <div className="card-head">
          <h2>Report</h2>
          <Downloads id={comparison.id} />
        </div>
        <dl className="facts" data-testid="comparison-facts">
          <dt>Dataset</dt>
          <dd>
            {comparison.datasetName}: {formatCount(results.datasetRows)} rows, {formatCount(results.labelledRows)}{' '}
            labelled
          </dd>
          <dt>Reference</dt>
          <dd>{comparison.referenceName ?? 'none (no drift measured)'}</dd>
          <dt>Batches</dt>
          <dd>{results.batchSize} rows per inference request</dd>
          <dt>Time</dt>
          <dd>
            {formatDuration(results.timing.totalMs)} in all: replay {formatDuration(results.timing.replayMs)},
            statistics {formatDuration(results.timing.statisticsMs)}
          </dd>
        </dl>
        <VersionsTable results={results} />
        <h3>Against the baseline</h3>
        <PairsTable results={results} selected={pairIndex} onSelect={setPairIndex} />
      </section>
      {pair && (
        <section className="card" aria-label={`${pair.candidate} against ${pair.baseline}`}>
          <div className="pair-figures">
            {pair.flipMatrix ? (
              <FlipMatrix matrix={pair.flipMatrix} baseline={pair.baseline} candidate={pair.candidate} />
            ) : (
              <p className="muted">Regression predictions: no flip matrix.</p>
            )}
            <DeltaDistribution pair={pair} />
          </div>
        </section>
      )}
      {comparison.referenceName && (
        <section className="card">
          <InputDrift results={results} reference={comparison.referenceName} />
          <PredictionDrift results={results} />
        </section>
      )}
      {pair && (
        <section className="card">
          <DisagreementExplorer
            key={pairIndex}
            comparisonId={comparison.id}
            pair={pair}
            pairIndex={results.pairs.indexOf(pair)}
          />
        </section>
      )}
      <details className="conventions card">
        <summary>Conventions</summary>
        <ul>
          {results.conventions.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}
