// The disagreement explorer: a pair's rows sorted by |Δ| or by flips (negative flips first), each opening to its
// inputs and both versions' outputs side by side; the top rows can be stored as a new dataset.
import { useState } from 'react';
import type { DatasetSummary, ExplorerRow, PairResult } from '../../../src-shared/contract';
import { ErrorBox } from '../components/States';
import { comparePath } from '../router';
import { useApp } from '../store/appStore';
import { formatNumber } from './describe';

const FLIP_TEXT: Record<ExplorerRow['flip'], string> = {
  negative: 'negative flip (was right)',
  positive: 'positive flip (now right)',
  changed: 'changed',
  none: 'same',
};

/** A square input (an image such as digits' 8 × 8 pixels) as a small grey grid; null when it is not square. */
function SquareInput({ values }: { values: readonly (number | null)[] }) {
  const side = Math.round(Math.sqrt(values.length));
  if (side < 4 || side * side !== values.length || side > 64) return null;
  const present = values.filter((v): v is number => v !== null);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  const cell = Math.max(4, Math.floor(96 / side));
  return (
    <svg width={side * cell} height={side * cell} className="square-input" role="img" aria-label="input as an image">
      {values.map((v, i) => {
        const level = v === null || hi === lo ? 0 : (v - lo) / (hi - lo);
        const grey = Math.round(255 * (1 - level));
        return (
          <rect
            key={i}
            x={(i % side) * cell}
            y={Math.floor(i / side) * cell}
            width={cell}
            height={cell}
            fill={v === null ? 'transparent' : `rgb(${grey},${grey},${grey})`}
          />
        );
      })}
    </svg>
  );
}

function Values({ values, limit = 64 }: { values: readonly (number | null)[]; limit?: number }) {
  return (
    <code className="values">
      [
      {values
        .slice(0, limit)
        .map((v) => (v === null ? 'null' : formatNumber(v)))
        .join(', ')}
      {values.length > limit ? `, … ${values.length - limit} more` : ''}]
    </code>
  );
}

/** Both versions' values of the explorer output, element by element, the differing elements marked. */
function OutputsSideBySide({ row }: { row: ExplorerRow }) {
  const [a, b] = row.outputs;
  if (!a || !b) return null;
  const length = Math.max(a.values.length, b.values.length);
  if (length > 32)
    return (
      <div>
        <p>
          {a.ref}: <Values values={a.values} />
        </p>
        <p>
          {b.ref}: <Values values={b.values} />
        </p>
      </div>
    );
  return (
    <table className="outputs-table">
      <caption className="visually-hidden">Outputs of both versions</caption>
      <thead>
        <tr>
          <th scope="col">Element</th>
          <th scope="col" className="num">
            {a.ref}
          </th>
          <th scope="col" className="num">
            {b.ref}
          </th>
          <th scope="col" className="num">
            |Δ|
          </th>
        </tr>
      </thead>
      <tbody>
        {Array.from({ length }, (_, i) => {
          const x = a.values[i] ?? null;
          const y = b.values[i] ?? null;
          const delta = x !== null && y !== null ? Math.abs(y - x) : null;
          const mark = i === Number(a.prediction) || i === Number(b.prediction);
          return (
            <tr key={i} className={mark ? 'predicted' : undefined}>
              <th scope="row">{i}</th>
              <td className="num">{formatNumber(x)}</td>
              <td className="num">{formatNumber(y)}</td>
              <td className="num">{formatNumber(delta)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function RowDetail({ row }: { row: ExplorerRow }) {
  return (
    <div className="explorer-detail" data-testid="explorer-detail">
      <div className="explorer-inputs">
        <h4>Inputs</h4>
        {Object.entries(row.inputs).map(([name, values]) => (
          <div key={name} className="explorer-input">
            <strong>{name}</strong> <span className="muted">({values.length} values)</span>
            <SquareInput values={values} />
            <Values values={values} />
          </div>
        ))}
      </div>
      <div className="explorer-outputs">
        <h4>Outputs</h4>
        <OutputsSideBySide row={row} />
      </div>
    </div>
  );
}

function ExportRows({
  comparisonId,
  pairIndex,
  sort,
}: {
  comparisonId: string;
  pairIndex: number;
  sort: 'delta' | 'flips';
}) {
  const client = useApp((s) => s.client);
  const refreshDatasets = useApp((s) => s.refreshDatasets);
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('100');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<DatasetSummary | null>(null);
  const count = Number(limit);
  const valid = name.trim() !== '' && Number.isInteger(count) && count >= 1;
  const run = async () => {
    if (!client || !valid) return;
    setBusy(true);
    setError(null);
    setMade(null);
    try {
      const dataset = await client.call('exportComparisonRows', {
        params: { id: comparisonId },
        body: { name: name.trim(), limit: count, sort, pair: pairIndex },
      });
      setMade(dataset);
      void refreshDatasets();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="export-rows" data-testid="export-rows">
      <label>
        New dataset name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. digits-disagreements"
          data-testid="export-name"
        />
      </label>
      <label>
        Top rows
        <input
          className="short"
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          inputMode="numeric"
          data-testid="export-limit"
        />
      </label>
      <button type="button" onClick={() => void run()} disabled={!valid || busy} data-testid="export-submit">
        {busy ? 'Exporting…' : `Export top rows by ${sort === 'delta' ? '|Δ|' : 'flips'} as a dataset`}
      </button>
      {made && (
        <span className="saved" data-testid="export-done">
          Stored as <a href={comparePath({ kind: 'dataset', id: made.id })}>{made.name}</a> ({made.rows} rows)
        </span>
      )}
      {error !== null && <ErrorBox error={error} />}
    </div>
  );
}

export function DisagreementExplorer({
  comparisonId,
  pair,
  pairIndex,
}: {
  comparisonId: string;
  pair: PairResult;
  pairIndex: number;
}) {
  const hasFlips = pair.flipMatrix !== null;
  const [sort, setSort] = useState<'delta' | 'flips'>(hasFlips && pair.disagreements > 0 ? 'flips' : 'delta');
  const [open, setOpen] = useState<number | null>(null);
  const rows = sort === 'delta' ? pair.explorer.byDelta : pair.explorer.byFlips;
  const [baselineRef, candidateRef] = [pair.baseline, pair.candidate];
  return (
    <section className="explorer" aria-labelledby="explorer-title" data-testid="explorer">
      <h3 id="explorer-title">Disagreement explorer</h3>
      <div className="toolbar">
        <div className="tabs small" role="group" aria-label="Sort rows">
          <button
            type="button"
            className={sort === 'delta' ? 'current' : undefined}
            aria-pressed={sort === 'delta'}
            onClick={() => setSort('delta')}
            data-testid="explorer-sort-delta"
          >
            By |Δ| of {pair.explorer.deltaOutput}
          </button>
          <button
            type="button"
            className={sort === 'flips' ? 'current' : undefined}
            aria-pressed={sort === 'flips'}
            onClick={() => setSort('flips')}
            disabled={!hasFlips}
            data-testid="explorer-sort-flips"
          >
            By flips
          </button>
        </div>
        <span className="hint">{rows.length} rows kept; negative flips first, then positive, then other changes.</span>
      </div>
      {rows.length === 0 ? (
        <p className="muted">No rows to show for this sort.</p>
      ) : (
        <div className="table-scroll explorer-scroll">
          <table className="explorer-table" data-testid="explorer-table">
            <caption className="visually-hidden">Rows where the versions differ most</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Row
                </th>
                <th scope="col">Label</th>
                <th scope="col">{baselineRef}</th>
                <th scope="col">{candidateRef}</th>
                <th scope="col">Flip</th>
                <th scope="col" className="num">
                  |Δ|
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const expanded = open === row.row;
                return [
                  <tr
                    key={row.row}
                    className={`explorer-row flip-${row.flip}${expanded ? ' selected' : ''}`}
                    data-testid="explorer-row"
                    data-row={row.row}
                    data-flip={row.flip}
                  >
                    <td className="num">
                      <button
                        type="button"
                        className="link"
                        aria-expanded={expanded}
                        onClick={() => setOpen(expanded ? null : row.row)}
                        data-testid="explorer-open"
                      >
                        {expanded ? '▾' : '▸'} {row.row}
                      </button>
                    </td>
                    <td>{row.label ?? '–'}</td>
                    <td>{row.outputs[0]?.prediction ?? '–'}</td>
                    <td>{row.outputs[1]?.prediction ?? '–'}</td>
                    <td>{FLIP_TEXT[row.flip]}</td>
                    <td className="num">{formatNumber(row.absDelta)}</td>
                  </tr>,
                  expanded && (
                    <tr key={`${row.row}-detail`} className="detail-row">
                      <td colSpan={6}>
                        <RowDetail row={row} />
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
      <ExportRows comparisonId={comparisonId} pairIndex={pairIndex} sort={sort} />
    </section>
  );
}
