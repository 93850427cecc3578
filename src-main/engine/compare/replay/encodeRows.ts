// Casts a run of dataset rows (float64, row-major) to the tensor an input takes: float types by rounding,
// integer and bool types only from whole numbers in range, so a bad value is a clear error, never a wrap-around.
import { ELEMENT_TYPE_INFO } from '../../../../src-shared/elementTypes';
import { toFloat16Array } from '../../runtime/float16';
import type { WireTensor } from '../../runtime/wireTensor';
import { UserError } from '../../userError';
import type { InputPlan } from './replayPlan';

/**
 * Rows [from, from + count) of `values` (whose first row is dataset row `firstRow`) as one request for `plan`,
 * padded to `padTo` rows with copies of the last row. The buffer is new: the pool may take it.
 */
export function encodeRows(
  plan: InputPlan,
  values: Float64Array,
  firstRow: number,
  from: number,
  count: number,
  padTo: number = count,
): WireTensor {
  const size = plan.rowSize;
  const rows = Math.max(count, padTo);
  let source = values.subarray(from * size, (from + count) * size);
  if (rows > count) {
    const padded = new Float64Array(rows * size);
    padded.set(source);
    const last = source.subarray((count - 1) * size);
    for (let r = count; r < rows; r++) padded.set(last, r * size);
    source = padded;
  }
  check(plan, source, firstRow + from, count * size);
  const dims = plan.batched ? [rows, ...plan.rowShape] : [...plan.rowShape];
  return { name: plan.name, type: plan.type, dims, data: cast(plan, source) };
}

function cast(plan: InputPlan, source: Float64Array): ArrayBuffer {
  switch (plan.type) {
    case 'float32':
      // The typed-array constructor converts each double to the nearest float32, natively.
      return new Float32Array(source).buffer;
    case 'float64':
      return new Float64Array(source).buffer;
    case 'float16':
      // A fresh Uint16Array, so its buffer is a plain ArrayBuffer (the declared type is wider).
      return toFloat16Array(source).buffer as ArrayBuffer;
    case 'int64': {
      const out = new BigInt64Array(source.length);
      for (let i = 0; i < source.length; i++) out[i] = BigInt(source[i]!);
      return out.buffer;
    }
    case 'uint64': {
      const out = new BigUint64Array(source.length);
      for (let i = 0; i < source.length; i++) out[i] = BigInt(source[i]!);
      return out.buffer;
    }
    case 'int8':
      return new Int8Array(source).buffer;
    case 'int16':
      return new Int16Array(source).buffer;
    case 'int32':
      return new Int32Array(source).buffer;
    case 'uint8':
      return new Uint8Array(source).buffer;
    case 'uint16':
      return new Uint16Array(source).buffer;
    case 'uint32':
      return new Uint32Array(source).buffer;
    case 'bool':
      return Uint8Array.from(source, (v) => (v !== 0 ? 1 : 0)).buffer;
    case 'string':
      throw new UserError('bad-input', `input '${plan.name}' takes strings; a replayed dataset holds numbers`);
  }
}

/** Integer and bool inputs: every value (padding excluded) must be a whole number in the type's range. */
function check(plan: InputPlan, source: Float64Array, firstRow: number, checked: number): void {
  const info = ELEMENT_TYPE_INFO[plan.type];
  if (info.kind === 'float') return;
  const min = info.kind === 'bool' ? 0 : Number(info.min);
  const max = info.kind === 'bool' ? 1 : Number(info.max);
  for (let i = 0; i < checked; i++) {
    const v = source[i]!;
    if (Number.isInteger(v) && v >= min && v <= max) continue;
    const row = firstRow + Math.floor(i / plan.rowSize);
    const what = Number.isNaN(v) ? 'a missing value' : String(v);
    throw new UserError(
      'bad-input',
      `row ${row}, input '${plan.name}' element ${i % plan.rowSize}: ${what} cannot be fed as ${plan.type} (expected a whole number ${min}..${max})`,
    );
  }
}
