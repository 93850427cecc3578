// Line charts as inline SVG strings for the offline report: no script, no external resource, text escaped.
// Axes may be linear, logarithmic, or percentile (log of 1 / (1 − p), as HdrHistogram plots its spectrum).

export type Point = readonly [x: number, y: number | null];

export interface ChartSeries {
  name: string;
  points: readonly Point[];
  color: string;
  dashed?: boolean;
  /** Dots at each point, with a tooltip: for short series such as capacity levels. */
  markers?: boolean;
}

export interface ReferenceLine {
  value: number;
  label: string;
  color: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  xScale?: 'linear' | 'percentile';
  yScale?: 'linear' | 'log';
  /** Horizontal lines at a y value (a budget) and vertical ones at an x value (a knee). */
  yLines?: readonly ReferenceLine[];
  xLines?: readonly ReferenceLine[];
  width?: number;
  height?: number;
  /** Series longer than this are thinned to each bucket's lowest and highest point, so spikes survive. */
  maxPoints?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Highest percentile the percentile axis shows; 100 (the max) has no place on it. */
const PERCENTILE_CAP = 99.9999;

interface Axis {
  toUnit(v: number): number | null;
  fromUnit(u: number): number;
  ticks(lo: number, hi: number): number[];
  label(v: number): string;
}

const linearAxis: Axis = {
  toUnit: (v) => (Number.isFinite(v) ? v : null),
  fromUnit: (u) => u,
  ticks(lo, hi) {
    const span = hi - lo || Math.abs(hi) || 1;
    const raw = span / 5;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => span / s <= 6) ?? 10 * magnitude;
    const out: number[] = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
    return out;
  },
  label: (v) => formatTick(v),
};

const logAxis: Axis = {
  toUnit: (v) => (v > 0 && Number.isFinite(v) ? Math.log10(v) : null),
  fromUnit: (u) => Math.pow(10, u),
  ticks(lo, hi) {
    const out: number[] = [];
    const fine = hi - lo < 3;
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
      for (const m of fine ? [1, 2, 5] : [1]) {
        const u = e + Math.log10(m);
        if (u >= lo - 1e-9 && u <= hi + 1e-9) out.push(Math.pow(10, e) * m);
      }
    return out;
  },
  label: (v) => formatTick(v),
};

const percentileAxis: Axis = {
  toUnit: (p) => (p >= 0 && p <= PERCENTILE_CAP ? Math.log10(100 / (100 - p)) : null),
  fromUnit: (u) => 100 - 100 / Math.pow(10, u),
  ticks(lo, hi) {
    const out: number[] = [];
    for (let nines = 0; nines <= 6; nines++) {
      const p = 100 - 100 / Math.pow(10, nines);
      const u = nines;
      if (u >= lo - 1e-9 && u <= hi + 1e-9) out.push(Number(p.toPrecision(8)));
    }
    return out;
  },
  // 99.999 must not round to 100.
  label: (p) => String(Number(p.toPrecision(8))),
};

/** Compact tick labels: 0.25, 12, 1.5k, 2M; percentiles as 99.9. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(a >= 100 ? 6 : 3)));
}

function thin(points: readonly Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints) return [...points];
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = points.length / buckets;
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    const valued = slice.filter((p) => p[1] !== null) as (readonly [number, number])[];
    if (valued.length === 0) {
      out.push([slice[0]![0], null]);
      continue;
    }
    let lo = valued[0]!;
    let hi = valued[0]!;
    for (const p of valued) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    out.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  }
  return out;
}

const fixed = (n: number) => n.toFixed(1);

export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 280;
  const margin = { left: 64, right: 28, top: 40, bottom: 44 };
  const xAxis = options.xScale === 'percentile' ? percentileAxis : linearAxis;
  const yAxis = options.yScale === 'log' ? logAxis : linearAxis;
  const maxPoints = options.maxPoints ?? 1200;

  const series = options.series.map((s) => ({ ...s, points: thin(s.points, maxPoints) }));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series)
    for (const [x, y] of s.points) {
      const ux = xAxis.toUnit(x);
      const uy = y === null ? null : yAxis.toUnit(y);
      if (ux !== null && uy !== null) {
        xs.push(ux);
        ys.push(uy);
      }
    }
  for (const line of options.xLines ?? []) {
    const u = xAxis.toUnit(line.value);
    if (u !== null) xs.push(u);
  }
  for (const line of options.yLines ?? []) {
    const u = yAxis.toUnit(line.value);
    if (u !== null) ys.push(u);
  }
  const title = escapeHtml(options.title);
  if (xs.length === 0) {
    return `<figure class="chart"><figcaption>${title}</figcaption><p class="empty">No data to chart.</p></figure>`;
  }
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  // Linear values start at 0 so rates and counts are not exaggerated; a flat line still gets some height.
  if (yAxis === linearAxis && y0 > 0) y0 = 0;
  if (y1 === y0) y1 = y0 + (yAxis === logAxis ? 1 : Math.abs(y0) || 1);
  if (x1 === x0) x1 = x0 + 1;
  if (yAxis === logAxis) [y0, y1] = [Math.floor(y0 * 10) / 10, Math.ceil(y1 * 10) / 10];
  else y1 += (y1 - y0) * 0.05;
  if (xAxis === percentileAxis) [x0, x1] = [0, Math.max(1, Math.ceil(x1))];

  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const px = (u: number) => margin.left + ((u - x0) / (x1 - x0)) * plotW;
  const py = (u: number) => margin.top + plotH - ((u - y0) / (y1 - y0)) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}">`,
  );
  parts.push(`<text x="${margin.left}" y="16" class="chart-title">${title}</text>`);
  // Grid and ticks.
  for (const t of yAxis.ticks(y0, y1)) {
    const u = yAxis.toUnit(t);
    if (u === null) continue;
    const y = fixed(py(u));
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${margin.left - 6}" y="${y}" class="tick" text-anchor="end" dy="0.32em">${yAxis.label(t)}</text>`,
    );
  }
  for (const t of xAxis.ticks(x0, x1)) {
    const u = xAxis.toUnit(t);
    if (u === null) continue;
    const x = fixed(px(u));
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" class="grid"/>`);
    parts.push(
      `<text x="${x}" y="${margin.top + plotH + 16}" class="tick" text-anchor="middle">${xAxis.label(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" class="frame"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 6}" class="axis-label" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`,
  );
  for (const line of options.yLines ?? []) {
    const u = yAxis.toUnit(line.value);
    if (u === null) continue;
    const y = fixed(py(u));
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" stroke="${line.color}" class="ref"><title>${escapeHtml(line.label)}</title></line>`,
      `<text x="${width - margin.right - 4}" y="${y}" dy="-4" text-anchor="end" class="ref-label" fill="${line.color}">${escapeHtml(line.label)}</text>`,
    );
  }
  (options.xLines ?? []).forEach((line, k) => {
    const u = xAxis.toUnit(line.value);
    if (u === null) return;
    const x = fixed(px(u));
    // Labels step down one line each, so lines close together (a knee next to saturation) stay readable.
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="${line.color}" class="ref"><title>${escapeHtml(line.label)}</title></line>`,
      `<text x="${x}" y="${margin.top + 12 + 13 * k}" dx="4" class="ref-label" fill="${line.color}">${escapeHtml(line.label)}</text>`,
    );
  });
  // Series: a polyline per unbroken run of values (a null or unplottable value breaks the line).
  for (const s of series) {
    const name = escapeHtml(s.name);
    const runs: string[][] = [[]];
    const dots: string[] = [];
    for (const [x, y] of s.points) {
      const ux = xAxis.toUnit(x);
      const uy = y === null ? null : yAxis.toUnit(y);
      if (ux === null || uy === null || y === null) {
        if (runs.at(-1)!.length > 0) runs.push([]);
        continue;
      }
      runs.at(-1)!.push(`${fixed(px(ux))},${fixed(py(uy))}`);
      if (s.markers)
        dots.push(
          `<circle cx="${fixed(px(ux))}" cy="${fixed(py(uy))}" r="3.5" fill="${s.color}"><title>${name}: ${xAxis.label(x)} → ${yAxis.label(y)}</title></circle>`,
        );
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<g class="series"><title>${name}</title>`);
    for (const run of runs.filter((r) => r.length > 0))
      parts.push(
        run.length === 1
          ? `<circle cx="${run[0]!.split(',')[0]}" cy="${run[0]!.split(',')[1]}" r="2" fill="${s.color}"/>`
          : `<polyline points="${run.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.6"${dash}/>`,
      );
    parts.push(...dots, '</g>');
  }
  // Legend along the top right.
  let lx = width - margin.right;
  for (const s of [...series].reverse()) {
    const label = escapeHtml(s.name);
    const w = 28 + s.name.length * 6.4;
    lx -= w;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<line x1="${fixed(lx)}" x2="${fixed(lx + 18)}" y1="30" y2="30" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${fixed(lx + 22)}" y="30" dy="0.32em" class="legend">${label}</text>`,
    );
  }
  parts.push('</svg>');
  return `<figure class="chart">${parts.join('')}</figure>`;
}
