// A stored comparison as a self-contained offline HTML report (inline CSS and SVG, no script, nothing fetched)
// and as JSON: versions with accuracy and latency, each pair's agreement, flips and flip-matrix heatmap, |Δ|
// distributions, drift with reference-vs-current overlays, the explorer's rows, and the conventions.
import type { Comparison, Estimate, ExplorerRow, PairResult, VersionResult } from '../../../../src-shared/contract';
import { formatDuration } from '../../../../src-shared/units';
import { STYLE } from '../../loadtest/analysis/loadReport';
import { escapeHtml, formatTick } from '../../loadtest/analysis/svgChart';
import { driftSection, EXTRA_STYLE, num, pct } from './driftReport';
import { bars, FIGURE_COLORS, heatmap, intervals } from './svgFigures';

const esc = escapeHtml;
/** Values of an explorer row's input shown before "…" (the JSON export has them all). */
const INPUT_PREVIEW = 16;

/** The comparison as JSON that parses back with ComparisonSchema. */
export function comparisonJson(comparison: Comparison): string {
  return JSON.stringify(comparison, null, 2);
}

function table(header: string[], rows: string[][], cls = ''): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const interval = (e: Estimate | null, format: (v: number) => string) =>
  e === null
    ? '—'
    : `${format(e.value)}${e.low !== null && e.high !== null ? ` <span class="muted">[${format(e.low)}, ${format(e.high)}]</span>` : ''}`;
const share = (v: number) => pct(v);
const signedPoints = (v: number) => `${v >= 0 ? '+' : '−'}${(Math.abs(v) * 100).toFixed(2)} pts`;
const ms = (v: number | null) => (v === null ? '—' : formatDuration(v));
const signedMs = (v: number) => `${v >= 0 ? '+' : '−'}${formatDuration(Math.abs(v))}`;
const count = (n: number) => n.toLocaleString('en-US');

function configSection(c: Comparison): string {
  const rows: [string, string][] = [
    [
      'Versions',
      c.config.versions.map((v, i) => `${esc(v)}${i === 0 ? ' <span class="muted">(baseline)</span>' : ''}`).join(', '),
    ],
    ['Dataset', `${esc(c.datasetName)} <span class="muted">(${esc(c.datasetId)})</span>`],
    ['Reference', c.referenceName ? esc(c.referenceName) : '—'],
    [
      'Prediction',
      c.config.prediction
        ? esc(`${c.config.prediction.output}${c.config.prediction.rule ? `:${c.config.prediction.rule}` : ''}`)
        : 'inferred from each signature',
    ],
    [
      'Rows',
      c.results
        ? `${count(c.results.datasetRows)} (${count(c.results.labelledRows)} labelled), ${c.results.batchSize} per chunk`
        : '—',
    ],
    [
      'Time',
      c.results
        ? `${formatDuration(c.results.timing.totalMs)} (replay ${formatDuration(c.results.timing.replayMs)}, statistics ${formatDuration(c.results.timing.statisticsMs)}, drift ${formatDuration(c.results.timing.driftMs)})`
        : '—',
    ],
  ];
  return `<section id="config"><h2>Setup</h2><table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table></section>`;
}

function versionsSection(versions: readonly VersionResult[]): string {
  const regression = versions.some((v) => v.mae || v.rmse);
  const rows = versions.map((v) => [
    esc(v.ref),
    `${esc(v.prediction.output)} · ${esc(v.prediction.rule)} <span class="muted">(${esc(v.prediction.source)})</span>`,
    count(v.rows),
    v.errors > 0 ? `<span class="bad">${count(v.errors)}</span>` : '0',
    ...(regression ? [interval(v.mae, (x) => num(x)), interval(v.rmse, (x) => num(x))] : [interval(v.accuracy, share)]),
    `${ms(v.latency.p50Ms)} / ${ms(v.latency.p99Ms)} / ${ms(v.latency.meanMs)}`,
    esc(v.provider),
  ]);
  const colors = [
    FIGURE_COLORS.baseline,
    FIGURE_COLORS.candidate,
    '#16a34a',
    '#7c3aed',
    '#0891b2',
    '#db2777',
    '#ca8a04',
    '#4b5563',
  ];
  const chart = regression
    ? intervals({
        title: 'MAE per version (with interval)',
        rows: versions.flatMap((v, i) =>
          v.mae ? [{ label: v.ref, ...v.mae, color: colors[i % colors.length]! }] : [],
        ),
        format: (x) => num(x, 3),
      })
    : intervals({
        title: 'Accuracy per version (with interval)',
        rows: versions.flatMap((v, i) =>
          v.accuracy ? [{ label: v.ref, ...v.accuracy, color: colors[i % colors.length]! }] : [],
        ),
        format: (x) => `${(x * 100).toFixed(1)} %`,
      });
  const errors = versions.flatMap((v) =>
    v.errorSamples.map((e) => `<li>${esc(v.ref)}, row ${e.row}: ${esc(e.message)}</li>`),
  );
  return (
    '<section id="versions"><h2>Versions</h2>' +
    table(
      [
        'Version',
        'Prediction',
        'Rows',
        'Errors',
        ...(regression ? ['MAE', 'RMSE'] : ['Accuracy']),
        'Latency/row p50 / p99 / mean',
        'Provider',
      ],
      rows,
    ) +
    chart +
    (errors.length > 0 ? `<details><summary>Errors</summary><ul>${errors.join('')}</ul></details>` : '') +
    '</section>'
  );
}

function pairSummary(p: PairResult): string {
  const rows: [string, string][] = [['Rows both answered', count(p.rows)]];
  if (p.agreement) {
    rows.push(
      ['Agreement', `${interval(p.agreement, share)} · ${count(p.disagreements)} rows disagree`],
      ['Cohen’s κ', p.kappa === null ? '— (undefined: one class only)' : num(p.kappa, 4)],
    );
  }
  if (p.labels) {
    const l = p.labels;
    rows.push(
      ['Labelled rows', count(l.rows)],
      [
        'Negative flips (baseline right, candidate wrong)',
        `<span class="${l.negativeFlips > 0 ? 'bad' : ''}">${count(l.negativeFlips)}</span>`,
      ],
      ['Positive flips (baseline wrong, candidate right)', count(l.positiveFlips)],
      ['Both right / both wrong', `${count(l.bothRight)} / ${count(l.bothWrong)}`],
      ['Accuracy change', interval(l.accuracyDelta, signedPoints)],
      [
        'McNemar',
        `p = ${num(l.mcnemar.pValue)}, statistic ${num(l.mcnemar.statistic)} <span class="muted">(${esc(l.mcnemar.variant)})</span>`,
      ],
    );
  }
  if (p.regressionLabels) {
    rows.push(['|error| change (candidate − baseline)', interval(p.regressionLabels.absErrorDelta, (x) => num(x, 3))]);
  }
  if (p.latencyDelta) {
    rows.push([
      'Latency/row change',
      `${interval(p.latencyDelta.meanMs, signedMs)}${p.latencyDelta.ratio !== null ? ` · ×${p.latencyDelta.ratio.toFixed(2)}` : ''}`,
    ]);
  }
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function outputsSection(p: PairResult): string {
  if (p.outputs.length === 0 && p.skippedOutputs.length === 0) return '';
  const rows = p.outputs.map((o) => [
    esc(o.output),
    String(o.elements),
    o.absDelta ? `${num(o.absDelta.p50)} / ${num(o.absDelta.p99)} / ${num(o.absDelta.max)}` : '—',
    o.cosine ? `${num(o.cosine.mean, 6)} / ${num(o.cosine.min, 6)}` : '—',
    o.distance
      ? `${num(o.distance.mean)} / ${num(o.distance.max)}${o.distance.maxElement !== null ? ` (element ${o.distance.maxElement})` : ''} <span class="muted">${esc(o.distance.basis)}</span>`
      : '—',
  ]);
  const charts = p.outputs
    .filter((o) => o.histogram)
    .map((o) =>
      bars({
        title: `|Δ| per row: ${o.output}`,
        labels: o.histogram!.edges.slice(0, -1).map((e) => `≥${formatTick(e)}`),
        series: [{ name: '|Δ|', color: FIGURE_COLORS.candidate, counts: o.histogram!.counts }],
        yLabel: 'rows',
      }),
    );
  const skipped = p.skippedOutputs.map((s) => `<li>${esc(s.output)}: ${esc(s.reason)}</li>`).join('');
  return (
    '<h3>Outputs</h3>' +
    table(['Output', 'Elements', '|Δ| p50 / p99 / max', 'Cosine mean / min', 'Wasserstein-1 mean / max'], rows) +
    charts.join('') +
    (skipped ? `<p class="note">Not compared:</p><ul>${skipped}</ul>` : '')
  );
}

function explorerTable(rows: readonly ExplorerRow[], title: string): string {
  if (rows.length === 0) return `<h4>${esc(title)}</h4><p class="muted">No rows.</p>`;
  const body = rows.map((r) => {
    const inputs = Object.entries(r.inputs)
      .map(([name, values]) => {
        const shown = values.slice(0, INPUT_PREVIEW).map((v) => (v === null ? '∅' : num(v, 3)));
        return `${esc(name)}: [${shown.join(', ')}${values.length > INPUT_PREVIEW ? `, … ${values.length - INPUT_PREVIEW} more` : ''}]`;
      })
      .join('<br>');
    const [a, b] = r.outputs;
    return [
      String(r.row),
      r.label === null ? '—' : esc(String(r.label)),
      r.flip === 'negative' ? '<span class="bad">negative</span>' : esc(r.flip),
      num(r.absDelta),
      a ? esc(String(a.prediction ?? '—')) : '—',
      b ? esc(String(b.prediction ?? '—')) : '—',
      `<details><summary>inputs and outputs</summary><div class="mono">${inputs}<br>${[a, b]
        .filter((o) => o)
        .map((o) => `${esc(o!.ref)}: [${o!.values.map((v) => (v === null ? '∅' : num(v, 3))).join(', ')}]`)
        .join('<br>')}</div></details>`,
    ];
  });
  return `<h4>${esc(title)}</h4>` + table(['Row', 'Label', 'Flip', '|Δ|', 'Baseline', 'Candidate', ''], body, 'dense');
}

function pairSection(p: PairResult, index: number): string {
  const matrix = p.flipMatrix
    ? heatmap({
        title: `Flip matrix: ${p.baseline} (rows) vs ${p.candidate} (columns)${p.flipMatrix.folded ? ', rare classes folded' : ''}`,
        labels: p.flipMatrix.classes,
        counts: p.flipMatrix.counts,
        rowAxis: `${p.baseline} predicts`,
        columnAxis: `${p.candidate} predicts`,
      })
    : '';
  return (
    `<section id="pair-${index}"><h2>${esc(p.baseline)} vs ${esc(p.candidate)}</h2>` +
    pairSummary(p) +
    matrix +
    outputsSection(p) +
    `<h3>Disagreement explorer</h3><p class="note">Rows ranked by |Δ| of ${esc(p.explorer.deltaOutput || '(no output compared)')}, and by flips (negative first). ` +
    'Export them as a dataset with <code>slipway compare export</code>.</p>' +
    explorerTable(p.explorer.byFlips, 'By flips') +
    explorerTable(p.explorer.byDelta, 'By |Δ|') +
    '</section>'
  );
}

function predictionDriftSection(c: Comparison): string {
  const drift = c.results?.predictionDrift;
  if (!drift || drift.length === 0) return '';
  const rows = drift.map((d) => {
    const t = d.drift.tests.find((x) => x.decisive) ?? d.drift.tests[0];
    return [
      esc(d.ref),
      esc(d.kind),
      d.drift.drifted ? '<span class="bad">drifted</span>' : 'no',
      num(d.drift.severity, 3),
      t
        ? `${esc(t.test)} ${t.pValue !== null ? `p ${num(t.pValue)}` : num(t.value)} (threshold ${num(t.threshold)})`
        : '—',
      `${count(d.referenceRows)} / ${count(d.currentRows)}`,
    ];
  });
  return (
    '<section id="prediction-drift"><h2>Prediction drift</h2><p class="note">Each version’s predictions on the reference dataset against its predictions on the compared dataset.</p>' +
    table(['Version', 'Prediction as', 'Drift', 'Severity', 'Decisive test', 'Rows (ref / cur)'], rows) +
    '</section>'
  );
}

/**
 * The report. The Content-Security-Policy forbids scripts and any fetch, so it opens the same offline, from a
 * mail attachment or a CI artifact; every name and value from the user or the data is escaped.
 */
export function renderComparisonHtml(c: Comparison): string {
  const title = `Comparison: ${c.name}`;
  const state =
    c.state === 'succeeded' ? '' : ` · <span class="${c.state === 'failed' ? 'bad' : 'muted'}">${esc(c.state)}</span>`;
  const r = c.results;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLE}${EXTRA_STYLE}.mono{font-family:ui-monospace,monospace;font-size:11px;word-break:break-all}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p class="muted">${esc(c.createdAt)} · comparison ${esc(c.id)}${state}</p></header>`,
    c.error ? `<p class="error" role="alert">${esc(c.error)}</p>` : '',
    configSection(c),
    r ? versionsSection(r.versions) : '<p class="muted">No results: the comparison did not finish.</p>',
    ...(r ? r.pairs.map(pairSection) : []),
    r?.inputDrift
      ? driftSection(r.inputDrift, `Input drift against ${c.referenceName ?? 'the reference'}`, 'input-drift')
      : '',
    predictionDriftSection(c),
    r
      ? `<section id="conventions"><h2>Conventions</h2><ul>${r.conventions.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>`
      : '',
    '<footer>Made by Slipway. This file is self-contained: it loads nothing and runs no script.</footer>',
    '</body></html>',
    '',
  ].join('\n');
}
