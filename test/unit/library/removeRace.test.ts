// Removing a version while another process imports the same bytes: the import keeps the existing file as its
// twin, so the remover must not delete that file once the import's row is committed. The interleaving is made
// deterministic by running the second library's import right after the remover's row deletion commits.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src-main/engine/library/contentStore';
import { ModelLibrary } from '../../../src-main/engine/library/modelLibrary';
import { ModelRepository } from '../../../src-main/engine/store/modelRepository';
import { openDatabase, type SqliteDatabase } from '../../../src-main/engine/store/openDatabase';
import { model } from '../../helpers/paths';
import { openLibrary, type TestLibrary } from '../../helpers/openLibrary';
import { tempDir } from '../../helpers/tempDir';

/** A repository that runs `afterNextCommit` once, right after its next write transaction commits. */
class InterleavingRepository extends ModelRepository {
  afterNextCommit: (() => void) | undefined;

  override writeTransaction<T>(fn: () => T): T {
    const result = super.writeTransaction(fn);
    const hook = this.afterNextCommit;
    this.afterNextCommit = undefined;
    hook?.();
    return result;
  }
}

const dbs: SqliteDatabase[] = [];
const others: TestLibrary[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const l of others.splice(0)) l.db.close();
});

/** Two connections to one home, as two processes have: `remover` with the hook, `importer` plain. */
function twoLibraries() {
  const home = tempDir();
  const db = openDatabase(home);
  dbs.push(db);
  const repo = new InterleavingRepository(db);
  const remover = new ModelLibrary(repo, new ContentStore(join(home, 'models')));
  const importer = openLibrary(home);
  others.push(importer);
  return { repo, remover, importer: importer.library };
}

const DIGITS = model('digits-mlp-v1.onnx');

describe('removing a version while the same bytes are imported', () => {
  it('keeps the file when an import of those bytes commits between the row deletion and the file deletion', () => {
    const { repo, remover, importer } = twoLibraries();
    const first = remover.importModel(DIGITS, { name: 'digits' }).version;
    const file = remover.filePath(first);

    let imported: ReturnType<ModelLibrary['importModel']> | undefined;
    repo.afterNextCommit = () => (imported = importer.importModel(DIGITS, { name: 'digits-copy' }));
    const result = remover.remove({ name: 'digits', version: 1 });

    expect(imported?.created).toBe(true);
    expect(imported?.version.sha256).toBe(first.sha256);
    expect(result.fileRemoved).toBe(false);
    // The import's row points at a file that is still there, and the library agrees with the disk.
    expect(existsSync(file)).toBe(true);
    expect(importer.list().map((m) => m.name)).toEqual(['digits-copy']);
    expect(existsSync(importer.filePath(imported!.version))).toBe(true);
  });

  it('removes the file when nothing imported those bytes in between', () => {
    const { repo, remover, importer } = twoLibraries();
    const first = remover.importModel(DIGITS, { name: 'digits' }).version;
    // Something else commits in between (another model): the file is still unused and goes.
    repo.afterNextCommit = () => importer.importModel(model('cancer-logreg-v1.onnx'), { name: 'cancer' });
    expect(remover.remove({ name: 'digits', version: 1 }).fileRemoved).toBe(true);
    expect(existsSync(remover.filePath(first))).toBe(false);
  });
});
