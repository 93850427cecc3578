// Endpoint control: host, port, API key, CORS origins and which models to serve; start and stop; the state, the
// URL, and the loud warning (and the key requirement) when the endpoint would be reachable from other machines.
import { useState, type FormEvent } from 'react';
import type { ModelSummary, ServingStatus } from '../../../src-shared/contract';
import { ErrorBox } from '../components/States';
import { useApp } from '../store/appStore';
import { CopyButton } from './CopyButton';
import { isLoopbackHost, useServeUi, type ModelPick, type ServeUiState } from './serveUiStore';

const STATE_TEXT: Record<ServingStatus['state'], string> = {
  stopped: 'Stopped',
  starting: 'Starting…',
  running: 'Running',
  stopping: 'Stopping…',
};

/** Production versions, else the latest: what the engine serves for a model named without a version. */
export function defaultVersionsText(model: ModelSummary): string {
  const production = model.versions.filter((v) => v.stage === 'production').map((v) => `v${v.version}`);
  if (production.length > 0) return `production (${production.join(', ')})`;
  const latest = Math.max(...model.versions.map((v) => v.version));
  return `latest (v${latest})`;
}

function pickOf(picks: ServeUiState['picks'], model: string): ModelPick {
  return picks[model] ?? { on: true, version: 'default' };
}

/** The start request's `models`: empty (every model, default versions) unless the user narrowed it. */
export function modelsToServe(models: readonly ModelSummary[], picks: ServeUiState['picks']): string[] {
  const chosen = models.map((m) => ({ name: m.name, pick: pickOf(picks, m.name) }));
  if (chosen.every((c) => c.pick.on && c.pick.version === 'default')) return [];
  return chosen
    .filter((c) => c.pick.on)
    .map((c) => (c.pick.version === 'default' ? c.name : `${c.name}:${c.pick.version}`));
}

export function startProblems(ui: ServeUiState, models: readonly ModelSummary[]): string[] {
  const problems: string[] = [];
  if (ui.host.trim() === '') problems.push('Enter a host to bind, such as 127.0.0.1.');
  if (!/^\d+$/.test(ui.port.trim()) || Number(ui.port) > 65535) problems.push('The port is a number from 0 to 65535.');
  const key = ui.apiKey.trim();
  if (!isLoopbackHost(ui.host) && key === '')
    problems.push('An API key is required when the endpoint is reachable from other machines.');
  if (key !== '' && key.length < 8) problems.push('The API key needs at least 8 characters.');
  const drift = Number(ui.driftSamplePercent);
  if (ui.driftSamplePercent.trim() === '' || !(drift >= 0 && drift <= 100))
    problems.push('Drift sampling is a percentage from 0 (off) to 100.');
  if (models.length === 0) problems.push('The library has no models to serve; import one on the Models screen.');
  else if (!models.some((m) => pickOf(ui.picks, m.name).on)) problems.push('Choose at least one model to serve.');
  return problems;
}

export function EndpointPanel() {
  const serving = useApp((s) => s.serving);
  const models = useApp((s) => s.models);
  const client = useApp((s) => s.client);
  const ui = useServeUi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A start error stays until the user changes the form: then it describes a request no longer on screen.
  const [errorStale, setErrorStale] = useState(false);
  const edit: ServeUiState['set'] = (patch) => {
    setErrorStale(true);
    ui.set(patch);
  };
  const editPick: ServeUiState['pick'] = (model, patch) => {
    setErrorStale(true);
    ui.pick(model, patch);
  };
  const state = serving?.state ?? 'stopped';
  const editable = state === 'stopped' && !busy;
  const exposed = !isLoopbackHost(state === 'stopped' ? ui.host : (serving?.host ?? ui.host));
  const problems = startProblems(ui, models ?? []);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || problems.length > 0) return;
    setBusy(true);
    setError(null);
    setErrorStale(false);
    const key = ui.apiKey.trim();
    try {
      const status = await client.call('startServing', {
        body: {
          host: ui.host.trim(),
          port: Number(ui.port),
          models: modelsToServe(models ?? [], ui.picks),
          apiKey: key === '' ? undefined : key,
          corsOrigins: ui.corsOrigins
            .split(/[\s,]+/)
            .map((o) => o.trim())
            .filter(Boolean),
          driftSampleRate: Number(ui.driftSamplePercent) / 100,
        },
      });
      useApp.setState({ serving: status });
      ui.set({ startedWithKey: key !== '' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const stop = async () => {
    if (!client) return;
    setBusy(true);
    setError(null);
    setErrorStale(false);
    try {
      useApp.setState({ serving: await client.call('stopServing') });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const allOn = (models ?? []).every((m) => pickOf(ui.picks, m.name).on);
  const lastError = errorStale ? null : (error ?? (state === 'stopped' && serving?.error ? serving.error : null));

  return (
    <section className="card" aria-labelledby="endpoint-title">
      <div className="card-head">
        <h2 id="endpoint-title">Endpoint</h2>
        <span className={`state-badge ${state}`} data-testid="serving-state">
          {STATE_TEXT[state]}
        </span>
        {state === 'running' && serving?.url && (
          <span className="endpoint-url">
            <code data-testid="serving-url">{serving.url}</code>
            <CopyButton text={serving.url} label="endpoint URL" />
          </span>
        )}
      </div>

      {exposed && (
        <div className="warning loud" role="alert" data-testid="exposed-warning">
          <strong>Reachable from other machines.</strong>
          <span>
            Binding <code>{state === 'stopped' ? ui.host.trim() : serving?.host}</code> makes the endpoint reachable
            from other machines on your network (anyone who can reach this computer can call your models). An API key is
            required: clients send <code>Authorization: Bearer &lt;key&gt;</code> or <code>X-API-Key</code>.
            {state === 'running' && (
              <span className="exposed-urls" data-testid="exposed-urls">
                {' '}
                Reachable at:{' '}
                {serving && serving.exposedUrls.length > 0
                  ? serving.exposedUrls.map((u) => (
                      <code key={u} className="exposed-url">
                        {u}
                      </code>
                    ))
                  : 'no network interface found besides loopback.'}
              </span>
            )}
          </span>
        </div>
      )}

      <form className="endpoint-form" onSubmit={(e) => void start(e)} aria-describedby="start-problems">
        <label>
          Host
          <input
            value={editable ? ui.host : (serving?.host ?? ui.host)}
            onChange={(e) => edit({ host: e.target.value })}
            disabled={!editable}
            list="host-choices"
            spellCheck={false}
            data-testid="host"
          />
          <datalist id="host-choices">
            <option value="127.0.0.1">this machine only</option>
            <option value="localhost">this machine only</option>
            <option value="0.0.0.0">every network interface</option>
          </datalist>
        </label>
        <label>
          Port
          <input
            value={editable ? ui.port : String(serving?.port ?? ui.port)}
            onChange={(e) => edit({ port: e.target.value })}
            disabled={!editable}
            inputMode="numeric"
            data-testid="port"
          />
          <span className="hint">0 picks a free port</span>
        </label>
        <label>
          API key{exposed ? ' (required)' : ' (optional)'}
          <input
            type="password"
            value={ui.apiKey}
            onChange={(e) => edit({ apiKey: e.target.value })}
            disabled={!editable}
            autoComplete="off"
            required={exposed}
            placeholder={exposed ? 'at least 8 characters' : 'none'}
            data-testid="api-key"
          />
          <span className="hint">Keys made with `slipway keys create` work too.</span>
        </label>
        <label>
          CORS origins
          <input
            value={ui.corsOrigins}
            onChange={(e) => edit({ corsOrigins: e.target.value })}
            disabled={!editable}
            placeholder="none (browsers on other sites refused)"
            spellCheck={false}
          />
          <span className="hint">comma-separated, e.g. http://localhost:3000</span>
        </label>
        <label>
          Drift sampling (% of rows)
          <input
            value={ui.driftSamplePercent}
            onChange={(e) => edit({ driftSamplePercent: e.target.value })}
            disabled={!editable}
            inputMode="decimal"
            data-testid="drift-sample"
          />
          <span className="hint">compared with each version&apos;s reference; 0 turns live drift off</span>
        </label>

        <fieldset className="model-picks" disabled={!editable}>
          <legend>Models to serve</legend>
          {models === null ? (
            <span className="muted">Loading the library…</span>
          ) : models.length === 0 ? (
            <span className="muted">The library is empty.</span>
          ) : (
            <>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={allOn}
                  onChange={(e) => {
                    const picks = { ...ui.picks };
                    for (const m of models) picks[m.name] = { ...pickOf(picks, m.name), on: e.target.checked };
                    edit({ picks });
                  }}
                  data-testid="serve-all"
                />
                All models
              </label>
              <ul>
                {models.map((m) => {
                  const pick = pickOf(ui.picks, m.name);
                  return (
                    <li key={m.name}>
                      <label className="checkbox">
                        <input
                          type="checkbox"
                          checked={pick.on}
                          onChange={(e) => editPick(m.name, { on: e.target.checked })}
                          data-testid={`serve-model-${m.name}`}
                        />
                        {m.name}
                      </label>
                      <select
                        aria-label={`Version of ${m.name} to serve`}
                        value={String(pick.version)}
                        disabled={!pick.on}
                        onChange={(e) =>
                          editPick(m.name, {
                            version: e.target.value === 'default' ? 'default' : Number(e.target.value),
                          })
                        }
                      >
                        <option value="default">{defaultVersionsText(m)}</option>
                        {m.versions.map((v) => (
                          <option key={v.version} value={v.version}>
                            v{v.version} ({v.stage})
                          </option>
                        ))}
                      </select>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </fieldset>

        <div className="toolbar endpoint-actions">
          {state === 'stopped' ? (
            <button type="submit" className="primary" disabled={busy || problems.length > 0} data-testid="start">
              {busy ? 'Starting…' : 'Start serving'}
            </button>
          ) : (
            <button
              type="button"
              className="danger"
              onClick={() => void stop()}
              disabled={busy || state === 'stopping'}
              data-testid="stop"
            >
              {state === 'stopping' || busy ? 'Stopping…' : 'Stop serving'}
            </button>
          )}
          {state === 'running' && serving?.apiKeyRequired && <span className="muted">API key required</span>}
        </div>
        {state === 'stopped' && problems.length > 0 && (
          <ul className="problems" id="start-problems" data-testid="start-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </form>
      {lastError !== null && (
        <div data-testid="serving-error">
          <ErrorBox error={lastError} />
        </div>
      )}
    </section>
  );
}
