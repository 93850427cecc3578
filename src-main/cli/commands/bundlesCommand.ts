// `slipway bundles import|verify PATH`: bring a deploy bundle (folder or .tar.gz) back into the library, or only
// check it: every file's sha256 against the manifest, and archives refused when an entry could escape the bundle.
import { progressLine, withCancel } from '../withCancel';
import type { Command } from 'commander';
import type { BundleImportResult, BundleManifest } from '../../../src-shared/contract';
import { formatBytes } from '../../../src-shared/units';
import { importBundle, verifyBundleAt, type BundleVerifyResult } from '../../engine/bundles/import/importBundle';
import { resolveHome } from '../../engine/homeFolder';
import type { RunAction } from '../runAction';
import { withEngine } from '../withEngine';

export function registerBundlesCommand(program: Command, act: RunAction): void {
  const bundles = program
    .command('bundles')
    .description('deploy bundles written by `slipway export`: verify them, import them back');

  bundles
    .command('import')
    .description('verify a bundle and import its model version with its serving settings and reference profile')
    .argument('<path>', 'a bundle folder (with slipway-manifest.json) or a .tar.gz of one')
    .option('--name <name>', "import under this model name (default: the manifest's)")
    .addHelpText(
      'after',
      `
Examples:
  slipway bundles import ./digits-mlp-v1
  slipway bundles import digits-mlp-v1.tar.gz --name digits-from-prod

Every file is checked against the manifest's sha256 before the library is touched; archives with absolute
paths, '..', links, devices or oversized entries are refused. The version keeps its number when that number
is free (else the next one), stays in the dev stage, and gets the bundle's settings and fallback.`,
    )
    .action(function (this: Command, path: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const { name } = this.opts<{ name?: string }>();
          const result = await withCancel(out, (signal) =>
            importBundle(
              {
                library: engine.library,
                servingConfig: engine.servingConfig,
                referenceProfiles: engine.referenceProfiles,
                home: engine.home,
              },
              path,
              { name, signal, onProgress: progressLine(out, 'import') },
            ),
          );
          out.result(result, renderImport);
        }),
      );
    });

  bundles
    .command('verify')
    .description("check a bundle's files against its manifest without importing anything")
    .argument('<path>', 'a bundle folder (with slipway-manifest.json) or a .tar.gz of one')
    .action(function (this: Command, path: string) {
      return act(this, async (out, opts) => {
        // No engine: verifying reads only the bundle (archives unpack under <home>/tmp, removed afterwards).
        const result = await withCancel(out, (signal) =>
          verifyBundleAt(resolveHome(opts.home), path, { signal, onProgress: progressLine(out, 'verify') }),
        );
        out.result(summary(result), (s) => renderVerify(s, result.manifest));
      });
    });
}

interface VerifySummary {
  bundle: string;
  archive: boolean;
  verifiedFiles: number;
  totalBytes: number;
  model: string;
  version: number;
  sha256: string;
  targets: string[];
  createdAt: string;
  slipwayVersion: string;
  formatVersion: number;
  referenceProfile: boolean;
  manifest: BundleManifest;
}

function summary(result: BundleVerifyResult): VerifySummary {
  const m = result.manifest;
  return {
    bundle: result.bundle,
    archive: result.archive,
    verifiedFiles: result.files,
    totalBytes: m.files.reduce((sum, f) => sum + f.bytes, 0),
    model: m.source.model,
    version: m.source.version,
    sha256: m.source.sha256,
    targets: m.targets,
    createdAt: m.createdAt,
    slipwayVersion: m.slipwayVersion,
    formatVersion: m.formatVersion,
    referenceProfile: m.referenceProfile !== null,
    manifest: m,
  };
}

function renderVerify(s: VerifySummary, m: BundleManifest): string {
  const lines = [
    `${s.bundle}: verified ${s.verifiedFiles} files (${formatBytes(s.totalBytes)}) against slipway-manifest.json`,
    `  model      ${s.model}:${s.version}  sha256 ${s.sha256.slice(0, 12)}  (${m.source.stage})`,
    `  targets    ${s.targets.join(', ')}`,
    `  exported   by Slipway ${s.slipwayVersion} at ${s.createdAt} (bundle format ${s.formatVersion})`,
    `  runtime    onnxruntime ${m.runtime.onnxruntimeVersion}, provider ${m.runtime.provider}`,
    `  reference  ${m.referenceProfile ? `${m.referenceProfile.datasetName} (${m.referenceProfile.rows} rows)` : 'none'}`,
  ];
  if (m.loadTest?.capacity?.capacityRate) {
    lines.push(
      `  load test  ${Math.round(m.loadTest.capacity.capacityRate)} req/s at p99 ≤ ${m.loadTest.capacity.budgetMs} ms`,
    );
  }
  if (m.edge) lines.push(`  edge       parity ${m.edge.passed ? 'passed' : 'FAILED'} (max rel ${m.edge.maxRelError})`);
  return lines.join('\n');
}

function renderImport(r: BundleImportResult): string {
  const what = r.created ? 'imported' : 'already in the library:';
  return [
    `${what} ${r.model}:${r.version} (${r.verifiedFiles} files verified)`,
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
