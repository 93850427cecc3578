import { describe, expect, it } from 'vitest';
import {
  LoadRunDetailSchema,
  type LoadInterval,
  type LoadRunDetail,
  type StatusCounts,
} from '../../../../src-shared/contract';
import { formatDuration } from '../../../../src-shared/units';
import { capacitySearch } from '../../../../src-main/engine/loadtest/analysis/capacitySearch';
import { compareRuns } from '../../../../src-main/engine/loadtest/analysis/compareRuns';
import { renderHtmlReport, toCsv, toJson } from '../../../../src-main/engine/loadtest/analysis/loadReport';
import { Mm1Simulation } from '../../../../src-main/engine/loadtest/analysis/mm1Simulation';
import { runSpectrum, summarizeRun } from '../../../../src-main/engine/loadtest/analysis/summarizeRun';
import { escapeHtml } from '../../../../src-main/engine/loadtest/analysis/svgChart';
import { mulberry32 } from '../../../../src-shared/seededRandom';
import { logNormalMs, storedInterval } from './fixtures';

const hostileName = 'v2 <script src="https://evil.example/x.js"></script> & "friends"';
const replayFile = '/data/<b>rows</b>.jsonl';

async function makeDetail(options: { lateSends?: boolean } = {}): Promise<LoadRunDetail> {
  const random = mulberry32(5);
  // 10 s at 100 req/s; the server stalls at second 4, some requests are shed at second 5, one 500 at second 7.
  const stored = Array.from({ length: 10 }, (_, s) => {
    const uncorrected = logNormalMs(100, 4, 0.4, random);
    const corrected = s === 4 ? uncorrected.map((u, k) => u + Math.max(0, 500 - k * 10)) : uncorrected;
    const statuses: StatusCounts = s === 5 ? { ok: 90, shed: 10 } : s === 7 ? { ok: 99, 'http:500': 1 } : { ok: 100 };
    const sendLag = uncorrected.map((_, k) => (options.lateSends && k % 10 === 0 ? 3 : 0.05));
    return storedInterval(s, {
      corrected,
      uncorrected,
      sendLag,
      offered: 100,
      completed: 100,
      statuses,
      extra: {
        server: { queueMs: s === 4 ? 300 : 0.2, computeMs: 3.5 },
        engine: { cpuPercent: 40 + s, rssBytes: 200_000_000 + s * 1_000_000 },
      },
    });
  });
  const summary = summarizeRun(stored, 10);
  summary.capacity = await capacitySearch(new Mm1Simulation({ serviceRate: 500, seed: 2 }), {
    budgetMs: 50,
    startRate: 20,
    maxRate: 10_000,
    precision: 0.05,
    windowSeconds: 2,
  });
  return {
    id: 'run-1',
    name: hostileName,
    createdAt: '2025-01-02T03:04:05.000Z',
    state: 'succeeded',
    config: {
      target: {
        kind: 'url',
        url: 'https://alice:hunter2@models.example:8000/v2',
        modelName: 'resnet',
        headers: { Authorization: 'Bearer sk-very-secret' },
      },
      inputs: { kind: 'replay', file: replayFile },
      shape: {
        segments: [
          { kind: 'spike', base: 50, peak: 400, before: 2, rise: 1, hold: 3, fall: 1, after: 3, arrivals: 'uniform' },
        ],
        seed: 7,
      },
      protocol: 'binary',
      timeoutMs: 30_000,
      connections: 64,
    },
    targetLabel: 'resnet @ models.example',
    summary,
    intervals: stored.map((s) => s.interval),
    spectrum: runSpectrum(stored),
  };
}

/** RFC 4180 rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('renderHtmlReport', () => {
  it('is one self-contained offline file: no script, stylesheet link or remote reference outside escaped user text', async () => {
    const detail = await makeDetail();
    const html = renderHtmlReport(detail);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    let rest = html;
    for (const userText of [hostileName, 'https://models.example:8000/v2', replayFile])
      rest = rest.split(escapeHtml(userText)).join('');
    expect(rest).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|https?:\/\/|\ssrc=|\shref=/i);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script src="https://evil.example');
    expect(html).toContain(escapeHtml(hostileName));
    expect(html).toContain(escapeHtml(replayFile));
  });

  it('never writes header values or URL credentials', async () => {
    const html = renderHtmlReport(await makeDetail());
    expect(html).not.toContain('sk-very-secret');
    expect(html).not.toContain('hunter2');
    expect(html).toContain('Authorization');
  });

  it('shows the summary numbers, corrected and uncorrected, labelled, with the coordinated-omission sentence', async () => {
    const detail = await makeDetail();
    const html = renderHtmlReport(detail);
    const s = detail.summary!;
    expect(html).toContain(s.requests.toLocaleString('en-US'));
    for (const p of [s.corrected, s.uncorrected])
      for (const v of [p.p50, p.p90, p.p99, p.p999, p.max]) expect(html).toContain(formatDuration(v!));
    expect(html).toContain('<strong>Corrected</strong> (from intended send)');
    expect(html).toContain('<strong>Uncorrected</strong> (from actual send)');
    expect(html).toMatch(/counts from when each request should have been sent/);
    expect(html).toContain('coordinated omission');
    expect(html).toContain('shed');
    expect(html).toContain('http:500');
    // The stall shows only in the corrected p99.
    expect(s.corrected.p99!).toBeGreaterThan(10 * s.uncorrected.p99!);
  });

  it('draws every chart as inline SVG: rates, latency, errors, server, engine, spectrum, capacity', async () => {
    const html = renderHtmlReport(await makeDetail());
    for (const title of [
      'Offered vs achieved rate',
      'Latency',
      'Errors and degraded answers by outcome',
      'Server time per request: queue vs compute',
      'Engine CPU',
      'Engine memory (RSS)',
      'Latency by percentile (whole run)',
      'p99 against offered rate',
      'Achieved against offered rate',
    ])
      expect(html).toContain(`aria-label="${escapeHtml(title)}`);
    expect(html.match(/<svg /g)!.length).toBe(9);
    expect(html).toContain('<polyline');
    expect(html).toContain('uncorrected p99');
    expect(html).toContain('Capacity search');
    // Percentile axis ticks as HdrHistogram plots them.
    for (const tick of ['>90<', '>99<', '>99.9<']) expect(html).toContain(tick);
  });

  it('warns when the generator limited the run, and only then', async () => {
    expect(renderHtmlReport(await makeDetail())).not.toContain('Generator-bound');
    const bound = await makeDetail({ lateSends: true });
    expect(bound.summary!.generatorBound).toBe(true);
    expect(renderHtmlReport(bound)).toContain('Generator-bound');
  });

  it('adds the comparison table when given one', async () => {
    const detail = await makeDetail();
    const comparison = compareRuns([], {});
    comparison.runs = [
      { id: 'a', name: 'v1', summary: detail.summary! },
      { id: 'b', name: 'v2 <new>', summary: detail.summary! },
    ];
    comparison.deltas = [
      {
        id: 'a',
        p99Ratio: 1,
        p99RatioLow: 1,
        p99RatioHigh: 1,
        achievedRateRatio: 1,
        errorRateDelta: 0,
        verdict: 'baseline',
      },
      {
        id: 'b',
        p99Ratio: 1.38,
        p99RatioLow: 1.3,
        p99RatioHigh: 1.47,
        achievedRateRatio: 0.99,
        errorRateDelta: 0.002,
        verdict: 'p99 38 % higher (95 % CI 30–47 %): slower',
      },
    ];
    const html = renderHtmlReport(detail, comparison);
    expect(html).toContain('<h2>Comparison</h2>');
    expect(html).toContain('v2 &#60;new&#62;');
    expect(html).toContain('×1.38 (1.30–1.47)');
    expect(html).toContain('p99 38 % higher (95 % CI 30–47 %): slower');
    expect(renderHtmlReport(detail)).not.toContain('<h2>Comparison</h2>');
  });

  it('renders a run without summary or intervals', async () => {
    const detail = {
      ...(await makeDetail()),
      state: 'failed' as const,
      error: 'connection refused',
      intervals: [],
      spectrum: [],
    };
    delete detail.summary;
    const html = renderHtmlReport(detail);
    expect(html).toContain('No summary: the run failed.');
    expect(html).toContain('connection refused');
    expect(html).not.toContain('<svg');
  });
});

describe('toCsv and toJson', () => {
  it('CSV: a header and one row per second that parse back into the intervals', async () => {
    const detail = await makeDetail();
    const rows = parseCsv(toCsv(detail));
    expect(rows).toHaveLength(detail.intervals.length + 1);
    const [header, ...body] = rows;
    expect(header!.slice(0, 3)).toEqual(['second', 'offered', 'completed']);
    expect(header).toContain('statuses.ok');
    expect(header).toContain('statuses.http:500');
    expect(header).toContain('corrected.p999');
    expect(header).toContain('sendLag.mean');
    expect(header).toContain('engine.rssBytes');
    const parsed = body.map((cells) => {
      const at = (name: string) => cells[header!.indexOf(name)]!;
      const num = (name: string) => (at(name) === '' ? null : Number(at(name)));
      const percentiles = (m: string) => ({
        count: num(`${m}.count`)!,
        p50: num(`${m}.p50`),
        p90: num(`${m}.p90`),
        p99: num(`${m}.p99`),
        p999: num(`${m}.p999`),
        max: num(`${m}.max`),
        mean: num(`${m}.mean`),
      });
      const statuses = Object.fromEntries(
        header!.flatMap((h, i) =>
          h.startsWith('statuses.') && cells[i] !== '' ? [[h.slice(9), Number(cells[i])]] : [],
        ),
      );
      const interval: LoadInterval = {
        second: num('second')!,
        offered: num('offered')!,
        completed: num('completed')!,
        statuses,
        corrected: percentiles('corrected'),
        uncorrected: percentiles('uncorrected'),
        sendLag: percentiles('sendLag'),
        server: { queueMs: num('server.queueMs'), computeMs: num('server.computeMs') },
        engine: { cpuPercent: num('engine.cpuPercent')!, rssBytes: num('engine.rssBytes')! },
      };
      return interval;
    });
    expect(parsed).toEqual(detail.intervals);
  });

  it('CSV quotes cells that need it and leaves missing figures empty', async () => {
    const detail = await makeDetail();
    detail.intervals = [
      { ...detail.intervals[0]!, statuses: { 'http:4,"x"': 1 }, server: undefined, engine: undefined },
    ];
    const rows = parseCsv(toCsv(detail));
    expect(rows[0]).toContain('statuses.http:4,"x"');
    expect(rows[1]!.at(-1)).toBe('');
    expect(toCsv(detail)).toContain('"statuses.http:4,""x"""');
  });

  it('JSON parses back as a run detail, with header values hidden', async () => {
    const detail = await makeDetail();
    const back = LoadRunDetailSchema.parse(JSON.parse(toJson(detail)));
    expect(back.intervals).toEqual(detail.intervals);
    expect(back.summary).toEqual(detail.summary);
    expect(back.config.target).toMatchObject({
      url: 'https://models.example:8000/v2',
      headers: { Authorization: '(hidden)' },
    });
    expect(toJson(detail)).not.toContain('sk-very-secret');
  });
});
