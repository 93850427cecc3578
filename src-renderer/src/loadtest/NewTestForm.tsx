// Setting up a load test: the target (a library model through the local endpoint or the in-process runtime, or
// any KServe V2 URL), the inputs (synthetic or a replay file), the protocol, then either a traffic shape or a
// capacity search; Run starts it and opens the live view.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ModelSummary, ModelVersion, SampleFile } from '../../../src-shared/contract';
import { ErrorBox } from '../components/States';
import { fittingSamples, symbolicDims } from '../models/tryIt';
import { loadTestPath, navigate } from '../router';
import { useApp } from '../store/appStore';
import { buildConfig, type LoadTestDraft, type TargetKind } from './loadTestForm';
import { useLoadTestUi } from './loadTestUi';
import { ShapeBuilder, usePreview } from './ShapeBuilder';

let samplesCache: SampleFile[] | null = null;

function useSamples(): SampleFile[] | null {
  const client = useApp((s) => s.client);
  const [samples, setSamples] = useState(samplesCache);
  useEffect(() => {
    if (samplesCache || !client) return;
    client.call('samples').then(
      (list) => setSamples((samplesCache = list)),
      () => setSamples([]),
    );
  }, [client]);
  return samples;
}

/** The version a model-only target runs: production (newest of them), else the latest. */
function defaultVersion(model: ModelSummary): ModelVersion | undefined {
  const production = model.versions.filter((v) => v.stage === 'production');
  const pool = production.length > 0 ? production : model.versions;
  return pool.reduce<ModelVersion | undefined>((a, b) => (a && a.version > b.version ? a : b), undefined);
}

const TARGET_KINDS: { kind: TargetKind; label: string }[] = [
  { kind: 'endpoint', label: 'Local endpoint (HTTP)' },
  { kind: 'runtime', label: 'In-process runtime' },
  { kind: 'url', label: 'KServe V2 URL' },
];

function TargetSection({ chosen }: { chosen: ModelVersion | undefined }) {
  const target = useLoadTestUi((s) => s.draft.target);
  const edit = useLoadTestUi((s) => s.edit);
  const models = useApp((s) => s.models);
  const serving = useApp((s) => s.serving);
  const setTarget = (patch: Partial<LoadTestDraft['target']>) => edit((d) => ({ target: { ...d.target, ...patch } }));
  const model = models?.find((m) => m.name === target.model);
  const served =
    serving?.state === 'running' &&
    chosen !== undefined &&
    serving.versions.some((v) => v.model === chosen.model && v.version === chosen.version && v.state === 'ready');

  return (
    <fieldset className="group">
      <legend>Target</legend>
      <div className="radio-row" role="radiogroup" aria-label="What to test">
        {TARGET_KINDS.map((k) => (
          <label key={k.kind} className="radio">
            <input
              type="radio"
              name="target-kind"
              checked={target.kind === k.kind}
              onChange={() => setTarget({ kind: k.kind })}
              data-testid={`target-${k.kind}`}
            />
            {k.label}
          </label>
        ))}
      </div>
      <p className="hint">
        The local endpoint measures what your clients would see, HTTP and serialisation included; the in-process runtime
        calls the model&apos;s session pool directly, without HTTP, so it measures the model&apos;s own capacity.
      </p>
      {target.kind === 'url' ? (
        <div className="fields">
          <label className="wide">
            Endpoint URL
            <input
              value={target.url}
              onChange={(e) => setTarget({ url: e.target.value })}
              placeholder="http://host:8000"
              spellCheck={false}
              data-testid="target-url-address"
            />
          </label>
          <label>
            Model name
            <input
              value={target.modelName}
              onChange={(e) => setTarget({ modelName: e.target.value })}
              spellCheck={false}
              data-testid="target-model-name"
            />
          </label>
          <label>
            Model version (optional)
            <input
              value={target.modelVersion}
              onChange={(e) => setTarget({ modelVersion: e.target.value })}
              spellCheck={false}
              data-testid="target-model-version"
            />
          </label>
          <label>
            API key (optional)
            <input
              type="password"
              value={target.apiKey}
              onChange={(e) => setTarget({ apiKey: e.target.value })}
              autoComplete="off"
              placeholder="sent as Authorization: Bearer"
              data-testid="target-api-key"
            />
          </label>
          <fieldset className="headers wide">
            <legend>Headers</legend>
            {target.headers.length === 0 && <p className="hint">None besides the API key.</p>}
            {target.headers.map((h, i) => (
              <div key={i} className="header-row">
                <input
                  aria-label={`Header ${i + 1} name`}
                  value={h.name}
                  placeholder="name"
                  spellCheck={false}
                  onChange={(e) =>
                    setTarget({ headers: target.headers.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })
                  }
                />
                <input
                  aria-label={`Header ${i + 1} value`}
                  value={h.value}
                  placeholder="value"
                  spellCheck={false}
                  onChange={(e) =>
                    setTarget({
                      headers: target.headers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)),
                    })
                  }
                />
                <button
                  type="button"
                  className="icon"
                  aria-label={`Remove header ${i + 1}`}
                  onClick={() => setTarget({ headers: target.headers.filter((_, j) => j !== i) })}
                >
                  ✕
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setTarget({ headers: [...target.headers, { name: '', value: '' }] })}>
              Add header
            </button>
          </fieldset>
        </div>
      ) : (
        <div className="fields">
          <label>
            Model
            <select
              value={target.model}
              onChange={(e) => setTarget({ model: e.target.value, version: '' })}
              data-testid="target-model"
            >
              <option value="">{models === null ? 'loading the library…' : 'choose a model'}</option>
              {(models ?? []).map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Version
            <select
              value={target.version}
              onChange={(e) => setTarget({ version: e.target.value })}
              disabled={!model}
              title="The default is the newest production version, else the latest"
              data-testid="target-version"
            >
              <option value="">{model ? `default: v${defaultVersion(model)?.version ?? '?'}` : 'default'}</option>
              {(model?.versions ?? []).map((v) => (
                <option key={v.version} value={String(v.version)}>
                  v{v.version} ({v.stage})
                </option>
              ))}
            </select>
          </label>
          {target.kind === 'endpoint' && chosen && (
            <p className="hint wide" data-testid="endpoint-note">
              {served
                ? `The Serve screen's endpoint already serves ${chosen.model}:${chosen.version}; the test sends to it (${serving?.url}), with its settings.`
                : `A temporary endpoint on a free local port serves ${chosen.model}:${chosen.version} for the run, with its stored serving settings.`}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}

function InputsSection({ chosen }: { chosen: ModelVersion | undefined }) {
  const inputs = useLoadTestUi((s) => s.draft.inputs);
  const protocol = useLoadTestUi((s) => s.draft.protocol);
  const targetKind = useLoadTestUi((s) => s.draft.target.kind);
  const edit = useLoadTestUi((s) => s.edit);
  const samples = useSamples();
  const setInputs = (patch: Partial<LoadTestDraft['inputs']>) => edit((d) => ({ inputs: { ...d.inputs, ...patch } }));
  const signature = chosen?.inspection.inputs ?? [];
  const dims = targetKind === 'url' ? [] : symbolicDims(signature);
  const fitting = samples ? (chosen ? fittingSamples(samples, signature) : samples) : [];

  return (
    <fieldset className="group">
      <legend>Inputs</legend>
      <div className="radio-row" role="radiogroup" aria-label="Request inputs">
        <label className="radio">
          <input
            type="radio"
            name="inputs-kind"
            checked={inputs.kind === 'synthetic'}
            onChange={() => setInputs({ kind: 'synthetic' })}
            data-testid="inputs-synthetic"
          />
          Synthetic from the signature
        </label>
        <label className="radio">
          <input
            type="radio"
            name="inputs-kind"
            checked={inputs.kind === 'replay'}
            onChange={() => setInputs({ kind: 'replay' })}
            data-testid="inputs-replay"
          />
          Replay a file
        </label>
      </div>
      {inputs.kind === 'synthetic' ? (
        <div className="fields">
          <label>
            Values
            <select
              value={inputs.fill}
              onChange={(e) => setInputs({ fill: e.target.value as 'random' | 'zeros' })}
              data-testid="inputs-fill"
            >
              <option value="random">random</option>
              <option value="zeros">zeros</option>
            </select>
          </label>
          {dims.map((name) => (
            <label key={name}>
              <span>
                Dim <code>{name}</code>
              </span>
              <input
                value={inputs.dims[name] ?? ''}
                onChange={(e) => setInputs({ dims: { ...inputs.dims, [name]: e.target.value } })}
                placeholder="1"
                inputMode="numeric"
                data-testid={`dim-${name}`}
              />
            </label>
          ))}
          {dims.length > 0 && <p className="hint wide">An empty dim is sent as 1.</p>}
          {chosen && dims.length === 0 && targetKind !== 'url' && (
            <p className="hint wide">{chosen.model}&apos;s inputs have no symbolic dims to bind.</p>
          )}
          {targetKind === 'url' && (
            <label className="wide">
              Dims (optional)
              <input
                value={inputs.dimsText}
                onChange={(e) => setInputs({ dimsText: e.target.value })}
                placeholder="batch=1, dim1=8"
                spellCheck={false}
                data-testid="dims-text"
              />
              <span className="hint">
                The signature comes from the endpoint&apos;s model metadata when the run starts; a dynamic dim is named
                batch (first axis) or dim1, dim2… by position, and is 1 unless set here.
              </span>
            </label>
          )}
        </div>
      ) : (
        <div className="fields">
          <label className="wide">
            File on the engine&apos;s machine (JSON Lines with &#123;&quot;inputs&quot;: …&#125; per row, or CSV with
            one column per feature)
            <input
              value={inputs.file}
              onChange={(e) => setInputs({ file: e.target.value })}
              placeholder="/path/to/rows.jsonl"
              spellCheck={false}
              data-testid="inputs-file"
            />
          </label>
          {fitting.length > 0 && (
            <div className="wide sample-picks">
              <span className="hint">Samples that ship with Slipway{chosen ? ` and fit ${chosen.model}` : ''}:</span>
              {fitting.map((s) => (
                <button
                  key={s.file}
                  type="button"
                  className={inputs.file === s.file ? 'chip chosen' : 'chip'}
                  aria-pressed={inputs.file === s.file}
                  onClick={() => setInputs({ file: s.file })}
                >
                  {s.file} <span className="muted">({s.rows} rows)</span>
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      <div className="fields">
        <label>
          Protocol
          <select
            value={protocol}
            onChange={(e) => edit(() => ({ protocol: e.target.value as 'json' | 'binary' }))}
            disabled={targetKind === 'runtime'}
            data-testid="protocol"
          >
            <option value="json">JSON</option>
            <option value="binary">binary tensor data (Triton extension)</option>
          </select>
          {targetKind === 'runtime' && <span className="hint">No HTTP, so no wire protocol.</span>}
        </label>
      </div>
    </fieldset>
  );
}

function AdvancedSection() {
  const draft = useLoadTestUi((s) => s.draft);
  const edit = useLoadTestUi((s) => s.edit);
  const open = useLoadTestUi((s) => s.advancedOpen);
  const setOpen = useLoadTestUi((s) => s.setAdvancedOpen);
  return (
    <details
      className="group advanced"
      open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Advanced: name, timeout, connections</summary>
      <div className="fields">
        <label>
          Run name (optional)
          <input
            value={draft.name}
            onChange={(e) => edit(() => ({ name: e.target.value }))}
            placeholder="named after the target and shape"
            data-testid="run-name"
          />
        </label>
        <label>
          Request timeout
          <span className="with-unit">
            <input
              value={draft.timeoutMs}
              onChange={(e) => edit(() => ({ timeoutMs: e.target.value }))}
              inputMode="numeric"
              data-testid="timeout-ms"
            />
            <span className="unit">ms</span>
          </span>
        </label>
        <label>
          Connections
          <span className="with-unit">
            <input
              value={draft.connections}
              onChange={(e) => edit(() => ({ connections: e.target.value }))}
              inputMode="numeric"
              data-testid="connections"
            />
            <span className="unit">max</span>
          </span>
        </label>
      </div>
    </details>
  );
}

function CapacitySection() {
  const capacity = useLoadTestUi((s) => s.draft.capacity);
  const edit = useLoadTestUi((s) => s.edit);
  const set = (patch: Partial<LoadTestDraft['capacity']>) => edit((d) => ({ capacity: { ...d.capacity, ...patch } }));
  return (
    <div className="fields">
      <label>
        p99 budget
        <span className="with-unit">
          <input
            value={capacity.budgetMs}
            onChange={(e) => set({ budgetMs: e.target.value })}
            inputMode="decimal"
            data-testid="capacity-budget"
          />
          <span className="unit">ms</span>
        </span>
      </label>
      <label>
        Start rate
        <span className="with-unit">
          <input
            value={capacity.startRate}
            onChange={(e) => set({ startRate: e.target.value })}
            inputMode="decimal"
            data-testid="capacity-start"
          />
          <span className="unit">req/s</span>
        </span>
      </label>
      <label>
        Maximum rate
        <span className="with-unit">
          <input
            value={capacity.maxRate}
            onChange={(e) => set({ maxRate: e.target.value })}
            inputMode="decimal"
            data-testid="capacity-max"
          />
          <span className="unit">req/s</span>
        </span>
      </label>
      <p className="hint wide">
        The search steps the rate up, waits at each level until throughput and p99 are stable (at most 10 windows), then
        bisects to the highest rate whose corrected p99 meets the budget. Its length depends on the target.
      </p>
    </div>
  );
}

export function NewTestForm() {
  const draft = useLoadTestUi((s) => s.draft);
  const edit = useLoadTestUi((s) => s.edit);
  const models = useApp((s) => s.models);
  const client = useApp((s) => s.client);
  const putLoadRun = useApp((s) => s.putLoadRun);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { error: shapeError } = usePreview();

  const model = models?.find((m) => m.name === draft.target.model);
  const chosen =
    draft.target.kind === 'url' || !model
      ? undefined
      : draft.target.version
        ? model.versions.find((v) => String(v.version) === draft.target.version)
        : defaultVersion(model);
  const dims = useMemo(
    () => (draft.target.kind === 'url' || !chosen ? [] : symbolicDims(chosen.inspection.inputs)),
    [chosen, draft.target.kind],
  );
  const built = buildConfig(draft, dims);
  // A shape error is shown in the shape section; everything else beside the Run button.
  const problem = built.ok ? null : draft.capacity.enabled || built.error !== shapeError ? built.error : null;

  // Pick the first model once the library arrives, so the form is ready to run.
  useEffect(() => {
    if (draft.target.model === '' && models && models.length > 0) {
      const first = models.find((m) => m.name === 'digits-mlp') ?? models[0]!;
      edit((d) => ({ target: { ...d.target, model: first.name } }));
    }
  }, [models, draft.target.model, edit]);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || !built.ok) return;
    setBusy(true);
    setError(null);
    try {
      const started = await client.call('startLoadTest', { body: built.config });
      putLoadRun(started);
      navigate(loadTestPath({ kind: 'run', id: started.id }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="new-test" onSubmit={(e) => void run(e)} aria-labelledby="new-test-title">
      <h2 id="new-test-title" className="visually-hidden">
        New load test
      </h2>
      <TargetSection chosen={chosen} />
      <InputsSection chosen={chosen} />

      <fieldset className="group">
        <legend>Traffic</legend>
        <div className="radio-row" role="radiogroup" aria-label="Mode">
          <label className="radio">
            <input
              type="radio"
              name="mode"
              checked={!draft.capacity.enabled}
              onChange={() => edit((d) => ({ capacity: { ...d.capacity, enabled: false } }))}
              data-testid="mode-shape"
            />
            A traffic shape
          </label>
          <label className="radio">
            <input
              type="radio"
              name="mode"
              checked={draft.capacity.enabled}
              onChange={() => edit((d) => ({ capacity: { ...d.capacity, enabled: true } }))}
              data-testid="mode-capacity"
            />
            Capacity search (find the highest rate within a p99 budget)
          </label>
        </div>
        {draft.capacity.enabled ? <CapacitySection /> : <ShapeBuilder />}
      </fieldset>

      <AdvancedSection />

      <div className="run-bar">
        <button type="submit" className="primary" disabled={!built.ok || busy || !client} data-testid="run-test">
          {busy ? 'Starting…' : 'Run'}
        </button>
        {problem && (
          <span className="problem" data-testid="run-problem">
            {problem}
          </span>
        )}
        {!problem && !built.ok && <span className="problem">Fix the shape above to run.</span>}
      </div>
      {error !== null && <ErrorBox error={error} />}
    </form>
  );
}
