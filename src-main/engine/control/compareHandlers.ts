// The control API's datasets, comparisons and drift endpoints (live drift included): thin over the dataset
// library, the comparison service, the drift statistics and the endpoint's monitors. Long work (dataset imports,
// drift) runs as jobs; comparisons are their own runs, followed by `comparison` events.
import { basename } from 'node:path';
import type { z } from 'zod';
import type {
  Comparison,
  ComparisonSummary,
  DatasetImportOptions,
  DatasetImportProgress,
  DatasetReference,
  DriftRequestSchema,
  Job,
  ModelSignature,
  PredictionOverride,
} from '../../../src-shared/contract';
import type { DatasetRows } from '../compare/datasets/datasetRows';
import { driftBetween } from '../compare/drift/driftBetween';
import type { ComparisonService } from '../compare/replay/comparisonService';
import { choosePrediction } from '../compare/replay/choosePrediction';
import type { Engine } from '../engine';
import { parseModelRef, parseVersion } from '../library/modelName';
import { summarize } from '../store/datasetRepository';
import { UserError } from '../userError';
import type { ControlHandlers, RouteContext } from './controlRoutes';
import type { JobManager } from './jobManager';
import type { LiveDriftFeedPublisher } from './liveDriftFeed';

export interface CompareDeps {
  engine: Engine;
  jobs: JobManager;
  comparisons: ComparisonService;
  liveDrift: LiveDriftFeedPublisher;
  /** A dataset was stored or removed (the UI refreshes its list). */
  datasetsChanged: (reason: string) => void;
}

export type CompareEndpointName =
  | 'datasets'
  | 'dataset'
  | 'removeDataset'
  | 'pathDataset'
  | 'datasetFit'
  | 'versionReference'
  | 'setVersionReference'
  | 'startDrift'
  | 'liveDrift'
  | 'evaluateLiveDrift'
  | 'prediction'
  | 'startComparison'
  | 'comparisons'
  | 'comparison'
  | 'cancelComparison'
  | 'removeComparison'
  | 'exportComparisonRows';

/** A comparison without its results, as lists and events carry it (the figures a list shows stand in). */
export function comparisonSummary(comparison: Comparison): ComparisonSummary {
  const { results, ...rest } = comparison;
  return {
    ...rest,
    agreement: results?.pairs[0]?.agreement?.value ?? null,
    accuracies: results ? results.versions.map((v) => v.accuracy?.value ?? null) : [],
  };
}

const versionRef = (params: RouteContext<unknown>['params']) => ({
  name: parseModelRef(params.name ?? '').name,
  version: parseVersion(params.version ?? ''),
});

function signatureOf(engine: Engine, ref: { name: string; version: number }): ModelSignature {
  const version = engine.library.get(ref);
  return { inputs: version.inspection.inputs, outputs: version.inspection.outputs };
}

/** Bytes read, then profiling (known only as a phase): a progress bar that never goes back. */
function importFraction(p: DatasetImportProgress): number | null {
  if (p.bytesTotal <= 0) return null;
  const read = Math.min(1, p.bytesDone / p.bytesTotal);
  return p.phase === 'reading' ? read * 0.9 : p.phase === 'profiling' ? 0.9 : 0.99;
}

const PHASE_WORDS: Record<DatasetImportProgress['phase'], string> = {
  reading: 'reading',
  profiling: 'profiling',
  committing: 'storing',
};

/**
 * Starts a dataset import as a job. For an upload (kept under a temporary path), messages name the file the user
 * chose rather than where the engine put the bytes, and `cleanup` removes them at the end.
 */
export function startDatasetImport(
  deps: Pick<CompareDeps, 'engine' | 'jobs' | 'datasetsChanged'>,
  path: string,
  options: DatasetImportOptions,
  upload?: { fileName: string; cleanup: () => void },
): Job {
  const shown = upload?.fileName ?? basename(path);
  return deps.jobs.startWith('dataset-import', `importing ${shown}`, async (ctx) => {
    try {
      const source = upload ? { sourceName: `uploaded ${upload.fileName}` } : {};
      const dataset = await deps.engine.datasets.import(
        path,
        { ...options, ...source },
        {
          signal: ctx.signal,
          onProgress: (p) =>
            ctx.progress(importFraction(p), `${PHASE_WORDS[p.phase]} ${shown}: ${p.rows.toLocaleString('en')} rows`),
        },
      );
      deps.datasetsChanged(`imported ${dataset.name}`);
      return { dataset: summarize(dataset) };
    } catch (error) {
      if (upload && error instanceof Error) error.message = error.message.replaceAll(path, upload.fileName);
      throw error;
    } finally {
      upload?.cleanup();
    }
  });
}

/** Drift as a job: both sides opened from the library, the reference either named or a version's. */
function startDrift(deps: CompareDeps, request: z.output<typeof DriftRequestSchema>): Job {
  const { engine } = deps;
  let referenceName: string;
  if (request.referenceOf !== undefined) {
    const ref = parseModelRef(request.referenceOf);
    if (ref.version === undefined)
      throw new UserError(
        'bad-input',
        `referenceOf names a version as NAME:V, e.g. digits-mlp:1, not '${request.referenceOf}'`,
      );
    const version = engine.library.get({ name: ref.name, version: ref.version });
    const bound = engine.datasets.referenceFor(version.model, version.version);
    if (!bound)
      throw new UserError(
        'not-found',
        `${version.model}:${version.version} has no reference dataset; bind one from a dataset's page or with \`slipway datasets reference\``,
      );
    referenceName = bound.id;
  } else {
    referenceName = engine.datasets.get(request.reference ?? '').id;
  }
  const current = engine.datasets.get(request.current);
  const reference = engine.datasets.get(referenceName);
  return deps.jobs.startWith('drift', `drift of ${current.name} against ${reference.name}`, async (ctx) => {
    const opened: DatasetRows[] = [];
    try {
      opened.push(await engine.datasets.open(reference.id));
      opened.push(await engine.datasets.open(current.id));
      const drift = await driftBetween(opened[0]!, opened[1]!, request.options, {
        signal: ctx.signal,
        onProgress: (p) => {
          // driftBetween looks at the signal only between groups of up to 64 features: stop at the next feature.
          if (ctx.signal.aborted) throw new UserError('cancelled', 'drift computation cancelled');
          ctx.progress(
            p.features > 0 ? p.featuresDone / p.features : null,
            `${p.featuresDone} of ${p.features} features tested`,
          );
        },
      });
      return { drift };
    } finally {
      await Promise.all(opened.map((rows) => rows.close().catch(() => {})));
    }
  });
}

export function compareHandlers(deps: CompareDeps): Pick<ControlHandlers, CompareEndpointName> {
  const { engine, comparisons } = deps;
  return {
    datasets: () => engine.datasets.list(),
    dataset: ({ params }) => engine.datasets.get(params.id ?? ''),
    removeDataset: ({ params, query }) => {
      const { removed } = engine.datasets.remove(params.id ?? '', { force: query.get('force') === 'true' });
      deps.datasetsChanged(`removed ${removed.name}`);
      return { removed: removed.id };
    },
    pathDataset: ({ body }) => {
      const { path, ...options } = body;
      return startDatasetImport(deps, path, options);
    },
    datasetFit: ({ params }) => engine.datasets.fit(params.id ?? '', signatureOf(engine, versionRef(params))),
    versionReference: ({ params }) => {
      const ref = versionRef(params);
      const version = engine.library.get(ref);
      return (
        engine.datasets.references().find((r) => r.model === version.model && r.version === version.version) ?? null
      );
    },
    setVersionReference: ({ params, body }) => {
      const ref = versionRef(params);
      let bound: DatasetReference | null = null;
      if (body.dataset === null) engine.datasets.clearReference(ref.name, ref.version);
      else bound = engine.datasets.setReference(ref.name, ref.version, body.dataset);
      // A served version's monitor keeps the reference it started with: the next request starts a new one.
      deps.liveDrift.forget(ref.name, ref.version);
      return bound;
    },
    startDrift: ({ body }) => startDrift(deps, body),
    liveDrift: () => deps.liveDrift.feed(),
    evaluateLiveDrift: () => {
      const feed = deps.liveDrift.feed({ evaluate: true });
      deps.liveDrift.check(feed);
      return feed;
    },
    prediction: ({ params, body }) => {
      const signature = signatureOf(engine, versionRef(params));
      const override: PredictionOverride | null = body.output ? { output: body.output, rule: body.rule } : null;
      return choosePrediction(signature, override);
    },
    startComparison: async ({ body }) => comparisonSummary(await comparisons.start(body)),
    comparisons: () => comparisons.list(),
    comparison: ({ params }) => comparisons.get(params.id ?? ''),
    cancelComparison: ({ params }) => comparisonSummary(comparisons.cancel(params.id ?? '')),
    removeComparison: async ({ params }) => {
      const id = params.id ?? '';
      await comparisons.remove(id);
      return { removed: id };
    },
    exportComparisonRows: async ({ params, body }) => {
      const dataset = await comparisons.exportRows(params.id ?? '', body);
      deps.datasetsChanged(`exported ${dataset.name}`);
      return summarize(dataset);
    },
  };
}
