// What the inspection of a version says: its signature (inputs and outputs with element types and shapes,
// symbolic dims kept by name), the file and graph facts, the model's metadata, and the operator histogram.
import type { ModelVersion, TensorSignature } from '../../../src-shared/contract';
import { formatShape } from '../../../src-shared/shapes';
import { formatBytes, formatCount } from '../../../src-shared/units';

export function SignatureTable({ title, tensors }: { title: string; tensors: TensorSignature[] }) {
  const id = `signature-${title.toLowerCase()}`;
  return (
    <div className="signature">
      <h3 id={id}>{title}</h3>
      {tensors.length === 0 ? (
        <p className="muted">None declared.</p>
      ) : (
        <table aria-labelledby={id} data-testid={id}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Element type</th>
              <th scope="col">Shape</th>
            </tr>
          </thead>
          <tbody>
            {tensors.map((t) => (
              <tr key={t.name}>
                <td>
                  <code>{t.name}</code>
                  {t.docString && <div className="hint">{t.docString}</div>}
                </td>
                <td>{t.kind === 'tensor' ? t.elementType : `${t.kind}: ${t.elementType}`}</td>
                <td>
                  <ShapeText shape={t.shape} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A shape with its symbolic dims marked, so "batch" reads as a name and 64 as a size. */
export function ShapeText({ shape }: { shape: TensorSignature['shape'] }) {
  if (shape === null) return <span className="muted">{formatShape(null)}</span>;
  return (
    <code className="shape" aria-label={formatShape(shape)}>
      [
      {shape.map((d, i) => (
        <span key={i}>
          {i > 0 && ', '}
          {typeof d === 'string' ? (
            <span className="dim-symbolic" title="symbolic dimension">
              {d}
            </span>
          ) : d === null ? (
            <span className="dim-symbolic" title="dynamic dimension without a name">
              ?
            </span>
          ) : (
            d
          )}
        </span>
      ))}
      ]
    </code>
  );
}

const opsetDomain = (domain: string) => (domain === '' || domain === 'ai.onnx' ? 'ai.onnx (default)' : domain);

export function VersionFacts({ version }: { version: ModelVersion }) {
  const i = version.inspection;
  const producer = [i.producerName, i.producerVersion].filter(Boolean).join(' ');
  return (
    <dl className="facts" data-testid="facts">
      <dt>File size</dt>
      <dd>{formatBytes(version.fileBytes)}</dd>
      <dt>Parameters</dt>
      <dd>
        {formatCount(i.parameterCount)} ({formatBytes(i.parameterBytes)}) in {i.initializerCount}{' '}
        {i.initializerCount === 1 ? 'initializer' : 'initializers'}
      </dd>
      <dt>Nodes</dt>
      <dd>{formatCount(i.nodeCount)}</dd>
      <dt>IR version</dt>
      <dd>{i.irVersion}</dd>
      <dt>Opset imports</dt>
      <dd>
        {i.opsetImports.length === 0
          ? '—'
          : i.opsetImports.map((o) => `${opsetDomain(o.domain)} ${o.version}`).join(' · ')}
      </dd>
      <dt>Producer</dt>
      <dd>{producer || '—'}</dd>
      {i.domain && (
        <>
          <dt>Model domain</dt>
          <dd>{i.domain}</dd>
        </>
      )}
      <dt>Model version field</dt>
      <dd>{i.modelVersion}</dd>
      <dt>Graph</dt>
      <dd>{i.graphName || '—'}</dd>
      {i.externalDataFiles.length > 0 && (
        <>
          <dt>External data</dt>
          <dd>{i.externalDataFiles.join(', ')}</dd>
        </>
      )}
      <dt>Imported from</dt>
      <dd>
        {version.sourceName} <span className="muted">on {new Date(version.createdAt).toLocaleString()}</span>
      </dd>
      <dt>SHA-256</dt>
      <dd>
        <code className="sha">{version.sha256}</code>
      </dd>
    </dl>
  );
}

export function MetadataView({ version }: { version: ModelVersion }) {
  const { docString, metadata } = version.inspection;
  const entries = Object.entries(metadata);
  return (
    <>
      <h3>Doc string</h3>
      {docString ? <p className="doc-string">{docString}</p> : <p className="muted">None.</p>}
      <h3>Metadata properties</h3>
      {entries.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table data-testid="metadata">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <td>
                  <code>{key}</code>
                </td>
                <td className="metadata-value">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Operator counts as horizontal bars, most used first. */
export function OpHistogram({ histogram }: { histogram: Record<string, number> }) {
  const ops = Object.entries(histogram).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = ops[0]?.[1] ?? 1;
  if (ops.length === 0) return <p className="muted">The graph has no nodes.</p>;
  return (
    <ul className="op-histogram" aria-label="Operator counts" data-testid="op-histogram">
      {ops.map(([op, count]) => (
        <li key={op} className="bar-row">
          <span className="bar-label" title={op}>
            {op}
          </span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar" style={{ width: `${Math.max(2, (count / max) * 100)}%` }} />
          </span>
          <span className="num">{formatCount(count)}</span>
        </li>
      ))}
    </ul>
  );
}
