// `slipway datasets import|list|show|remove|reference`: replay data stored in the library with a schema and a
// profile, checked against a model's inputs, and bound as a model version's reference for drift.
import type { Command } from 'commander';
import type {
  Dataset,
  DatasetFit,
  DatasetImportOptions,
  DatasetImportProgress,
  DatasetReference,
  FeatureProfile,
  ModelSignature,
} from '../../../src-shared/contract';
import { formatBytes, formatCount } from '../../../src-shared/units';
import { formatShape } from '../../../src-shared/shapes';
import type { Engine } from '../../engine/engine';
import { parseModelRef } from '../../engine/library/modelName';
import { UserError } from '../../engine/userError';
import { collect } from '../optionParsers';
import { table } from '../output';
import type { RunAction } from '../runAction';
import { withEngine } from '../withEngine';
import { withCancel } from '../withCancel';

interface ImportFlags {
  name?: string;
  format?: string;
  map: string[];
  ignore: string[];
  label?: string;
  labelKind: string;
  model?: string;
  skipBad?: boolean;
}

/** Features listed by `datasets show` before "… and N more" (--json has them all). */
const SHOWN_FEATURES = 100;
const SHOWN_SKIPPED = 20;

export function registerDatasetsCommand(program: Command, act: RunAction): void {
  const datasets = program
    .command('datasets')
    .description('replay datasets: import JSONL/CSV with a profile, list, show, remove, bind as a reference');

  datasets
    .command('import')
    .description('import a JSONL or CSV file as a dataset (streamed: large files are fine)')
    .argument('<file>', 'a .jsonl file ({"inputs": {...}, "label": ...} per line) or a .csv file with a header row')
    .option('--name <name>', "dataset name (default: the file's stem, sanitised)")
    .option('--format <format>', 'jsonl or csv (default: from the extension)')
    .option('--map <col=input>', 'CSV: put these columns into this input, e.g. px_*=pixels (repeatable)', collect, [])
    .option('--ignore <col>', 'CSV: leave these columns out, globs allowed (repeatable)', collect, [])
    .option('--label <col>', "the label column / JSONL key (default: 'label' when present; 'none' for no label)")
    .option('--label-kind <kind>', 'auto, class or regression', 'auto')
    .option('--model <ref>', "NAME[:VERSION]: check against the model's inputs and name the inputs after them")
    .option('--skip-bad', 'import the good rows and list the bad ones, instead of stopping at the first bad row')
    .addHelpText(
      'after',
      `
Examples:
  slipway datasets import resources/data/digits_reference.jsonl --name digits-ref
  slipway datasets import resources/data/digits_live_same.csv --name digits-live --model digits-mlp
  slipway datasets import data.csv --name d --map 'px_*=pixels' --ignore id --label target

Values are stored as float64; empty cells, NA, NaN and null are missing; true/false are 1/0. Each input's
per-row shape is fixed by the first row. Labels that are class names, or whole numbers with at most 100
distinct values, are classes; other numbers are a regression target (--label-kind overrides). Features whose
input holds booleans, or whole numbers with at most 10 distinct values, are categorical.`,
    )
    .action(function (this: Command, file: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const flags = this.opts<ImportFlags>();
          const options = importOptions(flags);
          const started = performance.now();
          const dataset: Dataset = await withCancel(out, (signal) =>
            engine.datasets.import(file, options, {
              signal,
              onProgress: (p) => out.progress(progressLine(file, p, started)),
            }),
          );
          const seconds = (performance.now() - started) / 1000;
          const fit = options.model ? engine.datasets.fit(dataset.id, signatureOf(engine, options.model)) : null;
          out.result({ dataset, fit, seconds }, (r) => renderImport(r.dataset, r.fit, options.model, r.seconds));
        }),
      );
    });

  datasets
    .command('list')
    .description('list the datasets in the library')
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          out.result(engine.datasets.list(), (list) =>
            list.length === 0
              ? 'no datasets yet: import one with `slipway datasets import FILE --name NAME`'
              : table(
                  ['NAME', 'ROWS', 'FORMAT', 'INPUTS', 'FEATURES', 'LABEL', 'CREATED', 'SOURCE'],
                  list.map((d) => [
                    d.name,
                    String(d.rows),
                    d.format,
                    d.inputs.join(', '),
                    String(d.features),
                    d.hasLabel ? 'yes' : 'no',
                    d.createdAt.replace('T', ' ').slice(0, 19),
                    d.source,
                  ]),
                ),
          );
        }),
      );
    });

  datasets
    .command('show')
    .description("a dataset's schema and profile: per feature count, missing, range, mean, std, quantiles")
    .argument('<name>', 'dataset name or id')
    .action(function (this: Command, name: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const dataset = engine.datasets.get(name);
          const references = engine.datasets.references(dataset.id);
          out.result({ dataset, references }, (r) => renderShow(r.dataset, r.references));
        }),
      );
    });

  datasets
    .command('remove')
    .description('remove a dataset')
    .argument('<name>', 'dataset name or id')
    .option('--force', "also when it is a model version's reference (the binding goes with it)")
    .action(function (this: Command, name: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const { force } = this.opts<{ force?: boolean }>();
          const result = engine.datasets.remove(name, { force });
          out.result(
            result,
            (r) =>
              `removed dataset ${r.removed.name} (${r.removed.rows} rows)` +
              (r.unbound.length > 0
                ? `; it is no longer the reference of ${r.unbound.map((b) => `${b.model}:${b.version}`).join(', ')}`
                : ''),
          );
        }),
      );
    });

  datasets
    .command('reference')
    .description("bind a dataset as a model version's reference (drift compares against its profile), or show it")
    .argument('<ref>', 'NAME:VERSION')
    .argument('[dataset]', 'dataset name or id (omit to show the current reference)')
    .option('--clear', 'unbind the reference')
    .action(function (this: Command, ref: string, datasetName: string | undefined) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const { clear } = this.opts<{ clear?: boolean }>();
          const model = parseModelRef(ref);
          if (model.version === undefined)
            throw new UserError('bad-input', `name the version: '${model.name}:VERSION'`);
          const version = engine.library.get(model);
          const label = `${version.model}:${version.version}`;
          if (clear) {
            if (datasetName !== undefined) throw new UserError('bad-input', 'give a dataset or --clear, not both');
            const cleared = engine.datasets.clearReference(version.model, version.version);
            out.result({ model: version.model, version: version.version, cleared }, (r) =>
              r.cleared ? `${label} has no reference dataset now` : `${label} had no reference dataset`,
            );
            return;
          }
          if (datasetName === undefined) {
            const current = engine.datasets
              .references()
              .find((r) => r.model === version.model && r.version === version.version);
            out.result(current ?? null, (r) =>
              r
                ? `${label}'s reference is dataset ${r.datasetName} (bound ${r.boundAt})`
                : `${label} has no reference dataset`,
            );
            return;
          }
          const bound = engine.datasets.setReference(version.model, version.version, datasetName);
          out.result(bound, (r) => `${label}'s reference is now dataset ${r.datasetName}`);
        }),
      );
    });
}

function importOptions(flags: ImportFlags): DatasetImportOptions {
  if (flags.format !== undefined && flags.format !== 'jsonl' && flags.format !== 'csv') {
    throw new UserError('bad-input', `invalid --format '${flags.format}': expected jsonl or csv`);
  }
  if (!['auto', 'class', 'regression'].includes(flags.labelKind)) {
    throw new UserError('bad-input', `invalid --label-kind '${flags.labelKind}': expected auto, class or regression`);
  }
  return {
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.format !== undefined ? { format: flags.format as 'jsonl' | 'csv' } : {}),
    map: flags.map,
    ignore: flags.ignore,
    ...(flags.label !== undefined ? { label: flags.label === 'none' ? null : flags.label } : {}),
    labelKind: flags.labelKind as 'auto' | 'class' | 'regression',
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    skipBad: !!flags.skipBad,
  };
}

function signatureOf(engine: Engine, ref: string): ModelSignature {
  const version = engine.library.get(parseModelRef(ref));
  return { inputs: version.inspection.inputs, outputs: version.inspection.outputs };
}

function progressLine(file: string, p: DatasetImportProgress, started: number): string {
  const percent = p.bytesTotal > 0 ? `${Math.floor((100 * p.bytesDone) / p.bytesTotal)}%` : '';
  if (p.phase === 'profiling') return `profiling ${file}: ${percent} · ${formatCount(p.rows)} rows`;
  if (p.phase === 'committing') return `storing ${file}…`;
  const seconds = (performance.now() - started) / 1000;
  const rate = seconds > 0.5 ? ` · ${formatBytes(p.bytesDone / seconds)}/s` : '';
  return `importing ${file}: ${percent} of ${formatBytes(p.bytesTotal)} · ${formatCount(p.rows)} rows${rate}`;
}

function renderImport(dataset: Dataset, fit: DatasetFit | null, model: string | undefined, seconds: number): string {
  const rate = seconds > 0 ? ` in ${seconds.toFixed(1)} s (${formatBytes(dataset.sourceBytes / seconds)}/s)` : '';
  const lines = [
    `imported dataset ${dataset.name} (${dataset.id}): ${dataset.rows} rows from ${dataset.source} (${formatBytes(dataset.sourceBytes)})${rate}`,
    ...renderSchema(dataset),
  ];
  if (fit) {
    lines.push(`fits ${model}:`);
    for (const m of fit.mapping) lines.push(`  ${m.input} ← ${describeColumns(m.columns)}`);
    for (const p of fit.problems) lines.push(`  ${p.severity}: ${p.message}`);
  }
  lines.push(...renderSkipped(dataset));
  return lines.join('\n');
}

function renderSkipped(dataset: Dataset): string[] {
  if (dataset.skippedRows === 0) return [];
  const shown = dataset.skipped.slice(0, SHOWN_SKIPPED);
  const more = dataset.skippedRows - shown.length;
  return [
    `skipped ${dataset.skippedRows} bad row${dataset.skippedRows === 1 ? '' : 's'}:`,
    ...shown.map((s) => `  line ${s.line}: ${s.message}`),
    ...(more > 0 ? [`  … and ${more} more${dataset.skipped.length > shown.length ? ' (see --json)' : ''}`] : []),
  ];
}

function renderSchema(dataset: Dataset): string[] {
  const lines = ['inputs:'];
  for (const input of dataset.inputs) {
    const facts = [
      `${formatShape(input.shape)} per row`,
      input.boolean ? 'booleans' : input.integer ? 'whole numbers' : 'numbers',
      input.min !== null ? `${num(input.min)}..${num(input.max)}` : 'all missing',
      ...(input.missing > 0 ? [`${input.missing} missing`] : []),
      ...(input.columns.length > 0 ? [`from ${describeColumns(input.columns)}`] : []),
      ...(input.profiled ? [] : ['too large to profile element by element']),
    ];
    lines.push(`  ${input.name}: ${facts.join(' · ')}`);
  }
  const label = dataset.label;
  if (!label) lines.push('label: none');
  else {
    const classes = label.classes
      ? ` · ${label.classes.length} classes: ${label.classes
          .slice(0, 10)
          .map((c) => `${c.value} (${c.count})`)
          .join(', ')}${label.classes.length > 10 ? ', …' : ''}`
      : '';
    const missing = label.missing > 0 ? ` · ${label.missing} missing` : '';
    lines.push(`label: '${label.source}' · ${label.kind}${classes}${missing}`);
  }
  return lines;
}

function renderShow(dataset: Dataset, references: DatasetReference[]): string {
  const lines = [
    `${dataset.name} (${dataset.id}) · ${dataset.format} · ${dataset.rows} rows · created ${dataset.createdAt.replace('T', ' ').slice(0, 19)}`,
    `source: ${dataset.source}${dataset.sourceBytes > 0 ? ` (${formatBytes(dataset.sourceBytes)})` : ''} · sha256 ${dataset.sha256.slice(0, 12)}…` +
      (dataset.derivedFrom ? ` · derived from ${dataset.derivedFrom}` : ''),
    ...renderSchema(dataset),
  ];
  if (references.length > 0) {
    lines.push(`reference of: ${references.map((r) => `${r.model}:${r.version}`).join(', ')}`);
  }
  lines.push(...renderSkipped(dataset));
  if (dataset.features.length > 0) {
    const shown = dataset.features.slice(0, SHOWN_FEATURES);
    lines.push(
      '',
      table(
        ['FEATURE', 'KIND', 'COUNT', 'MISSING', 'MIN', 'P5', 'P50', 'P95', 'MAX', 'MEAN', 'STD', 'TOP VALUES'],
        shown.map(featureRow),
      ),
    );
    if (dataset.features.length > shown.length) {
      lines.push(`… and ${dataset.features.length - shown.length} more features (--json lists them all)`);
    }
  }
  return lines.join('\n');
}

function featureRow(f: FeatureProfile): string[] {
  const q = (p: number) => num(f.quantiles.find((x) => x.p === p)?.value ?? null);
  const top = f.frequencies
    ? f.frequencies
        .slice(0, 3)
        .map((c) => `${c.value}:${c.count}`)
        .join(' ')
    : '';
  return [
    f.name,
    f.kind,
    String(f.count),
    String(f.missing),
    num(f.min),
    q(0.05),
    q(0.5),
    q(0.95),
    num(f.max),
    num(f.mean),
    num(f.std),
    top,
  ];
}

function describeColumns(columns: readonly string[]): string {
  if (columns.length <= 4) return columns.join(', ');
  return `${columns[0]}, ${columns[1]}, …, ${columns[columns.length - 1]} (${columns.length} columns)`;
}

function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  return String(Number(value.toPrecision(4)));
}
