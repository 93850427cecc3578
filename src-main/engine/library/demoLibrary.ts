// Seeds an empty home with the demo models shipped in resources/ so a first launch has something to show.
// Runs once per home: a user who later removes every model does not get them back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ModelNameSchema, StageSchema } from '../../../src-shared/contract';
import type { MetaRepository } from '../store/metaRepository';
import type { ModelLibrary } from './modelLibrary';

const DemoManifestSchema = z.object({
  models: z.array(
    z.object({
      file: z.string(),
      name: ModelNameSchema,
      version: z.number().int().positive(),
      stage: StageSchema.default('dev'),
      notes: z.string().default(''),
    }),
  ),
});

export const DEMO_MANIFEST = 'demo-library.json';
const SEEDED_KEY = 'demo_library_seeded_at';

export interface DemoSeedResult {
  imported: string[];
  /** Demo entries that could not be imported, with why (the library still opens). */
  problems: string[];
}

export function seedDemoLibrary(
  library: ModelLibrary,
  meta: MetaRepository,
  resourcesDir: string,
): DemoSeedResult | null {
  if (meta.get(SEEDED_KEY) !== undefined || !library.isEmpty()) return null;
  const manifestPath = join(resourcesDir, DEMO_MANIFEST);
  const result: DemoSeedResult = { imported: [], problems: [] };
  if (!existsSync(manifestPath)) {
    result.problems.push(`no ${DEMO_MANIFEST} in ${resourcesDir}`);
    return result;
  }
  const manifest = DemoManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  for (const entry of manifest.models) {
    const ref = `${entry.name}:${entry.version}`;
    try {
      const { version } = library.importModel(join(resourcesDir, entry.file), {
        name: entry.name,
        version: entry.version,
      });
      library.setStage({ name: version.model, version: version.version }, entry.stage);
      library.setNotes({ name: version.model, version: version.version }, entry.notes);
      result.imported.push(ref);
    } catch (error) {
      result.problems.push(`${ref}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  meta.set(SEEDED_KEY, new Date().toISOString());
  return result;
}
