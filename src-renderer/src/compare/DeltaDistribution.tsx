// How far apart two versions' outputs are, per output: the per-row |Δ| (largest element difference in the row)
// at p50, p99 and its max with the mean, drawn on one log scale so outputs of different magnitudes compare; then
// cosine similarity and the distribution distance, and which outputs were not compared and why.
import type { PairResult } from '../../../src-shared/contract';
import { formatNumber } from './describe';

const WIDTH = 520;
const ROW = 30;
const LEFT = 120;
const RIGHT = 16;

const MARKS = [
  { key: 'p50', label: 'p50', className: 'mark-p50' },
  { key: 'mean', label: 'mean', className: 'mark-mean' },
  { key: 'p99', label: 'p99', className: 'mark-p99' },
  { key: 'max', label: 'max', className: 'mark-max' },
] as const;

export function DeltaDistribution({ pair }: { pair: PairResult }) {
  const outputs = pair.outputs.filter((o) => o.absDelta);
  const values = outputs.flatMap((o) => [o.absDelta!.p50, o.absDelta!.p99, o.absDelta!.max, o.absDelta!.mean]);
  const positive = values.filter((v) => v > 0);
  const lo = positive.length > 0 ? Math.log10(Math.min(...positive)) - 0.3 : -6;
  const hi = positive.length > 0 ? Math.log10(Math.max(...positive)) + 0.3 : 0;
  const span = Math.max(hi - lo, 1e-9);
  // Zero is drawn at the left edge: a log scale has no place for it.
  const x = (v: number) => LEFT + (v > 0 ? ((Math.log10(v) - lo) / span) * (WIDTH - LEFT - RIGHT) : 0);
  const ticks: number[] = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) ticks.push(10 ** e);
  const height = outputs.length * ROW + 34;

  return (
    <section className="delta-distribution" aria-labelledby="delta-title" data-testid="delta-distribution">
      <h3 id="delta-title">
        |Δ| per row, {pair.candidate} against {pair.baseline}
      </h3>
      {outputs.length > 0 && (
        <svg
          className="delta-strip"
          viewBox={`0 0 ${WIDTH} ${height}`}
          width="100%"
          role="img"
          aria-label={`Per-row absolute difference of each output on a log scale: ${outputs
            .map(
              (o) =>
                `${o.output} p50 ${formatNumber(o.absDelta!.p50)}, p99 ${formatNumber(o.absDelta!.p99)}, max ${formatNumber(o.absDelta!.max)}`,
            )
            .join('; ')}`}
        >
          {ticks.map((t) => (
            <g key={t}>
              <line className="grid" x1={x(t)} x2={x(t)} y1={4} y2={height - 22} />
              <text className="tick" x={x(t)} y={height - 8} textAnchor="middle">
                {formatNumber(t)}
              </text>
            </g>
          ))}
          {outputs.map((o, i) => {
            const d = o.absDelta!;
            const y = 14 + i * ROW;
            return (
              <g key={o.output}>
                <text className="label" x={LEFT - 8} y={y + 4} textAnchor="end">
                  {o.output}
                </text>
                <line className="range" x1={x(d.p50)} x2={x(d.max)} y1={y} y2={y} />
                {MARKS.map((m) => (
                  <circle key={m.key} className={m.className} cx={x(d[m.key])} cy={y} r={m.key === 'mean' ? 3 : 4}>
                    <title>
                      {o.output} {m.label}: {formatNumber(d[m.key])}
                    </title>
                  </circle>
                ))}
              </g>
            );
          })}
        </svg>
      )}
      <p className="legend-line muted">
        {MARKS.map((m) => (
          <span key={m.key} className="legend-mark">
            <svg width="10" height="10" aria-hidden="true">
              <circle className={m.className} cx="5" cy="5" r="4" />
            </svg>{' '}
            {m.label}
          </span>
        ))}
      </p>
      <table className="delta-table" data-testid="delta-table">
        <caption className="visually-hidden">Output differences</caption>
        <thead>
          <tr>
            <th scope="col">Output</th>
            <th scope="col" className="num">
              |Δ| p50
            </th>
            <th scope="col" className="num">
              |Δ| p99
            </th>
            <th scope="col" className="num">
              |Δ| max
            </th>
            <th scope="col" className="num">
              Cosine (mean / min)
            </th>
            <th scope="col" className="num">
              Wasserstein-1 (mean / max)
            </th>
          </tr>
        </thead>
        <tbody>
          {pair.outputs.map((o) => (
            <tr key={o.output} data-testid="delta-row" data-output={o.output}>
              <th scope="row">
                {o.output} <span className="muted">×{o.elements}</span>
              </th>
              <td className="num">{formatNumber(o.absDelta?.p50)}</td>
              <td className="num">{formatNumber(o.absDelta?.p99)}</td>
              <td className="num">{formatNumber(o.absDelta?.max)}</td>
              <td className="num">
                {o.cosine ? `${formatNumber(o.cosine.mean)} / ${formatNumber(o.cosine.min)}` : '–'}
              </td>
              <td className="num">
                {o.distance
                  ? `${formatNumber(o.distance.mean)} / ${formatNumber(o.distance.max)}${o.distance.basis === 'pooled' ? ' (pooled)' : ''}`
                  : '–'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pair.skippedOutputs.length > 0 && (
        <ul className="muted">
          {pair.skippedOutputs.map((s) => (
            <li key={s.output}>
              {s.output} not compared: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
