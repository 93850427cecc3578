// The data plane's endpoints: KServe V2 (health, metadata, infer) with Triton's model_configuration,
// statistics, model_repository and binary tensor extensions, and Prometheus /metrics.
import type { IncomingMessage } from 'node:http';
import { decodeInferRequest, type WireLimits } from './decodeInferRequest';
import { encodeInferResponse } from './encodeInferResponse';
import type { HttpReply } from './httpReply';
import { jsonReply } from './httpReply';
import { modelMetadata, serverMetadata } from './modelMetadata';
import type { ModelServer } from './modelServer';
import { describePayload, type PayloadLogOptions } from './payloadLog';
import { badRequest, ServingError } from './servingError';
import { tritonModelConfig } from './tritonModelConfig';

/** Exactly the extensions implemented here. */
export const EXTENSIONS = [
  'binary_tensor_data',
  'model_configuration',
  'statistics',
  'model_repository',
  'schedule_policy',
];

export interface RouteContext {
  req: IncomingMessage;
  params: Record<string, string | undefined>;
  /** performance.now() when the request arrived. */
  arrival: number;
  /** The request body, size-limited and decompressed. */
  body(): Promise<Buffer>;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Health probes stay reachable without an API key (orchestrators poll them unauthenticated). */
  public?: boolean;
  handle(ctx: RouteContext): Promise<HttpReply> | HttpReply;
}

/** One finished inference request, for live views (no payload). */
export interface RequestRecord {
  model: string;
  version: string;
  status: number;
  latencyMs: number;
  bytesIn: number;
  bytesOut: number;
  degraded: boolean;
}

export interface RouteOptions {
  serverVersion: string;
  wireLimits: WireLimits;
  payloadLog: PayloadLogOptions | null;
  log: (line: string) => void;
  onRequest?: (record: RequestRecord) => void;
}

const VERSIONED = ['', '/versions/:version'];

export function dataPlaneRoutes(server: ModelServer, options: RouteOptions): Route[] {
  const { telemetry } = server;
  const routes: Route[] = [
    { method: 'GET', path: '/v2/health/live', public: true, handle: () => jsonReply({ live: true }) },
    {
      method: 'GET',
      path: '/v2/health/ready',
      public: true,
      handle: () => {
        const health = server.health();
        const body = { ready: health.ready, ...(health.degraded.length ? { degraded: health.degraded } : {}) };
        // KServe V2: 200 means ready, a 4xx means not (Triton answers 400).
        return health.ready ? jsonReply(body) : jsonReply({ ...body, error: health.notReady.join('; ') }, 400);
      },
    },
    { method: 'GET', path: '/v2', handle: () => jsonReply(serverMetadata(options.serverVersion, EXTENSIONS)) },
    { method: 'GET', path: '/v2/models/stats', handle: () => jsonReply(telemetry.statistics()) },
    {
      method: 'GET',
      path: '/metrics',
      handle: async () => metricsReply(await telemetry.metrics(), telemetry.metricsContentType),
    },
    {
      method: 'POST',
      path: '/v2/repository/index',
      handle: async (ctx) => {
        const body = await optionalJson(ctx);
        return jsonReply(server.index(body?.ready === true));
      },
    },
    {
      method: 'POST',
      path: '/v2/repository/models/:model/load',
      handle: async (ctx) => {
        const body = await optionalJson(ctx);
        const parameters = (body?.parameters ?? {}) as Record<string, unknown>;
        if ('config' in parameters || Object.keys(parameters).some((k) => k.startsWith('file:'))) {
          throw badRequest(
            'overriding the config or files on load is not supported; change settings with `slipway models config`',
          );
        }
        const versions = await server.reload(ctx.params.model!);
        const failed = versions.filter((v) => v.state === 'failed');
        if (failed.length > 0) {
          throw new ServingError(
            400,
            `failed to load '${versions[0]!.model}': ${failed.map((v) => `version ${v.version}: ${v.failure}`).join('; ')}`,
          );
        }
        return jsonReply({});
      },
    },
    {
      method: 'POST',
      path: '/v2/repository/models/:model/unload',
      handle: async (ctx) => {
        await optionalJson(ctx);
        await server.unload(ctx.params.model!);
        return jsonReply({});
      },
    },
  ];
  for (const suffix of VERSIONED) {
    const base = `/v2/models/:model${suffix}`;
    routes.push(
      {
        method: 'GET',
        path: base,
        handle: (ctx) => {
          const target = server.target(ctx.params.model!, ctx.params.version);
          const versions = ctx.params.version
            ? [String(target.version)]
            : server.versionsOf(target.model).map((v) => String(v.version));
          return jsonReply(modelMetadata({ name: target.model, versions, signature: target.signature }));
        },
      },
      {
        method: 'GET',
        path: `${base}/ready`,
        public: true,
        handle: (ctx) => {
          const target = server.target(ctx.params.model!, ctx.params.version);
          const ready = target.state === 'ready';
          return jsonReply({ name: target.model, ready }, ready ? 200 : 400);
        },
      },
      {
        method: 'GET',
        path: `${base}/config`,
        handle: (ctx) => {
          const target = server.target(ctx.params.model!, ctx.params.version);
          return jsonReply(
            tritonModelConfig({
              name: target.model,
              versions: server.versionsOf(target.model).map((v) => v.version),
              signature: target.signature,
              settings: target.desc.settings,
              batching: { active: target.batching.active },
              provider: target.provider?.actual ?? 'cpu',
            }),
          );
        },
      },
      {
        method: 'GET',
        path: `${base}/stats`,
        handle: (ctx) => {
          const target = server.target(ctx.params.model!, ctx.params.version);
          return jsonReply(telemetry.statistics({ model: target.model, version: ctx.params.version }));
        },
      },
      { method: 'POST', path: `${base}/infer`, handle: (ctx) => infer(server, options, ctx) },
    );
  }
  return routes;
}

async function infer(server: ModelServer, options: RouteOptions, ctx: RouteContext): Promise<HttpReply> {
  // Routed once, before decoding: versions may differ in signature, and the request must stay where it was sent.
  const model = ctx.params.model!;
  const header = (name: string) => headerValue(ctx.req, name);
  let routed = server.choose(model, ctx.params.version, header);
  let labels = { model: routed.target.model, version: String(routed.target.version) };
  let bytesIn = 0;
  try {
    const body = await ctx.body();
    bytesIn = body.length;
    // A load or unload may have finished while the body arrived, retiring the version chosen above.
    routed = server.reroute(routed, model, ctx.params.version, header);
    const target = routed.target;
    labels = { model: target.model, version: String(target.version) };
    const decodeStarted = performance.now();
    const headerLength = inferenceHeaderLength(ctx.req);
    if (options.payloadLog && Math.random() < options.payloadLog.sampleRate) {
      const { redact } = options.payloadLog;
      const described = describePayload(body, headerLength, redact, options.wireLimits.maxJsonDepth);
      options.log(`payload ${target.model}:${target.version} ${described}`);
    }
    const request = decodeInferRequest(body, { headerLength, signature: target.signature, limits: options.wireLimits });
    const decodeNs = (performance.now() - decodeStarted) * 1e6;
    const served = await server.infer(target.model, ctx.params.version, request, ctx.arrival, { routed });
    const encodeStarted = performance.now();
    const encoded = encodeInferResponse(served.result, request);
    const version = served.answeredBy ?? target;
    const t = served.timings;
    server.telemetry.record({
      kind: 'success',
      model: version.model,
      version: String(version.version),
      requestNs: (performance.now() - ctx.arrival) * 1e6,
      queueNs: t.queueNs,
      inputNs: decodeNs + t.inputNs,
      inferNs: t.inferNs,
      outputNs: t.outputNs + (performance.now() - encodeStarted) * 1e6,
      cacheHit: t.cacheHit,
    });
    const headers: Record<string, string> = { 'content-type': encoded.contentType };
    if (encoded.headerLength !== undefined) headers['inference-header-content-length'] = String(encoded.headerLength);
    options.onRequest?.({
      model: version.model,
      version: String(version.version),
      status: 200,
      latencyMs: performance.now() - ctx.arrival,
      bytesIn,
      bytesOut: encoded.body.length,
      degraded: served.result.degraded !== undefined,
    });
    return { status: 200, body: encoded.body, headers };
  } catch (error) {
    const reason = error instanceof ServingError ? error.failure : 'BACKEND';
    const latencyMs = performance.now() - ctx.arrival;
    server.telemetry.record({ kind: 'failure', ...labels, reason, requestNs: latencyMs * 1e6 });
    const status = error instanceof ServingError ? error.status : 500;
    options.onRequest?.({ ...labels, status, latencyMs, bytesIn, bytesOut: 0, degraded: false });
    throw error;
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

function inferenceHeaderLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['inference-header-content-length'];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0]! : raw;
  if (!/^\d+$/.test(text.trim())) {
    throw badRequest(`Inference-Header-Content-Length '${text}' is not a byte count; expected a non-negative integer`);
  }
  return Number(text.trim());
}

async function optionalJson(ctx: RouteContext): Promise<Record<string, unknown> | undefined> {
  const body = await ctx.body();
  if (body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw badRequest('request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function metricsReply(text: string, contentType: string): HttpReply {
  return { status: 200, body: text, headers: { 'content-type': contentType } };
}
