// What each control-API endpoint does: the engine side of the contract in src-shared/contract/controlApi.ts.
import { memoryUsage } from 'node:process';
import { z } from 'zod';
import type {
  ControlApi,
  ControlApiName,
  EngineInfo,
  JsonApiName,
  LoadTestConfigInput,
  ProviderStatus,
} from '../../../src-shared/contract';
import { APP_VERSION } from '../appVersion';
import type { ComparisonService } from '../compare/replay/comparisonService';
import type { Engine } from '../engine';
import { parseModelRef, parseVersion } from '../library/modelName';
import type { LoadTestService } from '../loadtest/loadTestService';
import type { RunInputs } from '../modelRunner';
import type { SampleFiles } from '../sampleFiles';
import { UserError } from '../userError';
import { compareHandlers } from './compareHandlers';
import { exportHandlers } from './exportHandlers';
import type { JobManager } from './jobManager';
import type { LiveDriftFeedPublisher } from './liveDriftFeed';
import { rolloutHandlers } from './rolloutHandlers';
import type { RolloutService } from '../traffic/rollout/rolloutService';
import type { ServingController } from './servingController';

export interface RouteContext<Body> {
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  body: Body;
}

/** Bodies the server hands over unparsed: the handler's service checks them and words its own errors. */
export const RAW_BODY_ENDPOINTS = ['startLoadTest'] as const satisfies readonly ControlApiName[];
type RawBodyName = (typeof RAW_BODY_ENDPOINTS)[number];

type BodyOf<K extends ControlApiName> = K extends RawBodyName
  ? unknown
  : (typeof ControlApi)[K]['request'] extends z.ZodType
    ? z.output<(typeof ControlApi)[K]['request']>
    : undefined;
type ResultOf<K extends ControlApiName> = z.input<(typeof ControlApi)[K]['response']>;

export type ControlHandlers = {
  [K in ControlApiName]: (ctx: RouteContext<BodyOf<K>>) => Promise<ResultOf<K>> | ResultOf<K>;
};

export interface ControlDeps {
  engine: Engine;
  jobs: JobManager;
  serving: ServingController;
  samples: SampleFiles;
  webMode: boolean;
  startedAt: string;
  /** Provider probe results once known. */
  providers: () => ProviderStatus[] | null;
  libraryChanged: (reason: string) => void;
  loadTests: LoadTestService;
  comparisons: ComparisonService;
  liveDrift: LiveDriftFeedPublisher;
  /** A dataset was stored or removed. */
  datasetsChanged: (reason: string) => void;
  /** Rollouts on the endpoint's data plane, and rehearsals. */
  rollouts: RolloutService;
}

const versionRef = (params: RouteContext<unknown>['params']) => ({
  name: parseModelRef(params.name ?? '').name,
  version: parseVersion(params.version ?? ''),
});

export function controlHandlers(deps: ControlDeps): Pick<ControlHandlers, JsonApiName> {
  const { engine } = deps;
  return {
    engine: (): EngineInfo => ({
      version: APP_VERSION,
      home: engine.home,
      pid: process.pid,
      startedAt: deps.startedAt,
      rssBytes: memoryUsage.rss(),
      providers: deps.providers(),
      webMode: deps.webMode,
    }),
    settings: () => engine.settings.get(),
    updateSettings: ({ body }) => engine.settings.update(body),
    models: () => engine.library.list(),
    version: ({ params }) => engine.library.get(versionRef(params)),
    updateVersion: ({ params, body }) => {
      const ref = versionRef(params);
      if (body.stage !== undefined) engine.library.setStage(ref, body.stage);
      const updated = body.notes !== undefined ? engine.library.setNotes(ref, body.notes) : engine.library.get(ref);
      deps.libraryChanged(`${updated.model}:${updated.version} updated`);
      return updated;
    },
    removeVersion: async ({ params }) => {
      const ref = versionRef(params);
      const served = deps.serving.server?.versionsOf(ref.name).some((v) => v.version === ref.version);
      if (served)
        throw new UserError(
          'conflict',
          `${ref.name}:${ref.version} is being served; stop the endpoint or serve other versions first`,
        );
      const result = engine.library.remove(ref);
      deps.libraryChanged(`${ref.name}:${ref.version} removed`);
      return result;
    },
    tryIt: async ({ params, body }) => {
      const settings = engine.settings.get();
      return engine.runner.run(versionRef(params), body.inputs satisfies RunInputs, {
        provider: body.provider ?? settings.defaultProvider,
        intraOpThreads: settings.defaultThreads ?? undefined,
        dims: body.dims,
        outputs: body.outputs,
        repeat: body.repeat,
      });
    },
    samples: () => deps.samples.list(),
    sampleRow: ({ params }) => deps.samples.row(params.file ?? '', parseIndex(params.index)),
    pathImport: ({ body }) =>
      deps.jobs.start('import', `importing ${body.path}`, async (ctx) => {
        const result = await engine.library.importModelAsync(body.path, {
          name: body.name,
          signal: ctx.signal,
          onProgress: (p) =>
            ctx.progress(p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : null, `${p.phase} ${body.path}`),
        });
        deps.libraryChanged(`imported ${result.version.model}:${result.version.version}`);
        return result;
      }),
    jobs: () => deps.jobs.list(),
    job: ({ params }) => found(deps.jobs.get(params.id ?? ''), `no job ${params.id}`),
    cancelJob: ({ params }) => found(deps.jobs.cancel(params.id ?? ''), `no job ${params.id}`),
    serving: () => deps.serving.status(),
    startServing: ({ body }) => deps.serving.start(body),
    stopServing: () => deps.serving.stop(),
    servingConfig: ({ params }) => servingView(engine, versionRef(params)),
    updateServingConfig: async ({ params, body }) => {
      const ref = versionRef(params);
      const version = engine.library.get(ref);
      if (Object.keys(body.set).length > 0 || body.unset.length > 0) engine.servingConfig.update(version, body);
      if (body.fallback !== undefined) engine.servingConfig.setFallback(version.model, body.fallback);
      await deps.serving.reloadIfServed(version.model);
      return servingView(engine, ref);
    },
    startLoadTest: ({ body }) => {
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new UserError('bad-input', 'invalid load test: expected a JSON object with target and shape');
      return deps.loadTests.start(body as LoadTestConfigInput);
    },
    loadTests: () => deps.loadTests.list(),
    loadTest: ({ params }) => deps.loadTests.detail(params.id ?? ''),
    cancelLoadTest: ({ params }) => deps.loadTests.cancel(params.id ?? ''),
    removeLoadTest: async ({ params }) => {
      const id = params.id ?? '';
      await deps.loadTests.remove(id);
      return { removed: id };
    },
    compareLoadTests: ({ body }) => deps.loadTests.compare(body.ids),
    ...compareHandlers(deps),
    ...rolloutHandlers(deps),
    ...exportHandlers(deps),
  };
}

function servingView(engine: Engine, ref: { name: string; version: number }) {
  const version = engine.library.get(ref);
  return {
    model: version.model,
    version: version.version,
    ...engine.servingConfig.effective(version),
    fallback: engine.servingConfig.fallback(version.model),
  };
}

function parseIndex(text: string | undefined): number {
  const n = Number(text);
  if (!/^\d+$/.test(text ?? '') || !Number.isSafeInteger(n))
    throw new UserError('bad-input', `invalid row index '${text}'`);
  return n;
}

function found<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new UserError('not-found', message);
  return value;
}
