// The edge target: the model optimised for CPU by onnxruntime itself, checked against the original on sample
// inputs, and served by the standalone server with conservative settings (one instance using every core, no
// batching, no cache). A model whose optimised outputs drift beyond the tolerance is not exported.
import { rm } from 'node:fs/promises';
import type { EdgeParity, ModelSignature, ServingSettings } from '../../../../src-shared/contract';
import { UserError } from '../../userError';
import type { BundleFolder } from '../bundleFolder';
import type { ExportSource } from '../exportSource';
import { writeStandaloneServer } from '../standalone/writeStandaloneServer';
import { checkEdgeParity } from './edgeParity';
import { optimizeForCpu } from './optimizeForCpu';
import { paritySamples } from './paritySamples';

/** Real rows for the parity check (a sample file or the reference dataset that fits the signature), if any. */
export type ParityRows = (signature: ModelSignature) => { rows: Record<string, unknown>[]; from: string } | null;

export interface EdgeBundleOptions {
  parityRows?: ParityRows;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

/** One instance whose intra-op threads are the edge box's cores (null: decided where it runs), on the CPU. */
export function edgeSettings(settings: ServingSettings): ServingSettings {
  return {
    ...settings,
    instances: 1,
    intraOpThreads: null,
    provider: 'cpu',
    dynamicBatching: { ...settings.dynamicBatching, enabled: false },
    cache: { ...settings.cache, enabled: false },
  };
}

export async function writeEdgeBundle(
  folder: BundleFolder,
  source: ExportSource,
  options: EdgeBundleOptions = {},
): Promise<EdgeParity> {
  const progress = options.onProgress ?? (() => {});
  // Optimised next to the bundle, not inside it: the server writer copies it to its place in edge/.
  const optimizedPath = `${folder.root}.edge-model.onnx`;
  try {
    progress(0, 'optimising the graph for CPU (onnxruntime)');
    const optimized = await optimizeForCpu({ modelPath: source.modelPath, outPath: optimizedPath });
    if (options.signal?.aborted) throw new UserError('cancelled', 'the export was cancelled');
    progress(0.4, 'checking the optimised model against the original');
    const given = options.parityRows?.(source.inspection) ?? null;
    const { samples, samplesFrom } = paritySamples({
      signature: source.inspection,
      rows: given?.rows,
      rowsFrom: given?.from,
      count: 32,
      seed: 1,
    });
    const parity = await checkEdgeParity({
      originalPath: source.modelPath,
      optimizedPath,
      signature: source.inspection,
      samples,
      samplesFrom,
    });
    const report: EdgeParity = {
      optimizationLevel: optimized.level,
      originalBytes: optimized.originalBytes,
      optimizedBytes: optimized.optimizedBytes,
      originalNodes: optimized.originalNodes,
      optimizedNodes: optimized.optimizedNodes,
      ...parity,
    };
    if (!report.passed) {
      const worst = [...report.outputs].sort((a, b) => b.maxRelError - a.maxRelError)[0];
      throw new UserError(
        'conflict',
        `the optimised model differs from the original beyond ${report.tolerance} relative error ` +
          `(${worst?.name ?? 'output'}: max rel ${worst?.maxRelError.toExponential(2)}, max abs ` +
          `${worst?.maxAbsError.toExponential(2)}); nothing was exported`,
      );
    }
    if (options.signal?.aborted) throw new UserError('cancelled', 'the export was cancelled');
    progress(0.8, 'writing the edge server');
    await folder.writeFile('edge/parity.json', `${JSON.stringify(report, null, 2)}\n`);
    await writeStandaloneServer(folder, {
      dir: 'edge',
      models: [{ source, modelFile: optimizedPath, settings: edgeSettings(source.settings) }],
      title: `${source.model}:${source.version} (edge)`,
      readmeExtra: edgeReadme(report),
    });
    progress(1, 'edge bundle written');
    return report;
  } finally {
    await rm(optimizedPath, { force: true });
  }
}

function edgeReadme(parity: EdgeParity): string {
  const rows = parity.outputs
    .map((o) => `| ${o.name} | ${o.elements} | ${o.maxAbsError.toExponential(2)} | ${o.maxRelError.toExponential(2)} |`)
    .join('\n');
  return [
    '## Edge model',
    '',
    `The model was optimised for CPU by onnxruntime (graph optimisation level \`${parity.optimizationLevel}\`, ` +
      `written with \`optimizedModelFilePath\`): ${parity.originalNodes} → ${parity.optimizedNodes} nodes, ` +
      `${parity.originalBytes} → ${parity.optimizedBytes} bytes.`,
    '',
    `Parity against the original on ${parity.samples} inputs (${parity.samplesFrom}); tolerance ` +
      `${parity.tolerance} relative: ${parity.passed ? 'passed' : 'FAILED'}.`,
    '',
    '| output | elements | max abs error | max rel error |',
    '|---|---|---|---|',
    rows,
    '',
    'Settings are conservative for a small box: one instance using every core, no batching, no response cache.',
  ].join('\n');
}
