// The control API's traffic and rollout endpoints: thin over the endpoint's router and monitor (routes set by
// hand, per-version traffic) and the rollout service (start, act, history; rehearsals as jobs). Rollouts act on
// the endpoint the Serve screen runs; while it is stopped, they say so.
import type { TrafficRouteRequestSchema, TrafficView } from '../../../src-shared/contract';
import type { z } from 'zod';
import { parseModelRef } from '../library/modelName';
import type { ModelServer } from '../serving/modelServer';
import type { RolloutService } from '../traffic/rollout/rolloutService';
import { UserError } from '../userError';
import type { ControlHandlers } from './controlRoutes';
import type { JobManager } from './jobManager';
import type { ServingController } from './servingController';

export interface RolloutDeps {
  jobs: JobManager;
  serving: ServingController;
  rollouts: RolloutService;
}

export type RolloutEndpointName =
  | 'traffic'
  | 'setTrafficRoute'
  | 'rollouts'
  | 'startRollout'
  | 'rollout'
  | 'rolloutHistory'
  | 'promoteRollout'
  | 'pauseRollout'
  | 'resumeRollout'
  | 'rollbackRollout'
  | 'startRehearsal'
  | 'rehearsals'
  | 'rehearsal';

const DEFAULT_WINDOW_SECONDS = 60;

/** The running endpoint, with the model served on it; a clear refusal otherwise. */
function servedModel(serving: ServingController, name: string): { server: ModelServer; model: string } {
  const server = serving.server;
  const model = parseModelRef(name).name;
  if (!server) {
    throw new UserError(
      'unavailable',
      `the endpoint is stopped: start it on the Serve screen with the versions of ${model} to route, then come back`,
    );
  }
  const versions = server.versionsOf(model);
  if (versions.length === 0) {
    throw new UserError(
      'not-found',
      `${model} is not served by the endpoint; serve its versions from the Serve screen first`,
    );
  }
  return { server, model: versions[0]!.model };
}

function windowSeconds(text: string | null): number {
  if (text === null) return DEFAULT_WINDOW_SECONDS;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400)
    throw new UserError('bad-input', `invalid windowSeconds '${text}': expected seconds between 1 and 86400`);
  return n;
}

export function trafficView(server: ModelServer, model: string, seconds: number): TrafficView {
  const table = server.router.route(model);
  const snapshot = server.monitor.snapshot(model, { sinceMs: Date.now() - seconds * 1000, maxSamples: 0 });
  return {
    model,
    served: server.versionsOf(model).map((v) => ({ version: v.version, state: v.state })),
    route: table && {
      weights: Object.fromEntries(Object.entries(table.weights).map(([v, w]) => [String(v), w])),
      shadow: table.shadow ? { ...table.shadow } : null,
      stickyHeader: table.stickyHeader,
      setAtMs: table.setAtMs,
    },
    windowSeconds: seconds,
    versions: snapshot.versions.map((v) => ({
      version: v.version,
      role: v.role,
      requests: v.requests,
      errors: v.errors,
      errorRate: v.errorRate,
      p50Ms: v.latency?.p50 ?? null,
      p99Ms: v.latency?.p99 ?? null,
    })),
    shadow: snapshot.shadow.map((s) => ({
      liveVersion: s.liveVersion,
      shadowVersion: s.shadowVersion,
      pairs: s.pairs,
      agreement: s.agreement,
    })),
  };
}

function setRoute(deps: RolloutDeps, name: string, body: z.output<typeof TrafficRouteRequestSchema>): TrafficView {
  const { server, model } = servedModel(deps.serving, name);
  const running = deps.rollouts.list(model).find((r) => r.state === 'running');
  if (running) {
    throw new UserError(
      'conflict',
      `${model} has a running rollout (${running.id}) that sets its route; pause or roll it back before setting weights by hand`,
    );
  }
  const served = server.versionsOf(model);
  const weights: Record<number, number> = {};
  for (const [key, weight] of Object.entries(body.weights)) {
    const version = Number(key);
    const v = served.find((s) => s.version === version);
    if (!v || v.state !== 'ready') {
      const list = served.map((s) => `${s.version} (${s.state})`).join(', ');
      throw new UserError('conflict', `${model}:${version} is not loaded and ready on the endpoint (loaded: ${list})`);
    }
    weights[version] = weight;
  }
  server.router.setRoute(model, { weights, shadow: body.shadow, stickyHeader: body.stickyHeader });
  return trafficView(server, model, DEFAULT_WINDOW_SECONDS);
}

export function rolloutHandlers(deps: RolloutDeps): Pick<ControlHandlers, RolloutEndpointName> {
  const { rollouts } = deps;
  const reasonOf = (body: { reason?: string }) => body.reason;
  return {
    traffic: ({ params, query }) => {
      const { server, model } = servedModel(deps.serving, params.name ?? '');
      return trafficView(server, model, windowSeconds(query.get('windowSeconds')));
    },
    setTrafficRoute: ({ params, body }) => setRoute(deps, params.name ?? '', body),
    rollouts: ({ query }) => rollouts.list(query.get('model') ?? undefined),
    startRollout: ({ body }) => {
      if (!deps.serving.server) {
        const model = body.model;
        throw new UserError(
          'unavailable',
          `the endpoint is stopped: a rollout moves live traffic, so serve ${model}'s baseline and candidate on the Serve screen first (or rehearse the plan offline)`,
        );
      }
      return rollouts.start(body);
    },
    rollout: ({ params }) => {
      const rollout = rollouts.get(params.name ?? '');
      let evaluation = null;
      if (rollout.state === 'running') {
        try {
          evaluation = rollouts.evaluate(rollout.model);
        } catch {
          // Not driven here (the endpoint stopped, or another process drives it): the stored evaluation stands.
          evaluation = rollout.lastEvaluation;
        }
      } else evaluation = rollout.lastEvaluation;
      return { rollout, evaluation };
    },
    rolloutHistory: ({ params }) => rollouts.history(params.name ?? ''),
    promoteRollout: ({ params, body }) => rollouts.promote(params.name ?? '', reasonOf(body)),
    pauseRollout: ({ params, body }) => rollouts.pause(params.name ?? '', reasonOf(body)),
    resumeRollout: ({ params, body }) => {
      if (!deps.serving.server) {
        throw new UserError(
          'unavailable',
          `the endpoint is stopped: serve ${parseModelRef(params.name ?? '').name} on the Serve screen, then resume its rollout`,
        );
      }
      return rollouts.resume(params.name ?? '', reasonOf(body));
    },
    rollbackRollout: ({ params, body }) => rollouts.rollback(params.name ?? '', reasonOf(body)),
    startRehearsal: ({ body }) => {
      // Mistakes are a 400 now, not a failed job later.
      rollouts.checkRehearsal(body);
      return deps.jobs.startWith('rehearsal', `rehearsing ${body.model}:${body.candidate}`, async (ctx) => {
        const rehearsal = await rollouts.rehearse(body, {
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p.fraction, p.message),
        });
        return { rehearsal };
      });
    },
    rehearsals: ({ query }) => rollouts.rehearsals(query.get('model') ?? undefined),
    rehearsal: ({ params }) => rollouts.rehearsal(params.id ?? ''),
  };
}
