// Builds inputs for a model nobody has data for yet (smoke runs, warm-up, load tests): seeded, so a run can
// be repeated byte for byte, and valued so that token ids and attention masks stay meaningful.
import type { TensorSignature } from '../../../src-shared/contract/modelInspection';
import { ELEMENT_TYPE_INFO, type ElementType } from '../../../src-shared/elementTypes';
import { elementCount, formatShape } from '../../../src-shared/shapes';
import { mulberry32 } from '../../../src-shared/seededRandom';
import { toFloat16Bits } from './float16';
import { closestName, elementView, feedableElementType } from './tensorCodec';
import { TensorCodecError } from './tensorCodecError';
import type { WireTensor } from './wireTensor';

export interface SyntheticInputOptions {
  /**
   * 'random': floats uniform in [0, 1), integers uniform in 0..9 (valid token ids and class indices for any
   * vocabulary), bools fair coin flips, strings "text-0".."text-9". 'zeros': zeros, false and empty strings.
   * In both, integer and bool inputs whose name contains "mask" are all 1/true, so attention masks select
   * every token and models that average over the mask never divide by zero.
   */
  fill: 'random' | 'zeros';
  /** PRNG seed (a 32-bit integer; default 0): the same seed and signature give the same bytes. */
  seed?: number;
  /** Sizes for the model's symbolic dims, e.g. { batch: 8, sequence: 32 }. */
  dims?: Record<string, number>;
  /** Size for symbolic dims not in `dims` and for unnamed dynamic dims (default 1). */
  defaultDim?: number;
}

export interface SyntheticInputs {
  /** One tensor per input, in the signature's order. */
  tensors: WireTensor[];
  /** The defaults applied: symbolic dims by name, unnamed dims as "<input> dim <index>". */
  appliedDims: Record<string, number>;
}

function checkSize(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TensorCodecError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function concreteShape(
  sig: TensorSignature,
  dims: Record<string, number>,
  defaultDim: number,
  applied: Record<string, number>,
): number[] {
  if (sig.shape === null) {
    throw new TensorCodecError(
      `input '${sig.name}' has no declared rank, so its shape cannot be made up; give it a value`,
      {
        tensor: sig.name,
      },
    );
  }
  return sig.shape.map((dim, i) => {
    if (typeof dim === 'number') return dim;
    if (typeof dim === 'string') {
      if (Object.hasOwn(dims, dim)) return dims[dim] as number;
      applied[dim] = defaultDim;
      return defaultDim;
    }
    applied[`${sig.name} dim ${i}`] = defaultDim;
    return defaultDim;
  });
}

function allocate<T>(sig: TensorSignature, shape: readonly number[], make: (count: number) => T): T {
  const count = elementCount(shape);
  try {
    return make(count);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new TensorCodecError(
      `input '${sig.name}': shape ${formatShape(shape)} has ${count} elements, too many to allocate; choose smaller dims`,
      { tensor: sig.name },
    );
  }
}

type SmallIntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

function fillTensor(
  sig: TensorSignature,
  type: ElementType,
  shape: number[],
  fill: 'random' | 'zeros',
  next: () => number,
): WireTensor {
  const random = fill === 'random';
  const isMask = /mask/i.test(sig.name);
  if (type === 'string') {
    const out = allocate(sig, shape, (n) => new Array<string>(n));
    for (let i = 0; i < out.length; i++) out[i] = random ? `text-${Math.floor(next() * 10)}` : '';
    return { name: sig.name, type, dims: shape, data: out };
  }
  const buffer = allocate(sig, shape, (n) => new ArrayBuffer(n * ELEMENT_TYPE_INFO[type].bytes));
  const tensor: WireTensor = { name: sig.name, type, dims: shape, data: buffer };
  const view = elementView(tensor);
  const n = view.length;
  switch (type) {
    case 'float16': {
      // Multiples of 2^-11 below 1 are exact halves, so rounding never lands on 1.0.
      const out = view as Uint16Array;
      if (random) for (let i = 0; i < n; i++) out[i] = toFloat16Bits(Math.floor(next() * 2048) / 2048);
      break;
    }
    case 'float32': {
      // Multiples of 2^-24 are exact in float32, keeping the range [0, 1) after rounding.
      const out = view as Float32Array;
      if (random) for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 16777216) / 16777216;
      break;
    }
    case 'float64': {
      const out = view as Float64Array;
      if (random) for (let i = 0; i < n; i++) out[i] = next();
      break;
    }
    case 'int64':
    case 'uint64': {
      const out = view as BigInt64Array | BigUint64Array;
      if (isMask) out.fill(1n);
      else if (random) for (let i = 0; i < n; i++) out[i] = BigInt(Math.floor(next() * 10));
      break;
    }
    default: {
      // bool and the small integer types: one number per element.
      const out = view as SmallIntArray;
      if (isMask) out.fill(1);
      else if (random && type === 'bool') for (let i = 0; i < n; i++) out[i] = next() < 0.5 ? 1 : 0;
      else if (random) for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 10);
    }
  }
  return tensor;
}

/**
 * One tensor per input, shaped by `dims` and `defaultDim`. Throws for a name in `dims` the model does not
 * use, and for inputs that are not feedable tensors.
 */
export function makeSyntheticInputs(inputs: readonly TensorSignature[], opts: SyntheticInputOptions): SyntheticInputs {
  if (opts.fill !== 'random' && opts.fill !== 'zeros') {
    throw new TensorCodecError(`fill must be 'random' or 'zeros', got ${String(opts.fill)}`);
  }
  const dims = opts.dims ?? {};
  const defaultDim = checkSize('defaultDim', opts.defaultDim ?? 1);
  const seed = opts.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new TensorCodecError(`seed must be an integer, got ${String(seed)}`);

  const symbolic = [
    ...new Set(inputs.flatMap((i) => (i.shape ?? []).filter((d): d is string => typeof d === 'string'))),
  ];
  for (const [name, size] of Object.entries(dims)) {
    if (!symbolic.includes(name)) {
      const known =
        symbolic.length > 0
          ? `the model's symbolic dims are: ${symbolic.join(', ')}`
          : 'the model has no symbolic dims';
      const guess = closestName(name, symbolic);
      throw new TensorCodecError(`unknown dim '${name}'; ${known}${guess ? ` (did you mean '${guess}'?)` : ''}`);
    }
    checkSize(`dim '${name}'`, size);
  }

  const types = inputs.map(feedableElementType);
  const next = mulberry32(seed);
  const appliedDims: Record<string, number> = {};
  const tensors = inputs.map((sig, i) =>
    fillTensor(sig, types[i] as ElementType, concreteShape(sig, dims, defaultDim, appliedDims), opts.fill, next),
  );
  return { tensors, appliedDims };
}
