// A real data plane on a fresh library (demo models seeded), listening on a free loopback port.
import { Engine } from '../../src-main/engine/engine';
import { startServing, type ServingSession, type ServingSessionOptions } from '../../src-main/engine/servingSession';
import { tempDir } from './tempDir';

export interface TestServer {
  url: string;
  engine: Engine;
  session: ServingSession;
  close(): Promise<void>;
}

export async function startTestServer(
  options: Partial<ServingSessionOptions> & { prepare?: (engine: Engine) => void } = {},
): Promise<TestServer> {
  const engine = Engine.open({ home: tempDir() });
  options.prepare?.(engine);
  const session = await startServing(engine, {
    host: '127.0.0.1',
    port: 0,
    models: [],
    apiKeys: [],
    allowedHosts: [],
    corsOrigins: [],
    log: () => {},
    ...options,
  });
  return {
    url: session.url,
    engine,
    session,
    async close() {
      await session.stop();
      await engine.close();
    },
  };
}
