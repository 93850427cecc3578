// `slipway models config NAME[:V] [--set key=value]… [--unset key]… [--fallback SPEC]`: serving settings
// per version (defaults derived from the model, overrides stored) and the model's safe-mode fallback.
import type { Command } from 'commander';
import type { Fallback, ServingSettings } from '../../../src-shared/contract';
import { checkFallback } from '../../engine/library/checkFallback';
import { parseModelRef } from '../../engine/library/modelName';
import { UserError } from '../../engine/userError';
import { collect } from '../optionParsers';
import { table } from '../output';
import { withEngine } from '../withEngine';
import type { RunAction } from '../runAction';

interface ConfigView {
  model: string;
  version: number;
  settings: ServingSettings;
  overridden: string[];
  fallback: Fallback;
}

export function registerConfigCommand(models: Command, act: RunAction): void {
  models
    .command('config')
    .description("show or change a version's serving settings and the model's fallback")
    .argument('<ref>', 'NAME:VERSION (NAME alone: the latest version)')
    .option('--set <key=value>', 'change a setting, e.g. dynamicBatching.maxBatchSize=16 (repeatable)', collect, [])
    .option('--unset <key>', 'return a setting to its default (repeatable)', collect, [])
    .option(
      '--fallback <spec>',
      'safe mode for the model: none, version:N, or constant:{"<output>":{"shape":[..],"data":[..]}}',
    )
    .action(function (this: Command, refText: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const flags = this.opts<{ set: string[]; unset: string[]; fallback?: string }>();
          const ref = parseModelRef(refText);
          const version = engine.library.get(ref);
          if ((flags.set.length > 0 || flags.unset.length > 0) && ref.version === undefined) {
            throw new UserError('bad-input', `name the version to change: '${ref.name}:VERSION'`);
          }
          const set = Object.fromEntries(flags.set.map(splitAssignment));
          const effective =
            flags.set.length > 0 || flags.unset.length > 0
              ? engine.servingConfig.update(version, { set, unset: flags.unset })
              : engine.servingConfig.effective(version);
          if (flags.fallback !== undefined) {
            const versions = engine.library.versionsOf(version.model).map((v) => v.version);
            const outputs = version.inspection.outputs.map((o) => o.name);
            engine.servingConfig.setFallback(version.model, flags.fallback, (f) => checkFallback(f, versions, outputs));
          }
          const view: ConfigView = {
            model: version.model,
            version: version.version,
            ...effective,
            fallback: engine.servingConfig.fallback(version.model),
          };
          out.result(view, render);
        }),
      );
    });
}

function render(view: ConfigView): string {
  const rows = flatten(view.settings as unknown as Record<string, unknown>).map(([key, value]) => [
    key,
    JSON.stringify(value),
    view.overridden.includes(key) ? 'set' : 'default',
  ]);
  const fallback =
    view.fallback.kind === 'none'
      ? 'none'
      : view.fallback.kind === 'version'
        ? `version ${view.fallback.version}`
        : 'constant outputs';
  return [
    `${view.model}:${view.version} serving settings`,
    table(['SETTING', 'VALUE', 'FROM'], rows),
    `fallback (whole model): ${fallback}`,
  ].join('\n');
}

function flatten(node: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? flatten(value as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value] as [string, unknown]],
  );
}

function splitAssignment(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError('bad-input', `invalid --set '${text}': expected key=value, e.g. instances=2`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}
