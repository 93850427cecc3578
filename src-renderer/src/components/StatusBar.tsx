// The status bar: endpoint URL, the provider it runs on, and the engine connection.
import { useApp } from '../store/appStore';

export function StatusBar() {
  const serving = useApp((s) => s.serving);
  const connection = useApp((s) => s.connection);
  const engine = useApp((s) => s.engine);
  const running = serving?.state === 'running';
  const providers = [...new Set((serving?.versions ?? []).flatMap((v) => (v.provider ? [v.provider.actual] : [])))];
  const engineText =
    connection === 'open'
      ? 'engine connected'
      : connection === 'connecting'
        ? 'connecting to the engine…'
        : 'engine unreachable, reconnecting…';
  return (
    <footer className="status-bar" aria-label="Status">
      <span data-testid="endpoint-status">
        {running ? (
          <>
            Serving at <code>{serving.url}</code>
          </>
        ) : serving?.state === 'starting' ? (
          'Endpoint starting…'
        ) : (
          'Endpoint stopped'
        )}
      </span>
      {running && providers.length > 0 && <span>on {providers.join(', ')}</span>}
      <span className={`engine-state ${connection}`} data-testid="engine-state">
        {engineText}
        {engine && ` · ${engine.webMode ? 'web mode' : 'desktop'} · v${engine.version}`}
      </span>
    </footer>
  );
}
