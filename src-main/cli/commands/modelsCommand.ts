// `slipway models import|list|inspect|remove|stage|notes`.
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { FileInspection, ModelInspection, ModelVersion } from '../../../src-shared/contract';
import { formatShape } from '../../../src-shared/shapes';
import { formatBytes, formatCount } from '../../../src-shared/units';
import { parseModelRef, parseVersion, type ModelRef } from '../../engine/library/modelName';
import { inspectModelFile } from '../../engine/onnx/inspectModelFile';
import { UserError } from '../../engine/userError';
import { table } from '../output';
import type { RunAction } from '../runAction';
import { withEngine } from '../withEngine';
import { registerConfigCommand } from './configCommand';

export function registerModelsCommand(program: Command, act: RunAction): void {
  const models = program.command('models').description('manage the model library');
  registerConfigCommand(models, act);

  models
    .command('import')
    .description('import an .onnx file as a new version')
    .argument('<file>', 'path to a self-contained .onnx model')
    .option('--name <name>', "model name (default: the file's stem, sanitised)")
    .option('--version <n>', 'version number (default: the next one)', (v: string) => parseVersion(v))
    .action(function (this: Command, file: string) {
      return act(this, async (out, opts) => {
        const { name, version } = this.opts<{ name?: string; version?: number }>();
        await withEngine(opts, out, (engine) => {
          const result = engine.library.importModel(file, {
            name,
            version,
            onProgress: (p) => {
              if (p.phase === 'copying' && p.bytesTotal > 0) {
                out.progress(
                  `importing ${file}: ${Math.floor((100 * p.bytesDone) / p.bytesTotal)}% of ${formatBytes(p.bytesTotal)}`,
                );
              }
            },
          });
          out.endProgress();
          out.result(result, (r) => {
            const v = r.version;
            const sha = `sha256 ${v.sha256.slice(0, 12)}…`;
            return r.created
              ? `imported ${v.model}:${v.version} (${formatBytes(v.fileBytes)}, ${sha}) from ${v.sourceName}`
              : `${v.model}:${v.version} already has these bytes (${sha}); nothing imported`;
          });
        });
      });
    });

  models
    .command('list')
    .description('list models and their versions')
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          out.result(engine.library.list(), (list) => {
            if (list.length === 0) return 'the library is empty: import a model with `slipway models import FILE`';
            const rows = list.flatMap((m) =>
              m.versions.map((v) => [
                v.model,
                String(v.version),
                v.stage,
                formatBytes(v.fileBytes),
                v.inspection.inputs.map(describeTensor).join(', '),
                v.inspection.outputs.map((o) => o.name).join(', '),
              ]),
            );
            return table(['MODEL', 'VERSION', 'STAGE', 'SIZE', 'INPUTS', 'OUTPUTS'], rows);
          });
        }),
      );
    });

  models
    .command('inspect')
    .description('show a version (or any .onnx file) without running it')
    .argument('<ref>', 'NAME, NAME:VERSION, or a path to an .onnx file')
    .action(function (this: Command, ref: string) {
      return act(this, async (out, opts) => {
        if (looksLikePath(ref)) {
          const inspection = inspectModelFile(ref);
          const result: FileInspection = { file: ref, inspection };
          out.result(result, (r) => renderInspection(r.inspection, `file ${r.file}`));
          return;
        }
        await withEngine(opts, out, (engine) => {
          const version = engine.library.get(parseModelRef(ref));
          out.result(version, (v) => renderInspection(v.inspection, describeVersion(v)));
        });
      });
    });

  models
    .command('remove')
    .description('remove a version (its file goes when no other version uses it)')
    .argument('<ref>', 'NAME:VERSION')
    .action(function (this: Command, ref: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const result = engine.library.remove(exactRef(ref));
          out.result(
            { removed: result.removed, fileRemoved: result.fileRemoved },
            (r) =>
              `removed ${r.removed.model}:${r.removed.version}${r.fileRemoved ? '' : ' (its file stays: another version has the same bytes)'}`,
          );
        }),
      );
    });

  models
    .command('stage')
    .description('set the stage of a version: dev, staging, production or archived')
    .argument('<ref>', 'NAME:VERSION')
    .argument('<stage>', 'dev | staging | production | archived')
    .action(function (this: Command, ref: string, stage: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const version = engine.library.setStage(exactRef(ref), stage);
          out.result(version, (v) => `${v.model}:${v.version} is now ${v.stage}`);
        }),
      );
    });

  models
    .command('notes')
    .description('set the free-text notes of a version')
    .argument('<ref>', 'NAME:VERSION')
    .argument('<text>', 'the notes ("" clears them)')
    .action(function (this: Command, ref: string, text: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const version = engine.library.setNotes(exactRef(ref), text);
          out.result(version, (v) => `${v.model}:${v.version} notes: ${v.notes || '(none)'}`);
        }),
      );
    });
}

function exactRef(text: string): Required<ModelRef> {
  const ref = parseModelRef(text);
  if (ref.version === undefined) throw new UserError('bad-input', `name the version: '${ref.name}:VERSION'`);
  return { name: ref.name, version: ref.version };
}

function looksLikePath(ref: string): boolean {
  return (
    ref.endsWith('.onnx') || ref.includes('/') || ref.includes('\\') || (existsSync(ref) && statSync(ref).isFile())
  );
}

function describeTensor(t: {
  name: string;
  elementType: string;
  shape: ModelInspection['inputs'][number]['shape'];
}): string {
  return `${t.name} ${t.elementType} ${formatShape(t.shape)}`;
}

function describeVersion(v: ModelVersion): string {
  return [
    `${v.model}:${v.version}  stage ${v.stage}  ${formatBytes(v.fileBytes)}  sha256 ${v.sha256}`,
    `imported from ${v.sourceName} at ${v.createdAt}`,
    ...(v.notes ? [`notes: ${v.notes}`] : []),
  ].join('\n');
}

function renderInspection(i: ModelInspection, heading: string): string {
  const opsets = i.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const metadata = Object.entries(i.metadata);
  const ops = Object.entries(i.opHistogram).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [
    heading,
    `IR ${i.irVersion}, opset ${opsets}; producer ${[i.producerName, i.producerVersion].filter(Boolean).join(' ') || '(none)'}` +
      (i.modelVersion ? `; model_version ${i.modelVersion}` : ''),
    ...(i.docString ? [`doc: ${i.docString}`] : []),
    'inputs:',
    ...i.inputs.map((t) => `  ${describeTensor(t)}`),
    'outputs:',
    ...i.outputs.map((t) => `  ${describeTensor(t)}`),
    `parameters: ${formatCount(i.parameterCount)} in ${i.initializerCount} initializers (${formatBytes(i.parameterBytes)}); file ${formatBytes(i.fileBytes)}`,
    `ops (${i.nodeCount} nodes): ${ops.map(([op, n]) => `${op} ${n}`).join(', ')}`,
    ...(metadata.length ? ['metadata:', ...metadata.map(([k, v]) => `  ${k}: ${v}`)] : []),
  ].join('\n');
}
