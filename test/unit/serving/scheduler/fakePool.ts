// A stand-in for SessionPool whose runs finish when a test says so. It records every batch it is handed and
// answers row by row (y = 2x), so a request given someone else's rows shows up as wrong values.
import type { PoolRunResult } from '../../../../src-main/engine/runtime/sessionPool';
import type { WireTensor } from '../../../../src-main/engine/runtime/wireTensor';
import type { ModelSignature } from '../../../../src-shared/contract/modelInspection';
import type { Shape } from '../../../../src-shared/shapes';
import { sig } from '../../../helpers/signatures';

export interface FakeRun {
  inputs: WireTensor[];
  outputs: string[] | undefined;
  done: boolean;
  finish(): void;
  fail(error: Error): void;
}

export class FakePool {
  readonly runs: FakeRun[] = [];

  constructor(readonly instances = 1) {}

  run(inputs: WireTensor[], outputs?: string[]): Promise<PoolRunResult> {
    return new Promise((resolve, reject) => {
      const run: FakeRun = {
        inputs,
        outputs,
        done: false,
        finish: () => {
          run.done = true;
          resolve({ outputs: inputs.map(doubled), computeMs: 1, queueMs: 0, instance: 0 });
        },
        fail: (error) => {
          run.done = true;
          reject(error);
        },
      };
      this.runs.push(run);
    });
  }

  /** Runs handed over and not finished yet, oldest first. */
  get running(): FakeRun[] {
    return this.runs.filter((r) => !r.done);
  }

  /** Finishes the oldest unfinished run. */
  finishNext(): void {
    const run = this.running[0];
    if (!run) throw new Error('no run in flight');
    run.finish();
  }

  /** The first value of each row of input 0 of every run so far, one array per run. */
  batches(): number[][] {
    return this.runs.map((r) => rowFirsts(r.inputs[0]!));
  }
}

/** y = 2x, named after the input ('x' -> 'y', others keep their name with a "2" prefix). */
function doubled(t: WireTensor): WireTensor {
  const values = new Float32Array(t.data as ArrayBuffer).map((v) => v * 2);
  return { name: t.name === 'x' ? 'y' : `2${t.name}`, type: t.type, dims: [...t.dims], data: values.buffer };
}

/** A float32 tensor from rows of values. */
export function rows(values: number[][], name = 'x'): WireTensor {
  return {
    name,
    type: 'float32',
    dims: [values.length, values[0]?.length ?? 2],
    data: Float32Array.from(values.flat()).buffer,
  };
}

export const floats = (t: WireTensor): number[] => Array.from(new Float32Array(t.data as ArrayBuffer));

/** The first value of each row: tests put a request's id there. */
export function rowFirsts(t: WireTensor): number[] {
  const all = floats(t);
  const width = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: t.dims[0] ?? 0 }, (_, r) => all[r * width]!);
}

/** One float32 input x and output y, both [batch, ...rest]. */
export function signatureOf(rest: Shape = [2], first: string | number | null = 'batch'): ModelSignature {
  return { inputs: [sig('x', 'float32', [first, ...rest])], outputs: [sig('y', 'float32', [first, ...rest])] };
}

/** Lets promise chains settle (pool replies travel through a few awaits before a caller sees them). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
