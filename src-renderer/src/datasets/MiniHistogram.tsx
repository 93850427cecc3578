// A feature's histogram as a small inline SVG for a table cell: one bar per bin, heights relative to the
// tallest; the range and counts are in its title for a hover and for screen readers.
import type { Histogram } from '../../../src-shared/contract';
import { formatNumber } from '../compare/describe';

export function MiniHistogram({
  histogram,
  width = 96,
  height = 24,
}: {
  histogram: Histogram;
  width?: number;
  height?: number;
}) {
  const { counts, edges } = histogram;
  const top = Math.max(1, ...counts);
  const barWidth = counts.length > 0 ? width / counts.length : width;
  const title = `${counts.length} bins from ${formatNumber(edges[0])} to ${formatNumber(edges.at(-1))}; tallest ${top}`;
  return (
    <svg
      className="mini-histogram"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
      data-testid="mini-histogram"
    >
      <title>{title}</title>
      {counts.map((count, i) => {
        const h = count === 0 ? 0 : Math.max(1, (count / top) * height);
        return <rect key={i} x={i * barWidth} y={height - h} width={Math.max(1, barWidth - 1)} height={h} />;
      })}
    </svg>
  );
}
