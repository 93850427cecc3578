// Composition root: Engine.open({ home }) opens the store, sweeps what a crash left, seeds the demo library
// on first open, and wires library and runtime together for the CLI (and later the control plane).
import { join } from 'node:path';
import type { ProviderStatus } from '../../src-shared/contract';
import { ContentStore } from './library/contentStore';
import { DatasetFolders } from './compare/datasets/datasetFolders';
import { DatasetLibrary } from './compare/datasets/datasetLibrary';
import { seedDemoDatasets, type DemoDatasetSeed } from './compare/datasets/demoDatasets';
import { DatasetRepository } from './store/datasetRepository';
import { seedDemoLibrary, type DemoSeedResult } from './library/demoLibrary';
import { ModelLibrary } from './library/modelLibrary';
import { ServingConfig } from './library/servingConfig';
import { ApiKeys } from './apiKeys';
import { ApiKeyRepository } from './store/apiKeyRepository';
import { ServingRepository } from './store/servingRepository';
import { ModelRunner } from './modelRunner';
import { AppSettingsStore } from './appSettings';
import { LoadTestRepository } from './store/loadTestRepository';
import { ComparisonRepository } from './store/comparisonRepository';
import { RolloutRepository } from './store/rolloutRepository';
import { ReferenceProfileRepository } from './store/referenceProfileRepository';
import { resolveHome } from './homeFolder';
import { findResourcesDir } from './resourcesDir';
import { BundleExporter } from './bundles/bundleExporter';
import { sampleParityRows } from './bundles/sampleParityRows';
import { SampleFiles } from './sampleFiles';
import { probeProviders } from './runtime/providerProbe';
import { MetaRepository } from './store/metaRepository';
import { ModelRepository } from './store/modelRepository';
import { openDatabase, type SqliteDatabase } from './store/openDatabase';

export interface EngineOptions {
  /** Library folder; else SLIPWAY_HOME, else the OS app-data folder. */
  home?: string;
  /** Where demo models live; null disables demo seeding. Default: the app's resources/ folder. */
  resourcesDir?: string | null;
  /** better-sqlite3 binary to load (Electron builds ship their own). */
  nativeBinding?: string;
}

export class Engine {
  readonly library: ModelLibrary;
  readonly runner: ModelRunner;
  readonly servingConfig: ServingConfig;
  readonly apiKeys: ApiKeys;
  readonly settings: AppSettingsStore;
  readonly loadTestRuns: LoadTestRepository;
  /** Replay datasets (import, profile, read back) and each version's reference dataset. */
  readonly datasets: DatasetLibrary;
  readonly comparisons: ComparisonRepository;
  /** Rollouts, their decisions and rehearsals; running ones nobody drives any more were paused at open. */
  readonly rollouts: RolloutRepository;
  /** Reference profiles that came with imported bundles (live drift's reference where no dataset is bound). */
  readonly referenceProfiles: ReferenceProfileRepository;
  /** Deploy bundles: plan and write Triton/KServe/standalone/edge exports. */
  readonly bundles: BundleExporter;
  private closed = false;

  private constructor(
    readonly home: string,
    private readonly db: SqliteDatabase,
    /** The app's resources/ folder (demo models, sample data), when found. */
    readonly resourcesDir: string | null,
    /** What the first open imported; null when the home was not new. */
    readonly demoSeed: DemoSeedResult | null,
    /** Files removed at open that an interrupted write had left. */
    readonly sweptOrphans: string[],
    library: ModelLibrary,
    meta: MetaRepository,
    datasets: DatasetLibrary,
    /** Demo datasets seeded at this open; null when the home already had them. */
    readonly demoDatasets: DemoDatasetSeed | null,
  ) {
    this.library = library;
    this.datasets = datasets;
    this.runner = new ModelRunner(library);
    this.servingConfig = new ServingConfig(new ServingRepository(db), () => this.settings.get().defaultProvider);
    this.apiKeys = new ApiKeys(new ApiKeyRepository(db));
    this.settings = new AppSettingsStore(meta);
    this.loadTestRuns = new LoadTestRepository(db);
    this.loadTestRuns.markInterrupted();
    this.comparisons = new ComparisonRepository(db);
    this.comparisons.markInterrupted();
    this.rollouts = new RolloutRepository(db);
    this.referenceProfiles = new ReferenceProfileRepository(db);
    const now = Date.now();
    this.rollouts.pauseOrphaned({ ms: now, iso: new Date(now).toISOString() });
    this.bundles = new BundleExporter({
      home,
      library,
      servingConfig: this.servingConfig,
      datasets,
      loadTestRuns: this.loadTestRuns,
      comparisons: this.comparisons,
      rollouts: this.rollouts,
      importedProfile: (model, version) => this.referenceProfiles.get(model, version),
      providers: () => this.providers(),
      parityRows: sampleParityRows(new SampleFiles(resourcesDir ? join(resourcesDir, 'data') : undefined)),
    });
  }

  static open(options: EngineOptions = {}): Engine {
    const home = resolveHome(options.home);
    const db = openDatabase(home, { nativeBinding: options.nativeBinding });
    try {
      const library = new ModelLibrary(new ModelRepository(db), new ContentStore(join(home, 'models')));
      const datasets = new DatasetLibrary(
        new DatasetRepository(db),
        new DatasetFolders(join(home, 'datasets')),
        library,
      );
      const swept = [...library.sweepOrphans(), ...datasets.sweepOrphans()];
      const resources = (options.resourcesDir === undefined ? findResourcesDir() : options.resourcesDir) ?? null;
      const meta = new MetaRepository(db);
      const seed = resources ? seedDemoLibrary(library, meta, resources) : null;
      const demoDatasets = resources ? seedDemoDatasets(datasets, meta, resources) : null;
      return new Engine(home, db, resources, seed, swept, library, meta, datasets, demoDatasets);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  providers(options: { refresh?: boolean } = {}): Promise<ProviderStatus[]> {
    return probeProviders(options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.runner.closeAll();
    this.db.close();
  }
}
