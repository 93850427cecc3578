// Exports a library version as a deploy bundle: plans what will be written, writes every chosen target into a
// temporary folder next to the destination, lists every file with its sha256 in slipway-manifest.json, renames
// the folder into place (so a failed or cancelled export leaves nothing behind) and optionally archives it.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  BUNDLE_FORMAT_VERSION,
  BUNDLE_MANIFEST_FILE,
  BUNDLE_TARGETS,
  type BundleManifest,
  type BundleTarget,
  type EdgeParity,
  type ExportPlan,
  type ExportRequest,
  type ExportRequestInput,
  ExportRequestSchema,
  type ExportResult,
  type ModelVersion,
  type PlannedFile,
  type ProviderStatus,
  type ReferenceProfile,
} from '../../../src-shared/contract';
import { APP_VERSION } from '../appVersion';
import type { ModelLibrary } from '../library/modelLibrary';
import type { ServingConfig } from '../library/servingConfig';
import { planProviders } from '../runtime/providerPolicy';
import { onnxruntimeVersion } from '../runtime/onnxruntimeVersion';
import type { ComparisonRepository } from '../store/comparisonRepository';
import type { LoadTestRepository } from '../store/loadTestRepository';
import type { RolloutRepository } from '../store/rolloutRepository';
import type { DatasetLibrary } from '../compare/datasets/datasetLibrary';
import { UserError, isUserError } from '../userError';
import { BundleFolder } from './bundleFolder';
import { hashBundleFiles } from './hashBundleFiles';
import { lastComparison, lastLoadTest, referenceProfileOf, rolloutOf } from './manifestSummaries';
import { exportSourceOf, type ExportSource } from './exportSource';
import { writeBundleArchive } from './writeBundleArchive';
import { writeTritonRepository } from './triton/writeTritonRepository';
import { modelLabels } from './triton/modelLabels';
import { writeInferenceService } from './kserve/writeInferenceService';
import { writeStandaloneServer } from './standalone/writeStandaloneServer';
import { writeEdgeBundle } from './edge/writeEdgeBundle';
import type { ParityRows } from './edge/writeEdgeBundle';

export interface ExportProgress {
  /** 0..1 */
  fraction: number;
  message: string;
}

export interface BundleExporterDeps {
  home: string;
  library: ModelLibrary;
  servingConfig: ServingConfig;
  datasets: DatasetLibrary;
  loadTestRuns: LoadTestRepository;
  comparisons: ComparisonRepository;
  rollouts: RolloutRepository;
  /** Profiles that came with imported bundles (used when no reference dataset is bound). */
  importedProfile?: (model: string, version: number) => ReferenceProfile | null;
  providers: () => Promise<ProviderStatus[]>;
  /** Sample rows for the edge parity check (the app's sample files fitting the model). */
  parityRows?: ParityRows;
}

const TARGET_ORDER: readonly BundleTarget[] = BUNDLE_TARGETS;

/** The manifest's summaries of a version: last load test, last comparison, reference profile, rollout. */
type VersionHistory = Pick<BundleManifest, 'loadTest' | 'comparison' | 'referenceProfile' | 'rollout'>;

export class BundleExporter {
  constructor(private readonly deps: BundleExporterDeps) {}

  /** Default bundle folder for a version: <home>/exports/<model>-v<version> (…-2, -3 when taken). */
  defaultOutDir(model: string, version: number): string {
    const base = join(this.deps.home, 'exports', `${model}-v${version}`);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!existsSync(candidate) && !existsSync(`${candidate}.tar.gz`)) return candidate;
    }
  }

  /** What will be written; throws a UserError for an unknown version or a folder it may not write. */
  plan(input: ExportRequestInput): ExportPlan {
    return this.prepare(parseRequest(input)).plan;
  }

  /** The plan, and the version and its history it was made from (the export writes the same). */
  private prepare(request: ExportRequest): { plan: ExportPlan; version: ModelVersion; history: VersionHistory } {
    const version = this.deps.library.get({ name: request.model, version: request.version });
    const history = this.history(version);
    const outDir = this.checkOutDir(request);
    const archive = request.tar ? `${outDir}.tar.gz` : null;
    const targets = expandTargets(request.targets);
    const name = version.model;
    const files: PlannedFile[] = [];
    const modelFile = (path: string, target: BundleTarget, description: string) =>
      files.push({ path, target, description, bytes: version.fileBytes });
    if (targets.has('triton')) {
      files.push({
        path: `triton/${name}/config.pbtxt`,
        target: 'triton',
        description: 'Triton ModelConfig (text format)',
        bytes: null,
      });
      modelFile(`triton/${name}/${version.version}/model.onnx`, 'triton', 'the model, as Triton loads it');
      if (modelLabels(version.inspection)) {
        files.push({
          path: `triton/${name}/labels.txt`,
          target: 'triton',
          description: 'class labels from the model metadata',
          bytes: null,
        });
      }
    }
    if (targets.has('kserve')) {
      files.push({
        path: 'kserve/inferenceservice.yaml',
        target: 'kserve',
        description: 'KServe InferenceService (Triton runtime, V2 protocol) reading triton/',
        bytes: null,
      });
    }
    for (const target of ['standalone', 'edge'] as const) {
      if (!targets.has(target)) continue;
      const what = target === 'edge' ? 'the model optimised for CPU' : 'the model';
      files.push(
        { path: `${target}/server.js`, target, description: "Slipway's serving code in one file", bytes: null },
        { path: `${target}/slipway-server.json`, target, description: 'models and serving settings', bytes: null },
        { path: `${target}/package.json`, target, description: 'onnxruntime-node, the only dependency', bytes: null },
        { path: `${target}/Dockerfile`, target, description: 'container image (node:20-slim)', bytes: null },
        { path: `${target}/README.md`, target, description: 'how to run it, endpoints, settings', bytes: null },
        {
          path: `${target}/.npmrc`,
          target,
          description: 'CPU install of onnxruntime-node (no CUDA download)',
          bytes: null,
        },
        { path: `${target}/.dockerignore`, target, description: 'keeps node_modules out of the image', bytes: null },
      );
      if (target === 'edge') {
        files.push(
          {
            path: `edge/models/${name}/${version.version}/model.onnx`,
            target,
            description: what,
            bytes: null,
          },
          { path: 'edge/parity.json', target, description: 'optimised vs original on sample inputs', bytes: null },
        );
      } else {
        modelFile(`standalone/models/${name}/${version.version}/model.onnx`, target, what);
      }
    }
    files.push({
      path: BUNDLE_MANIFEST_FILE,
      target: null,
      description: 'every file with its sha256, the source model, settings and summaries',
      bytes: null,
    });
    return { plan: { outDir, archive, files, notes: this.notes(request, version, history) }, version, history };
  }

  async run(
    input: ExportRequestInput,
    options: { signal?: AbortSignal; onProgress?: (p: ExportProgress) => void } = {},
  ): Promise<ExportResult> {
    const request = parseRequest(input);
    const { plan, version, history } = this.prepare(request);
    const progress = (fraction: number, message: string) => options.onProgress?.({ fraction, message });
    const checkCancelled = () => {
      if (options.signal?.aborted)
        throw new UserError('cancelled', `the export of ${request.model}:${request.version} was cancelled`);
    };
    const source = exportSourceOf(this.deps.library, this.deps.servingConfig, version, await this.provider(version));
    const targets = expandTargets(request.targets);
    await mkdir(dirname(plan.outDir), { recursive: true }).catch((error: unknown) => {
      throw unwritable(plan.outDir, error);
    });
    const temp = `${plan.outDir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    await mkdir(temp).catch((error: unknown) => {
      throw unwritable(plan.outDir, error);
    });
    const folder = new BundleFolder(temp);
    const archivePartial = plan.archive ? `${plan.archive}.partial-${process.pid}` : null;
    try {
      const steps = [...targets].length + 2;
      let done = 0;
      const step = (message: string) => progress(done++ / steps, message);
      let kserve: BundleManifest['kserve'] = null;
      let edge: EdgeParity | null = null;
      const { rollout } = history;
      if (targets.has('triton')) {
        step('writing the Triton model repository');
        await writeTritonRepository(folder, source);
        checkCancelled();
      }
      if (targets.has('kserve')) {
        step('writing the KServe InferenceService');
        const written = await writeInferenceService(folder, {
          source,
          storageUri: request.storageUri ?? null,
          canaryTrafficPercent: rollout?.state === 'running' ? rollout.canaryTrafficPercent : null,
        });
        kserve = { storageUri: written.storageUri, placeholder: written.placeholder };
        checkCancelled();
      }
      if (targets.has('standalone')) {
        step('writing the standalone server');
        await writeStandaloneServer(folder, {
          dir: 'standalone',
          models: [{ source }],
          title: `${source.model}:${source.version}`,
        });
        checkCancelled();
      }
      if (targets.has('edge')) {
        step('optimising the model for CPU and checking parity');
        edge = await writeEdgeBundle(folder, source, {
          parityRows: this.deps.parityRows,
          signal: options.signal,
          onProgress: (fraction, message) => progress((done - 1 + fraction) / steps, message),
        });
        checkCancelled();
      }
      step('hashing every file');
      const files = await hashBundleFiles(temp, BUNDLE_MANIFEST_FILE);
      const manifest = this.manifest(version, source, request, { ...history, files, kserve, edge });
      await writeFile(join(temp, BUNDLE_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      checkCancelled();
      if (existsSync(plan.outDir)) await rmdir(plan.outDir); // checked empty by plan()
      await rename(temp, plan.outDir);
      let archiveBytes: number | null = null;
      if (plan.archive && archivePartial) {
        progress((steps - 1) / steps, `archiving ${basename(plan.archive)}`);
        await writeBundleArchive(plan.outDir, archivePartial);
        await rename(archivePartial, plan.archive);
        archiveBytes = (await stat(plan.archive)).size;
      }
      progress(1, `exported ${source.model}:${source.version} to ${plan.outDir}`);
      return {
        outDir: plan.outDir,
        archive: plan.archive,
        archiveBytes,
        totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
        manifest,
        notes: plan.notes,
      };
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      if (archivePartial) await rm(archivePartial, { force: true });
      if (options.signal?.aborted && !(isUserError(error) && error.code === 'cancelled'))
        throw new UserError('cancelled', `the export of ${request.model}:${request.version} was cancelled`);
      throw error;
    }
  }

  /** The provider the version's sessions would run on here (auto resolved with this machine's providers). */
  private async provider(version: ModelVersion): Promise<string> {
    const { settings } = this.deps.servingConfig.effective(version);
    const plan = planProviders(settings.provider, version.inspection.parameterBytes, await this.deps.providers());
    return plan.attempts[0] ?? 'cpu';
  }

  private manifest(
    version: ModelVersion,
    source: ExportSource,
    request: ExportRequest,
    parts: VersionHistory & Pick<BundleManifest, 'files' | 'kserve' | 'edge'>,
  ): BundleManifest {
    return {
      format: 'slipway-bundle',
      formatVersion: BUNDLE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      slipwayVersion: APP_VERSION,
      targets: TARGET_ORDER.filter((t) => request.targets.includes(t)),
      source: {
        model: version.model,
        version: version.version,
        sha256: version.sha256,
        fileBytes: version.fileBytes,
        stage: version.stage,
        notes: version.notes,
        sourceName: version.sourceName,
      },
      signature: { inputs: version.inspection.inputs, outputs: version.inspection.outputs },
      runtime: {
        onnxruntimeVersion: onnxruntimeVersion(),
        provider: source.settings.provider,
        providerUsed: source.provider,
      },
      serving: { settings: source.settings, fallback: source.fallback },
      loadTest: parts.loadTest,
      comparison: parts.comparison,
      referenceProfile: parts.referenceProfile,
      rollout: parts.rollout,
      edge: parts.edge,
      kserve: parts.kserve,
      files: parts.files,
    };
  }

  /** What Slipway knows about the version beyond its file: read once per plan or export. */
  private history(version: ModelVersion): VersionHistory {
    const { model, version: number } = version;
    return {
      loadTest: lastLoadTest(this.deps.loadTestRuns.runs(), model, number),
      comparison: this.comparison(model, number),
      referenceProfile: this.referenceProfile(model, number),
      rollout: rolloutOf(this.deps.rollouts.list(model), number),
    };
  }

  private comparison(model: string, version: number): BundleManifest['comparison'] {
    const ref = `${model}:${version}`;
    const latest = this.deps.comparisons
      .list()
      .filter((c) => c.state === 'succeeded' && c.config.versions.includes(ref))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    const full = latest && this.deps.comparisons.get(latest.id);
    return full ? lastComparison([full], model, version) : null;
  }

  private referenceProfile(model: string, version: number): ReferenceProfile | null {
    const dataset = this.deps.datasets.referenceFor(model, version);
    if (dataset) return referenceProfileOf(dataset);
    return this.deps.importedProfile?.(model, version) ?? null;
  }

  private notes(request: ExportRequest, version: ModelVersion, history: VersionHistory): string[] {
    const notes: string[] = [];
    const model = version.model;
    const ref = `${model}:${version.version}`;
    const targets = expandTargets(request.targets);
    if (targets.has('triton') && !request.targets.includes('triton'))
      notes.push('kserve reads the Triton repository, so triton/ is written too');
    if (!history.loadTest)
      notes.push(`no finished load test of ${ref}: the manifest has no capacity figure (run a load test first)`);
    if (!history.comparison) notes.push(`no finished comparison replayed ${ref}`);
    if (!history.referenceProfile)
      notes.push(`${ref} has no reference dataset: the bundle carries no profile for drift monitoring`);
    if (targets.has('kserve') && !request.storageUri)
      notes.push(
        'no storageUri given: the InferenceService has a placeholder to replace with where triton/ is uploaded',
      );
    const fallback = this.deps.servingConfig.fallback(model);
    if (fallback.kind === 'version' && (targets.has('standalone') || targets.has('edge')))
      notes.push(
        `the fallback to version ${fallback.version} is not in the bundle: the bundled server has no fallback`,
      );
    const { rollout } = history;
    if (rollout?.state === 'running' && targets.has('kserve'))
      notes.push(`exported from a running rollout: canaryTrafficPercent ${rollout.canaryTrafficPercent}`);
    return notes;
  }

  /** The bundle folder must be new or empty, and its archive new: an export never overwrites. */
  private checkOutDir(request: ExportRequest): string {
    const outDir = resolve(request.outDir ?? this.defaultOutDir(request.model, request.version));
    if (existsSync(outDir)) {
      const stats = lstatSync(outDir);
      if (!stats.isDirectory())
        throw new UserError('conflict', `${outDir} exists and is not a folder; name a new or empty folder`);
      const entries = readdirSync(outDir);
      if (entries.length > 0) {
        throw new UserError(
          'conflict',
          `${outDir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); an export never ` +
            'overwrites: name a new or empty folder',
        );
      }
    }
    if (request.tar && existsSync(`${outDir}.tar.gz`))
      throw new UserError('conflict', `${outDir}.tar.gz exists; an export never overwrites: name another folder`);
    let ancestor = dirname(outDir);
    while (!existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    if (!statSync(ancestor).isDirectory())
      throw new UserError('bad-input', `cannot write ${outDir}: ${ancestor} is a file, not a folder`);
    return outDir;
  }
}

function parseRequest(input: ExportRequestInput): ExportRequest {
  const parsed = ExportRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError('bad-input', `${issue.path.join('.') || 'export request'}: ${issue.message}`);
  }
  return parsed.data;
}

/** kserve points at the Triton repository, so it brings triton along. */
function expandTargets(targets: readonly BundleTarget[]): Set<BundleTarget> {
  const set = new Set(targets);
  if (set.has('kserve')) set.add('triton');
  return set;
}

function unwritable(outDir: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EROFS'
        ? 'read-only file system'
        : code === 'ENOTDIR'
          ? 'a parent is a file, not a folder'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : ((error as Error).message ?? String(error));
  return new UserError('bad-input', `cannot write the bundle folder ${outDir}: ${why}`);
}
