// Example requests for one served model version: curl, Python tritonclient and JS fetch, built from its
// signature against the running endpoint, each with a copy button.
import { useEffect, useState } from 'react';
import type { ModelVersion } from '../../../src-shared/contract';
import { formatShape } from '../../../src-shared/shapes';
import { Empty, ErrorBox, Loading } from '../components/States';
import { useApp } from '../store/appStore';
import { CopyButton } from './CopyButton';
import { API_KEY_VARIABLE, buildExamples } from '../../../src-shared/exampleRequests';
import { parseVersionKey, useServeUi, versionKey } from './serveUiStore';

export function ExamplesPanel() {
  const serving = useApp((s) => s.serving);
  const client = useApp((s) => s.client);
  const exampleTarget = useServeUi((s) => s.exampleTarget);
  const startedWithKey = useServeUi((s) => s.startedWithKey);
  const set = useServeUi((s) => s.set);
  const [detail, setDetail] = useState<{ key: string; version: ModelVersion } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const running = serving?.state === 'running' && serving.url !== undefined;
  const candidates = running ? serving.versions.filter((v) => !v.fallbackOnly) : [];
  const keys = candidates.map((v) => versionKey(v.model, v.version));
  const target = exampleTarget && keys.includes(exampleTarget) ? exampleTarget : (keys[0] ?? null);
  const ref = target ? parseVersionKey(target) : null;

  const loadedKey = detail?.key;
  useEffect(() => {
    const wanted = target ? parseVersionKey(target) : null;
    if (!client || !wanted || !target || loadedKey === target) return;
    setError(null);
    let live = true;
    client.call('version', { params: { name: wanted.model, version: wanted.version } }).then(
      (version) => live && setDetail({ key: target, version }),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [client, target, loadedKey]);

  if (!running || !ref || !target)
    return (
      <Empty title="No served model">Example requests appear here for a served model once the endpoint runs.</Empty>
    );

  const apiKey = serving.apiKeyRequired || startedWithKey;
  const versionsOfModel = candidates.filter((v) => v.model === ref.model).length;
  const examples =
    detail?.key === target
      ? buildExamples({
          url: serving.url!,
          model: ref.model,
          // The unversioned path answers with the model's default version; name it only when several are served.
          version: versionsOfModel > 1 ? ref.version : undefined,
          inputs: detail.version.inspection.inputs,
          outputs: detail.version.inspection.outputs,
          apiKey,
        })
      : null;

  return (
    <div data-testid="examples">
      <div className="toolbar">
        <label className="inline">
          Model
          <select value={target} onChange={(e) => set({ exampleTarget: e.target.value })} data-testid="example-target">
            {candidates.map((v) => {
              const key = versionKey(v.model, v.version);
              return (
                <option key={key} value={key}>
                  {v.model} v{v.version}
                </option>
              );
            })}
          </select>
        </label>
        {examples && (
          <span className="muted" data-testid="example-inputs">
            Inputs (zero-filled; symbolic dims set to 1):{' '}
            {examples.inputs.map((i) => (
              <code key={i.name}>
                {i.name} {i.datatype} {formatShape(i.shape)}
              </code>
            ))}
          </span>
        )}
      </div>
      {error !== null ? (
        <ErrorBox error={error} />
      ) : !examples ? (
        <Loading what="the model's signature" />
      ) : (
        <>
          {apiKey && (
            <p className="hint" data-testid="example-key-hint">
              The endpoint wants an API key: the examples read it from <code>{API_KEY_VARIABLE}</code> (
              <code>export {API_KEY_VARIABLE}=&lt;your key&gt;</code>) so it stays out of your shell history.
            </p>
          )}
          {examples.unsupported.length > 0 && (
            <p className="warning">
              The examples leave out {examples.unsupported.join(', ')}: not a tensor type the endpoint can take.
            </p>
          )}
          <Example title="curl" text={examples.curl} testId="example-curl" />
          <Example title="Python (tritonclient.http)" text={examples.python} testId="example-python" />
          <Example title="JavaScript (fetch; Node 18+ as an ES module)" text={examples.fetch} testId="example-fetch" />
        </>
      )}
    </div>
  );
}

function Example({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <div className="example">
      <div className="example-head">
        <h3>{title}</h3>
        <CopyButton text={text} label={`${title} example`} />
      </div>
      <pre data-testid={testId} tabIndex={0}>
        {text}
      </pre>
    </div>
  );
}
