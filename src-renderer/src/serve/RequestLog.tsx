// The live request log: newest first, the latest entries only (no payloads ever), with a pause so a row can be
// read while traffic flows.
import { useState } from 'react';
import type { RequestLogEntry } from '../../../src-shared/contract';
import { formatBytes, formatDuration } from '../../../src-shared/units';
import { Empty } from '../components/States';
import { useApp } from '../store/appStore';
import { useServeUi } from './serveUiStore';

/** Rows rendered: about two screens of the scroll box; the store keeps 500. */
export const LOG_ROWS_SHOWN = 100;

function time(t: number): string {
  const d = new Date(t);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function RequestLog() {
  const live = useApp((s) => s.requests);
  const chartModel = useServeUi((s) => s.chartModel);
  const [frozen, setFrozen] = useState<RequestLogEntry[] | null>(null);
  const entries = frozen ?? live;
  const inScope = chartModel === null ? entries : entries.filter((e) => e.model === chartModel);
  const rows = inScope.slice(-LOG_ROWS_SHOWN).reverse();

  return (
    <>
      <div className="toolbar">
        <button type="button" aria-pressed={frozen !== null} onClick={() => setFrozen(frozen ? null : live)}>
          {frozen ? 'Resume' : 'Pause'}
        </button>
        <span className="muted" role="status">
          {frozen ? 'Paused. ' : ''}
          Showing the newest {rows.length} of {inScope.length} kept{chartModel ? ` for ${chartModel}` : ''}; request
          bodies are never logged.
        </span>
      </div>
      {rows.length === 0 ? (
        <Empty title="No requests yet">Requests to the endpoint appear here as they finish.</Empty>
      ) : (
        <div className="log-scroll" tabIndex={0} aria-label="Request log">
          <table data-testid="request-log">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Version
                </th>
                <th scope="col" className="num">
                  Status
                </th>
                <th scope="col" className="num">
                  Latency
                </th>
                <th scope="col" className="num">
                  Request
                </th>
                <th scope="col" className="num">
                  Response
                </th>
                <th scope="col">Degraded</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e, i) => (
                // Rows keyed by position: each batch shifts every row, and patching text beats remounting.
                <tr key={i}>
                  <td className="num-time">{time(e.t)}</td>
                  <td>{e.model}</td>
                  <td className="num">{e.version}</td>
                  <td className={`num status ${e.status >= 400 ? 'bad' : 'good'}`} data-testid="log-status">
                    {e.status}
                  </td>
                  <td className="num">{formatDuration(e.latencyMs)}</td>
                  <td className="num">{formatBytes(e.bytesIn)}</td>
                  <td className="num">{formatBytes(e.bytesOut)}</td>
                  <td>{e.degraded ? <span className="tag degraded">degraded</span> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
