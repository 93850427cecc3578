// The data plane's HTTP server (node:http with find-my-way routing): front-door checks and per-caller quotas,
// size-limited and decompressed bodies, 404/405, gzip replies, an access log on request, and a drain on close that lets
// in-flight requests finish. Inference itself runs in worker pools, never on this event loop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay, { type HTTPVersion, type Instance as Router } from 'find-my-way';
import { CallerQuota, type CallerQuotaOptions } from './callerQuota';
import { dataPlaneRoutes, type Route, type RouteOptions } from './dataPlaneRoutes';
import { DEFAULT_WIRE_LIMITS, type WireLimits } from './decodeInferRequest';
import { decodeBody, encodeBody, negotiateResponseEncoding } from './httpBodyEncoding';
import { errorReply, jsonReply, type HttpReply } from './httpReply';
import type { ModelServer } from './modelServer';
import type { PayloadLogOptions } from './payloadLog';
import { RequestGuard, type GuardOptions } from './requestGuard';
import { ServingError, unavailable } from './servingError';

export interface DataPlaneOptions extends Omit<GuardOptions, 'host'> {
  host: string;
  port: number;
  /** Largest request body accepted, after decompression too (default 64 MiB). */
  maxBodyBytes?: number;
  wireLimits?: WireLimits;
  /** One line per request (method, path, status, time). */
  accessLog?: boolean;
  payloadLog?: PayloadLogOptions | null;
  serverVersion: string;
  log?: (line: string) => void;
  /** Told about every finished inference request (live views; never the payload). */
  onRequest?: RouteOptions['onRequest'];
  /** Requests per second per caller (its API key, else its address), 429 beyond; health probes are exempt.
   * Absent or null: no quota. */
  callerQuota?: CallerQuotaOptions | null;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
const SINGLE_WRITE_BYTES = 64 * 1024;

export class DataPlane {
  /** Set once listening. */
  url = '';
  port = 0;
  private draining = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private readonly http: Server;
  private readonly router: Router<HTTPVersion.V1>;
  private readonly guard: RequestGuard;
  private readonly quota: CallerQuota | undefined;
  private readonly maxBodyBytes: number;
  private readonly accessLog: ((line: string) => void) | undefined;

  private constructor(models: ModelServer, options: DataPlaneOptions) {
    const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    this.guard = new RequestGuard(options);
    this.quota = options.callerQuota ? new CallerQuota(options.callerQuota) : undefined;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.accessLog = options.accessLog ? log : undefined;
    const routeOptions: RouteOptions = {
      serverVersion: options.serverVersion,
      wireLimits: options.wireLimits ?? DEFAULT_WIRE_LIMITS,
      payloadLog: options.payloadLog ?? null,
      log,
      onRequest: options.onRequest,
    };
    this.router = FindMyWay<HTTPVersion.V1>({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 256 });
    // The route travels as the router's store; the handler itself is unused.
    for (const route of dataPlaneRoutes(models, routeOptions))
      this.router.on(route.method, route.path, () => {}, route);
    this.http = createServer((req, res) => this.onRequest(req, res));
    this.http.keepAliveTimeout = 65_000;
  }

  static async start(models: ModelServer, options: DataPlaneOptions): Promise<DataPlane> {
    const plane = new DataPlane(models, options);
    await new Promise<void>((resolve, reject) => {
      plane.http.once('error', reject);
      plane.http.listen(options.port, options.host, () => resolve());
    });
    const address = plane.http.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    plane.url = `http://${shownHost}:${address.port}`;
    plane.port = address.port;
    return plane;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const arrival = performance.now();
    this.inFlight++;
    try {
      if (this.draining) throw unavailable('the server is shutting down', 5);
      this.guard.checkHost(req.headers);
      if (req.method === 'OPTIONS') {
        this.preflight(req, res, arrival);
        return;
      }
      const found = this.router.find(req.method as 'GET', req.url ?? '/');
      if (!found) {
        this.send(req, res, unmatched(this.router, req), arrival);
        return;
      }
      const route = found.store as Route;
      if (!route.public) {
        const key = this.guard.checkApiKey(req.headers);
        // A caller is its key when keys are required: a client cannot dodge its quota by changing address, nor
        // (without a valid key) by sending made-up keys.
        this.quota?.take(key !== undefined ? `key:${key}` : `address:${req.socket.remoteAddress ?? ''}`);
      }
      const ctx = { req, params: found.params, arrival, body: () => readBody(req, this.maxBodyBytes) };
      const reply = route.handle(ctx);
      if (reply instanceof Promise) {
        reply.then(
          (r) => this.send(req, res, r, arrival),
          (error: unknown) => this.send(req, res, errorReply(error), arrival),
        );
      } else this.send(req, res, reply, arrival);
    } catch (error) {
      this.send(req, res, errorReply(error), arrival);
    }
  }

  private preflight(req: IncomingMessage, res: ServerResponse, arrival: number): void {
    const headers = this.guard.preflightHeaders(req.headers);
    const reply: HttpReply = headers
      ? { status: 204, body: '', headers }
      : jsonReply(
          {
            error: `CORS: origin ${req.headers.origin ?? '(none)'} is not allowed; start the server with --cors-origin to allow it`,
          },
          403,
        );
    this.send(req, res, reply, arrival);
  }

  private send(req: IncomingMessage, res: ServerResponse, reply: HttpReply, arrival: number): void {
    const headers: Record<string, string | number> = reply.headers;
    if (req.headers.origin !== undefined) Object.assign(headers, this.guard.corsHeaders(req.headers));
    let body: Buffer | string = reply.body;
    const encoding = negotiateResponseEncoding(req.headers['accept-encoding']);
    if (encoding !== undefined) {
      const raw = typeof body === 'string' ? Buffer.from(body) : body;
      const compressed = encodeBody(raw, encoding);
      if (compressed !== raw) {
        body = compressed;
        headers['content-encoding'] = encoding;
        headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
      }
    }
    headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    if (this.draining) headers.connection = 'close';
    res.writeHead(reply.status, headers);
    // Node sends a string body in the same write as the headers but a Buffer in a second one (a writev, which
    // costs more than the copy on small replies); latin1 maps bytes to characters one to one.
    if (typeof body !== 'string' && body.length <= SINGLE_WRITE_BYTES) res.end(body.toString('latin1'), 'latin1');
    else res.end(body);
    if (!req.complete) discardRest(req, res);
    this.accessLog?.(`${req.method} ${req.url} ${reply.status} ${(performance.now() - arrival).toFixed(2)}ms`);
    if (--this.inFlight === 0 && this.idle) this.idle();
  }

  /** Stops accepting connections, answers 503 to requests on open ones, and resolves once in-flight replies are out. */
  async close(): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.http.closeAllConnections();
    await closed;
  }
}

/** 405 with the Allow header HTTP requires when the path exists under other methods, else 404. */
function unmatched(router: Router<HTTPVersion.V1>, req: IncomingMessage): HttpReply {
  const path = (req.url ?? '/').split('?')[0]!;
  const allowed = (['GET', 'POST'] as const).filter((m) => m !== req.method && router.find(m, req.url ?? '/'));
  if (allowed.length > 0) {
    const reply = errorReply(
      new ServingError(405, `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}`),
    );
    reply.headers.allow = allowed.join(', ');
    return reply;
  }
  return errorReply(
    new ServingError(404, `no such endpoint: ${req.method} ${path}; see GET /v2 for what this server offers`),
  );
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        const encoding = req.headers['content-encoding'];
        resolve(encoding ? decodeBody(raw, encoding, maxBytes) : raw);
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

/** After an early answer (413, 401, 404) to a request whose body is still arriving: a small or empty rest is
 * read and dropped so the connection stays usable; a large one closes the connection instead of being read. */
function discardRest(req: IncomingMessage, res: ServerResponse): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.headers['transfer-encoding'] === undefined && declared <= 64 * 1024) req.resume();
  else res.once('finish', () => req.destroy());
}

function tooLarge(maxBytes: number): ServingError {
  return new ServingError(
    413,
    `request body exceeds the limit of ${maxBytes} bytes; send less, or raise --max-body-mb`,
  );
}
