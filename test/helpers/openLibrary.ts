// A ModelLibrary over a fresh home, wired as the engine wires it, for tests that need no runtime.
import { join } from 'node:path';
import { ContentStore } from '../../src-main/engine/library/contentStore';
import { ModelLibrary } from '../../src-main/engine/library/modelLibrary';
import { MetaRepository } from '../../src-main/engine/store/metaRepository';
import { ModelRepository } from '../../src-main/engine/store/modelRepository';
import { openDatabase, type SqliteDatabase } from '../../src-main/engine/store/openDatabase';

export interface TestLibrary {
  home: string;
  db: SqliteDatabase;
  library: ModelLibrary;
  meta: MetaRepository;
  modelsDir: string;
}

export function openLibrary(home: string): TestLibrary {
  const db = openDatabase(home);
  const modelsDir = join(home, 'models');
  return {
    home,
    db,
    library: new ModelLibrary(new ModelRepository(db), new ContentStore(modelsDir)),
    meta: new MetaRepository(db),
    modelsDir,
  };
}
