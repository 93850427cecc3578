// Seeds the demo datasets listed in resources/demo-library.json (the digits and cancer replay sets) and binds
// each reference set as the reference of its model's versions, so a first launch can compare and show drift.
// Runs once per home: a user who removes them does not get them back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ModelNameSchema } from '../../../../src-shared/contract';
import { DEMO_MANIFEST } from '../../library/demoLibrary';
import { parseModelRef } from '../../library/modelName';
import type { MetaRepository } from '../../store/metaRepository';
import type { DatasetLibrary } from './datasetLibrary';

const DemoDatasetsSchema = z.object({
  datasets: z
    .array(
      z.object({
        file: z.string(),
        name: ModelNameSchema,
        /** NAME:V of each version this dataset is the reference of. */
        referenceFor: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});

const SEEDED_KEY = 'demo_datasets_seeded_at';

export interface DemoDatasetSeed {
  imported: string[];
  /** References bound, as NAME:V → dataset. */
  references: string[];
  /** Entries that could not be seeded, with why (the library still opens). */
  problems: string[];
}

export function seedDemoDatasets(
  datasets: DatasetLibrary,
  meta: MetaRepository,
  resourcesDir: string,
): DemoDatasetSeed | null {
  if (meta.get(SEEDED_KEY) !== undefined || datasets.list().length > 0) return null;
  const result: DemoDatasetSeed = { imported: [], references: [], problems: [] };
  const manifestPath = join(resourcesDir, DEMO_MANIFEST);
  if (!existsSync(manifestPath)) return null;
  const manifest = DemoDatasetsSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  for (const entry of manifest.datasets) {
    try {
      datasets.importSync(join(resourcesDir, entry.file), { name: entry.name });
      result.imported.push(entry.name);
    } catch (error) {
      result.problems.push(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const ref of entry.referenceFor) {
      try {
        const { name, version } = parseModelRef(ref);
        if (version === undefined) throw new Error(`'${ref}' names no version`);
        datasets.setReference(name, version, entry.name);
        result.references.push(`${ref} → ${entry.name}`);
      } catch (error) {
        result.problems.push(`${ref} reference: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  meta.set(SEEDED_KEY, new Date().toISOString());
  return result;
}
