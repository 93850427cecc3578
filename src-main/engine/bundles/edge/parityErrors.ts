// The error arithmetic of the edge parity check: how far one element of the optimised model's output lies from
// the original's, and whether that is close enough to call the two models the same.

/** Relative tolerance the issue asks of an edge model (1e-4 of the larger magnitude). */
export const DEFAULT_PARITY_TOLERANCE = 1e-4;

/**
 * Absolute differences at or below this pass whatever their relative size. Fused kernels reorder float sums,
 * so an output that should be about zero (a logit near 0, a probability of 1e-9) can differ by a few float32
 * ulps of the terms that cancelled, which is a large *relative* error on a meaningless value. 1e-6 is about
 * eight float32 ulps at magnitude 1 and far below any difference a prediction or score could show.
 */
export const PARITY_ABS_FLOOR = 1e-6;

/** Absolute error recorded for a non-finite mismatch (NaN against a number, ±Infinity against anything else):
 * JSON, and so the manifest, cannot hold Infinity, and the largest double says "as far apart as it gets". */
export const NON_FINITE_ABS_ERROR = Number.MAX_VALUE;

export interface ElementError {
  absError: number;
  /** |a - b| / max(|a|, |b|); 0 when both are 0. */
  relError: number;
  /** Whether the pair passes the rule of `closeEnough`. */
  passed: boolean;
}

export interface ParityRule {
  /** Relative tolerance. */
  tolerance: number;
  /** Absolute differences at or below this always pass (see PARITY_ABS_FLOOR). */
  absFloor: number;
}

/**
 * Two floats. NaN equals only NaN and an infinity only itself; a non-finite mismatch counts as completely
 * different (relative error 1). Finite pairs pass when |a - b| <= tolerance * max(|a|, |b|) OR
 * |a - b| <= absFloor: the relative rule for ordinary values, the floor for values near zero.
 */
export function floatError(a: number, b: number, rule: ParityRule): ElementError {
  if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(a) || !Number.isFinite(b)) {
    const same = Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
    return same
      ? { absError: 0, relError: 0, passed: true }
      : { absError: NON_FINITE_ABS_ERROR, relError: 1, passed: false };
  }
  const absError = Math.abs(a - b);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  const relError = scale > 0 ? absError / scale : 0;
  return { absError, relError, passed: absError <= rule.tolerance * scale || absError <= rule.absFloor };
}

/** Integers, bools (as 0/1) and strings compare exactly: any mismatch is relative error 1. */
export function exactError(a: number | bigint | string, b: number | bigint | string): ElementError {
  if (a === b) return { absError: 0, relError: 0, passed: true };
  let absError = 1;
  if (typeof a === 'bigint' && typeof b === 'bigint') absError = Number(a > b ? a - b : b - a);
  else if (typeof a === 'number' && typeof b === 'number') absError = Math.abs(a - b);
  return { absError, relError: 1, passed: false };
}
