// ExportSource values as the exporter builds them, from a real library seeded with every shipped model: each
// version's stored file, inspection, effective serving settings and its model's fallback.
import { seedDemoLibrary } from '../../src-main/engine/library/demoLibrary';
import { ServingConfig } from '../../src-main/engine/library/servingConfig';
import { exportSourceOf, type ExportSource } from '../../src-main/engine/bundles/exportSource';
import { ServingRepository } from '../../src-main/engine/store/servingRepository';
import type { ModelVersion } from '../../src-shared/contract';
import { openLibrary, type TestLibrary } from './openLibrary';
import { RESOURCES } from './paths';
import { tempDir } from './tempDir';

export interface DemoExportLibrary {
  library: TestLibrary;
  servingConfig: ServingConfig;
  /** Every version of the demo library, in import order. */
  versions: ModelVersion[];
  source(version: ModelVersion, provider?: string): ExportSource;
  close(): void;
}

/** A library in a fresh home holding every model of resources/models. */
export function openDemoExportLibrary(): DemoExportLibrary {
  const library = openLibrary(tempDir());
  const seeded = seedDemoLibrary(library.library, library.meta, RESOURCES);
  if (!seeded || seeded.problems.length > 0) throw new Error(`demo library not seeded: ${JSON.stringify(seeded)}`);
  const servingConfig = new ServingConfig(new ServingRepository(library.db));
  const versions = library.library.list().flatMap((m) => library.library.versionsOf(m.name));
  return {
    library,
    servingConfig,
    versions,
    source: (version, provider = 'cpu') => exportSourceOf(library.library, servingConfig, version, provider),
    close: () => library.db.close(),
  };
}
