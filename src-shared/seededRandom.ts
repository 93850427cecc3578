// A small seeded PRNG (mulberry32): the same seed gives the same sequence on every machine, so synthetic
// inputs and traffic schedules can be repeated exactly. Not for anything secret.

/** Uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The same stream as mulberry32(seed), drawn as whole numbers in [0, n) — exactly Math.floor(random() * n) for
 * each number in turn — a whole array per call: a bootstrap draws millions, and a call per number costs more
 * than the number.
 */
export function mulberry32Indices(seed: number): (out: Uint32Array, n: number) => void {
  let state = seed >>> 0;
  return (out, n) => {
    let s = state;
    for (let i = 0; i < out.length; i++) {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    }
    state = s;
  };
}
