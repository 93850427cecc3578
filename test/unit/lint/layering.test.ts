// The layering rules of DESIGN.md §2 are lint errors; lint is part of `npm test`.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths';

const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${file}` });
  return result!.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
}

describe('layering lint rules', () => {
  it.each([
    ['src-main/engine/library/x.ts', "import { app } from 'electron';"],
    ['src-main/engine/store/x.ts', "import { main } from '../../cli/main';"],
    ['src-main/engine/x.ts', "import { createWindow } from '../desktop/window';"],
    ['src-main/engine/runtime/x.ts', "import { ModelLibrary } from '../library/modelLibrary';"],
    ['src-main/engine/runtime/x.ts', "import { openDatabase } from '../store/openDatabase';"],
    ['src-main/engine/serving/x.ts', "import { ModelRepository } from '../store/modelRepository';"],
    ['src-main/engine/bundles/standalone/x.ts', "import { ModelLibrary } from '../../library/modelLibrary';"],
    ['src-shared/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src-renderer/src/x.ts', "import { Engine } from '../../src-main/engine/engine';"],
    ['src-main/desktop/x.ts', "import { Engine } from '../engine/engine';"],
    ['src-main/preload/x.ts', "import { main } from '../cli/main';"],
  ])('rejects in %s: %s', async (file, source) => {
    expect(await restrictedImports(file, `${source}\nexport const used = 1;\n`)).toHaveLength(1);
  });

  it.each([
    ['src-main/engine/library/x.ts', "import { UserError } from '../userError';"],
    ['src-main/engine/runtime/x.ts', "import { tinyProbeModel } from '../onnx/encodeOnnxModel';"],
    ['src-main/cli/x.ts', "import { Engine } from '../engine/engine';"],
    ['src-main/desktop/x.ts', "import type { ServingStatus } from '../../src-shared/contract';"],
    ['src-main/desktop/x.ts', "import type { Engine } from '../engine/engine';"],
  ])('allows in %s: %s', async (file, source) => {
    expect(await restrictedImports(file, `${source}\nexport const used = 1;\n`)).toEqual([]);
  });

  it('the project itself has no layering violations', async () => {
    const results = await eslint.lintFiles(['src-main', 'src-shared', 'src-renderer']);
    const violations = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => `${r.filePath}: ${m.message}`),
    );
    expect(violations).toEqual([]);
  });
});
