// Starts the data plane on the library: picks the versions to serve, loads them, checks that a non-loopback
// bind has an API key, and returns a handle that drains everything on stop. The CLI's `serve` and the
// desktop app both use it.
import { networkInterfaces } from 'node:os';
import type { LiveDriftAlert, LiveDriftSettingsInput, ServingSettings } from '../../src-shared/contract';
import { APP_VERSION } from './appVersion';
import type { Engine } from './engine';
import { parseModelRef, type ModelRef } from './library/modelName';
import { LibraryModelSource } from './libraryModelSource';
import { LiveDriftRegistry, type LiveDriftReferenceSource } from './monitor/liveDriftRegistry';
import { DataPlane, type DataPlaneOptions } from './serving/dataPlaneServer';
import { listenError } from './serving/listenError';
import { ModelServer, type ModelTrafficOptions } from './serving/modelServer';
import { hashApiKey, isLoopback } from './serving/requestGuard';
import type { ServedVersion } from './serving/servedVersion';
import { ServingTelemetry } from './serving/servingTelemetry';
import type { TrafficMonitor } from './traffic/trafficMonitor';
import type { TrafficRouter } from './traffic/trafficRouter';
import { UserError } from './userError';

export interface ServingSessionOptions {
  host: string;
  port: number;
  /** NAME or NAME:V; empty means every model's default versions (production, else latest). */
  models: string[];
  /** Extra keys accepted besides those stored in the library. */
  apiKeys: string[];
  allowedHosts: string[];
  corsOrigins: string[];
  maxBodyBytes?: number;
  accessLog?: boolean;
  payloadLog?: DataPlaneOptions['payloadLog'];
  /** Settings for this run only, on top of the stored ones. */
  overrides?: (settings: ServingSettings) => ServingSettings;
  log?: (line: string) => void;
  onRequest?: DataPlaneOptions['onRequest'];
  /** Live drift against each version's reference dataset (sample rate, window); null turns it off. */
  liveDrift?: LiveDriftSettingsInput | null;
  /** A version's sampled inputs started (or stopped) drifting from its reference. */
  onDriftAlert?: (alert: LiveDriftAlert) => void;
  /** Router seed, traffic window limits and the shadow's queue bound. */
  traffic?: ModelTrafficOptions;
}

export interface ServingSession {
  url: string;
  server: ModelServer;
  versions: ServedVersion[];
  /** Reachable URLs when bound beyond loopback. */
  exposedUrls: string[];
  /** Clients must send an API key: one was given, or the library holds some (`slipway keys`). */
  apiKeyRequired: boolean;
  /** Live drift monitors of the served versions that have a reference dataset (null when turned off). */
  liveDrift: LiveDriftRegistry | null;
  /** The served models' routes (weights, sticky header, shadow): `server.router`. */
  router: TrafficRouter;
  /** Per-version traffic windows the rollout gates read: `server.monitor`. */
  monitor: TrafficMonitor;
  stop(): Promise<void>;
}

export async function startServing(engine: Engine, options: ServingSessionOptions): Promise<ServingSession> {
  const exposed = !isLoopback(options.host);
  const keyHashes = [...options.apiKeys.map(hashApiKey), ...engine.apiKeys.hashes()];
  if (exposed && keyHashes.length === 0) {
    throw new UserError(
      'bad-input',
      `serving on ${options.host} makes models reachable from other machines, so an API key is required: ` +
        'pass --api-key KEY or create one with `slipway keys create NAME`',
    );
  }
  const source = new LibraryModelSource(engine.library, engine.servingConfig, options.overrides);
  const telemetry = new ServingTelemetry();
  const liveDrift =
    options.liveDrift === null
      ? null
      : new LiveDriftRegistry(referenceSource(engine), options.liveDrift ?? {}, (alert) => {
          options.log?.(`slipway: ${alert.message}`);
          options.onDriftAlert?.(alert);
        });
  const server = new ModelServer(source, telemetry, {
    inputObserver: liveDrift ?? undefined,
    traffic: options.traffic,
  });
  const refs: ModelRef[] =
    options.models.length > 0 ? options.models.map(parseModelRef) : source.list().map((m) => ({ name: m.model }));
  const byModel = new Map<string, number[]>();
  for (const ref of refs) {
    const versions = byModel.get(ref.name) ?? [];
    if (ref.version !== undefined) versions.push(ref.version);
    byModel.set(ref.name, versions);
  }
  // Resolve every name before loading anything, so a typo fails fast with the library's message.
  for (const [name, versions] of byModel) source.resolve(name, versions);
  const loaded = (await Promise.all([...byModel].map(([name, versions]) => server.load(name, versions)))).flat();

  const dataPlane = await DataPlane.start(server, {
    host: options.host,
    port: options.port,
    allowedHosts: options.allowedHosts,
    corsOrigins: options.corsOrigins,
    apiKeyHashes: keyHashes,
    maxBodyBytes: options.maxBodyBytes,
    accessLog: options.accessLog,
    payloadLog: options.payloadLog,
    serverVersion: APP_VERSION,
    log: options.log,
    onRequest: options.onRequest,
  }).catch(async (error: unknown) => {
    await server.drain();
    liveDrift?.close();
    throw listenError(error, options.host, options.port);
  });
  return {
    url: dataPlane.url,
    server,
    versions: loaded,
    exposedUrls: exposed ? reachableUrls(options.host, dataPlane.port) : [],
    apiKeyRequired: keyHashes.length > 0,
    liveDrift,
    router: server.router,
    monitor: server.monitor,
    async stop() {
      await dataPlane.close();
      await server.drain();
      liveDrift?.close();
    },
  };
}

/** A version's reference dataset (bound with `slipway datasets reference`) as live drift needs it, else the
 * reference profile an imported bundle brought. */
export function referenceSource(engine: Engine): LiveDriftReferenceSource {
  return {
    referenceOf(model, version) {
      const reference = engine.datasets.referenceFor(model, version) ?? engine.referenceProfiles.get(model, version);
      if (!reference) return null;
      return { profile: reference.features, rowSizes: new Map(reference.inputs.map((i) => [i.name, i.size])) };
    },
  };
}

function reachableUrls(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && (host === '::' || i.family === 'IPv4'))
    .map((i) => `http://${i!.family === 'IPv6' ? `[${i!.address}]` : i!.address}:${port}`);
}
