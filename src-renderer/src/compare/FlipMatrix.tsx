// The flip matrix as a heatmap: rows are the baseline's predicted class, columns the candidate's; the diagonal
// (both agree) is shaded apart from the flips, each cell's colour scaled to the largest off-diagonal count so the
// flips stay visible next to a large diagonal.
import type { FlipMatrix as FlipMatrixData } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';

export function FlipMatrix({
  matrix,
  baseline,
  candidate,
}: {
  matrix: FlipMatrixData;
  baseline: string;
  candidate: string;
}) {
  const { classes, counts } = matrix;
  let diagonalTop = 1;
  let flipTop = 1;
  counts.forEach((row, i) =>
    row.forEach((n, j) => {
      if (i === j) diagonalTop = Math.max(diagonalTop, n);
      else flipTop = Math.max(flipTop, n);
    }),
  );
  const shade = (n: number, diagonal: boolean) => {
    if (n === 0) return undefined;
    const strength = Math.round(12 + 68 * (n / (diagonal ? diagonalTop : flipTop)));
    const color = diagonal ? 'var(--chart-1)' : 'var(--chart-3)';
    return { background: `color-mix(in srgb, ${color} ${strength}%, transparent)` };
  };
  return (
    <div className="flip-matrix" data-testid="flip-matrix">
      <table>
        <caption>
          Flip matrix: rows are {baseline}&apos;s prediction, columns {candidate}&apos;s
          {matrix.folded && ' (rarer classes folded into the last row and column)'}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="corner">
              <span className="visually-hidden">
                {baseline} predicted (rows), {candidate} predicted (columns)
              </span>
            </th>
            {classes.map((c) => (
              <th scope="col" key={c} className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {counts.map((row, i) => (
            <tr key={classes[i]}>
              <th scope="row">{classes[i]}</th>
              {row.map((n, j) => (
                <td
                  key={j}
                  className={`num cell${i === j ? ' diagonal' : n > 0 ? ' flip' : ''}`}
                  style={shade(n, i === j)}
                  title={`${baseline} ${classes[i]} → ${candidate} ${classes[j]}: ${n} rows`}
                  data-testid={i === j ? undefined : n > 0 ? 'flip-cell' : undefined}
                >
                  {n === 0 ? '·' : formatCount(n)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
