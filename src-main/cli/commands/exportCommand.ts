// `slipway export NAME:V --target triton|kserve|standalone|edge [--out DIR] [--tar]`: writes a deploy bundle
// (see engine/bundles) and prints where, what it holds and the edge parity when that target was chosen.
import { isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import { BUNDLE_TARGETS, type BundleTarget, type ExportResult } from '../../../src-shared/contract';
import { formatBytes } from '../../../src-shared/units';
import { parseModelRef } from '../../engine/library/modelName';
import { UserError } from '../../engine/userError';
import { collect } from '../optionParsers';
import type { RunAction } from '../runAction';
import { withEngine } from '../withEngine';
import { progressLine, withCancel } from '../withCancel';

interface ExportFlags {
  target: string[];
  out?: string;
  tar?: boolean;
  storageUri?: string;
  dryRun?: boolean;
}

export function registerExportCommand(program: Command, act: RunAction): void {
  program
    .command('export')
    .description('export a version as a deploy bundle: Triton repository, KServe, standalone server, edge')
    .argument('<ref>', 'NAME:VERSION (NAME alone: its latest version)')
    .option('--target <target>', `${BUNDLE_TARGETS.join(', ')} or all (repeatable, or comma-separated)`, collect, [])
    .option('--out <dir>', 'bundle folder to write; must not exist or be empty (default: <home>/exports/NAME-vV)')
    .option('--tar', 'also write <dir>.tar.gz')
    .option('--storage-uri <uri>', 'KServe: where the triton/ folder will be uploaded (s3://, gs://, pvc://...)')
    .option('--dry-run', 'print the files that would be written and stop')
    .addHelpText(
      'after',
      `
Examples:
  slipway export digits-mlp:1 --target triton --target kserve --storage-uri s3://models/digits
  slipway export cancer-logreg:2 --target standalone --out ./cancer-server --tar
  slipway export squeezenet1_1:1 --target edge

Every bundle has slipway-manifest.json: each file's sha256, the source model, its signature and serving
settings, and what Slipway knows about it (last load test, comparison, reference profile, rollout).
Import one back with \`slipway bundles import DIR|FILE.tar.gz\`.`,
    )
    .action(function (this: Command, ref: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const flags = this.opts<ExportFlags>();
          const parsed = parseModelRef(ref);
          const version = engine.library.get(parsed);
          const request = {
            model: version.model,
            version: version.version,
            targets: parseTargets(flags.target),
            outDir: flags.out,
            tar: flags.tar ?? false,
            storageUri: flags.storageUri,
          };
          if (flags.dryRun) {
            const plan = engine.bundles.plan(request);
            out.result(plan, (p) =>
              [
                `would write ${p.outDir}${p.archive ? ` and ${p.archive}` : ''}:`,
                ...p.files.map((f) => `  ${f.path}${f.bytes === null ? '' : `  (${formatBytes(f.bytes)})`}`),
                ...p.notes.map((n) => `note: ${n}`),
              ].join('\n'),
            );
            return;
          }
          const progress = progressLine(out, 'export');
          const result = await withCancel(out, (signal) =>
            engine.bundles.run(request, { signal, onProgress: (p) => progress(p.fraction, p.message) }),
          );
          out.result(result, renderExport);
        }),
      );
    });
}

/** --target may repeat or hold a comma-separated list; `all` means every target. */
export function parseTargets(values: readonly string[]): BundleTarget[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0)
    throw new UserError('bad-input', `name at least one --target: ${BUNDLE_TARGETS.join(', ')} or all`);
  const targets = new Set<BundleTarget>();
  for (const name of names) {
    if (name === 'all') BUNDLE_TARGETS.forEach((t) => targets.add(t));
    else if ((BUNDLE_TARGETS as readonly string[]).includes(name)) targets.add(name as BundleTarget);
    else throw new UserError('bad-input', `unknown target '${name}': expected ${BUNDLE_TARGETS.join(', ')} or all`);
  }
  return BUNDLE_TARGETS.filter((t) => targets.has(t));
}

function renderExport(result: ExportResult): string {
  const m = result.manifest;
  const lines = [
    `exported ${m.source.model}:${m.source.version} (${m.targets.join(', ')}) to ${result.outDir}`,
    `  ${m.files.length + 1} files, ${formatBytes(result.totalBytes)}` +
      (result.archive ? `; archive ${result.archive} (${formatBytes(result.archiveBytes ?? 0)})` : ''),
  ];
  const top = [...m.files].sort((a, b) => b.bytes - a.bytes).slice(0, 6);
  for (const f of top) lines.push(`  ${f.path}  ${formatBytes(f.bytes)}  sha256 ${f.sha256.slice(0, 12)}`);
  if (m.files.length > top.length) lines.push(`  … and ${m.files.length - top.length} more (see the manifest)`);
  if (m.edge) {
    lines.push(
      `edge: ${m.edge.originalNodes} → ${m.edge.optimizedNodes} nodes (${m.edge.optimizationLevel}); parity on ` +
        `${m.edge.samples} inputs (${m.edge.samplesFrom}): max abs ${m.edge.maxAbsError.toExponential(2)}, ` +
        `max rel ${m.edge.maxRelError.toExponential(2)} (tolerance ${m.edge.tolerance})`,
    );
  }
  if (m.kserve?.placeholder)
    lines.push(`kserve: storageUri is a placeholder (${m.kserve.storageUri}): upload triton/ and set it`);
  if (m.loadTest?.capacity?.capacityRate)
    lines.push(
      `load test: ${Math.round(m.loadTest.capacity.capacityRate)} req/s at p99 ≤ ${m.loadTest.capacity.budgetMs} ms`,
    );
  for (const note of result.notes) lines.push(`note: ${note}`);
  const shown = relative(process.cwd(), result.outDir);
  const path = shown === '' ? '.' : shown.startsWith('..') || isAbsolute(shown) ? result.outDir : shown;
  lines.push(`import it elsewhere with: slipway bundles import ${path}`);
  return lines.join('\n');
}
