// The control plane: loopback HTTP for the UI and local tools. Every call outside /ui/ needs the per-launch
// token (Authorization: Bearer; ?token= only on the event stream, which EventSource cannot give headers), and is
// checked before the route is looked up, so a caller without it learns nothing, not even which endpoints exist.
// Host and Origin must name this server, so a web page elsewhere can neither call it nor rebind a name to it.
// Also serves the built UI under /ui/.
import { rmSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import FindMyWay, { type HTTPVersion, type Instance as Router } from 'find-my-way';
import { z } from 'zod';
import {
  API_PREFIX,
  ComparisonReportFormatSchema,
  ControlApi,
  DatasetImportOptionsSchema,
  LoadReportFormatSchema,
  NON_JSON_ENDPOINTS,
  type ControlApiName,
  type DatasetImportOptions,
  type EventName,
  type EventPayload,
  type JsonApiName,
} from '../../../src-shared/contract';
import { ComparisonService } from '../compare/replay/comparisonService';
import type { Engine } from '../engine';
import { LoadTestService, temporaryEndpoint, type LocalEndpoint } from '../loadtest/loadTestService';
import { ServingError } from '../serving/servingError';
import { RolloutService } from '../traffic/rollout/rolloutService';
import { isUserError } from '../userError';
import { SampleFiles } from '../sampleFiles';
import { comparisonSummary, startDatasetImport } from './compareHandlers';
import { controlHandlers, RAW_BODY_ENDPOINTS } from './controlRoutes';
import { EventHub } from './eventHub';
import { JobManager } from './jobManager';
import { LiveDriftFeedPublisher } from './liveDriftFeed';
import { LiveMonitor } from './liveMonitor';
import { receiveUpload, uploadFileName, UPLOADS_FOLDER } from './receiveUpload';
import { ServingController } from './servingController';
import { CONTENT_SECURITY_POLICY, StaticFiles } from './staticFiles';

export interface ControlServerOptions {
  engine: Engine;
  /** 0 picks a free port; a restarted engine passes its previous one so open windows reconnect. */
  port?: number;
  /** Per-launch secret; generated when not given. */
  token?: string;
  uiDir?: string;
  webMode: boolean;
  log?: (line: string) => void;
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string | undefined>,
  query: URLSearchParams,
) => void;

const MAX_JSON_BYTES = 1024 * 1024;
const EVENTS_PATH = `${API_PREFIX}/events`;

export class ControlServer {
  readonly token: string;
  url = '';
  port = 0;
  readonly events = new EventHub();
  readonly serving: ServingController;
  private readonly jobs: JobManager;
  private readonly monitor: LiveMonitor;
  private readonly loadTests: LoadTestService;
  private readonly comparisons: ComparisonService;
  private readonly liveDrift: LiveDriftFeedPublisher;
  private readonly rollouts: RolloutService;
  private readonly http: Server;
  private readonly router: Router<HTTPVersion.V1>;
  private readonly ui: StaticFiles | undefined;
  private readonly startedAt = new Date().toISOString();

  private constructor(private readonly options: ControlServerOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    const log = options.log ?? (() => {});
    this.jobs = new JobManager((job) => this.events.publish('job', job));
    this.serving = new ServingController(options.engine, {
      changed: (status) => {
        // Rollouts are driven by the endpoint's data plane: attached while it runs, let go as it stops.
        const server = this.serving.server;
        if (status.state === 'running' && server) this.rollouts.attach(server);
        else if (status.state !== 'running') this.rollouts.detach();
        this.events.publish('serving', status);
      },
      onRequest: (r) => this.monitor.record(r),
      log: (message) => {
        log(message);
        this.events.publish('log', { t: Date.now(), level: 'info', message });
      },
      driftAlert: (alert) => {
        this.events.publish('driftalert', alert);
        // Later, not inside the monitor's evaluation: it notifies before it records its new verdict, so reading
        // the statuses now would evaluate it again (and alert again).
        setImmediate(() => this.liveDrift.check());
      },
    });
    this.liveDrift = new LiveDriftFeedPublisher(options.engine, this.serving, (feed) =>
      this.events.publish('livedrift', feed),
    );
    this.monitor = new LiveMonitor(() => this.serving.server, {
      metrics: (tick) => this.events.publish('metrics', tick),
      requests: (entries) => this.events.publish('requests', entries),
    });
    this.loadTests = new LoadTestService(options.engine, {
      onTick: (tick) => this.events.publish('loadtick', tick),
      onRun: (run) => this.events.publish('loadrun', run),
      localEndpoint: (ref) => this.localEndpoint(ref),
    });
    this.comparisons = new ComparisonService(options.engine, {
      onChange: (comparison) => this.events.publish('comparison', comparisonSummary(comparison)),
    });
    this.rollouts = new RolloutService(options.engine, {
      onChange: (rollout) => this.events.publish('rollout', rollout),
      onDecision: (decision) => this.events.publish('rolloutdecision', decision),
    });
    this.ui = options.uiDir ? new StaticFiles(options.uiDir) : undefined;
    this.router = FindMyWay<HTTPVersion.V1>({ ignoreTrailingSlash: true, maxParamLength: 512 });
    this.routes();
    this.http = createServer((req, res) => this.onRequest(req, res));
  }

  static async start(options: ControlServerOptions): Promise<ControlServer> {
    // Uploads a previous run left half-imported: none is in progress, since the engine host holds the home's
    // lock (homeLock.ts) and only engine hosts upload.
    rmSync(join(options.engine.home, UPLOADS_FOLDER), { recursive: true, force: true });
    const server = new ControlServer(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    server.port = (server.http.address() as AddressInfo).port;
    server.url = `http://127.0.0.1:${server.port}`;
    return server;
  }

  /** The address a browser opens: the UI, with the token in the fragment (never sent to any server). */
  get uiUrl(): string {
    return `${this.url}/ui/#token=${this.token}`;
  }

  publish<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.events.publish(event, payload);
  }

  /** Stops serving (draining), cancels jobs and load tests, closes event streams and the server. */
  async close(): Promise<void> {
    this.jobs.cancelAll();
    // Before the endpoint stops: a test sending to it would otherwise count the shutdown as failures.
    await this.loadTests.close();
    await this.comparisons.close();
    this.monitor.stop();
    this.liveDrift.stop();
    this.rollouts.close();
    await this.serving.stop();
    this.events.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private routes(): void {
    const { engine } = this.options;
    const samples = new SampleFiles(engine.resourcesDir ? join(engine.resourcesDir, 'data') : undefined);
    // Probed once in the background; the engine endpoint reports null until it is done.
    let providerList: Awaited<ReturnType<Engine['providers']>> | null = null;
    void engine.providers().then(
      (list) => (providerList = list),
      () => undefined,
    );
    const handlers = controlHandlers({
      engine,
      jobs: this.jobs,
      serving: this.serving,
      samples,
      webMode: this.options.webMode,
      startedAt: this.startedAt,
      providers: () => providerList,
      libraryChanged: (reason) => this.events.publish('library', { reason }),
      loadTests: this.loadTests,
      comparisons: this.comparisons,
      liveDrift: this.liveDrift,
      datasetsChanged: (reason) => this.events.publish('datasets', { reason }),
      rollouts: this.rollouts,
    });
    const nonJson: readonly ControlApiName[] = NON_JSON_ENDPOINTS;
    const rawBody: readonly ControlApiName[] = RAW_BODY_ENDPOINTS;
    for (const [name, spec] of Object.entries(ControlApi) as [ControlApiName, (typeof ControlApi)[ControlApiName]][]) {
      if (nonJson.includes(name)) continue;
      const handle = handlers[name as JsonApiName] as (ctx: {
        params: Record<string, string | undefined>;
        query: URLSearchParams;
        body: unknown;
      }) => unknown;
      this.on(spec.method, `${API_PREFIX}${spec.path}`, (req, res, params, query) => {
        void (async () => {
          const json = spec.request ? await readJson(req) : undefined;
          const body = spec.request && !rawBody.includes(name) ? parseBody(spec.request, json) : json;
          return handle({ params, query, body });
        })().then(
          (result) => sendJson(res, 200, result),
          (error: unknown) => sendError(res, error),
        );
      });
    }
    this.on('POST', `${API_PREFIX}${ControlApi.uploadImport.path}`, (req, res, _params, query) => {
      this.upload(req, query).then(
        (job) => sendJson(res, 200, job),
        (error: unknown) => sendError(res, error),
      );
    });
    this.on('GET', `${API_PREFIX}${ControlApi.loadTestReport.path}`, (_req, res, params, query) => {
      try {
        const given = query.get('format') ?? 'html';
        const format = LoadReportFormatSchema.safeParse(given);
        if (!format.success) throw new ServingError(400, `format must be html, csv or json, not '${given}'`);
        sendAttachment(res, this.loadTests.report(params.id ?? '', format.data));
      } catch (error) {
        sendError(res, error);
      }
    });
    this.on('GET', `${API_PREFIX}${ControlApi.comparisonReport.path}`, (_req, res, params, query) => {
      try {
        const given = query.get('format') ?? 'html';
        const format = ComparisonReportFormatSchema.safeParse(given);
        if (!format.success) throw new ServingError(400, `format must be html or json, not '${given}'`);
        sendAttachment(res, this.comparisons.report(params.id ?? '', format.data));
      } catch (error) {
        sendError(res, error);
      }
    });
    this.on('POST', `${API_PREFIX}${ControlApi.uploadDataset.path}`, (req, res, _params, query) => {
      this.uploadDataset(req, query).then(
        (job) => sendJson(res, 200, job),
        (error: unknown) => sendError(res, error),
      );
    });
    this.on('GET', EVENTS_PATH, (_req, res) => {
      this.events.attach(res, [
        EventHub.format('hello', { pid: process.pid, startedAt: this.startedAt }),
        EventHub.format('serving', this.serving.status()),
      ]);
    });
  }

  /** Streams an uploaded .onnx to a temp file under the home, then imports it as a job (web mode's file picker). */
  private async upload(req: IncomingMessage, query: URLSearchParams) {
    const fileName = uploadFileName(query.get('fileName'), 'model.onnx');
    const upload = await receiveUpload(req, this.options.engine.home, fileName);
    const temp = upload.path;
    const name = query.get('name') ?? undefined;
    const { engine } = this.options;
    return this.jobs.start('import', `importing ${fileName}`, async (ctx) => {
      try {
        const result = await engine.library.importModelAsync(temp, {
          name: name ?? undefined,
          signal: ctx.signal,
          onProgress: (p) =>
            ctx.progress(p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : null, `${p.phase} ${fileName}`),
        });
        this.events.publish('library', { reason: `imported ${result.version.model}:${result.version.version}` });
        return result;
      } catch (error) {
        // Messages name the file the user chose, not where the engine kept the upload.
        if (error instanceof Error) error.message = error.message.replaceAll(temp, fileName);
        throw error;
      } finally {
        upload.remove();
      }
    });
  }

  /**
   * Streams an uploaded .jsonl/.csv to a temp file under the home, then imports it as a dataset-import job; the
   * query carries the import options (map and ignore repeat).
   */
  private async uploadDataset(req: IncomingMessage, query: URLSearchParams) {
    const fileName = uploadFileName(query.get('fileName'), 'rows.jsonl or rows.csv');
    const options = parseBody(DatasetImportOptionsSchema, {
      ...Object.fromEntries(
        (['name', 'format', 'label', 'labelKind', 'model'] as const).flatMap((key) => {
          const value = query.get(key);
          return value === null ? [] : [[key, value]];
        }),
      ),
      map: query.getAll('map'),
      ignore: query.getAll('ignore'),
      skipBad: query.get('skipBad') === 'true',
    }) as DatasetImportOptions;
    const upload = await receiveUpload(req, this.options.engine.home, fileName);
    try {
      return startDatasetImport(
        {
          engine: this.options.engine,
          jobs: this.jobs,
          datasetsChanged: (reason) => this.events.publish('datasets', { reason }),
        },
        upload.path,
        options,
        { fileName, cleanup: upload.remove },
      );
    } catch (error) {
      upload.remove();
      throw error;
    }
  }

  /**
   * The endpoint a load test of a library version sends to: the Serve screen's, when it serves that version
   * without requiring an API key (so the test measures what its clients see, settings included); otherwise a
   * temporary one on a free loopback port with a key only this run knows, stopped when the run ends.
   */
  private async localEndpoint(ref: { model: string; version: number }): Promise<LocalEndpoint> {
    const status = this.serving.status();
    const served = status.versions.some(
      (v) => v.model === ref.model && v.version === ref.version && v.state === 'ready' && !v.fallbackOnly,
    );
    if (status.state === 'running' && status.url && served && !status.apiKeyRequired) {
      return { url: status.url, release: async () => {} };
    }
    return temporaryEndpoint(this.options.engine, ref);
  }

  private on(method: string, path: string, handler: Handler): void {
    this.router.on(method as 'GET', path, () => {}, handler);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      this.checkHostAndOrigin(req);
      if (url.pathname === '/' || url.pathname === '/ui') {
        res.writeHead(302, { location: '/ui/' }).end();
        return;
      }
      if (url.pathname.startsWith('/ui/')) {
        this.serveUi(url.pathname.slice(4), res);
        return;
      }
      this.checkToken(req, url);
      const found = this.router.find(req.method as 'GET', url.pathname);
      if (!found) {
        // The router matches nothing whose parameters do not decode: say that rather than "no such endpoint".
        if (!decodes(url.pathname))
          throw new ServingError(400, `the path ${url.pathname} is not valid percent-encoding`);
        throw new ServingError(404, `no such endpoint: ${req.method} ${url.pathname}`);
      }
      (found.store as Handler)(req, res, found.params, url.searchParams);
    } catch (error) {
      sendError(res, error);
    }
  }

  private serveUi(path: string, res: ServerResponse): void {
    const file = this.ui?.get(path) ?? this.ui?.get('index.html');
    if (!file) throw new ServingError(404, 'the UI is not built here; run `npm run build`');
    res.writeHead(200, {
      'content-type': file.contentType,
      'content-length': file.body.length,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(file.body);
  }

  private checkHostAndOrigin(req: IncomingMessage): void {
    const allowed = [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
    if (!allowed.includes(req.headers.host ?? '')) {
      throw new ServingError(403, `Host '${req.headers.host ?? ''}' is not allowed; expected ${allowed.join(' or ')}`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.some((h) => origin === `http://${h}`)) {
      throw new ServingError(
        403,
        `Origin '${origin}' is not allowed: only the Slipway UI served here may call this API`,
      );
    }
  }

  private checkToken(req: IncomingMessage, url: URL): void {
    const header = req.headers.authorization;
    // A token in a URL ends up in logs and history: accepted only where a header cannot be sent.
    const queryAllowed = req.method === 'GET' && url.pathname.replace(/\/+$/, '') === EVENTS_PATH;
    const given = header?.startsWith('Bearer ')
      ? header.slice(7)
      : queryAllowed
        ? (url.searchParams.get('token') ?? '')
        : '';
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new ServingError(
        401,
        'missing or wrong token: send Authorization: Bearer <token> (the token is printed at launch)',
      );
    }
  }
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new ServingError(413, `request body over ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ServingError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

function parseBody(schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ServingError(400, `invalid request: ${where}${issue.message}`);
}

/** A report file as a download (never rendered in this origin). */
function sendAttachment(res: ServerResponse, report: { body: string; contentType: string; fileName: string }): void {
  const body = Buffer.from(report.body, 'utf8');
  res.writeHead(200, {
    'content-type': report.contentType,
    'content-length': body.length,
    'content-disposition': attachment(report.fileName),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Should the file be shown rather than saved, it runs with no access to this origin.
    'content-security-policy': 'sandbox',
  });
  res.end(body);
}

/** `attachment; filename="…"` with an ASCII fallback and the exact name in RFC 5987 form. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

const USER_ERROR_STATUS = {
  'bad-input': 400,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  'too-new': 409,
  cancelled: 409,
} as const;

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (isUserError(error)) sendJson(res, USER_ERROR_STATUS[error.code], { error: error.message, code: error.code });
  else if (error instanceof ServingError) sendJson(res, error.status, { error: error.message });
  else
    sendJson(res, 500, {
      error: `internal error: ${error instanceof Error ? error.message : String(error)}`,
      code: 'internal',
    });
}
