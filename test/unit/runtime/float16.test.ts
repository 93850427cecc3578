// Half-precision conversion: the edge cases users hit (overflow, subnormals, signed zero, NaN) and an
// exhaustive check that every half and every midpoint between neighbours round as IEEE 754 says.
import { describe, expect, it } from 'vitest';
import {
  FLOAT16_MAX,
  fromFloat16Array,
  fromFloat16Bits,
  toFloat16Array,
  toFloat16Bits,
} from '../../../src-main/engine/runtime/float16';

describe('toFloat16Bits', () => {
  it('keeps zero and its sign', () => {
    expect(toFloat16Bits(0)).toBe(0x0000);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
  });

  it('encodes ordinary values exactly', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(0.5)).toBe(0x3800);
    expect(toFloat16Bits(FLOAT16_MAX)).toBe(0x7bff);
    expect(fromFloat16Bits(0x7bff)).toBe(65504);
  });

  it('overflows to infinity from 65520 up, and rounds just below it down to 65504', () => {
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(-65520)).toBe(0xfc00);
    expect(toFloat16Bits(1e10)).toBe(0x7c00);
    expect(toFloat16Bits(65519.99)).toBe(0x7bff);
    expect(toFloat16Bits(Infinity)).toBe(0x7c00);
    expect(toFloat16Bits(-Infinity)).toBe(0xfc00);
  });

  it('handles subnormals down to 2^-24 and flushes below half of it to zero (ties to even)', () => {
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
    expect(toFloat16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24: even is 0
    expect(toFloat16Bits(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(toFloat16Bits(-(2 ** -26))).toBe(0x8000);
    expect(toFloat16Bits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 units: even is 2
    expect(toFloat16Bits(1023 * 2 ** -24)).toBe(0x03ff);
    expect(toFloat16Bits(1023.5 * 2 ** -24)).toBe(0x0400); // rounds up into the smallest normal
    expect(toFloat16Bits(2 ** -14)).toBe(0x0400);
    expect(toFloat16Bits(1e-300)).toBe(0x0000);
  });

  it('rounds ties to even among normals', () => {
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // between 1 (even) and 1+2^-10
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // between 1+2^-10 (odd) and 1+2^-9
    expect(toFloat16Bits(2049)).toBe(toFloat16Bits(2048));
    expect(toFloat16Bits(2051)).toBe(toFloat16Bits(2052));
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
  });

  it('maps NaN to the quiet NaN and decodes every NaN pattern as NaN', () => {
    expect(toFloat16Bits(NaN)).toBe(0x7e00);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
    expect(fromFloat16Bits(0x7c01)).toBeNaN();
    expect(fromFloat16Bits(0xffff)).toBeNaN();
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity);
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity);
  });

  it('round-trips every finite half, and rounds every midpoint to the even neighbour', () => {
    const wrong: string[] = [];
    const check = (value: number, expected: number) => {
      const got = toFloat16Bits(value);
      if (got !== expected) wrong.push(`${value} -> 0x${got.toString(16)}, expected 0x${expected.toString(16)}`);
    };
    for (let bits = 0; bits < 0x7c00; bits++) {
      const value = fromFloat16Bits(bits);
      check(value, bits);
      check(-value, bits | 0x8000);
      // Past 65504 the next step would be 65536, so the midpoint 65520 is where overflow to Inf starts.
      const upper = bits === 0x7bff ? 65536 : fromFloat16Bits(bits + 1);
      const mid = (value + upper) / 2;
      const gap = upper - value;
      check(mid, bits % 2 === 0 ? bits : bits + 1);
      check(mid - gap / 1024, bits);
      check(mid + gap / 1024, bits + 1);
    }
    expect(wrong).toEqual([]);
  });

  it('converts arrays both ways', () => {
    const bits = toFloat16Array([1, -0, 65504, 2 ** -24]);
    expect(Array.from(bits)).toEqual([0x3c00, 0x8000, 0x7bff, 0x0001]);
    expect(Array.from(fromFloat16Array(bits))).toEqual([1, -0, 65504, 2 ** -24]);
  });
});
