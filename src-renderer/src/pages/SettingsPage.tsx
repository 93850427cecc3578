// Settings: where the library lives, the default provider and threads for Try it, the theme, and whether the
// desktop app keeps serving from the tray when its window closes.
import { useState } from 'react';
import type { AppSettings } from '../../../src-shared/contract';
import { ErrorBox, Loading } from '../components/States';
import { useApp } from '../store/appStore';

export function SettingsPage() {
  const settings = useApp((s) => s.settings);
  const engine = useApp((s) => s.engine);
  const save = useApp((s) => s.saveSettings);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  if (!settings) return <Loading what="settings" />;

  const update = (patch: Partial<AppSettings>) => {
    setSaved(false);
    setError(null);
    save(patch).then(
      () => setSaved(true),
      (e: unknown) => setError(e),
    );
  };
  const providers = ['auto', ...(engine?.providers ?? []).map((p) => p.name)];

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
        <label>
          Default execution provider
          <select value={settings.defaultProvider} onChange={(e) => update({ defaultProvider: e.target.value })}>
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
        <label>
          Intra-op threads for Try it
          <input
            type="number"
            min={1}
            max={256}
            placeholder="automatic"
            value={settings.defaultThreads ?? ''}
            onChange={(e) => update({ defaultThreads: e.target.value === '' ? null : Number(e.target.value) })}
          />
        </label>
        <label>
          Theme
          <select value={settings.theme} onChange={(e) => update({ theme: e.target.value as AppSettings['theme'] })}>
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.keepServingInTray}
            onChange={(e) => update({ keepServingInTray: e.target.checked })}
          />
          Keep serving in the tray when the window is closed (desktop app)
        </label>
      </form>
      {saved && (
        <p className="saved" role="status">
          Saved.
        </p>
      )}
      {error !== null && <ErrorBox error={error} />}
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
