// Runs library versions: loads a version into a session pool (kept until closeAll), encodes the caller's
// inputs or synthetic ones against the session's signature, runs, and decodes the outputs with timings.
import type { ProviderChoice, RunResult } from '../../src-shared/contract';
import type { ModelLibrary } from './library/modelLibrary';
import type { ModelRef } from './library/modelName';
import { SessionPool } from './runtime/sessionPool';
import { makeSyntheticInputs } from './runtime/syntheticInputs';
import { decodeOutput, encodeInputs, type DimBindings } from './runtime/tensorCodec';
import { TensorCodecError } from './runtime/tensorCodecError';
import type { WireTensor } from './runtime/wireTensor';
import { UserError } from './userError';

export type RunInputs =
  { kind: 'values'; values: Record<string, unknown> } | { kind: 'synthetic'; fill: 'random' | 'zeros'; seed?: number };

export interface LoadSettings {
  provider?: ProviderChoice;
  instances?: number;
  intraOpThreads?: number;
}

export interface RunOptions extends LoadSettings {
  dims?: DimBindings;
  outputs?: string[];
  /** Runs of the same inputs, for timing (default 1); outputs are those of the last. */
  repeat?: number;
}

export class ModelRunner {
  private readonly pools = new Map<string, Promise<SessionPool>>();

  constructor(private readonly library: ModelLibrary) {}

  /** The pool serving a version with these settings, started on first use. */
  load(ref: ModelRef, settings: LoadSettings = {}): Promise<SessionPool> {
    const version = this.library.get(ref);
    const key = JSON.stringify([
      version.sha256,
      settings.provider ?? 'auto',
      settings.instances ?? 1,
      settings.intraOpThreads,
    ]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = SessionPool.open({
        modelPath: this.library.filePath(version),
        provider: settings.provider,
        instances: settings.instances,
        intraOpThreads: settings.intraOpThreads,
        weightBytes: version.inspection.parameterBytes,
      });
      this.pools.set(key, pool);
      pool.catch(() => this.pools.delete(key));
    }
    return pool;
  }

  async run(ref: ModelRef, inputs: RunInputs, options: RunOptions = {}): Promise<RunResult> {
    const version = this.library.get(ref);
    const pool = await this.load(ref, options);
    const { tensors, appliedDims } = encode(pool.signature.inputs, inputs, options.dims ?? {});
    if (options.outputs) {
      const known = pool.signature.outputs.map((o) => o.name);
      const unknown = options.outputs.find((o) => !known.includes(o));
      if (unknown)
        throw new UserError('bad-input', `unknown output '${unknown}'; the model's outputs are: ${known.join(', ')}`);
    }
    const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
    const wall: number[] = [];
    const compute: number[] = [];
    let outputs: WireTensor[] = [];
    for (let i = 0; i < repeat; i++) {
      const started = performance.now();
      let result;
      try {
        // The pool takes ownership of the buffers it is given, so every run gets its own copy.
        result = await pool.run(tensors.map(copyTensor), options.outputs);
      } catch (error) {
        throw new UserError(
          'bad-input',
          `${version.model}:${version.version} failed to run: ${(error as Error).message}`,
        );
      }
      wall.push(performance.now() - started);
      compute.push(result.computeMs);
      outputs = result.outputs;
    }
    return {
      model: version.model,
      version: version.version,
      provider: pool.decision,
      inputs: tensors.map((t) => ({ name: t.name, elementType: t.type, shape: t.dims })),
      appliedDims,
      outputs: outputs.map(decodeOutput),
      timing: {
        loadMs: round(pool.loadMs),
        warmupMs: pool.warmupMs === null ? null : round(pool.warmupMs),
        runs: repeat,
        medianMs: round(median(wall)),
        minMs: round(Math.min(...wall)),
        maxMs: round(Math.max(...wall)),
        computeMedianMs: round(median(compute)),
      },
    };
  }

  async closeAll(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(async (p) => (await p.catch(() => undefined))?.close()));
  }
}

function encode(
  signature: Parameters<typeof encodeInputs>[0],
  inputs: RunInputs,
  dims: DimBindings,
): { tensors: WireTensor[]; appliedDims: Record<string, number> } {
  try {
    if (inputs.kind === 'synthetic')
      return makeSyntheticInputs(signature, { fill: inputs.fill, seed: inputs.seed, dims });
    return { tensors: encodeInputs(signature, inputs.values, dims), appliedDims: {} };
  } catch (error) {
    if (error instanceof TensorCodecError) throw new UserError('bad-input', error.message);
    throw error;
  }
}

function copyTensor(t: WireTensor): WireTensor {
  return { ...t, dims: [...t.dims], data: Array.isArray(t.data) ? [...t.data] : t.data.slice(0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
