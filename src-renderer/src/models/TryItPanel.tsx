// "Try it": a form built from a version's signature (random fill, pasted JSON or a sample row), run on a chosen
// provider, with the result or the engine's error beside it. Mounted keyed by version, so each starts fresh.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ModelVersion, RunResult, SampleFile, TryItRequest } from '../../../src-shared/contract';
import { formatShape } from '../../../src-shared/shapes';
import { useApp } from '../store/appStore';
import { RunResultView } from './RunResultView';
import { batchOfOne, boundShape, fittingSamples, jsonTemplate, parsePastedValues, symbolicDims } from './tryIt';

type Mode = 'random' | 'json' | 'sample';

/** Pasted JSON per model, so moving between its versions (or away and back) keeps it. */
const pastedByModel = new Map<string, string>();
let samplesCache: SampleFile[] | null = null;

interface Outcome {
  result: RunResult;
  /** The sample row's label, when the run used one. */
  label?: unknown;
  source: string;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function useSamples(): { samples: SampleFile[] | null; error: string | null } {
  const client = useApp((s) => s.client);
  const [samples, setSamples] = useState(samplesCache);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (samplesCache || !client) return;
    client.call('samples').then(
      (list) => {
        samplesCache = list;
        setSamples(list);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [client]);
  return { samples, error };
}

/** Provider probing can still be running when the UI connects; ask again until it has answered. */
function useProviders() {
  const engine = useApp((s) => s.engine);
  const refreshEngine = useApp((s) => s.refreshEngine);
  const probing = !engine?.providers;
  useEffect(() => {
    if (!probing) return;
    const timer = setInterval(() => void refreshEngine().catch(() => undefined), 2000);
    return () => clearInterval(timer);
  }, [probing, refreshEngine]);
  return engine?.providers ?? null;
}

const parseWhole = (text: string, min: number): number | null => {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min ? n : null;
};

export function TryItPanel({ version }: { version: ModelVersion }) {
  const client = useApp((s) => s.client);
  const defaultProvider = useApp((s) => s.settings?.defaultProvider ?? 'auto');
  const providers = useProviders();
  const { samples, error: samplesError } = useSamples();
  const inputs = version.inspection.inputs;
  const dimNames = symbolicDims(inputs);
  const fitting = samples ? fittingSamples(samples, inputs) : [];
  const uid = useId();

  const [mode, setMode] = useState<Mode>('random');
  const [seed, setSeed] = useState('0');
  const [dims, setDims] = useState<Record<string, string>>({});
  const [runs, setRuns] = useState('1');
  const [provider, setProvider] = useState<string | null>(null);
  const [pasted, setPasted] = useState(() => pastedByModel.get(version.model) ?? jsonTemplate(inputs));
  const [sampleFile, setSampleFile] = useState('');
  const [sampleRow, setSampleRow] = useState('0');
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const chosenFile = fitting.find((f) => f.file === sampleFile) ?? fitting[0];
  const chosenProvider = provider ?? defaultProvider;
  const dimValue = (name: string) => dims[name] ?? '1';
  const boundDims = Object.fromEntries(dimNames.map((n) => [n, parseWhole(dimValue(n), 1) ?? 1]));

  const buildRequest = async (): Promise<{ request: TryItRequest; label?: unknown; source: string }> => {
    const repeat = parseWhole(runs, 1);
    if (repeat === null || repeat > 1000) throw new Error('Runs: give a whole number from 1 to 1000.');
    const common = { provider: chosenProvider, repeat };
    if (mode === 'random') {
      const seedValue = parseWhole(seed, 0);
      if (seedValue === null) throw new Error('Seed: give a whole number, 0 or more.');
      const bad = dimNames.find((n) => parseWhole(dimValue(n), 1) === null);
      if (bad) throw new Error(`Dimension '${bad}': give a whole number, 1 or more.`);
      return {
        request: { ...common, inputs: { kind: 'synthetic', fill: 'random', seed: seedValue }, dims: boundDims },
        source: `random values, seed ${seedValue}`,
      };
    }
    if (mode === 'json') {
      const parsed = parsePastedValues(pasted, inputs);
      if (!parsed.ok) throw new Error(parsed.error);
      return { request: { ...common, inputs: { kind: 'values', values: parsed.values } }, source: 'pasted JSON' };
    }
    if (!chosenFile) throw new Error('Sample row: no sample file carries exactly this model’s inputs.');
    const index = parseWhole(sampleRow, 0);
    if (index === null || index >= chosenFile.rows)
      throw new Error(`Sample row: give a row from 0 to ${chosenFile.rows - 1}.`);
    if (!client) throw new Error('Not connected to the engine.');
    const row = await client.call('sampleRow', { params: { file: chosenFile.file, index } });
    return {
      request: { ...common, inputs: { kind: 'values', values: batchOfOne(row.inputs) } },
      label: row.label,
      source: `${chosenFile.file}, row ${index}`,
    };
  };

  const run = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || running) return;
    setRunning(true);
    setError(null);
    try {
      const { request, label, source } = await buildRequest();
      const result = await client.call('tryIt', {
        params: { name: version.model, version: version.version },
        body: request,
      });
      setOutcome({ result, label, source });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setRunning(false);
    }
  };

  const sentAs = (shape: (typeof inputs)[number]['shape']) =>
    mode === 'random'
      ? `random ${boundShape(shape, boundDims)}`
      : mode === 'json'
        ? 'the pasted value'
        : chosenFile
          ? `row ${sampleRow || 0} with a batch axis of 1`
          : '—';

  return (
    <div className="tryit">
      <form className="tryit-form" onSubmit={(e) => void run(e)} aria-label="Try it" noValidate>
        <table className="tryit-inputs" data-testid="tryit-inputs">
          <thead>
            <tr>
              <th scope="col">Input</th>
              <th scope="col">Type</th>
              <th scope="col">Shape</th>
              <th scope="col">Sent as</th>
            </tr>
          </thead>
          <tbody>
            {inputs.map((input) => (
              <tr key={input.name}>
                <td>
                  <code>{input.name}</code>
                </td>
                <td>{input.elementType}</td>
                <td>
                  <code>{formatShape(input.shape)}</code>
                </td>
                <td className="muted">{sentAs(input.shape)}</td>
              </tr>
            ))}
          </tbody>
        </table>

        <fieldset className="mode-choice">
          <legend>Fill the inputs with</legend>
          {(
            [
              ['random', 'Random values'],
              ['json', 'Pasted JSON'],
              ['sample', 'A sample row'],
            ] as const
          ).map(([value, text]) => (
            <label key={value} className="radio">
              <input
                type="radio"
                name={`${uid}-mode`}
                value={value}
                checked={mode === value}
                onChange={() => {
                  setMode(value);
                  setError(null);
                }}
              />
              {text}
            </label>
          ))}
        </fieldset>

        <div className="mode-panel">
          {mode === 'random' && (
            <div className="tryit-fields">
              {dimNames.map((name) => (
                <label key={name}>
                  <span>
                    Dimension <code>{name}</code>
                  </span>
                  <input
                    type="number"
                    min={1}
                    step={1}
                    inputMode="numeric"
                    value={dimValue(name)}
                    onChange={(e) => setDims((d) => ({ ...d, [name]: e.target.value }))}
                    data-testid={`dim-${name}`}
                  />
                </label>
              ))}
              <label>
                Seed
                <input
                  type="number"
                  min={0}
                  step={1}
                  inputMode="numeric"
                  value={seed}
                  onChange={(e) => setSeed(e.target.value)}
                  data-testid="seed"
                />
              </label>
              <p className="hint tryit-note">
                {dimNames.length > 0
                  ? 'Symbolic dimensions are bound to these sizes; the same seed gives the same values.'
                  : 'The same seed gives the same values.'}
              </p>
            </div>
          )}
          {mode === 'json' && (
            <label>
              <span>JSON: one key per input, each a nested array with the full shape (batch included)</span>
              <textarea
                value={pasted}
                spellCheck={false}
                rows={8}
                data-testid="paste-json"
                onChange={(e) => {
                  setPasted(e.target.value);
                  pastedByModel.set(version.model, e.target.value);
                }}
              />
            </label>
          )}
          {mode === 'sample' && (
            <div className="tryit-fields">
              {samplesError ? (
                <p className="error-text">{samplesError}</p>
              ) : !samples ? (
                <p className="muted">Loading sample files…</p>
              ) : fitting.length === 0 ? (
                <p className="muted">
                  No sample file carries exactly this model’s inputs ({inputs.map((i) => i.name).join(', ')}). Use
                  random values or paste JSON.
                </p>
              ) : (
                <>
                  <label>
                    Sample file
                    <select
                      value={chosenFile?.file ?? ''}
                      onChange={(e) => setSampleFile(e.target.value)}
                      data-testid="sample-file"
                    >
                      {fitting.map((f) => (
                        <option key={f.file} value={f.file}>
                          {f.file} ({f.rows} rows)
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Row
                    <input
                      type="number"
                      min={0}
                      max={chosenFile ? chosenFile.rows - 1 : undefined}
                      step={1}
                      inputMode="numeric"
                      value={sampleRow}
                      onChange={(e) => setSampleRow(e.target.value)}
                      data-testid="sample-row"
                    />
                  </label>
                  <p className="hint tryit-note">
                    Rows hold one sample; it is sent with a batch axis of 1.
                    {chosenFile?.hasLabel ? ' The row’s label is shown with the result.' : ''}
                  </p>
                </>
              )}
            </div>
          )}
        </div>

        <div className="tryit-fields run-row">
          <label>
            Provider
            <select value={chosenProvider} onChange={(e) => setProvider(e.target.value)} data-testid="provider">
              <option value="auto">auto (GPU only where it helps)</option>
              {(providers ?? []).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.available ? '' : ' (not available here)'}
                </option>
              ))}
              {providers && chosenProvider !== 'auto' && !providers.some((p) => p.name === chosenProvider) && (
                <option value={chosenProvider}>{chosenProvider}</option>
              )}
            </select>
          </label>
          <label>
            Runs (median of)
            <input
              type="number"
              min={1}
              max={1000}
              step={1}
              inputMode="numeric"
              value={runs}
              onChange={(e) => setRuns(e.target.value)}
              data-testid="runs"
            />
          </label>
          <button type="submit" className="primary run-button" disabled={!client || running}>
            {running ? 'Running…' : 'Run'}
          </button>
          {!providers && <span className="hint">Checking which providers work here…</span>}
        </div>
        {error && (
          <div className="run-error" role="alert" data-testid="tryit-error">
            {error}
          </div>
        )}
      </form>
      <div className={`tryit-result${running || error ? ' stale' : ''}`} aria-live="polite" aria-busy={running}>
        {outcome && error && !running && (
          <p className="hint stale-note">
            The last run failed (the message is by the form); this is the result before it.
          </p>
        )}
        {outcome ? (
          <RunResultView result={outcome.result} label={outcome.label} source={outcome.source} />
        ) : (
          <p className="muted result-placeholder">
            Run the model to see its outputs, the provider it ran on and how long it took.
          </p>
        )}
      </div>
    </div>
  );
}
