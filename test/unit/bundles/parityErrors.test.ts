// The parity check's arithmetic: relative error against the larger magnitude, the absolute floor for values
// near zero, exact integers, NaN equal only to NaN, and per-output maxima across samples.
import { describe, expect, it } from 'vitest';
import { OutputParityTally, ParityShapeError } from '../../../src-main/engine/bundles/edge/outputParityTally';
import {
  DEFAULT_PARITY_TOLERANCE,
  exactError,
  floatError,
  NON_FINITE_ABS_ERROR,
  PARITY_ABS_FLOOR,
} from '../../../src-main/engine/bundles/edge/parityErrors';
import { toFloat16Bits } from '../../../src-main/engine/runtime/float16';
import type { WireTensor } from '../../../src-main/engine/runtime/wireTensor';
import type { ElementType } from '../../../src-shared/elementTypes';

const rule = { tolerance: DEFAULT_PARITY_TOLERANCE, absFloor: PARITY_ABS_FLOOR };

function tensor(type: ElementType, dims: number[], values: number[] | bigint[] | string[]): WireTensor {
  const make: Record<string, (v: never[]) => { buffer: ArrayBuffer }> = {
    float32: (v) => Float32Array.from(v),
    float64: (v) => Float64Array.from(v),
    float16: (v) => Uint16Array.from((v as number[]).map(toFloat16Bits)),
    int64: (v) => BigInt64Array.from(v),
    int32: (v) => Int32Array.from(v),
    uint8: (v) => Uint8Array.from(v),
    bool: (v) => Uint8Array.from(v),
  };
  if (type === 'string') return { name: 'o', type, dims, data: values as string[] };
  return { name: 'o', type, dims, data: make[type]!(values as never[]).buffer };
}

describe('floatError', () => {
  it('is |a-b| over the larger magnitude, and passes within the relative tolerance', () => {
    const e = floatError(1, 1.00005, rule);
    expect(e.absError).toBeCloseTo(5e-5, 12);
    expect(e.relError).toBeCloseTo(5e-5 / 1.00005, 12);
    expect(e.passed).toBe(true);
    // A sign flip is the largest finite relative error there is.
    expect(floatError(-2, 2, rule)).toEqual({ absError: 4, relError: 2, passed: false });
    expect(floatError(100, 100.02, rule).passed).toBe(false); // 2e-4 relative
    expect(floatError(0, 0, rule)).toEqual({ absError: 0, relError: 0, passed: true });
  });

  it('lets tiny values pass on the absolute floor while still reporting their relative error', () => {
    const e = floatError(1e-9, 3e-9, rule);
    expect(e.relError).toBeCloseTo(2 / 3, 12);
    expect(e.passed).toBe(true);
    expect(floatError(0, 2e-6, rule).passed).toBe(false); // above the floor, and 100% relative
    expect(floatError(0, 2e-6, { tolerance: 1e-4, absFloor: 0 }).passed).toBe(false);
    expect(floatError(1e-9, 3e-9, { tolerance: 1e-4, absFloor: 0 }).passed).toBe(false);
  });

  it('treats NaN as equal only to NaN and an infinity only to itself', () => {
    expect(floatError(NaN, NaN, rule)).toEqual({ absError: 0, relError: 0, passed: true });
    expect(floatError(Infinity, Infinity, rule).passed).toBe(true);
    expect(floatError(NaN, 0, rule)).toEqual({ absError: NON_FINITE_ABS_ERROR, relError: 1, passed: false });
    expect(floatError(1, NaN, rule).passed).toBe(false);
    expect(floatError(Infinity, -Infinity, rule).passed).toBe(false);
    expect(floatError(Infinity, 3e38, rule).relError).toBe(1);
    // The manifest is JSON: no error may be Infinity or NaN.
    expect(Number.isFinite(floatError(Infinity, 1, rule).absError)).toBe(true);
  });
});

describe('exactError', () => {
  it('counts any integer, bool or string mismatch as relative error 1', () => {
    expect(exactError(3, 3)).toEqual({ absError: 0, relError: 0, passed: true });
    expect(exactError(3, 5)).toEqual({ absError: 2, relError: 1, passed: false });
    expect(exactError(10n, 7n)).toEqual({ absError: 3, relError: 1, passed: false });
    expect(exactError('a', 'b')).toEqual({ absError: 1, relError: 1, passed: false });
  });
});

describe('OutputParityTally', () => {
  it('keeps the largest errors over every sample and counts elements', () => {
    const t = new OutputParityTally('o', rule);
    t.add(tensor('float32', [1, 3], [1, 2, 3]), tensor('float32', [1, 3], [1, 2, 3]));
    t.add(tensor('float32', [1, 3], [10, 0.5, -4]), tensor('float32', [1, 3], [10.0005, 0.5, -4]));
    const r = t.result();
    expect(r.name).toBe('o');
    expect(r.elements).toBe(6);
    expect(r.maxAbsError).toBeCloseTo(5e-4, 5);
    expect(r.maxRelError).toBeCloseTo(5e-5, 6);
    expect(t.failedElements).toBe(0);
    t.add(tensor('float32', [1, 1], [1]), tensor('float32', [1, 1], [1.001]));
    expect(t.failedElements).toBe(1);
    expect(t.result().maxRelError).toBeCloseTo(1e-3, 5);
  });

  it('compares float16 by value and integers and bools exactly', () => {
    const half = new OutputParityTally('h', rule);
    half.add(tensor('float16', [2], [0.5, 1]), tensor('float16', [2], [0.5, 1]));
    expect(half.result().maxAbsError).toBe(0);
    const ints = new OutputParityTally('label', rule);
    ints.add(tensor('int64', [3], [1n, 0n, 1n]), tensor('int64', [3], [1n, 1n, 1n]));
    expect(ints.result()).toEqual({ name: 'label', elements: 3, maxAbsError: 1, maxRelError: 1 });
    expect(ints.failedElements).toBe(1);
    const flags = new OutputParityTally('mask', rule);
    flags.add(tensor('bool', [2], [1, 0]), tensor('bool', [2], [1, 0]));
    expect(flags.failedElements).toBe(0);
    const strings = new OutputParityTally('s', rule);
    strings.add(tensor('string', [2], ['a', 'b']), tensor('string', [2], ['a', 'c']));
    expect(strings.failedElements).toBe(1);
  });

  it('refuses outputs whose type or shape differ, naming both', () => {
    const t = new OutputParityTally('y', rule);
    expect(() => t.add(tensor('float32', [1, 2], [1, 2]), tensor('float64', [1, 2], [1, 2]))).toThrow(
      /'y' is float64 in the optimised model but float32 in the original/,
    );
    expect(() => t.add(tensor('float32', [1, 2], [1, 2]), tensor('float32', [2, 1], [1, 2]))).toThrow(ParityShapeError);
  });
});
