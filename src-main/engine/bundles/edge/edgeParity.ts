// The edge bundle's numeric parity check: every sample through the original and the optimised model, each in
// its own worker-thread session pool on the CPU, and per output the largest absolute and relative error.
import type { EdgeParity, ModelSignature } from '../../../../src-shared/contract';
import { SessionPool } from '../../runtime/sessionPool';
import { TensorCodecError } from '../../runtime/tensorCodecError';
import type { WireTensor } from '../../runtime/wireTensor';
import { UserError } from '../../userError';
import { encodeSample } from './encodeSample';
import { OutputParityTally, ParityShapeError } from './outputParityTally';
import { DEFAULT_PARITY_TOLERANCE, PARITY_ABS_FLOOR } from './parityErrors';

export type EdgeParityCheck = Omit<
  EdgeParity,
  'optimizationLevel' | 'originalBytes' | 'optimizedBytes' | 'originalNodes' | 'optimizedNodes'
>;

export interface EdgeParityInput {
  originalPath: string;
  optimizedPath: string;
  /** The original model's signature: samples are encoded against it. */
  signature: ModelSignature;
  /** Nested-array JSON inputs per sample, one row (no batch axis) or a batch, as users write them. */
  samples: Record<string, unknown>[];
  samplesFrom: string;
  /** Relative tolerance (default 1e-4). */
  tolerance?: number;
  /** Absolute differences at or below this pass too (default PARITY_ABS_FLOOR, 1e-6; see floatError). */
  absFloor?: number;
}

/** Samples in flight per model at once: enough that neither worker waits on this thread. */
const IN_FLIGHT = 4;

const copyTensors = (tensors: readonly WireTensor[]): WireTensor[] =>
  tensors.map((t) => ({ ...t, data: t.data instanceof ArrayBuffer ? t.data.slice(0) : [...t.data] }));

async function openPool(modelPath: string): Promise<SessionPool> {
  // 'disabled' for both: the check measures what the offline rewrite changed, not what onnxruntime would
  // rewrite again online. No polling: this is batch work on a machine that may be serving.
  return SessionPool.open({
    modelPath,
    instances: 1,
    provider: 'cpu',
    graphOptimization: 'disabled',
    warmup: false,
    spinMicros: 0,
    replySpinMicros: 0,
  });
}

async function openBoth(originalPath: string, optimizedPath: string): Promise<[SessionPool, SessionPool]> {
  const [a, b] = await Promise.allSettled([openPool(originalPath), openPool(optimizedPath)]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  if (a.status === 'fulfilled') await a.value.close();
  if (b.status === 'fulfilled') await b.value.close();
  const failed =
    a.status === 'rejected'
      ? { path: originalPath, why: a.reason }
      : { path: optimizedPath, why: (b as PromiseRejectedResult).reason };
  const why = failed.why instanceof Error ? failed.why.message : String(failed.why);
  throw new UserError('bad-input', `the parity check cannot load ${failed.path}: ${why}`);
}

async function runSample(pool: SessionPool, inputs: WireTensor[], which: string, index: number): Promise<WireTensor[]> {
  try {
    return (await pool.run(inputs)).outputs;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new UserError('bad-input', `the ${which} model failed on parity sample ${index + 1}: ${why}`);
  }
}

/**
 * Runs every sample through both models and compares every output. passed: every element of every output is
 * within `tolerance` relative OR `absFloor` absolute (see floatError); maxAbsError/maxRelError are reported
 * either way, so a near-zero value that passed on the floor still shows its relative error. Integer, bool and
 * string outputs must match exactly. Throws when a sample does not fit the signature, a model fails on one, or
 * the two models' outputs differ in type or shape.
 */
export async function checkEdgeParity(input: EdgeParityInput): Promise<EdgeParityCheck> {
  const tolerance = input.tolerance ?? DEFAULT_PARITY_TOLERANCE;
  const absFloor = input.absFloor ?? PARITY_ABS_FLOOR;
  if (!(tolerance >= 0) || !(absFloor >= 0)) {
    throw new UserError(
      'bad-input',
      `tolerance and absFloor must be non-negative numbers, got ${tolerance} and ${absFloor}`,
    );
  }
  if (input.samples.length === 0) throw new UserError('bad-input', 'the parity check needs at least one sample');
  // Encode everything first, so a sample that does not fit fails before any worker starts.
  const requests = input.samples.map((sample, i) => {
    try {
      return encodeSample(input.signature, sample);
    } catch (error) {
      if (error instanceof TensorCodecError)
        throw new UserError('bad-input', `parity sample ${i + 1}: ${error.message}`);
      throw error;
    }
  });

  const tallies = new Map<string, OutputParityTally>();
  const tally = (name: string) => {
    let t = tallies.get(name);
    if (!t) tallies.set(name, (t = new OutputParityTally(name, { tolerance, absFloor })));
    return t;
  };
  const [original, optimized] = await openBoth(input.originalPath, input.optimizedPath);
  try {
    const compare = async (index: number) => {
      const inputs = requests[index] as WireTensor[];
      const [a, b] = await Promise.all([
        runSample(original, copyTensors(inputs), 'original', index),
        runSample(optimized, inputs, 'optimised', index),
      ]);
      for (const out of a) {
        const other = b.find((t) => t.name === out.name);
        if (!other) throw new ParityShapeError(`the optimised model has no output '${out.name}'`);
        tally(out.name).add(out, other);
      }
      const extra = b.find((t) => !a.some((o) => o.name === t.name));
      if (extra) throw new ParityShapeError(`the optimised model has an output '${extra.name}' the original lacks`);
    };
    // Lanes stop at the first failure and settle before the pools close, so no request outlives its pool.
    let next = 0;
    let failure: { error: unknown } | undefined;
    const lanes = Array.from({ length: Math.min(IN_FLIGHT, requests.length) }, async () => {
      while (next < requests.length && !failure) {
        try {
          await compare(next++);
        } catch (error) {
          failure ??= { error };
        }
      }
    });
    await Promise.all(lanes);
    if (failure) throw failure.error;
  } catch (error) {
    if (error instanceof ParityShapeError)
      throw new UserError('bad-input', `the parity check failed: ${error.message}`);
    throw error;
  } finally {
    await Promise.all([original.close(), optimized.close()]);
  }

  // In the original's output order, which is the order users and the manifest know.
  const order = input.signature.outputs.map((o) => o.name);
  const outputs = [...tallies.values()]
    .sort((x, y) => order.indexOf(x.name) - order.indexOf(y.name))
    .map((t) => t.result());
  return {
    samplesFrom: input.samplesFrom,
    samples: input.samples.length,
    outputs,
    maxAbsError: Math.max(0, ...outputs.map((o) => o.maxAbsError)),
    maxRelError: Math.max(0, ...outputs.map((o) => o.maxRelError)),
    tolerance,
    absFloor,
    passed: [...tallies.values()].every((t) => t.failedElements === 0),
  };
}
