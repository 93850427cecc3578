// A drift report: the dataset verdict against its threshold, the per-feature table sorted by severity (the
// deciding test, its value and threshold, drifted or not, its false-alarm rate on this reference and the
// smallest shift this sample could detect), and the reference-vs-current overlay of the selected feature.
import { useMemo, useState } from 'react';
import type { DriftReport, DriftTest, FeatureDrift } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { decisiveTest, formatNumber, formatPercent, formatPValue, TEST_NAMES } from './describe';
import { HistogramOverlay } from './HistogramOverlay';

function ruleText(t: DriftTest): string {
  return t.rule === 'pValueBelow' ? `p < ${formatNumber(t.threshold)}` : `≥ ${formatNumber(t.threshold)}`;
}

function shiftText(feature: FeatureDrift, t: DriftTest | undefined): string {
  if (!t) return '–';
  if (t.shiftUndetectable) return 'none at this size';
  if (t.minimalDetectableShift === null) return '–';
  return feature.treatment === 'numeric'
    ? `${formatNumber(t.minimalDetectableShift)} std`
    : `${formatPercent(t.minimalDetectableShift)} of rows`;
}

export function DriftVerdict({ report }: { report: DriftReport }) {
  const threshold = report.options.datasetDriftShare;
  const alpha = report.options.familyWiseAlpha;
  const why =
    report.datasetDriftReason === 'familyWise'
      ? `: ${report.familyWiseDrifted} feature${report.familyWiseDrifted === 1 ? '' : 's'} stay significant after Holm's correction (α ${formatNumber(alpha)}), below the ${formatPercent(threshold, 0)} share`
      : report.datasetDrift
        ? `, at or above the ${formatPercent(threshold, 0)} threshold`
        : `, below the ${formatPercent(threshold, 0)} threshold${alpha !== null ? ` and none significant after Holm's correction (α ${formatNumber(alpha)})` : ''}`;
  return (
    <p
      className={`drift-verdict ${report.datasetDrift ? 'drifted' : 'steady'}`}
      data-testid="drift-verdict"
      data-drift={report.datasetDrift}
      data-share={report.driftedShare}
      data-reason={report.datasetDriftReason ?? ''}
    >
      <strong>{report.datasetDrift ? 'Dataset drift' : 'No dataset drift'}</strong>: {report.driftedFeatures} of{' '}
      {report.features.length} features drifted ({formatPercent(report.driftedShare)}){why} ·{' '}
      {formatCount(report.referenceRows)} reference rows, {formatCount(report.currentRows)} current rows
      {report.source === 'profile' ? ' (against the stored profile)' : ''}
    </p>
  );
}

export function DriftReportView({ report, title }: { report: DriftReport; title: string }) {
  const features = useMemo(() => [...report.features].sort((a, b) => b.severity - a.severity), [report]);
  const [selected, setSelected] = useState<string | null>(null);
  const [onlyDrifted, setOnlyDrifted] = useState(false);
  const current = features.find((f) => f.name === selected) ?? features[0];
  const shown = onlyDrifted ? features.filter((f) => f.drifted) : features;

  return (
    <section className="drift-report" aria-label={title} data-testid="drift-report">
      <h3>{title}</h3>
      <DriftVerdict report={report} />
      {current && (
        <div className="drift-layout">
          <HistogramOverlay feature={current} />
          <FeatureTests feature={current} />
        </div>
      )}
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={onlyDrifted} onChange={(e) => setOnlyDrifted(e.target.checked)} />
          Only drifted features
        </label>
        <span className="hint">Most severe first; choose a feature to see its distributions above.</span>
      </div>
      <div className="table-scroll drift-scroll">
        <table className="drift-table" data-testid="drift-table">
          <caption className="visually-hidden">Per-feature drift, most severe first</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Test</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col" className="num">
                p-value
              </th>
              <th scope="col">Threshold</th>
              <th scope="col">Drifted</th>
              <th scope="col" className="num" title="Share of reference-vs-reference splits this test flagged">
                False alarms
              </th>
              <th scope="col" className="num" title="Smallest shift this sample size detects with 80 % power">
                Min. detectable shift
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => {
              const t = decisiveTest(f);
              const isSelected = f.name === current?.name;
              return (
                <tr
                  key={f.name}
                  className={`${f.drifted ? 'drifted' : ''}${isSelected ? ' selected' : ''}`}
                  data-testid="drift-row"
                  data-feature={f.name}
                  data-drifted={f.drifted}
                  aria-selected={isSelected}
                  onClick={() => setSelected(f.name)}
                >
                  <th scope="row">
                    <button
                      type="button"
                      className="link"
                      onClick={() => setSelected(f.name)}
                      aria-pressed={isSelected}
                    >
                      {f.name}
                    </button>
                    <span className="muted"> {f.treatment}</span>
                  </th>
                  <td>
                    {t ? TEST_NAMES[t.test] : '–'}
                    {t?.approximate && <span className="muted"> ({t.method})</span>}
                  </td>
                  <td className="num">{t?.value === null ? '∞' : formatNumber(t?.value)}</td>
                  <td className="num">{t?.pValue == null ? '–' : formatPValue(t.pValue)}</td>
                  <td className="nowrap">{t ? ruleText(t) : '–'}</td>
                  <td className={f.drifted ? 'drift-yes' : 'drift-no'}>{f.drifted ? 'drifted' : 'no'}</td>
                  <td className="num">{t?.falseAlarmRate == null ? '–' : formatPercent(t.falseAlarmRate)}</td>
                  <td className="num">{shiftText(f, t)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <details className="conventions">
        <summary>Conventions</summary>
        <ul>
          {report.conventions.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}

/** Every test run on the selected feature, the deciding one marked. */
function FeatureTests({ feature }: { feature: FeatureDrift }) {
  return (
    <div className="feature-tests" data-testid="feature-tests">
      <p className="muted">
        {formatCount(feature.referenceCount)} reference and {formatCount(feature.currentCount)} current values
        {feature.referenceMissing + feature.currentMissing > 0 &&
          ` (missing: ${feature.referenceMissing} reference, ${feature.currentMissing} current)`}
        , {feature.distinct} distinct{feature.note ? ` · ${feature.note}` : ''}
      </p>
      <table className="tests-table">
        <caption className="visually-hidden">Every test on {feature.name}</caption>
        <thead>
          <tr>
            <th scope="col">Test</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col" className="num">
              p-value
            </th>
            <th scope="col">Threshold</th>
            <th scope="col">Says</th>
          </tr>
        </thead>
        <tbody>
          {feature.tests.map((t) => (
            <tr key={t.test} className={t.decisive ? 'decisive' : undefined}>
              <th scope="row">
                {TEST_NAMES[t.test]}
                {t.decisive && <span className="role-badge">decides</span>}
              </th>
              <td className="num">{t.value === null ? '∞' : formatNumber(t.value)}</td>
              <td className="num">{t.pValue === null ? '–' : formatPValue(t.pValue)}</td>
              <td>{ruleText(t)}</td>
              <td>{t.drifted ? 'drift' : 'no drift'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
