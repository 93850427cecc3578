// The standalone server's serving: the bundle's config as the model source, Slipway's ModelServer and data plane
// on top — the same code `slipway serve` runs — with the same rule that a non-loopback bind needs an API key.
import { APP_VERSION } from '../../appVersion';
import { DataPlane } from '../../serving/dataPlaneServer';
import { listenError } from '../../serving/listenError';
import { ModelServer } from '../../serving/modelServer';
import { hashApiKey, isLoopback } from '../../serving/requestGuard';
import type { ServedVersion } from '../../serving/servedVersion';
import { ServingTelemetry } from '../../serving/servingTelemetry';
import { UserError } from '../../userError';
import { BundleModelSource } from './bundleModelSource';
import { readStandaloneConfig } from './readStandaloneConfig';
import type { StandaloneOptions } from './standaloneOptions';

export interface StandaloneServer {
  url: string;
  /** Versions loaded (fallback-only ones included), each with its state. */
  versions: ServedVersion[];
  /** `model:version` of the versions that answer by default and are ready. */
  serving: string[];
  stop(): Promise<void>;
}

export async function startStandaloneServer(
  options: StandaloneOptions,
  log: (line: string) => void,
): Promise<StandaloneServer> {
  const { config, baseDir } = readStandaloneConfig(options.configPath);
  const host = options.host ?? config.host;
  const port = options.port ?? config.port;
  if (!isLoopback(host) && options.apiKeys.length === 0) {
    throw new UserError(
      'bad-input',
      `serving on ${host} makes models reachable from other machines, so an API key is required: ` +
        'pass --api-key KEY or set SLIPWAY_API_KEY (comma-separated for several)',
    );
  }
  const source = new BundleModelSource(config, baseDir);
  const server = new ModelServer(source, new ServingTelemetry());
  const versions = (await Promise.all(source.list().map((m) => server.load(m.model)))).flat();
  const failed = versions.filter((v) => v.state !== 'ready');
  for (const v of failed)
    log(`slipway-server: warning: ${v.model}:${v.version} is not serving: ${v.failure ?? v.state}`);
  const serving = versions
    .filter((v) => v.state === 'ready' && !v.desc.fallbackOnly)
    .map((v) => `${v.model}:${v.version}`);
  if (serving.length === 0) {
    await server.drain();
    throw new UserError('unavailable', `no model version could be loaded (${failed.map((v) => v.failure).join('; ')})`);
  }
  const plane = await DataPlane.start(server, {
    host,
    port,
    allowedHosts: options.allowedHosts,
    corsOrigins: options.corsOrigins,
    apiKeyHashes: options.apiKeys.map(hashApiKey),
    maxBodyBytes: options.maxBodyBytes,
    accessLog: options.accessLog,
    serverVersion: APP_VERSION,
    log,
  }).catch(async (error: unknown) => {
    await server.drain();
    throw listenError(error, host, port, 'pick another with --port (0: a free one)');
  });
  return {
    url: plane.url,
    versions,
    serving,
    async stop() {
      await plane.close();
      await server.drain();
    },
  };
}
