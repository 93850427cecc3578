// The endpoint as the control plane drives it: start and stop a serving session, report its state, reload a
// model whose settings changed so they take effect at once, and feed the live monitor and live drift.
import type {
  LiveDriftAlert,
  LiveDriftSettings,
  LiveDriftSettingsInput,
  ServingStartRequest,
  ServingStatus,
} from '../../../src-shared/contract';
import { LiveDriftSettingsSchema, ServingStartRequestSchema } from '../../../src-shared/contract';
import type { LiveDriftRegistry } from '../monitor/liveDriftRegistry';
import type { Engine } from '../engine';
import type { RequestRecord } from '../serving/dataPlaneRoutes';
import type { ModelServer } from '../serving/modelServer';
import { startServing, type ServingSession } from '../servingSession';
import { UserError } from '../userError';

export class ServingController {
  private session: ServingSession | undefined;
  private state: ServingStatus['state'] = 'stopped';
  private lastError: string | undefined;
  private request: ReturnType<typeof ServingStartRequestSchema.parse> | undefined;
  private driftSettings: LiveDriftSettings | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly hooks: {
      changed: (status: ServingStatus) => void;
      onRequest: (r: RequestRecord) => void;
      log: (line: string) => void;
      /** A served version's sampled inputs started (or stopped) drifting from its reference. */
      driftAlert?: (alert: LiveDriftAlert) => void;
    },
  ) {}

  /** The endpoint's live-drift monitors and their settings (null while stopped or with live drift off). */
  get liveDrift(): { registry: LiveDriftRegistry; settings: LiveDriftSettings } | null {
    const registry = this.session?.liveDrift;
    return registry && this.driftSettings ? { registry, settings: this.driftSettings } : null;
  }

  get server(): ModelServer | undefined {
    return this.session?.server;
  }

  async start(input: ServingStartRequest): Promise<ServingStatus> {
    if (this.state !== 'stopped') throw new UserError('conflict', `the endpoint is ${this.state}; stop it first`);
    const request = ServingStartRequestSchema.parse(input);
    this.state = 'starting';
    this.lastError = undefined;
    this.emit();
    const liveDrift: LiveDriftSettingsInput | null =
      request.driftSampleRate === 0
        ? null
        : {
            ...(request.driftSampleRate !== undefined ? { sampleRate: request.driftSampleRate } : {}),
            ...(request.driftWindowSeconds !== undefined ? { windowSeconds: request.driftWindowSeconds } : {}),
          };
    try {
      this.session = await startServing(this.engine, {
        host: request.host,
        port: request.port,
        models: request.models,
        apiKeys: request.apiKey ? [request.apiKey] : [],
        allowedHosts: [],
        corsOrigins: request.corsOrigins,
        log: this.hooks.log,
        onRequest: this.hooks.onRequest,
        liveDrift,
        onDriftAlert: this.hooks.driftAlert,
      });
      this.request = request;
      this.driftSettings = liveDrift === null ? null : LiveDriftSettingsSchema.parse(liveDrift);
      this.state = 'running';
    } catch (error) {
      this.state = 'stopped';
      this.lastError = error instanceof Error ? error.message : String(error);
      this.emit();
      throw error;
    }
    return this.emit();
  }

  async stop(): Promise<ServingStatus> {
    if (!this.session) return this.status();
    this.state = 'stopping';
    this.emit();
    const session = this.session;
    this.session = undefined;
    await session.stop();
    this.state = 'stopped';
    return this.emit();
  }

  /** After a setting changed: reload that model if it is being served, so the endpoint uses the new settings. */
  async reloadIfServed(model: string): Promise<void> {
    const server = this.session?.server;
    if (!server || server.versionsOf(model).length === 0) return;
    const versions = server
      .versionsOf(model)
      .filter((v) => !v.desc.fallbackOnly)
      .map((v) => v.version);
    await server.load(model, versions);
    this.emit();
  }

  status(): ServingStatus {
    const session = this.session;
    return {
      state: this.state,
      url: session?.url,
      host: this.request?.host,
      port: session ? Number(new URL(session.url).port) : undefined,
      exposedUrls: session?.exposedUrls ?? [],
      apiKeyRequired: session?.apiKeyRequired ?? false,
      versions: (session?.server.all() ?? []).map((v) => ({
        model: v.model,
        version: v.version,
        state: v.state,
        failure: v.failure,
        provider: v.provider,
        instances: v.instances,
        batching: v.batching,
        settings: v.desc.settings,
        fallbackOnly: v.desc.fallbackOnly ?? false,
      })),
      error: this.lastError,
    };
  }

  private emit(): ServingStatus {
    const status = this.status();
    this.hooks.changed(status);
    return status;
  }
}
