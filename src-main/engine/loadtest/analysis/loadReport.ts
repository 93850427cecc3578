// Exports a stored run: one self-contained offline HTML report (inline CSS and SVG, no script, nothing
// fetched), a CSV with one row per second, and JSON. Header values and URL credentials are never written out.
import type {
  CapacityResult,
  LoadInputs,
  LoadInterval,
  LoadRunDetail,
  LoadTarget,
  LoadTestConfig,
  Percentiles,
  RunComparison,
  Segment,
  StatusCounts,
} from '../../../../src-shared/contract';
import { formatBytes, formatDuration } from '../../../../src-shared/units';
import { escapeHtml, lineChart, type ChartSeries, type Point } from './svgChart';
import { errorRate, SUCCESS_STATUSES } from './summarizeRun';

const HIDDEN = '(hidden)';

/** A URL without user:password; unparsable text is returned as it is (it is escaped on output anyway). */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** The config as it may leave the machine: header values (API keys, tokens) and URL credentials removed. */
export function redactConfig(config: LoadTestConfig): LoadTestConfig {
  if (config.target.kind !== 'url') return config;
  const headers = Object.fromEntries(Object.keys(config.target.headers).map((name) => [name, HIDDEN]));
  return { ...config, target: { ...config.target, url: withoutCredentials(config.target.url), headers } };
}

const redactDetail = (detail: LoadRunDetail): LoadRunDetail => ({ ...detail, config: redactConfig(detail.config) });

// ---------------------------------------------------------------------------------------------------------
// JSON and CSV

/** The run as JSON that parses back with LoadRunDetailSchema (header values hidden). */
export function toJson(detail: LoadRunDetail): string {
  return JSON.stringify(redactDetail(detail), null, 2);
}

const PERCENTILE_FIELDS = ['count', 'p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
const MEASURES = ['corrected', 'uncorrected', 'sendLag'] as const;

/** Statuses seen anywhere in the run, ok first, then by name, so every row has the same columns. */
function statusColumns(intervals: readonly LoadInterval[]): string[] {
  const names = new Set<string>();
  for (const i of intervals) for (const name of Object.keys(i.statuses)) names.add(name);
  return [...names].sort((a, b) => (a === 'ok' ? -1 : b === 'ok' ? 1 : a.localeCompare(b)));
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per second with every field of LoadInterval flattened into dotted column names (`statuses.ok`,
 * `corrected.p99`, `server.queueMs`, …). An empty cell is a missing value: no such status that second, a null
 * percentile, or no server/engine figures. Latencies in ms. RFC 4180 (CRLF, quoted where needed).
 */
export function toCsv(detail: LoadRunDetail): string {
  const statuses = statusColumns(detail.intervals);
  const header = [
    'second',
    'offered',
    'completed',
    ...statuses.map((s) => `statuses.${s}`),
    ...MEASURES.flatMap((m) => PERCENTILE_FIELDS.map((f) => `${m}.${f}`)),
    'server.queueMs',
    'server.computeMs',
    'engine.cpuPercent',
    'engine.rssBytes',
  ];
  const rows = detail.intervals.map((i) => [
    i.second,
    i.offered,
    i.completed,
    ...statuses.map((s) => i.statuses[s]),
    ...MEASURES.flatMap((m) => PERCENTILE_FIELDS.map((f) => i[m][f])),
    i.server?.queueMs,
    i.server?.computeMs,
    i.engine?.cpuPercent,
    i.engine?.rssBytes,
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------------------
// HTML

const COLORS = {
  offered: '#6b7280',
  achieved: '#2563eb',
  p50: '#16a34a',
  p99: '#dc2626',
  max: '#7c3aed',
  uncorrected: '#ea580c',
  budget: '#b91c1c',
  knee: '#0891b2',
  capacity: '#15803d',
  saturation: '#9333ea',
};
const PALETTE = ['#dc2626', '#ea580c', '#ca8a04', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d'];

const esc = escapeHtml;
const count = (n: number) => n.toLocaleString('en-US');
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatDuration(v));
const rate = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} req/s`;
const share = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 2 : 1)} %`;
const plain = (v: number) => String(Number(v.toPrecision(6)));

function describeSegment(s: Segment): string {
  const arrivals = 'arrivals' in s && s.arrivals === 'poisson' ? ', Poisson arrivals' : '';
  switch (s.kind) {
    case 'constant':
      return `constant ${plain(s.rate)} req/s for ${plain(s.duration)} s${arrivals}`;
    case 'ramp':
      return `ramp ${plain(s.from)} → ${plain(s.to)} req/s over ${plain(s.duration)} s${arrivals}`;
    case 'steps':
      return `${s.count} steps from ${plain(s.from)} req/s by ${plain(s.step)} req/s, ${plain(s.stepDuration)} s each${arrivals}`;
    case 'spike':
      return (
        `spike ${plain(s.base)} → ${plain(s.peak)} req/s: ${plain(s.before)} s at base, ${plain(s.rise)} s rise, ` +
        `${plain(s.hold)} s hold, ${plain(s.fall)} s fall, ${plain(s.after)} s at base${arrivals}`
      );
    case 'sine':
      return `sine ${plain(s.mean)} ± ${plain(s.amplitude)} req/s, period ${plain(s.period)} s, for ${plain(s.duration)} s${arrivals}`;
    case 'poisson':
      return `Poisson ${plain(s.rate)} req/s for ${plain(s.duration)} s`;
    case 'bursts':
      return `bursts: ${plain(s.rate)} req/s for ${plain(s.on)} s, ${plain(s.offRate)} req/s for ${plain(s.off)} s, for ${plain(s.duration)} s${arrivals}`;
    case 'trace':
      return `trace replay of ${count(s.times.length)} ${s.format}, ×${plain(s.speedup)} speed, ${s.loops} loop${s.loops === 1 ? '' : 's'}`;
    case 'concurrency':
      return `closed loop: ${s.levels.map((l) => `${l.concurrency} clients for ${plain(l.duration)} s`).join(', ')}`;
  }
}

function describeTarget(t: LoadTarget): string {
  switch (t.kind) {
    case 'runtime':
      return `in-process runtime (no HTTP): ${t.model}${t.version ? `:${t.version}` : ''}`;
    case 'endpoint':
      return `Slipway local endpoint: ${t.model}${t.version ? `:${t.version}` : ''}`;
    case 'url': {
      const headers = Object.keys(t.headers);
      return (
        `KServe V2 URL ${t.url}, model ${t.modelName}${t.modelVersion ? ` version ${t.modelVersion}` : ''}` +
        (headers.length ? `; headers ${headers.join(', ')} (values hidden)` : '')
      );
    }
  }
}

function describeInputs(i: LoadInputs): string {
  if (i.kind === 'replay') return `rows of replay file ${i.file}, cycled`;
  const dims = Object.entries(i.dims).map(([k, v]) => `${k}=${v}`);
  return `synthetic from the signature (${i.fill}, ${i.variants} variants, seed ${i.seed}${dims.length ? `, dims ${dims.join(', ')}` : ''})`;
}

const table = (head: readonly string[], rows: readonly (readonly string[])[], cls = '') =>
  `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
  `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

const keyValues = (rows: readonly (readonly [string, string])[]) =>
  `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;

function configSection(detail: LoadRunDetail): string {
  const c = detail.config;
  const rows: [string, string][] = [
    ['Target', esc(describeTarget(c.target))],
    ['Resolved to', esc(detail.targetLabel)],
    [
      'Shape',
      c.shape
        ? `${c.shape.segments.map((s) => esc(describeSegment(s))).join('<br>')}<br>seed ${c.shape.seed}`
        : 'built by the capacity search',
    ],
    ['Protocol', c.protocol === 'binary' ? 'binary tensor data' : 'JSON'],
    ['Inputs', esc(describeInputs(c.inputs))],
    ['Timeout', ms(c.timeoutMs)],
    ['Connections', count(c.connections)],
  ];
  if (c.capacity)
    rows.push([
      'Capacity search',
      esc(
        `p99 budget ${formatDuration(c.capacity.budgetMs)}, from ${plain(c.capacity.startRate)} to at most ` +
          `${plain(c.capacity.maxRate)} req/s, precision ${plain(c.capacity.precision * 100)} %, ` +
          `${plain(c.capacity.windowSeconds)} s windows`,
      ),
    ]);
  return `<section id="config"><h2>Configuration</h2>${keyValues(rows)}</section>`;
}

const latencyRow = (label: string, p: Percentiles) => [
  label,
  ms(p.p50),
  ms(p.p90),
  ms(p.p99),
  ms(p.p999),
  ms(p.max),
  ms(p.mean),
  count(p.count),
];

const CO_EXPLAINED =
  'Corrected latency counts from when each request should have been sent by the schedule, so the wait of requests ' +
  'held up behind a slow one is included; uncorrected latency counts from when the request actually left, as most ' +
  'load tools report, and hides such stalls (coordinated omission).';

function statusTable(statuses: StatusCounts): string {
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const rows = Object.entries(statuses)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => [
      esc(name) + (SUCCESS_STATUSES.includes(name) ? '' : ' <span class="bad">(error)</span>'),
      count(n),
      total ? share(n / total) : '—',
    ]);
  return rows.length ? table(['Outcome', 'Requests', 'Share'], rows, 'statuses') : '<p>No request finished.</p>';
}

function summarySection(detail: LoadRunDetail): string {
  const s = detail.summary;
  if (!s) {
    const why = {
      running: 'the run is still going',
      failed: 'the run failed',
      cancelled: 'the run was cancelled before it finished',
      succeeded: 'none was stored',
    }[detail.state];
    return `<section id="summary"><h2>Summary</h2><p>No summary: ${why}.</p></section>`;
  }
  const overview = keyValues([
    ['Requests', count(s.requests)],
    ['Duration', `${plain(s.durationSeconds)} s`],
    ['Offered rate', rate(s.offeredRate)],
    ['Achieved rate', `${rate(s.achievedRate)} (answers of any status)`],
    ['Error rate', share(errorRate(s.statuses))],
    ['Late sends (> 1 ms)', share(s.lateSendShare)],
  ]);
  const latency = table(
    ['Latency', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'count'],
    [
      latencyRow('<strong>Corrected</strong> (from intended send)', s.corrected),
      latencyRow('<strong>Uncorrected</strong> (from actual send)', s.uncorrected),
      latencyRow('Send lag (actual − intended)', s.sendLag),
    ],
    'latency',
  );
  return (
    `<section id="summary"><h2>Summary</h2>${overview}<h3>Latency</h3>${latency}` +
    `<p class="note">${esc(CO_EXPLAINED)}</p><h3>Outcomes</h3>${statusTable(s.statuses)}</section>`
  );
}

function generatorWarning(detail: LoadRunDetail): string {
  const s = detail.summary;
  if (!s?.generatorBound) return '';
  return (
    `<p class="warning" role="alert"><strong>Generator-bound.</strong> ${share(s.lateSendShare)} of sends left more ` +
    'than 1 ms after their intended time (the limit is 1 %). The load generator, not the target, limited this run: ' +
    'the offered rate was not applied on time and corrected latency includes the generator’s own delay. Rerun at a ' +
    'lower rate or with fewer connections, or on a less busy machine.</p>'
  );
}

/** A log scale once latencies span two orders of magnitude, so a p50 of 2 ms stays visible beside a 500 ms stall. */
function latencyScale(values: readonly (number | null)[]): 'linear' | 'log' {
  const positive = values.filter((v): v is number => v !== null && v > 0);
  if (positive.length === 0) return 'linear';
  return Math.max(...positive) / Math.min(...positive) > 100 ? 'log' : 'linear';
}

function overTimeSection(intervals: readonly LoadInterval[]): string {
  if (intervals.length === 0)
    return '<section id="over-time"><h2>Over time</h2><p>No intervals recorded.</p></section>';
  const series = (pick: (i: LoadInterval) => number | null | undefined): Point[] =>
    intervals.map((i) => [i.second, pick(i) ?? null]);
  const charts: string[] = [];
  charts.push(
    lineChart({
      title: 'Offered vs achieved rate',
      xLabel: 'second of the run',
      yLabel: 'requests/s',
      series: [
        { name: 'offered', points: series((i) => i.offered), color: COLORS.offered, dashed: true },
        { name: 'achieved', points: series((i) => i.completed), color: COLORS.achieved },
      ],
    }),
  );
  const latencySeries: ChartSeries[] = [
    { name: 'corrected p50', points: series((i) => i.corrected.p50), color: COLORS.p50 },
    { name: 'corrected p99', points: series((i) => i.corrected.p99), color: COLORS.p99 },
    { name: 'corrected max', points: series((i) => i.corrected.max), color: COLORS.max },
    { name: 'uncorrected p99', points: series((i) => i.uncorrected.p99), color: COLORS.uncorrected, dashed: true },
  ];
  const scale = latencyScale(latencySeries.flatMap((s) => s.points.map((p) => p[1])));
  charts.push(
    lineChart({
      title: 'Latency',
      xLabel: 'second of the run',
      yLabel: scale === 'log' ? 'ms (log scale)' : 'ms',
      yScale: scale,
      series: latencySeries,
    }),
  );
  const failing = statusColumns(intervals).filter(
    (name) => name !== 'ok' && intervals.some((i) => (i.statuses[name] ?? 0) > 0),
  );
  charts.push(
    failing.length === 0
      ? '<p>No errors or degraded answers.</p>'
      : lineChart({
          title: 'Errors and degraded answers by outcome',
          xLabel: 'second of the run',
          yLabel: 'requests/s',
          series: failing.map((name, k) => ({
            name,
            points: series((i) => i.statuses[name] ?? 0),
            color: PALETTE[k % PALETTE.length]!,
          })),
        }),
  );
  if (intervals.some((i) => i.server && (i.server.queueMs !== null || i.server.computeMs !== null)))
    charts.push(
      lineChart({
        title: 'Server time per request: queue vs compute (from /metrics)',
        xLabel: 'second of the run',
        yLabel: 'ms',
        series: [
          { name: 'queue', points: series((i) => i.server?.queueMs), color: COLORS.uncorrected },
          { name: 'compute', points: series((i) => i.server?.computeMs), color: COLORS.achieved },
        ],
      }),
    );
  if (intervals.some((i) => i.engine))
    charts.push(
      lineChart({
        title: 'Engine CPU',
        xLabel: 'second of the run',
        yLabel: '% of one core',
        height: 220,
        series: [{ name: 'CPU', points: series((i) => i.engine?.cpuPercent), color: COLORS.achieved }],
      }),
      lineChart({
        title: 'Engine memory (RSS)',
        xLabel: 'second of the run',
        yLabel: 'MB',
        height: 220,
        series: [
          {
            name: 'RSS',
            points: series((i) => (i.engine ? i.engine.rssBytes / 1e6 : null)),
            color: COLORS.max,
          },
        ],
      }),
    );
  return `<section id="over-time"><h2>Over time</h2>${charts.join('')}</section>`;
}

function spectrumSection(detail: LoadRunDetail): string {
  const points = detail.spectrum.filter((p) => p.percentile < 100);
  if (points.length === 0) return '';
  const chart = lineChart({
    title: 'Latency by percentile (whole run)',
    xLabel: 'percentile',
    yLabel: 'ms',
    xScale: 'percentile',
    series: [
      { name: 'corrected', points: points.map((p) => [p.percentile, p.correctedMs]), color: COLORS.p99 },
      {
        name: 'uncorrected',
        points: points.map((p) => [p.percentile, p.uncorrectedMs]),
        color: COLORS.uncorrected,
        dashed: true,
      },
    ],
  });
  const rows = detail.spectrum.map((p) => [
    p.percentile >= 100 ? 'max' : plain(p.percentile),
    ms(p.correctedMs),
    ms(p.uncorrectedMs),
  ]);
  return (
    `<section id="spectrum"><h2>Percentile spectrum</h2>${chart}` +
    `<details><summary>Table</summary>${table(['Percentile', 'Corrected', 'Uncorrected'], rows)}</details></section>`
  );
}

function capacitySection(capacity: CapacityResult | undefined): string {
  if (!capacity) return '';
  const marks = (
    [
      ['capacity', capacity.capacityRate, COLORS.capacity],
      ['knee', capacity.kneeRate, COLORS.knee],
      ['saturation', capacity.saturationRate, COLORS.saturation],
    ] as const
  ).flatMap(([label, value, color]) => (value === null ? [] : [{ value, label, color }]));
  const levels = capacity.levels;
  const p99Chart = lineChart({
    title: 'p99 against offered rate',
    xLabel: 'offered rate (req/s)',
    yLabel: latencyScale(levels.map((l) => l.p99Ms)) === 'log' ? 'p99 ms (log scale)' : 'p99 ms',
    yScale: latencyScale([...levels.map((l) => l.p99Ms), capacity.budgetMs]),
    series: [{ name: 'p99', points: levels.map((l) => [l.offeredRate, l.p99Ms]), color: COLORS.p99, markers: true }],
    yLines: [{ value: capacity.budgetMs, label: `budget ${formatDuration(capacity.budgetMs)}`, color: COLORS.budget }],
    xLines: marks,
  });
  const rateChart = lineChart({
    title: 'Achieved against offered rate',
    xLabel: 'offered rate (req/s)',
    yLabel: 'achieved rate (req/s)',
    series: [
      {
        name: 'offered (ideal)',
        points: levels.map((l) => [l.offeredRate, l.offeredRate]),
        color: COLORS.offered,
        dashed: true,
      },
      {
        name: 'achieved',
        points: levels.map((l) => [l.offeredRate, l.achievedRate]),
        color: COLORS.achieved,
        markers: true,
      },
    ],
    xLines: marks,
  });
  const results = keyValues([
    ['p99 budget', ms(capacity.budgetMs)],
    [
      'Capacity',
      capacity.capacityRate === null
        ? 'no level met the budget'
        : `${rate(capacity.capacityRate)} (highest offered rate whose p99 met the budget with achieved tracking offered)`,
    ],
    [
      'Saturation',
      capacity.saturationRate === null
        ? 'not reached in the measured range'
        : `${rate(capacity.saturationRate)} (achieved fell below 95 % of offered)`,
    ],
    [
      'Knee',
      capacity.kneeRate === null
        ? 'no knee in the measured curve'
        : `${rate(capacity.kneeRate)} (maximum curvature of p99 against offered rate)`,
    ],
  ]);
  const rows = levels.map((l) => [
    rate(l.offeredRate),
    rate(l.achievedRate),
    ms(l.p50Ms),
    ms(l.p99Ms),
    String(l.windows),
    l.stable ? 'yes' : '<span class="bad">no</span>',
    l.meetsBudget ? 'yes' : '<span class="bad">no</span>',
  ]);
  return (
    `<section id="capacity"><h2>Capacity search</h2>${results}${p99Chart}${rateChart}` +
    table(['Offered', 'Achieved', 'p50', 'p99', 'Windows', 'Stable', 'Meets budget'], rows) +
    '</section>'
  );
}

const ratioText = (r: number | null) => (r === null ? '—' : `×${r.toFixed(2)}`);

function comparisonSection(comparison: RunComparison | undefined): string {
  if (!comparison || comparison.runs.length === 0) return '';
  const rows = comparison.runs.map((run, k) => {
    const d = comparison.deltas.find((x) => x.id === run.id) ?? comparison.deltas[k];
    const s = run.summary;
    return [
      esc(run.name) + (k === 0 ? ' <span class="muted">(baseline)</span>' : ''),
      count(s.requests),
      rate(s.offeredRate),
      rate(s.achievedRate),
      ms(s.corrected.p99),
      ms(s.uncorrected.p99),
      d
        ? `${ratioText(d.p99Ratio)}${d.p99RatioLow !== null && d.p99RatioHigh !== null && k > 0 ? ` (${d.p99RatioLow.toFixed(2)}–${d.p99RatioHigh.toFixed(2)})` : ''}`
        : '—',
      d ? ratioText(d.achievedRateRatio) : '—',
      d ? `${d.errorRateDelta >= 0 ? '+' : '−'}${(Math.abs(d.errorRateDelta) * 100).toFixed(2)} pts` : '—',
      d ? esc(d.verdict) : '—',
    ];
  });
  return (
    '<section id="comparison"><h2>Comparison</h2>' +
    table(
      [
        'Run',
        'Requests',
        'Offered',
        'Achieved',
        'Corrected p99',
        'Uncorrected p99',
        'p99 ratio (95 % CI)',
        'Achieved ratio',
        'Error rate Δ',
        'Verdict',
      ],
      rows,
    ) +
    '<p class="note">Ratios are against the first run. The interval comes from a bootstrap over each run’s ' +
    'per-second histograms: a run is called slower or faster only when the interval excludes ×1.00.</p></section>'
  );
}

function perSecondSection(intervals: readonly LoadInterval[]): string {
  if (intervals.length === 0) return '';
  const rows = intervals.map((i) => [
    String(i.second),
    count(i.offered),
    count(i.completed),
    ms(i.corrected.p50),
    ms(i.corrected.p99),
    ms(i.corrected.max),
    ms(i.uncorrected.p99),
    count(Object.entries(i.statuses).reduce((n, [k, v]) => (SUCCESS_STATUSES.includes(k) ? n : n + v), 0)),
    i.engine ? `${i.engine.cpuPercent.toFixed(0)} % · ${formatBytes(i.engine.rssBytes)}` : '—',
  ]);
  return (
    '<section id="per-second"><details><summary>Per-second figures</summary>' +
    table(
      ['Second', 'Offered', 'Achieved', 'Corr. p50', 'Corr. p99', 'Corr. max', 'Uncorr. p99', 'Errors', 'Engine'],
      rows,
      'dense',
    ) +
    '</details></section>'
  );
}

export const STYLE = `
:root{color-scheme:light}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#fff;margin:0 auto;max-width:1000px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f3f4f6}table.kv th{background:#f9fafb;font-weight:600;white-space:nowrap}
table.latency td:not(:first-child),table.statuses td:not(:first-child),table.dense td{text-align:right}
table.dense{font-size:12px}
.muted{color:#6b7280}.bad{color:#b91c1c}.note{color:#374151;max-width:80ch}
.warning{background:#fef3c7;border:1px solid #f59e0b;padding:10px 12px;border-radius:6px}
.error{background:#fee2e2;border:1px solid #ef4444;padding:10px 12px;border-radius:6px}
figure.chart{margin:12px 0}svg.chart{max-width:100%;height:auto;font-size:11px}
svg .grid{stroke:#eef0f3}svg .frame{fill:none;stroke:#9ca3af}svg .tick,svg .legend{fill:#374151}
svg .axis-label{fill:#4b5563;font-size:12px}svg .chart-title{font-weight:600;font-size:13px;fill:#111827}
svg .ref{stroke-dasharray:3 3;stroke-width:1.2}svg .ref-label{font-size:11px}
footer{margin-top:32px;color:#6b7280;font-size:12px}
@media print{details{display:block}}
`;

/**
 * The report. Everything it needs is in the file: the Content-Security-Policy forbids scripts and any fetch, so
 * it opens the same offline, from a mail attachment or a CI artifact. User text (names, URLs, file names) is
 * escaped; header values and URL credentials are left out.
 */
export function renderHtmlReport(detail: LoadRunDetail, comparison?: RunComparison): string {
  const safe = redactDetail(detail);
  const title = `Load test: ${safe.name}`;
  const state =
    safe.state === 'succeeded'
      ? ''
      : ` · <span class="${safe.state === 'failed' ? 'bad' : 'muted'}">${esc(safe.state)}</span>`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p class="muted">${esc(safe.targetLabel)} · ${esc(safe.createdAt)} · run ${esc(safe.id)}${state}</p></header>`,
    safe.error ? `<p class="error" role="alert">${esc(safe.error)}</p>` : '',
    generatorWarning(safe),
    configSection(safe),
    summarySection(safe),
    overTimeSection(safe.intervals),
    spectrumSection(safe),
    capacitySection(safe.summary?.capacity),
    comparisonSection(comparison),
    perSecondSection(safe.intervals),
    '<footer>Made by Slipway. This file is self-contained: it loads nothing and runs no script.</footer>',
    '</body></html>',
    '',
  ].join('\n');
}
