// The layering rules of DESIGN.md §2 are lint errors; lint is part of `npm test`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths';

const eslint = new ESLint({ cwd: ROOT });
const LAYERING_RULES = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'slipway/allowed-imports'];
const isLayering = (ruleId: string | null) => ruleId !== null && LAYERING_RULES.includes(ruleId);

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${file}` });
  return result!.messages.filter((m) => isLayering(m.ruleId)).map((m) => m.message);
}

/** The data plane's files, as eslint.config.js names them. */
function dataPlaneFiles(): string[] {
  const engine = join(ROOT, 'src-main/engine');
  const tsIn = (dir: string, deep: boolean): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return deep ? tsIn(path, true) : [];
      return name.endsWith('.ts') ? [path] : [];
    });
  return [
    ...tsIn(join(engine, 'serving'), true),
    ...tsIn(join(engine, 'runtime'), true),
    ...tsIn(join(engine, 'traffic'), false),
    ...tsIn(join(engine, 'bundles/standalone'), true),
  ];
}

/** Relative imports that survive compilation (type-only ones are erased), resolved to files. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)
          ? clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)
          : false);
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .flatMap((s) => {
      const base = resolve(dirname(file), s);
      const found = [base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
      return found ? [found] : [];
    });
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
    // The engine root and its helpers wire store and library in: reaching them through it is the same thing.
    ['src-main/engine/runtime/x.ts', "import { Engine } from '../engine';"],
    ['src-main/engine/runtime/x.ts', "import type { Engine } from '../engine';"],
    ['src-main/engine/runtime/x.ts', "const { Engine } = await import('../engine');"],
    ['src-main/engine/serving/x.ts', "import { LibraryModelSource } from '../libraryModelSource';"],
    ['src-main/engine/serving/x.ts', "export { ServingSession } from '../servingSession';"],
    ['src-main/engine/serving/x.ts', "import { ModelRunner } from '../modelRunner';"],
    ['src-main/engine/serving/x.ts', "import { AppSettingsStore } from '../appSettings';"],
    ['src-main/engine/traffic/x.ts', "import { DatasetLibrary } from '../compare/datasets/datasetLibrary';"],
    ['src-main/engine/bundles/standalone/x.ts', "import { Engine } from '../../engine';"],
    ['src-main/engine/bundles/standalone/x.ts', "import { exportSourceOf } from '../exportSource';"],
    ['src-main/engine/serving/x.ts', "import Database from 'better-sqlite3';"],
    ['src-main/engine/serving/x.ts', "import { main } from '../../cli/main';"],
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
    ['src-main/engine/serving/x.ts', "import { SessionPool } from '../runtime/sessionPool';"],
    ['src-main/engine/serving/x.ts', "import { formatBytes } from '../../../src-shared/units';"],
    ['src-main/engine/traffic/x.ts', "import { choosePrediction } from '../compare/replay/choosePrediction';"],
    ['src-main/engine/bundles/standalone/x.ts', "import type { ExportSource } from '../exportSource';"],
    ['src-main/engine/traffic/rollout/x.ts', "import { RolloutRepository } from '../../store/rolloutRepository';"],
    ['src-main/engine/x.ts', "import { ModelLibrary } from './library/modelLibrary';"],
    ['src-main/cli/x.ts', "import { Engine } from '../engine/engine';"],
    ['src-main/desktop/x.ts', "import type { ServingStatus } from '../../src-shared/contract';"],
    ['src-main/desktop/x.ts', "import type { Engine } from '../engine/engine';"],
  ])('allows in %s: %s', async (file, source) => {
    expect(await restrictedImports(file, `${source}\nexport const used = 1;\n`)).toEqual([]);
  });

  it('the project itself has no layering violations', async () => {
    const results = await eslint.lintFiles(['src-main', 'src-shared', 'src-renderer']);
    const violations = results.flatMap((r) =>
      r.messages.filter((m) => isLayering(m.ruleId)).map((m) => `${r.filePath}: ${m.message}`),
    );
    expect(violations).toEqual([]);
  });

  it('what the data plane may import reaches neither store nor library, however indirectly', () => {
    // The lint allowlist names modules outside serving/runtime; this follows every value import from the data
    // plane's files so that one of those modules growing a store or library import fails here.
    const forbidden = /^src-main\/engine\/(store|library)\/|^src-main\/engine\/engine\.ts$/;
    const seen = new Map<string, string>();
    const queue = dataPlaneFiles().map((file) => [file, relative(ROOT, file)] as const);
    for (const [file, path] of queue) seen.set(file, path);
    const reached: string[] = [];
    while (queue.length > 0) {
      const [file, path] = queue.shift()!;
      for (const next of valueImports(file)) {
        if (seen.has(next)) continue;
        const nextPath = `${path} → ${relative(ROOT, next)}`;
        seen.set(next, nextPath);
        if (forbidden.test(relative(ROOT, next))) reached.push(nextPath);
        else queue.push([next, nextPath]);
      }
    }
    expect(seen.size).toBeGreaterThan(50);
    expect(reached).toEqual([]);
  });
});
