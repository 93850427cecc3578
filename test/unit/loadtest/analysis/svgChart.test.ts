import { describe, expect, it } from 'vitest';
import { escapeHtml, lineChart } from '../../../../src-main/engine/loadtest/analysis/svgChart';

const polylines = (svg: string) => svg.match(/<polyline points="[^"]*"/g) ?? [];

describe('lineChart', () => {
  it('breaks a line where a value is missing instead of drawing through the gap', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 's',
          color: '#000',
          points: [
            [0, 1],
            [1, 2],
            [2, null],
            [3, 2],
            [4, 1],
          ],
        },
      ],
    });
    expect(polylines(svg)).toHaveLength(2);
  });

  it('thins a long series but keeps a one-second spike', () => {
    const points = Array.from({ length: 20_000 }, (_, i) => [i, i === 12_345 ? 500 : 2] as const);
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', color: '#000', points }] });
    const coords = polylines(svg)[0]!.split('"')[1]!.split(' ');
    expect(coords.length).toBeLessThanOrEqual(1200);
    const ys = coords.map((c) => Number(c.split(',')[1]));
    // The spike is the highest point of the plot (smallest SVG y).
    expect(Math.min(...ys)).toBeLessThan(60);
  });

  it('escapes every piece of text it is given', () => {
    const svg = lineChart({
      title: '<b>t</b>',
      xLabel: '"x"',
      yLabel: "y'",
      series: [{ name: '<script>', color: '#000', points: [[0, 1]] }],
      yLines: [{ value: 1, label: 'a&b', color: '#f00' }],
    });
    expect(svg).not.toMatch(/<b>|<script>/);
    expect(svg).toContain(escapeHtml('<script>'));
    expect(svg).toContain(escapeHtml('a&b'));
  });

  it('places percentiles on a log axis of 1/(1 − p), labelled 90, 99, 99.9 …, without the max', () => {
    const points = [0, 50, 90, 99, 99.9, 99.99, 99.999, 100].map((p) => [p, p + 1] as const);
    const svg = lineChart({
      title: 't',
      xLabel: 'percentile',
      yLabel: 'ms',
      xScale: 'percentile',
      series: [{ name: 's', color: '#000', points }],
    });
    for (const tick of ['>90<', '>99<', '>99.9<', '>99.99<', '>99.999<']) expect(svg).toContain(tick);
    const xs = polylines(svg)[0]!
      .split('"')[1]!
      .split(' ')
      .map((c) => Number(c.split(',')[0]));
    expect(xs).toHaveLength(7);
    // Equal steps per nine.
    expect(xs[4]! - xs[3]!).toBeCloseTo(xs[5]! - xs[4]!, 0);
  });

  it('says so when there is nothing to draw', () => {
    expect(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toContain('No data to chart.');
  });
});
