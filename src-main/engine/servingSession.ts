// Starts the data plane on the library: picks the versions to serve, loads them, checks that a non-loopback
// bind has an API key (and warns that it is exposed), and returns a handle that drains everything on stop. The
// CLI's `serve` and the desktop app both use it.
import type { Fallback, LiveDriftAlert, LiveDriftSettingsInput, ServingSettings } from '../../src-shared/contract';
import { APP_VERSION } from './appVersion';
import type { Engine } from './engine';
import { checkFallback } from './library/checkFallback';
import { parseModelRef, type ModelRef } from './library/modelName';
import { LibraryModelSource } from './libraryModelSource';
import { LiveDriftRegistry, type LiveDriftReferenceSource } from './monitor/liveDriftRegistry';
import type { CallerQuotaOptions } from './serving/callerQuota';
import { DataPlane, type DataPlaneOptions } from './serving/dataPlaneServer';
import { listenError } from './serving/listenError';
import { ModelServer, type ModelTrafficOptions } from './serving/modelServer';
import { exposureWarning, reachableUrls } from './serving/reachableUrls';
import { hashApiKey, isLoopback } from './serving/requestGuard';
import type { ServableVersion } from './serving/modelSource';
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
  /** Keys always accepted (and then required, even on loopback). Keys stored in the library (`slipway keys`)
   * apply only when bound beyond loopback. */
  apiKeys: string[];
  allowedHosts: string[];
  corsOrigins: string[];
  maxBodyBytes?: number;
  accessLog?: boolean;
  payloadLog?: DataPlaneOptions['payloadLog'];
  /** Settings for this run only, on top of the stored ones. */
  overrides?: (settings: ServingSettings) => ServingSettings;
  /** Every served model's fallback for this run only, instead of the stored one. */
  fallback?: Fallback;
  /** Requests per second per caller (API key, else client address), 429 beyond; null or absent: no quota. */
  callerQuota?: CallerQuotaOptions | null;
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
  /** Where the endpoint is reachable when bound beyond loopback (the machine's network addresses, then its
   * loopback URL); empty on loopback. */
  exposedUrls: string[];
  /** Clients must send an API key: one was given, or the bind is beyond loopback (stored keys apply). */
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
  // Stored keys guard an exposed endpoint; on loopback only a key given for this run is asked for, so creating a
  // key for LAN use does not lock local clients out.
  const keyHashes = [...options.apiKeys.map(hashApiKey), ...(exposed ? engine.apiKeys.hashes() : [])];
  if (exposed && keyHashes.length === 0) {
    throw new UserError(
      'bad-input',
      `serving on ${options.host} makes models reachable from other machines, so an API key is required: ` +
        'pass --api-key KEY or create one with `slipway keys create NAME`',
    );
  }
  const source = new LibraryModelSource(engine.library, engine.servingConfig, options.overrides, options.fallback);
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
  // Resolve every name (and check the run's fallback against it) before loading anything, so a typo fails fast
  // with the library's message.
  for (const [name, versions] of byModel) {
    const served = source.resolve(name, versions);
    if (options.fallback) checkSessionFallback(engine, name, options.fallback, served);
  }
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
    callerQuota: options.callerQuota,
  }).catch(async (error: unknown) => {
    await server.drain();
    liveDrift?.close();
    throw listenError(error, options.host, options.port);
  });
  const exposedUrls = exposed ? reachableUrls(options.host, dataPlane.port) : [];
  if (exposed) options.log?.(`slipway: ${exposureWarning(options.host, exposedUrls)}`);
  return {
    url: dataPlane.url,
    server,
    versions: loaded,
    exposedUrls,
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

/** The run's fallback must be able to answer for `model`: a version it has, or outputs its served versions have. */
function checkSessionFallback(engine: Engine, model: string, fallback: Fallback, served: ServableVersion[]): void {
  const versions = engine.library.versionsOf(model).map((v) => v.version);
  const outputs = served.filter((v) => !v.fallbackOnly).flatMap((v) => v.signature.outputs.map((o) => o.name));
  try {
    checkFallback(fallback, versions, [...new Set(outputs)]);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(error.code, `${model}: ${error.message}`);
    throw error;
  }
}
