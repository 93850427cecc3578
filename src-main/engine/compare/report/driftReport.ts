// Drift in the offline report: the per-feature table sorted by severity (decisive test, value against its
// threshold, false-alarm rate, smallest detectable shift) with a reference-vs-current histogram for each
// feature; used inside the comparison report and alone for `slipway drift --report`.
import type { DriftHistogram, DriftReport, DriftTest, FeatureDrift } from '../../../../src-shared/contract';
import { driftVerdict } from '../../../../src-shared/driftVerdict';
import { STYLE } from '../../loadtest/analysis/loadReport';
import { escapeHtml, formatTick } from '../../loadtest/analysis/svgChart';
import { bars, FIGURE_COLORS } from './svgFigures';

const esc = escapeHtml;
/** Features whose overlays show at once; the rest are one click away. */
const OPEN_OVERLAYS = 12;

export const TEST_NAMES: Readonly<Record<DriftTest['test'], string>> = {
  ks: 'KS',
  wasserstein: 'Wasserstein (norm.)',
  psi: 'PSI',
  jensenShannon: 'Jensen–Shannon',
  chiSquare: 'chi-square',
  zTest: 'z-test',
};

export function decisiveTest(feature: FeatureDrift): DriftTest | undefined {
  return feature.tests.find((t) => t.decisive) ?? feature.tests[0];
}

export const num = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined
    ? '—'
    : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(2)
      : String(Number(v.toPrecision(digits)));

export const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`;

function table(header: string[], rows: string[][], cls = ''): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function testCell(t: DriftTest | undefined): string {
  if (!t) return '—';
  const rule =
    t.rule === 'pValueBelow'
      ? `p ${num(t.pValue)} &lt; ${num(t.threshold)}?`
      : `${num(t.value)} ≥ ${num(t.threshold)}?`;
  return `${esc(TEST_NAMES[t.test])}: ${rule}${t.approximate ? ` <span class="muted">(${esc(t.method)})</span>` : ''}`;
}

function overlay(name: string, h: DriftHistogram): string {
  const labels = h.categories ?? (h.edges ? h.edges.slice(0, -1).map((e) => formatTick(e)) : []);
  return bars({
    title: name,
    labels,
    series: [
      { name: 'reference', color: FIGURE_COLORS.reference, counts: h.reference },
      { name: 'current', color: FIGURE_COLORS.current, counts: h.current },
    ],
    yLabel: 'share of rows',
    shares: true,
    width: 480,
    height: 180,
  });
}

/** The drift section: verdict, per-feature table (most severe first) and overlays. */
export function driftSection(report: DriftReport, title: string, id = 'drift'): string {
  const { drifted, text } = driftVerdict(report);
  const verdict = `<p class="${drifted ? 'error' : 'note'}"><strong>${drifted ? 'Drift' : 'No drift'}:</strong> ${esc(text)}.</p>`;
  const rows = report.features.map((f) => {
    const t = decisiveTest(f);
    return [
      esc(f.name),
      esc(f.treatment),
      f.drifted ? '<span class="bad">drifted</span>' : 'no',
      num(f.severity, 3),
      testCell(t),
      pct(t?.falseAlarmRate),
      t?.shiftUndetectable ? 'undetectable' : num(t?.minimalDetectableShift, 3),
      `${f.referenceCount} / ${f.currentCount}`,
      f.note ? esc(f.note) : '',
    ];
  });
  const overlays = report.features.map((f) => overlay(f.name, f.histogram));
  const shown = overlays.slice(0, OPEN_OVERLAYS).join('');
  const rest = overlays.slice(OPEN_OVERLAYS);
  return (
    `<section id="${esc(id)}"><h2>${esc(title)}</h2>${verdict}` +
    table(
      [
        'Feature',
        'Treated as',
        'Drift',
        'Severity',
        'Decisive test',
        'False alarms',
        'Min. detectable shift',
        'Rows (ref / cur)',
        'Note',
      ],
      rows,
    ) +
    `<p class="note">Severity is the decisive test’s value over its threshold (for p-value tests, log p / log threshold): 1 or more means drift. ` +
    'False alarms: the share of splits of the reference against itself that the test flagged. Minimal detectable shift: ' +
    'numeric features in reference standard deviations, categorical ones as the share of rows moved.</p>' +
    `<h3>Reference vs current</h3><div class="overlays">${shown}</div>` +
    (rest.length > 0
      ? `<details><summary>${rest.length} more features</summary><div class="overlays">${rest.join('')}</div></details>`
      : '') +
    `<details><summary>Conventions</summary><ul>${report.conventions.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></details>` +
    '</section>'
  );
}

export const EXTRA_STYLE =
  '.overlays{display:flex;flex-wrap:wrap;gap:4px 12px}.overlays figure.chart{margin:4px 0}svg .cell{font-size:11px}';

/** `slipway drift --report`: the drift section alone as an offline page. */
export function renderDriftHtml(
  report: DriftReport,
  meta: { reference: string; current: string; createdAt: string },
): string {
  const title = `Drift: ${meta.current} against ${meta.reference}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLE}${EXTRA_STYLE}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p class="muted">${report.referenceRows} reference rows · ${report.currentRows} current rows · ${esc(meta.createdAt)}</p></header>`,
    driftSection(report, 'Feature drift'),
    '<footer>Made by Slipway. This file is self-contained: it loads nothing and runs no script.</footer>',
    '</body></html>',
    '',
  ].join('\n');
}
