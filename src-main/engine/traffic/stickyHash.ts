// Where a sticky route key lands: a stable 32-bit hash of its UTF-8 bytes turned into a point in [0, 100), the
// same on every run and machine, so a key keeps its version for as long as the weights stay.

const encoder = new TextEncoder();

/** FNV-1a over the UTF-8 bytes, then murmur3's finalizer: FNV alone leaves similar keys ("user-1", "user-2")
 * close together, which would put them in the same weight band. */
export function stableHash(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key's point in [0, 100) against the cumulative weights. */
export function routePoint(key: string): number {
  return (stableHash(key) / 4294967296) * 100;
}
