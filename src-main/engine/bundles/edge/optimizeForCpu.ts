// Writes a CPU-optimised copy of an ONNX model for the edge bundle: onnxruntime's own graph optimisations,
// saved through optimizedModelFilePath by a session created in a worker thread, then checked and moved in place.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ModelInspection } from '../../../../src-shared/contract';
import { inspectOnnxFile } from '../../onnx/inspectOnnxFile';
import { inspectModelFile } from '../../onnx/inspectModelFile';
import { siblingScript, startSiblingWorker } from '../../runtime/siblingScript';
import { UserError } from '../../userError';

export type CpuOptimizationLevel = 'basic' | 'extended' | 'all';

/**
 * 'extended', not 'all'. onnxruntime's graph-optimisation docs: layout optimisations ('all' adds them, e.g.
 * the NCHWc rewrite that turns squeezenet's convolutions into com.microsoft.nchwc ops with a block size chosen
 * for this CPU's vector width) tie an offline-saved model to hardware compatible with the machine that saved
 * it, and offline optimisation should use the same options and hardware as the target. The edge box is not
 * this machine. 'extended' (constant folding, Gemm/Conv/MatMul activation fusions, ...) only uses kernels every
 * CPU build of onnxruntime has, and the edge server still applies layout optimisations online, on its own CPU.
 */
export const DEFAULT_CPU_OPTIMIZATION_LEVEL: CpuOptimizationLevel = 'extended';

const LEVELS: readonly CpuOptimizationLevel[] = ['basic', 'extended', 'all'];

export interface OptimizeForCpuInput {
  modelPath: string;
  /** Where the optimised model goes; must end in .onnx (onnxruntime writes its own ORT format for .ort) and
   * must not exist yet. Nothing is left there unless the whole optimisation succeeded. */
  outPath: string;
  level?: CpuOptimizationLevel;
}

export interface CpuOptimization {
  level: CpuOptimizationLevel;
  originalBytes: number;
  optimizedBytes: number;
  originalNodes: number;
  optimizedNodes: number;
  /** Session creation time in the worker, which is the optimisation itself. */
  seconds: number;
}

/** What the worker is given (workerData). */
export interface OptimizeWorkerData {
  modelPath: string;
  outPath: string;
  level: CpuOptimizationLevel;
}

/** The worker's one message: `stage` says whether optimising or re-loading the written file failed. */
export type OptimizeWorkerReply =
  { ok: true; seconds: number } | { ok: false; stage: 'optimize' | 'reload'; error: string };

function runWorker(data: OptimizeWorkerData): Promise<OptimizeWorkerReply> {
  const worker = startSiblingWorker(siblingScript(import.meta.url, 'optimizeWorker'), {
    workerData: data,
    name: 'optimize-for-cpu',
  });
  return new Promise((resolve, reject) => {
    let reply: OptimizeWorkerReply | undefined;
    worker.once('message', (m: OptimizeWorkerReply) => (reply = m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (reply) resolve(reply);
      else reject(new Error(`the optimisation worker exited with code ${code} before it answered`));
    });
  });
}

/** The signature the edge server will see must be the original's: same inputs and outputs, names and types. */
function signatureChange(original: ModelInspection, optimized: ModelInspection): string | null {
  const describe = (m: ModelInspection) =>
    JSON.stringify(
      [m.inputs, m.outputs].map((list) => list.map((t) => [t.name, t.kind, t.elementType, t.shape?.length])),
    );
  return describe(original) === describe(optimized)
    ? null
    : `its inputs/outputs differ from the original's (${describe(optimized)} against ${describe(original)})`;
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Optimises `modelPath` for the CPU provider at `level` (default DEFAULT_CPU_OPTIMIZATION_LEVEL) and writes it
 * to `outPath`. The written file is checked to be a self-contained ONNX model (no external data) that
 * onnxruntime loads, with the original's inputs and outputs; on any failure nothing is left behind.
 */
export async function optimizeForCpu(input: OptimizeForCpuInput): Promise<CpuOptimization> {
  const level = input.level ?? DEFAULT_CPU_OPTIMIZATION_LEVEL;
  if (!LEVELS.includes(level)) {
    throw new UserError('bad-input', `optimisation level must be one of ${LEVELS.join(', ')}, got '${String(level)}'`);
  }
  if (extname(input.outPath).toLowerCase() !== '.onnx') {
    throw new UserError('bad-input', `the optimised model's path must end in .onnx, got ${input.outPath}`);
  }
  if (existsSync(input.outPath)) {
    throw new UserError(
      'conflict',
      `${input.outPath} already exists; the optimised model is only written to a new path`,
    );
  }
  const original = inspectModelFile(input.modelPath);

  await mkdir(dirname(input.outPath), { recursive: true });
  // Beside the target, so the final rename stays on one file system; still .onnx, which picks onnxruntime's format.
  const partial = join(
    dirname(input.outPath),
    `.${basename(input.outPath, '.onnx')}.${randomBytes(6).toString('hex')}.partial.onnx`,
  );
  try {
    const reply = await runWorker({ modelPath: input.modelPath, outPath: partial, level });
    if (!reply.ok) {
      const what =
        reply.stage === 'optimize' ? 'could not optimise' : 'wrote an optimised model it cannot load again, from';
      throw new UserError('bad-input', `onnxruntime ${what} ${input.modelPath} (level ${level}): ${reply.error}`);
    }
    let optimized: ModelInspection;
    try {
      optimized = inspectOnnxFile(partial);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(`onnxruntime did not write a readable model for ${input.modelPath}: ${why}`);
    }
    if (optimized.externalDataFiles.length > 0) {
      throw new Error(
        `the optimised model of ${input.modelPath} keeps its weights in external files (${optimized.externalDataFiles.join(', ')}); an edge bundle needs one self-contained .onnx file`,
      );
    }
    const changed = signatureChange(original, optimized);
    if (changed) throw new Error(`the optimised model of ${input.modelPath} is not usable in its place: ${changed}`);
    await fsyncFile(partial);
    await rename(partial, input.outPath);
    return {
      level,
      originalBytes: original.fileBytes,
      optimizedBytes: optimized.fileBytes,
      originalNodes: original.nodeCount,
      optimizedNodes: optimized.nodeCount,
      seconds: reply.seconds,
    };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
