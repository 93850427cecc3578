// `slipway compare NAME:V1 NAME:V2 … --data N`: replays a stored dataset through two or more versions with a
// live progress line and prints agreement, flips, accuracy and latency with their intervals and conventions;
// `compare runs|show|report|export|rm` read stored comparisons. `slipway drift --reference N --current N`
// tests every feature of one dataset against another.
import type { Command } from 'commander';
import type {
  Comparison,
  ComparisonConfigInput,
  ComparisonProgress,
  ComparisonSummary,
  DriftOptionsInput,
  DriftReport,
  Estimate,
  PairResult,
  PredictionRule,
  VersionResult,
} from '../../../src-shared/contract';
import { DriftTestNameSchema, PredictionRuleSchema } from '../../../src-shared/contract';
import { formatDuration } from '../../../src-shared/units';
import { driftVerdict } from '../../../src-shared/driftVerdict';
import { ComparisonService } from '../../engine/compare/replay/comparisonService';
import { decisiveTest, renderDriftHtml, TEST_NAMES } from '../../engine/compare/report/driftReport';
import { driftBetween } from '../../engine/compare/drift/driftBetween';
import { UserError } from '../../engine/userError';
import { collect, integerOption } from '../optionParsers';
import { table } from '../output';
import type { RunAction } from '../runAction';
import { withCancel } from '../withCancel';
import { withEngine } from '../withEngine';
import { writeFileAtomic } from './loadtestCommand';

interface CompareFlags {
  data: string;
  reference?: string;
  prediction?: string;
  batch?: number;
  explorerRows?: number;
  name?: string;
  report?: string;
}

export function registerCompareCommand(program: Command, act: RunAction): void {
  const compare = program
    .command('compare')
    .description('replay a dataset through two or more versions: agreement, flips, accuracy, latency, drift')
    .addHelpText(
      'after',
      `
Examples:
  slipway compare digits-mlp:1 digits-mlp:2 --data digits-live-same
  slipway compare digits-mlp:1 digits-mlp:2 --data digits-live-drift --reference digits-reference --report cmp.html
  slipway compare cancer-logreg:1 cancer-logreg:2 --data cancer-live-same --prediction probabilities:argmax
  slipway compare export ID --sort flips --limit 50 --name hard-cases

The first version is the baseline. Datasets are imported with \`slipway datasets import\`.`,
    );

  compare
    .command('run', { isDefault: true })
    .description('compare versions (the default: `slipway compare A:1 B:2 --data N`)')
    .argument('<versions...>', 'two or more NAME:VERSION, the baseline first')
    .requiredOption('--data <dataset>', 'the dataset to replay (name or id)')
    .option('--reference <dataset>', 'a dataset to measure input and prediction drift against')
    .option(
      '--prediction <output[:rule]>',
      'the prediction output, rule argmax, label or regression (default: inferred)',
    )
    .option(
      '--batch <rows>',
      'rows per request where the batch axis is dynamic (default 256)',
      integerOption('--batch', 1, 65_536),
    )
    .option(
      '--explorer-rows <n>',
      'rows kept for the disagreement explorer (default 50)',
      integerOption('--explorer-rows', 0, 1000),
    )
    .option('--name <text>', 'a name for the comparison')
    .option('--report <file>', 'write the HTML report (self-contained, charts included) here')
    .action(function (this: Command, versions: string[]) {
      return act(this, async (out, opts) => {
        const flags = this.opts<CompareFlags>();
        const config = buildConfig(versions, flags);
        await withEngine(opts, out, async (engine) => {
          const started = performance.now();
          const service = new ComparisonService(engine);
          const comparison = await service.start(config, {
            onProgress: (progress) => out.progress(progressLine(progress, performance.now() - started)),
          });
          const done = await withCancel(out, (signal) => {
            signal.addEventListener('abort', () => {
              out.endProgress();
              if (!out.json) process.stderr.write('slipway: cancelling…\n');
              service.cancel(comparison.id);
            });
            // Announced only once Ctrl-C cancels: whoever reads the line may interrupt at once.
            if (!out.json) process.stderr.write(`slipway: comparison ${comparison.id}: ${comparison.name}\n`);
            return service.wait(comparison.id);
          });
          if (done.state === 'cancelled') throw new UserError('cancelled', `comparison ${done.id} was cancelled`);
          if (done.state === 'failed') throw new UserError('unavailable', `the comparison failed: ${done.error}`);
          const written = flags.report ? writeFileAtomic(flags.report, service.report(done.id, 'html').body) : null;
          out.result(done, (c) => renderComparison(c, written));
        });
      });
    });

  compare
    .command('runs')
    .description('list stored comparisons, newest first')
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          out.result(new ComparisonService(engine).list(), renderList);
        }),
      );
    });

  compare
    .command('show')
    .description('print a stored comparison')
    .argument('<id>', 'comparison id (see `slipway compare runs`)')
    .action(function (this: Command, id: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          out.result(new ComparisonService(engine).get(id), (c) => renderComparison(c, null));
        }),
      );
    });

  compare
    .command('report')
    .description('write a stored comparison as a self-contained HTML report or JSON')
    .argument('<id>', 'comparison id')
    .option('--format <format>', 'html or json', 'html')
    .option('--out <file>', 'where to write it (default: standard output)')
    .action(function (this: Command, id: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const { format, out: file } = this.opts<{ format: string; out?: string }>();
          if (format !== 'html' && format !== 'json') {
            throw new UserError('bad-input', `invalid --format '${format}': expected html or json`);
          }
          const report = new ComparisonService(engine).report(id, format);
          if (!file) {
            process.stdout.write(report.body.endsWith('\n') ? report.body : `${report.body}\n`);
            return;
          }
          const path = writeFileAtomic(file, report.body);
          out.result({ id, format, file: path }, (r) => `wrote the ${r.format} report of ${r.id} to ${r.file}`);
        }),
      );
    });

  compare
    .command('export')
    .description('save the disagreement explorer’s rows as a new dataset')
    .argument('<id>', 'comparison id')
    .requiredOption('--name <dataset>', 'name of the new dataset')
    .option('--sort <order>', 'delta (largest |Δ| first) or flips (negative flips first)', 'delta')
    .option('--limit <n>', 'most rows to take (default 100)', integerOption('--limit', 1))
    .option(
      '--pair <k>',
      'which pair: 1 = baseline vs the second version (default), 2 = vs the third, …',
      integerOption('--pair', 1),
    )
    .action(function (this: Command, id: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const flags = this.opts<{ name: string; sort: string; limit?: number; pair?: number }>();
          if (flags.sort !== 'delta' && flags.sort !== 'flips') {
            throw new UserError('bad-input', `invalid --sort '${flags.sort}': expected delta or flips`);
          }
          const dataset = await new ComparisonService(engine).exportRows(id, {
            sort: flags.sort,
            name: flags.name,
            ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
            pair: (flags.pair ?? 1) - 1,
          });
          out.result(dataset, (d) => `saved ${d.rows} rows of comparison ${id} as dataset ${d.name} (${d.id})`);
        }),
      );
    });

  compare
    .command('rm')
    .description('delete a stored comparison')
    .argument('<id>', 'comparison id')
    .action(function (this: Command, id: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          await new ComparisonService(engine).remove(id);
          out.result({ id, removed: true }, () => `removed comparison ${id}`);
        }),
      );
    });

  program
    .command('drift')
    .description('test every feature of a dataset against a reference dataset for drift')
    .requiredOption('--reference <dataset>', 'the reference dataset (name or id)')
    .requiredOption('--current <dataset>', 'the dataset to test (name or id)')
    .option(
      '--test <name>',
      `the test that decides: auto (by sample size, as Evidently) or ${DriftTestNameSchema.options.join(', ')}`,
      'auto',
    )
    .option('--threshold <test=value>', 'a test’s threshold, e.g. ks=0.01 or psi=0.2 (repeatable)', collect, [])
    .option('--share <fraction>', 'share of drifted features at which the dataset drifted (default 0.5)', fraction)
    .option('--report <file>', 'write the HTML report (self-contained, overlays included) here')
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const flags = this.opts<{
            reference: string;
            current: string;
            test: string;
            threshold: string[];
            share?: number;
            report?: string;
          }>();
          const options = driftOptions(flags);
          const reference = await engine.datasets.open(flags.reference);
          let report: DriftReport;
          try {
            const current = await engine.datasets.open(flags.current);
            try {
              report = await driftBetween(reference, current, options, {
                onProgress: (p) => out.progress(`drift ${p.featuresDone}/${p.features} features`),
              });
            } finally {
              out.endProgress();
              await current.close();
            }
          } finally {
            await reference.close();
          }
          const names = { reference: reference.dataset.name, current: flags.current };
          const written = flags.report
            ? writeFileAtomic(flags.report, renderDriftHtml(report, { ...names, createdAt: new Date().toISOString() }))
            : null;
          out.result(report, (r) => renderDrift(r, names, written));
        }),
      );
    });
}

// ---------------------------------------------------------------------------------------------------------
// Flags

function buildConfig(versions: string[], flags: CompareFlags): ComparisonConfigInput {
  if (versions.length < 2) {
    throw new UserError(
      'bad-input',
      'compare needs two or more versions: slipway compare NAME:1 NAME:2 --data DATASET',
    );
  }
  const bad = versions.find((v) => !/:[1-9][0-9]*$/.test(v));
  if (bad) {
    throw new UserError(
      'bad-input',
      `invalid version '${bad}': give NAME:VERSION with a version number, e.g. digits-mlp:2`,
    );
  }
  return {
    versions,
    dataset: flags.data,
    reference: flags.reference ?? null,
    prediction: flags.prediction === undefined ? null : parsePrediction(flags.prediction),
    batchSize: flags.batch ?? null,
    ...(flags.explorerRows !== undefined ? { explorerRows: flags.explorerRows } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
  };
}

function parsePrediction(value: string): { output: string; rule?: PredictionRule } {
  const colon = value.lastIndexOf(':');
  const rule = colon > 0 ? value.slice(colon + 1) : undefined;
  if (rule !== undefined && PredictionRuleSchema.safeParse(rule).success) {
    return { output: value.slice(0, colon), rule: rule as PredictionRule };
  }
  if (rule !== undefined && /^[a-z]+$/.test(rule)) {
    throw new UserError('bad-input', `invalid --prediction '${value}': the rule is argmax, label or regression`);
  }
  if (value.trim() === '') throw new UserError('bad-input', '--prediction needs an output name');
  return { output: value };
}

function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1)) {
    throw new UserError('bad-input', `invalid --share '${value}': expected a fraction in (0, 1], e.g. 0.5`);
  }
  return n;
}

function driftOptions(flags: { test: string; threshold: string[]; share?: number }): DriftOptionsInput {
  const test = flags.test === 'auto' ? 'auto' : DriftTestNameSchema.safeParse(flags.test).data;
  if (!test) {
    throw new UserError(
      'bad-input',
      `invalid --test '${flags.test}': expected auto or ${DriftTestNameSchema.options.join(', ')}`,
    );
  }
  const thresholds: Record<string, number> = {};
  for (const rule of flags.threshold) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(rule);
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !DriftTestNameSchema.safeParse(match[1]).success || !(value > 0) || !Number.isFinite(value)) {
      throw new UserError(
        'bad-input',
        `invalid --threshold '${rule}': expected TEST=VALUE with TEST one of ${DriftTestNameSchema.options.join(', ')} and VALUE > 0`,
      );
    }
    thresholds[match[1]!] = value;
  }
  return { test, thresholds, ...(flags.share !== undefined ? { datasetDriftShare: flags.share } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// Text

function progressLine(p: ComparisonProgress, elapsedMs: number): string {
  const rows =
    p.rowsTotal > 0 ? ` ${p.rowsDone.toLocaleString('en-US')}/${p.rowsTotal.toLocaleString('en-US')} rows` : '';
  return `compare ${(p.fraction * 100).toFixed(0).padStart(3)} % ${p.phase}${rows} · ${formatDuration(elapsedMs)}`;
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const points = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(2)}`;
const num = (v: number | null) => (v === null ? '—' : String(Number(v.toPrecision(4))));
const signedMs = (v: number) => `${v >= 0 ? '+' : '−'}${formatDuration(Math.abs(v))}`;

function withInterval(e: Estimate | null, format: (v: number) => string): string {
  if (!e) return '—';
  return e.low !== null && e.high !== null
    ? `${format(e.value)} [${format(e.low)}, ${format(e.high)}]`
    : format(e.value);
}

function quality(v: VersionResult): string {
  if (v.accuracy) return withInterval(v.accuracy, pct);
  if (v.mae) return `MAE ${withInterval(v.mae, num)}, RMSE ${withInterval(v.rmse, num)}`;
  return '—';
}

function renderPair(p: PairResult): string[] {
  const lines = [`${p.baseline} vs ${p.candidate} (${p.rows} rows both answered)`];
  if (p.agreement) {
    lines.push(
      `  agreement     ${withInterval(p.agreement, pct)}; ${p.disagreements} rows disagree; κ ${p.kappa === null ? '— (one class only)' : p.kappa.toFixed(4)}`,
    );
  }
  if (p.labels) {
    const l = p.labels;
    lines.push(
      `  flips         ${l.negativeFlips} negative (baseline right, candidate wrong), ${l.positiveFlips} positive; ${l.bothRight} both right, ${l.bothWrong} both wrong`,
      `  McNemar       p = ${num(l.mcnemar.pValue)} (${l.mcnemar.variant})`,
      `  accuracy Δ    ${withInterval(l.accuracyDelta, points)} points`,
    );
  }
  if (p.regressionLabels) lines.push(`  |error| Δ     ${withInterval(p.regressionLabels.absErrorDelta, num)}`);
  for (const o of p.outputs) {
    const parts = [
      o.absDelta ? `|Δ| p50 ${num(o.absDelta.p50)} p99 ${num(o.absDelta.p99)} max ${num(o.absDelta.max)}` : '|Δ| —',
      ...(o.cosine ? [`cosine mean ${o.cosine.mean.toFixed(4)} min ${o.cosine.min.toFixed(4)}`] : []),
      ...(o.distance
        ? [
            `W1 ${num(o.distance.mean)}${o.distance.basis === 'per-element' ? ` (mean over elements, max ${num(o.distance.max)})` : ''}`,
          ]
        : []),
    ];
    lines.push(`  ${o.output.padEnd(13)} ${parts.join('; ')}`);
  }
  for (const s of p.skippedOutputs) lines.push(`  ${s.output.padEnd(13)} not compared: ${s.reason}`);
  if (p.latencyDelta) {
    lines.push(
      `  latency Δ     ${withInterval(p.latencyDelta.meanMs, signedMs)} per row${p.latencyDelta.ratio !== null ? ` (×${p.latencyDelta.ratio.toFixed(2)})` : ''}`,
    );
  }
  return lines;
}

function renderComparison(c: Comparison, reportFile: string | null): string {
  const r = c.results;
  const lines = [`${c.name} (${c.id}, ${c.state})`];
  if (!r) {
    if (c.error) lines.push(`error: ${c.error}`);
    return lines.join('\n');
  }
  lines.push(
    `dataset ${c.datasetName}: ${r.datasetRows} rows, ${r.labelledRows} labelled · ${formatDuration(r.timing.totalMs)} (replay ${formatDuration(r.timing.replayMs)})`,
    '',
    table(
      [
        'VERSION',
        'PREDICTION',
        'ROWS',
        'ERRORS',
        r.versions.some((v) => v.mae) ? 'MAE / RMSE' : 'ACCURACY [CI]',
        'LATENCY/ROW P50 / P99',
      ],
      r.versions.map((v) => [
        v.ref,
        `${v.prediction.output} (${v.prediction.rule})`,
        String(v.rows),
        String(v.errors),
        quality(v),
        v.latency.p50Ms === null ? '—' : `${formatDuration(v.latency.p50Ms)} / ${formatDuration(v.latency.p99Ms!)}`,
      ]),
    ),
  );
  for (const p of r.pairs) lines.push('', ...renderPair(p));
  if (r.inputDrift) {
    const d = r.inputDrift;
    const top = d.features
      .slice(0, 5)
      .map((f) => `${f.name} ${f.drifted ? 'drifted' : 'ok'} (severity ${f.severity.toFixed(2)})`);
    lines.push(
      '',
      `input drift against ${c.referenceName}: ${d.driftedFeatures} of ${d.features.length} features drifted (${pct(d.driftedShare)}) → ${d.datasetDrift ? 'DATASET DRIFT' : 'no dataset drift'}`,
      `  most severe: ${top.join(', ')}`,
    );
  }
  for (const p of r.predictionDrift ?? []) {
    const t = decisiveTest(p.drift);
    lines.push(
      `prediction drift ${p.ref}: ${p.drift.drifted ? 'drifted' : 'no drift'}${t ? ` (${TEST_NAMES[t.test]} ${t.pValue !== null ? `p = ${num(t.pValue)}` : num(t.value)}, threshold ${num(t.threshold)})` : ''}`,
    );
  }
  lines.push('', 'conventions:', ...r.conventions.map((x) => `  - ${x}`));
  if (reportFile) lines.push('', `report written to ${reportFile}`);
  return lines.join('\n');
}

function renderList(list: ComparisonSummary[]): string {
  if (list.length === 0) return 'no comparisons yet: run `slipway compare NAME:1 NAME:2 --data DATASET`';
  return table(
    ['ID', 'CREATED', 'STATE', 'NAME', 'AGREEMENT', 'ACCURACIES'],
    list.map((c) => [
      c.id,
      c.createdAt.replace('T', ' ').slice(0, 19),
      c.state,
      c.name,
      c.agreement === null ? '' : pct(c.agreement),
      c.accuracies.map((a) => (a === null ? '—' : pct(a))).join(' / '),
    ]),
  );
}

function renderDrift(r: DriftReport, names: { reference: string; current: string }, reportFile: string | null): string {
  const calibrated = r.features.some((f) => f.tests.some((t) => t.falseAlarmRate !== null));
  const header = ['FEATURE', 'DRIFT', 'SEVERITY', 'TEST', 'VALUE', 'THRESHOLD'];
  if (calibrated) header.push('FALSE ALARMS', 'MIN SHIFT');
  const rows = r.features.map((f) => {
    const t = decisiveTest(f);
    const row = [
      f.name,
      f.drifted ? 'DRIFT' : 'no',
      f.severity.toFixed(3),
      t ? TEST_NAMES[t.test] : '—',
      t ? (t.pValue !== null ? `p=${num(t.pValue)}` : num(t.value)) : '—',
      t ? `${t.rule === 'pValueBelow' ? 'p <' : '≥'} ${num(t.threshold)}` : '—',
    ];
    if (calibrated) {
      row.push(
        t?.falseAlarmRate == null ? '—' : `${(t.falseAlarmRate * 100).toFixed(1)} %`,
        t?.shiftUndetectable ? 'undetectable' : num(t?.minimalDetectableShift ?? null),
      );
    }
    return row;
  });
  const used = [
    ...new Set(r.features.flatMap((f) => f.tests.filter((t) => t.decisive).map((t) => TEST_NAMES[t.test]))),
  ];
  return [
    `${names.current} against ${names.reference}: ${driftVerdict(r).text.replace(/^dataset drift/, 'DATASET DRIFT')}`,
    `${r.referenceRows} reference rows, ${r.currentRows} current rows; deciding tests: ${used.join(', ') || '—'}`,
    '',
    table(header, rows),
    '',
    'conventions:',
    ...r.conventions.map((x) => `  - ${x}`),
    ...(reportFile ? ['', `report written to ${reportFile}`] : []),
  ].join('\n');
}
