// Entry of the desktop app's engine process (Electron utilityProcess). Configuration arrives in the
// environment; readiness and shutdown travel over Electron's parentPort, which this file reaches through
// `process` so the engine still never imports electron. Forked by plain Node (child_process.fork, as the
// supervisor's tests do), the same messages travel over Node's IPC channel instead.
import { startEngineHost } from './engineHost';
import { DatabaseTooNewError } from './store/openDatabase';
import { isUserError } from './userError';

interface ParentPort {
  /** Resolves once the message is handed over, so a failing process can say why before it exits. */
  postMessage(message: unknown): Promise<void>;
  onMessage(listener: (data: unknown) => void): void;
}

const env = process.env;
const parentPort = electronParentPort() ?? nodeIpcPort();

function electronParentPort(): ParentPort | undefined {
  const port = (
    process as unknown as {
      parentPort?: {
        postMessage(message: unknown): void;
        on(event: 'message', listener: (event: { data: unknown }) => void): void;
      };
    }
  ).parentPort;
  if (!port) return undefined;
  return {
    postMessage: async (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', ({ data }) => listener(data)),
  };
}

function nodeIpcPort(): ParentPort | undefined {
  const send = process.send?.bind(process);
  if (!send) return undefined;
  return {
    postMessage: (message) => new Promise((resolve) => send(message, undefined, {}, () => resolve())),
    onMessage: (listener) => process.on('message', listener),
  };
}

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
  parentPort?.onMessage((data) => {
    if ((data as { type?: string } | null)?.type === 'shutdown') shutdown();
  });
  process.once('SIGTERM', shutdown);
  // A Node parent that goes away leaves no one to supervise this engine (Electron ends its utility processes).
  process.once('disconnect', shutdown);
  await parentPort?.postMessage({
    type: 'ready',
    url: host.control.url,
    port: host.control.port,
    token: host.control.token,
  });
}

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // A locked home or a library from a newer Slipway fails the same way on every restart: say so, so the
  // supervisor stops at once instead of retrying.
  const permanent =
    error instanceof DatabaseTooNewError ||
    (isUserError(error) && (error.code === 'conflict' || error.code === 'too-new'));
  process.stderr.write(`slipway engine: ${message}\n`);
  await parentPort?.postMessage({ type: 'failed', message, permanent });
  process.exit(1);
});
