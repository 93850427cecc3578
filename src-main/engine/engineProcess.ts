// Entry of the desktop app's engine process (Electron utilityProcess). Configuration arrives in the
// environment; readiness and shutdown travel over Electron's parentPort, which this file reaches through
// `process` so the engine still never imports electron.
import { startEngineHost } from './engineHost';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const env = process.env;

async function main(): Promise<void> {
  const host = await startEngineHost({
    home: env.SLIPWAY_HOME || undefined,
    port: env.SLIPWAY_CONTROL_PORT ? Number(env.SLIPWAY_CONTROL_PORT) : 0,
    token: env.SLIPWAY_CONTROL_TOKEN || undefined,
    nativeBinding: env.SLIPWAY_SQLITE_BINDING || undefined,
    webMode: false,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const shutdown = () => {
    void host.stop().then(() => process.exit(0));
  };
  parentPort?.on('message', ({ data }) => {
    if ((data as { type?: string }).type === 'shutdown') shutdown();
  });
  process.once('SIGTERM', shutdown);
  parentPort?.postMessage({ type: 'ready', url: host.control.url, port: host.control.port, token: host.control.token });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  parentPort?.postMessage({ type: 'failed', message });
  process.stderr.write(`slipway engine: ${message}\n`);
  process.exit(1);
});
