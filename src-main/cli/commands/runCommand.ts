// `slipway run NAME[:V] (--input FILE | --random | --zeros)`: one inference with its provider and timing.
import type { Command } from 'commander';
import type { RunResult, TensorValue } from '../../../src-shared/contract';
import { ProviderChoiceSchema } from '../../../src-shared/contract';
import { parseModelRef } from '../../engine/library/modelName';
import type { RunInputs } from '../../engine/modelRunner';
import { UserError } from '../../engine/userError';
import { formatDuration } from '../../../src-shared/units';
import { integerOption } from '../optionParsers';
import { readRunInput } from '../readRunInput';
import type { RunAction } from '../runAction';
import { withEngine } from '../withEngine';

interface RunFlags {
  input?: string;
  random?: boolean;
  zeros?: boolean;
  ep?: string;
  dim: Record<string, number>;
  seed: number;
  batch: number;
  repeat: number;
  output?: string[];
  instances?: number;
  threads?: number;
}

const SHOWN_VALUES = 12;

export function registerRunCommand(program: Command, act: RunAction): void {
  program
    .command('run')
    .description('run a model once and print its outputs, the provider used and the time')
    .argument('<ref>', 'NAME or NAME:VERSION')
    .option('--input <file>', 'inputs: a .json request, or a .jsonl file of samples (rows stacked into a batch)')
    .option('--random', 'seeded random inputs from the signature')
    .option('--zeros', 'all-zero inputs from the signature')
    .option(
      '--ep <provider>',
      "execution provider: auto, cpu, webgpu, cuda, ... (default: the app's default provider setting, auto unless changed)",
    )
    .option('--dim <name=size>', 'size of a symbolic dim, e.g. --dim batch=8 (repeatable)', collectDim, {})
    .option('--seed <n>', 'seed for --random', integerOption('--seed', 0), 0)
    .option('--batch <n>', 'rows of a .jsonl --input to stack', integerOption('--batch', 1), 1)
    .option('--repeat <n>', 'run this many times and report the median time', integerOption('--repeat', 1), 1)
    .option('--output <name>', 'fetch only this output (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--instances <n>', 'worker instances', integerOption('--instances', 1))
    .option('--threads <n>', 'intra-op threads per instance', integerOption('--threads', 1))
    .action(function (this: Command, ref: string) {
      return act(this, async (out, opts) => {
        const flags = this.opts<RunFlags>();
        const sources = [flags.input !== undefined, !!flags.random, !!flags.zeros].filter(Boolean).length;
        if (sources !== 1) throw new UserError('bad-input', 'give exactly one of --input FILE, --random or --zeros');
        const provider = flags.ep === undefined ? undefined : ProviderChoiceSchema.safeParse(flags.ep);
        if (provider && !provider.success)
          throw new UserError('bad-input', `invalid --ep '${flags.ep}': expected auto, cpu, webgpu, cuda, ...`);
        const inputs: RunInputs = flags.input
          ? { kind: 'values', values: readRunInput(flags.input, flags.batch) }
          : { kind: 'synthetic', fill: flags.random ? 'random' : 'zeros', seed: flags.seed };
        await withEngine(opts, out, async (engine) => {
          // Without --ep, the provider the app's Try it uses (Settings → default provider), so both agree.
          const result = await engine.runner.run(parseModelRef(ref), inputs, {
            provider: provider?.data ?? engine.settings.get().defaultProvider,
            dims: flags.dim,
            outputs: flags.output,
            repeat: flags.repeat,
            instances: flags.instances,
            intraOpThreads: flags.threads,
          });
          out.result(result, renderRun);
        });
      });
    });
}

function renderRun(r: RunResult): string {
  const t = r.timing;
  const applied = Object.entries(r.appliedDims).map(([k, v]) => `${k}=${v}`);
  return [
    `${r.model}:${r.version} on ${r.provider.actual} (${r.provider.reason})`,
    `inputs: ${r.inputs.map((i) => `${i.name} ${i.elementType} [${i.shape.join(', ')}]`).join(', ')}` +
      (applied.length ? `  (defaults: ${applied.join(', ')}; bind with --dim)` : ''),
    'outputs:',
    ...r.outputs.map(renderTensor),
    `time: ${formatDuration(t.medianMs)} ${t.runs > 1 ? `median of ${t.runs} runs (min ${formatDuration(t.minMs)}, max ${formatDuration(t.maxMs)})` : 'for 1 run'}, ` +
      `session.run ${formatDuration(t.computeMedianMs)}; load ${formatDuration(t.loadMs)}` +
      (t.warmupMs === null ? '' : `, warm-up ${formatDuration(t.warmupMs)}`),
  ].join('\n');
}

function renderTensor(t: TensorValue): string {
  const flat = flatten(t.data);
  const shown = flat.slice(0, SHOWN_VALUES).map(formatValue).join(', ');
  const more = flat.length > SHOWN_VALUES ? `, … (${flat.length} values)` : '';
  return `  ${t.name} ${t.elementType} [${t.shape.join(', ')}]: ${flat.length === 1 ? shown : `[${shown}${more}]`}`;
}

function flatten(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flatMap(flatten) : [data];
}

function formatValue(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : String(v);
}

function collectDim(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([^=\s]+)=(\d+)$/.exec(value);
  if (!match || Number(match[2]) < 1)
    throw new UserError('bad-input', `invalid --dim '${value}': expected NAME=SIZE with SIZE ≥ 1, e.g. batch=8`);
  return { ...previous, [match[1]!]: Number(match[2]) };
}
