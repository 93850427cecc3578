// Settings: where the library lives, the default provider and threads for Try it, the theme, and whether the
// desktop app keeps serving from the tray when its window closes.
import { useId, useState } from 'react';
import type { AppSettings } from '../../../src-shared/contract';
import { ErrorBox, Loading } from '../components/States';
import { parseThreads, threadsText } from '../settings/threadsSetting';
import { useSettingsEditor } from '../settings/useSettingsEditor';
import { useApp } from '../store/appStore';

export function SettingsPage() {
  const engine = useApp((s) => s.engine);
  const { shown: settings, save, state } = useSettingsEditor();
  // What the user is typing in the threads box, kept as typed (a refused text stays for them to correct).
  const [threadsDraft, setThreadsDraft] = useState<string | null>(null);
  const uid = useId();
  if (!settings) return <Loading what="settings" />;

  const providers = ['auto', ...(engine?.providers ?? []).map((p) => p.name)];
  const threadsShown = threadsDraft ?? threadsText(settings.defaultThreads);
  const threads = parseThreads(threadsShown);
  const editThreads = (text: string) => {
    setThreadsDraft(text);
    const parsed = parseThreads(text);
    if (parsed.ok && parsed.value !== settings.defaultThreads) save({ defaultThreads: parsed.value });
  };

  return (
    <section className="page" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <dl className="facts">
        <dt>Library folder</dt>
        <dd>
          <code data-testid="home-folder">{engine?.home ?? '…'}</code>
          <div className="hint">
            Set with --home, SLIPWAY_HOME, or the app's data folder; the CLI uses the same library.
          </div>
        </dd>
      </dl>
      <form className="settings-form" onSubmit={(e) => e.preventDefault()}>
        <div className="settings-field">
          <label>
            Default execution provider
            <select
              value={settings.defaultProvider}
              onChange={(e) => save({ defaultProvider: e.target.value })}
              aria-describedby={`${uid}-provider-hint`}
            >
              {providers.map((name) => {
                const status = engine?.providers?.find((p) => p.name === name);
                return (
                  <option key={name} value={name}>
                    {name}
                    {status && !status.available ? ' (not available here)' : ''}
                  </option>
                );
              })}
            </select>
          </label>
          <span className="hint" id={`${uid}-provider-hint`}>
            Try it starts with this one; a run can still pick another.
          </span>
        </div>
        <div className="settings-field">
          <label>
            Intra-op threads for Try it
            <input
              type="text"
              inputMode="numeric"
              placeholder="automatic"
              value={threadsShown}
              onChange={(e) => editThreads(e.target.value)}
              onBlur={() => threads.ok && setThreadsDraft(null)}
              aria-invalid={!threads.ok}
              aria-describedby={`${uid}-threads-hint`}
            />
          </label>
          {threads.ok ? (
            <span className="hint" id={`${uid}-threads-hint`}>
              Empty: automatic, the machine&apos;s cores shared among a version&apos;s instances.
            </span>
          ) : (
            <span className="field-error" id={`${uid}-threads-hint`} role="alert" data-testid="threads-error">
              {threads.error}
            </span>
          )}
        </div>
        <div className="settings-field">
          <label>
            Theme
            <select value={settings.theme} onChange={(e) => save({ theme: e.target.value as AppSettings['theme'] })}>
              <option value="system">Follow the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.keepServingInTray}
            onChange={(e) => save({ keepServingInTray: e.target.checked })}
          />
          Keep serving in the tray when the window is closed (desktop app)
        </label>
      </form>
      <p className="saved" role="status">
        {state.kind === 'saving' ? 'Saving…' : state.kind === 'saved' ? 'Saved.' : ''}
      </p>
      {state.kind === 'failed' && <ErrorBox error={state.error} />}
      {engine?.providers && (
        <>
          <h2>Execution providers on this machine</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Works here</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {engine.providers.map((p) => (
                <tr key={p.name}>
                  <td>{p.name}</td>
                  <td>{p.available ? 'yes' : 'no'}</td>
                  <td>{p.available ? `session in ${p.probeMs} ms` : p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
