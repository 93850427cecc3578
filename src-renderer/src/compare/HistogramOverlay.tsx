// One feature's reference and current distributions on the same bins, as shares of each side's rows (the two
// samples may differ in size): steps over the bin edges for a numeric feature, paired bars per category for a
// categorical one.
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { FeatureDrift } from '../../../src-shared/contract';
import { RunChart, type RunChartSeries } from '../loadtest/RunChart';
import { formatNumber, formatPercent } from './describe';

const SERIES: RunChartSeries[] = [
  { label: 'reference', colorVar: '--chart-1', stepped: true },
  { label: 'current', colorVar: '--chart-3', stepped: true },
];

const shares = (counts: readonly number[]) => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
};

const axisPercent = (v: number) => `${Math.round(v * 1000) / 10}%`;

export function HistogramOverlay({ feature }: { feature: FeatureDrift }) {
  const { histogram } = feature;
  const reference = useMemo(() => shares(histogram.reference), [histogram]);
  const current = useMemo(() => shares(histogram.current), [histogram]);
  const data = useMemo(() => {
    if (!histogram.edges) return null;
    // Each bin's share holds from its left edge to the next; the last edge repeats the last bin to close it.
    const x = histogram.edges;
    const last = (column: number[]) => [...column, column.at(-1) ?? 0];
    return [x, last(reference), last(current)] as uPlot.AlignedData;
  }, [histogram, reference, current]);

  if (data) {
    return (
      <RunChart
        // Rebuilt per feature: the axis label is set when the chart is made.
        key={feature.name}
        title={`${feature.name}: reference vs current`}
        unit="share of rows"
        series={SERIES}
        data={data}
        format={(v) => formatPercent(v)}
        axisFormat={axisPercent}
        xLabel={feature.name}
        xFormat={formatNumber}
        minTop={0.01}
        testId="histogram-overlay"
        description={`the share of rows in each of ${histogram.reference.length} bins, reference and current`}
        height={200}
      />
    );
  }
  const categories = histogram.categories ?? [];
  const top = Math.max(1e-9, ...reference, ...current);
  return (
    <figure className="chart category-overlay" data-testid="histogram-overlay">
      <figcaption>
        <span className="chart-title">{feature.name}: reference vs current</span>
        <span className="chart-legend">
          <span className="chart-legend-item">
            <span className="swatch" style={{ background: 'var(--chart-1)' }} aria-hidden="true" /> reference
          </span>
          <span className="chart-legend-item">
            <span className="swatch" style={{ background: 'var(--chart-3)' }} aria-hidden="true" /> current
          </span>
        </span>
      </figcaption>
      <table className="category-bars">
        <caption className="visually-hidden">Share of rows per category, reference and current</caption>
        <tbody>
          {categories.map((category, i) => (
            <tr key={category}>
              <th scope="row">{category}</th>
              <td>
                <div className="pair-bars">
                  <div
                    className="bar reference"
                    style={{ width: `${(reference[i]! / top) * 100}%` }}
                    title={`reference ${formatPercent(reference[i])}`}
                  />
                  <div
                    className="bar current"
                    style={{ width: `${(current[i]! / top) * 100}%` }}
                    title={`current ${formatPercent(current[i])}`}
                  />
                </div>
              </td>
              <td className="num">
                {formatPercent(reference[i])} → {formatPercent(current[i])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
