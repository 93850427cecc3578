// The comparison report's charts as inline SVG strings (no script, nothing fetched, text escaped): a heatmap
// for the flip matrix, bars for a histogram, overlaid bars for reference vs current, and estimates with their
// intervals. Line charts come from the load-test report's svgChart.
import { escapeHtml, formatTick } from '../../loadtest/analysis/svgChart';

const esc = escapeHtml;
const fixed = (n: number) => n.toFixed(1);

export const FIGURE_COLORS = { baseline: '#2563eb', candidate: '#ea580c', reference: '#6b7280', current: '#dc2626' };

function svgOpen(width: number, height: number, title: string): string {
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`;
}

/**
 * Counts of a square matrix, rows labelled on the left (the baseline's class) and columns on top (the
 * candidate's). Off-diagonal cells shade by their share of the off-diagonal total, so rare flips stay visible
 * next to a heavy diagonal; every cell says its count.
 */
export function heatmap(options: {
  title: string;
  labels: readonly string[];
  counts: readonly (readonly number[])[];
  rowAxis: string;
  columnAxis: string;
}): string {
  const n = options.labels.length;
  if (n === 0) return `<p class="empty">No rows to chart.</p>`;
  const cell = Math.max(22, Math.min(44, Math.floor(520 / n)));
  const left = 110;
  const top = 64;
  const width = left + n * cell + 20;
  const height = top + n * cell + 20;
  let diagonalMax = 0;
  let offMax = 0;
  options.counts.forEach((row, i) =>
    row.forEach((c, j) => {
      if (i === j) diagonalMax = Math.max(diagonalMax, c);
      else offMax = Math.max(offMax, c);
    }),
  );
  const parts = [svgOpen(width, height, options.title)];
  parts.push(`<text x="0" y="14" class="chart-title">${esc(options.title)}</text>`);
  parts.push(
    `<text x="${left + (n * cell) / 2}" y="32" class="axis-label" text-anchor="middle">${esc(options.columnAxis)}</text>`,
    `<text transform="translate(14 ${top + (n * cell) / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${esc(options.rowAxis)}</text>`,
  );
  options.labels.forEach((label, i) => {
    parts.push(
      `<text x="${left + i * cell + cell / 2}" y="${top - 8}" class="tick" text-anchor="middle">${esc(shorten(label))}</text>`,
      `<text x="${left - 6}" y="${top + i * cell + cell / 2}" class="tick" text-anchor="end" dy="0.32em">${esc(shorten(label))}</text>`,
    );
  });
  options.counts.forEach((row, i) =>
    row.forEach((count, j) => {
      const diagonal = i === j;
      const max = diagonal ? diagonalMax : offMax;
      const share = max > 0 ? count / max : 0;
      const fill =
        count === 0 ? '#f9fafb' : diagonal ? shade('#dbeafe', '#1d4ed8', share) : shade('#fee2e2', '#b91c1c', share);
      const textColor = share > 0.6 ? '#ffffff' : '#111827';
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>${esc(options.labels[i]!)} → ${esc(options.labels[j]!)}: ${count}</title></rect>`,
      );
      if (count > 0) {
        parts.push(
          `<text x="${x + cell / 2}" y="${y + cell / 2}" dy="0.32em" text-anchor="middle" class="cell" fill="${textColor}">${formatTick(count)}</text>`,
        );
      }
    }),
  );
  parts.push('</svg>');
  return `<figure class="chart">${parts.join('')}</figure>`;
}

export interface BarSeries {
  name: string;
  color: string;
  counts: readonly number[];
}

/**
 * Bars over bins: one series as a histogram, two (reference and current) overlaid as shares of their totals.
 * `labels` name each bin (edges or categories); bins are drawn equally wide.
 */
export function bars(options: {
  title: string;
  labels: readonly string[];
  series: readonly BarSeries[];
  yLabel: string;
  /** Plot shares of each series' total rather than counts (to overlay samples of different sizes). */
  shares?: boolean;
  width?: number;
  height?: number;
}): string {
  const width = options.width ?? 760;
  const height = options.height ?? 220;
  const margin = { left: 64, right: 16, top: 34, bottom: 40 };
  const bins = options.labels.length;
  if (bins === 0 || options.series.length === 0) return `<p class="empty">No data to chart.</p>`;
  const values = options.series.map((s) => {
    const total = s.counts.reduce((a, b) => a + b, 0);
    return s.counts.map((c) => (options.shares ? (total > 0 ? c / total : 0) : c));
  });
  const top = Math.max(...values.flat(), 0) || 1;
  const yStep = niceStep(top / 4);
  const yMax = Math.ceil(top / yStep - 1e-9) * yStep;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const binW = plotW / bins;
  const py = (v: number) => margin.top + plotH - (v / yMax) * plotH;
  const parts = [svgOpen(width, height, options.title)];
  parts.push(`<text x="${margin.left}" y="14" class="chart-title">${esc(options.title)}</text>`);
  for (let v = 0; v <= yMax + yStep * 1e-9; v += yStep) {
    const y = fixed(py(v));
    const label = options.shares ? `${formatTick(v * 100)} %` : formatTick(v);
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" class="grid"/>`,
      `<text x="${margin.left - 6}" y="${y}" class="tick" text-anchor="end" dy="0.32em">${label}</text>`,
    );
  }
  const overlay = options.series.length > 1;
  values.forEach((series, k) => {
    const s = options.series[k]!;
    series.forEach((v, b) => {
      if (v <= 0) return;
      const inset = overlay ? binW * 0.12 * k : binW * 0.08;
      const x = margin.left + b * binW + inset;
      const w = Math.max(1, binW - 2 * (overlay ? binW * 0.12 : binW * 0.08) - (overlay ? 0 : 0));
      const text = options.shares ? `${(v * 100).toFixed(1)} %` : String(v);
      parts.push(
        `<rect x="${fixed(x)}" y="${fixed(py(v))}" width="${fixed(w)}" height="${fixed(margin.top + plotH - py(v))}" fill="${s.color}" fill-opacity="${overlay ? 0.55 : 0.85}"><title>${esc(s.name)} · ${esc(options.labels[b]!)}: ${text}</title></rect>`,
      );
    });
  });
  // Bin labels: at most ~8, evenly picked, so they never overlap.
  const step = Math.max(1, Math.ceil(bins / 8));
  for (let b = 0; b < bins; b += step) {
    parts.push(
      `<text x="${fixed(margin.left + b * binW + binW / 2)}" y="${margin.top + plotH + 16}" class="tick" text-anchor="middle">${esc(shorten(options.labels[b]!))}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" class="frame"/>`,
    `<text transform="translate(12 ${margin.top + plotH / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${esc(options.yLabel)}</text>`,
  );
  if (overlay) {
    let lx = width - margin.right;
    for (const s of [...options.series].reverse()) {
      lx -= 30 + s.name.length * 6.4;
      parts.push(
        `<rect x="${fixed(lx)}" y="22" width="14" height="10" fill="${s.color}" fill-opacity="0.55"/>`,
        `<text x="${fixed(lx + 18)}" y="27" dy="0.32em" class="legend">${esc(s.name)}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return `<figure class="chart">${parts.join('')}</figure>`;
}

export interface IntervalRow {
  label: string;
  value: number;
  low: number | null;
  high: number | null;
  color: string;
}

/** Point estimates with their intervals on one horizontal axis (a forest plot). */
export function intervals(options: {
  title: string;
  rows: readonly IntervalRow[];
  format: (v: number) => string;
}): string {
  const rows = options.rows;
  if (rows.length === 0) return '';
  const width = 760;
  const rowH = 26;
  const left = 200;
  const right = 40;
  const top = 30;
  const height = top + rows.length * rowH + 30;
  const all = rows.flatMap((r) => [r.value, r.low ?? r.value, r.high ?? r.value]);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.01 || 0.01;
  lo -= pad;
  hi += pad;
  const px = (v: number) => left + ((v - lo) / (hi - lo)) * (width - left - right);
  const parts = [svgOpen(width, height, options.title)];
  parts.push(`<text x="0" y="14" class="chart-title">${esc(options.title)}</text>`);
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    const x = fixed(px(v));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${top}" y2="${top + rows.length * rowH}" class="grid"/>`,
      `<text x="${x}" y="${top + rows.length * rowH + 16}" class="tick" text-anchor="middle">${esc(options.format(v))}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const text = `${options.format(r.value)}${r.low !== null && r.high !== null ? ` [${options.format(r.low)}, ${options.format(r.high)}]` : ''}`;
    parts.push(
      `<text x="${left - 8}" y="${y}" dy="0.32em" text-anchor="end" class="tick">${esc(shorten(r.label, 30))}</text>`,
    );
    if (r.low !== null && r.high !== null) {
      parts.push(
        `<line x1="${fixed(px(r.low))}" x2="${fixed(px(r.high))}" y1="${y}" y2="${y}" stroke="${r.color}" stroke-width="2"/>`,
        `<line x1="${fixed(px(r.low))}" x2="${fixed(px(r.low))}" y1="${y - 5}" y2="${y + 5}" stroke="${r.color}" stroke-width="2"/>`,
        `<line x1="${fixed(px(r.high))}" x2="${fixed(px(r.high))}" y1="${y - 5}" y2="${y + 5}" stroke="${r.color}" stroke-width="2"/>`,
      );
    }
    parts.push(
      `<circle cx="${fixed(px(r.value))}" cy="${y}" r="4.5" fill="${r.color}"><title>${esc(r.label)}: ${esc(text)}</title></circle>`,
    );
  });
  parts.push('</svg>');
  return `<figure class="chart">${parts.join('')}</figure>`;
}

/** A round step (1, 2 or 5 × 10^k) at least `raw`, for axis ticks. */
function niceStep(raw: number): number {
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * magnitude;
}

function shorten(text: string, max = 14): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A colour between `from` and `to` (#rrggbb) at share t in [0, 1]. */
function shade(from: string, to: string, t: number): string {
  const a = parseInt(from.slice(1), 16);
  const b = parseInt(to.slice(1), 16);
  const mix = (shift: number) => Math.round(((a >> shift) & 255) * (1 - t) + ((b >> shift) & 255) * t);
  return `#${[16, 8, 0].map((s) => mix(s).toString(16).padStart(2, '0')).join('')}`;
}
