// The result of a Try-it run: the provider it ran on and why, the latency, and each output with its values
// (long ones shortened) and, for a probabilities output, the top classes.
import type { RunResult, TensorValue } from '../../../src-shared/contract';
import { formatShape } from '../../../src-shared/shapes';
import { formatCount, formatDuration } from '../../../src-shared/units';
import { elementCountOf, firstValues, formatValue, topK, VALUES_SHOWN, type TopK } from './tryIt';

export function RunResultView({ result, label, source }: { result: RunResult; label?: unknown; source: string }) {
  const { timing, provider } = result;
  const applied = Object.entries(result.appliedDims);
  return (
    <div className="run-result" data-testid="run-result">
      <dl className="facts">
        <dt>Provider</dt>
        <dd data-testid="run-provider">
          <strong>{provider.actual}</strong>
          {provider.requested !== provider.actual && <span className="muted"> (asked for {provider.requested})</span>}
          <div className="hint">{provider.reason}</div>
        </dd>
        <dt>Latency</dt>
        <dd data-testid="run-latency">
          <strong>{formatDuration(timing.medianMs)}</strong> per request
          {timing.runs > 1 &&
            ` (median of ${timing.runs}, ${formatDuration(timing.minMs)}–${formatDuration(timing.maxMs)})`}
          <div className="hint">
            {formatDuration(timing.computeMedianMs)} inside session.run(); the rest is the hand-off to the worker
            thread. Session load {formatDuration(timing.loadMs)}
            {timing.warmupMs !== null && `, warm-up ${formatDuration(timing.warmupMs)}`}.
          </div>
        </dd>
        <dt>Inputs</dt>
        <dd>
          {source}:{' '}
          {result.inputs.map((i, n) => (
            <span key={i.name}>
              {n > 0 && ', '}
              <code>{i.name}</code> {i.elementType} {formatShape(i.shape)}
            </span>
          ))}
          {applied.length > 0 && (
            <div className="hint">
              Unbound dims set to {applied.map(([name, size]) => `${name} = ${size}`).join(', ')}
            </div>
          )}
        </dd>
        {label !== undefined && (
          <>
            <dt>Sample label</dt>
            <dd data-testid="sample-label">{JSON.stringify(label)}</dd>
          </>
        )}
      </dl>
      <h3>Outputs</h3>
      {result.outputs.map((output) => (
        <OutputView key={output.name} output={output} label={label} />
      ))}
    </div>
  );
}

function OutputView({ output, label }: { output: TensorValue; label?: unknown }) {
  const total = elementCountOf(output.shape);
  const shown = firstValues(output.data);
  const ranked = topK(output);
  return (
    <section className="output" data-testid={`output-${output.name}`} aria-label={`Output ${output.name}`}>
      <div className="output-head">
        <code className="output-name">{output.name}</code>
        <span>{output.elementType}</span>
        <code>{formatShape(output.shape)}</code>
      </div>
      <pre className="values">
        {shown.map((v) => formatValue(v, output.elementType)).join(', ')}
        {total > shown.length && ` … (${VALUES_SHOWN} of ${formatCount(total)} values shown)`}
        {total === 0 && '(empty)'}
      </pre>
      {ranked && <TopKList topK={ranked} label={label} />}
    </section>
  );
}

function TopKList({ topK: ranked, label }: { topK: TopK; label?: unknown }) {
  return (
    <div className="topk">
      <h4>
        Top {ranked.classes.length}
        {ranked.rows > 1 && (
          <span className="muted">
            {' '}
            (row {ranked.row} of {ranked.rows})
          </span>
        )}
      </h4>
      <ol className="topk-list" data-testid="topk">
        {ranked.classes.map((c) => (
          <li key={c.index} className="bar-row">
            <span className="bar-label">
              class {c.index}
              {label === c.index && <span className="saved"> · the label</span>}
            </span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar" style={{ width: `${Math.max(1, c.probability * 100)}%` }} />
            </span>
            <span className="num">{(c.probability * 100).toFixed(c.probability >= 0.1 ? 1 : 2)}%</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
