// IEEE 754 binary16 ("half") conversion, exact in both directions: Node 20 has no Float16Array, and
// onnxruntime-node carries float16 tensors as their raw bits in a Uint16Array.

/** Largest finite half: 65504. */
export const FLOAT16_MAX = 65504;

const POW2_24 = 2 ** 24;
const MIN_NORMAL = 2 ** -14;

// Scratch view to read a double's exponent exactly; Math.log2 can be off by one near powers of two.
const scratch = new DataView(new ArrayBuffer(8));

function roundHalfToEven(m: number): number {
  // m < 2^12 here, so floor and the difference are exact.
  const f = Math.floor(m);
  const diff = m - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The half bits nearest to `value` (round to nearest, ties to even), rounding the double directly so that a
 * float64 source is not rounded twice. Finite values at or beyond 65520 overflow to ±Infinity; NaN becomes
 * the quiet NaN 0x7e00; -0 keeps its sign.
 */
export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a === Infinity) return sign | 0x7c00;
  if (a < MIN_NORMAL) {
    // Subnormal range: units of 2^-24. Rounding up to 1024 lands exactly on the smallest normal's bits.
    return sign | roundHalfToEven(a * POW2_24);
  }
  scratch.setFloat64(0, a);
  let exponent = ((scratch.getUint32(0) >>> 20) & 0x7ff) - 1023;
  if (exponent > 15) return sign | 0x7c00;
  // Scaling by a power of two is exact, leaving the 10 mantissa bits plus the implicit 1 in [1024, 2048).
  let mantissa = roundHalfToEven(a * 2 ** (10 - exponent));
  if (mantissa === 2048) {
    mantissa = 1024;
    exponent += 1;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | (mantissa - 1024);
}

/** The exact value of half bits (only the low 16 bits are read). */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** Rounds each value to half bits. */
export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i] as number);
  return out;
}

/** Decodes half bits to their exact values. */
export function fromFloat16Array(bits: Uint16Array): Float64Array {
  const out = new Float64Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromFloat16Bits(bits[i] as number);
  return out;
}
