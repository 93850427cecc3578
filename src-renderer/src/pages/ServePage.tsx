// Serve: start and stop the endpoint, see what it serves and tune each version, watch its traffic and its inputs'
// drift live, and copy example requests for a served model.
import { ErrorBox, Loading } from '../components/States';
import { EndpointPanel } from '../serve/EndpointPanel';
import { ExamplesPanel } from '../serve/ExamplesPanel';
import { LiveDriftPanel } from '../serve/LiveDriftPanel';
import { LiveTraffic, ScopePicker } from '../serve/LiveTraffic';
import { RequestLog } from '../serve/RequestLog';
import { ServedVersionsTable } from '../serve/ServedVersionsTable';
import { SettingsEditor } from '../serve/SettingsEditor';
import { useApp } from '../store/appStore';

export function ServePage() {
  const serving = useApp((s) => s.serving);
  const connection = useApp((s) => s.connection);
  const modelsError = useApp((s) => s.modelsError);
  const refresh = useApp((s) => s.refreshServing);

  return (
    <section className="page serve-page" aria-labelledby="serve-title">
      <h1 id="serve-title">Serve</h1>
      {serving === null ? (
        connection === 'reconnecting' ? (
          <ErrorBox error="The engine does not answer; reconnecting…" onRetry={() => void refresh()} />
        ) : (
          <Loading what="the endpoint's state" />
        )
      ) : (
        <>
          {modelsError && <ErrorBox error={`The library could not be read: ${modelsError}`} />}
          <EndpointPanel />

          <h2 id="served-title">Served versions</h2>
          <ServedVersionsTable />
          <SettingsEditor />

          <div className="section-head">
            <h2 id="traffic-title">Live traffic</h2>
            <ScopePicker />
          </div>
          <LiveTraffic />

          <h2 id="drift-title">Live drift</h2>
          <LiveDriftPanel />

          <h2 id="log-title">Request log</h2>
          <RequestLog />

          <h2 id="examples-title">Example requests</h2>
          <ExamplesPanel />
        </>
      )}
    </section>
  );
}
