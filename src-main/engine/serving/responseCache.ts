// Remembers a version's responses by a hash of everything that decides them (model, version, every input's
// name, dtype, shape and bytes, the outputs asked for), evicting least-recently-used entries by bytes held.
import { createHash, type Hash } from 'node:crypto';
import type { WireTensor } from '../runtime/wireTensor';

export interface ResponseCacheStats {
  entries: number;
  /** Output bytes held (element bytes; strings by their UTF-8 length). */
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

interface CacheEntry {
  outputs: WireTensor[];
  bytes: number;
}

const copyTensor = (t: WireTensor): WireTensor => ({
  name: t.name,
  type: t.type,
  dims: [...t.dims],
  data: Array.isArray(t.data) ? [...t.data] : t.data.slice(0),
});

function tensorBytes(t: WireTensor): number {
  if (!Array.isArray(t.data)) return t.data.byteLength;
  let n = 0;
  for (const s of t.data) n += Buffer.byteLength(s, 'utf8');
  return n;
}

/** Length-prefixed, so no two different field sequences hash the same bytes ("ab"+"c" vs "a"+"bc"). */
function field(hash: Hash, value: string | Uint8Array): void {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.byteLength));
  hash.update(length);
  hash.update(bytes);
}

export class ResponseCache {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, CacheEntry>();
  private bytes = 0;
  private counts = { hits: 0, misses: 0, evictions: 0 };

  constructor(readonly maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new RangeError(`maxBytes must be a non-negative number, got ${maxBytes}`);
    }
  }

  /** Computed before the inputs go to the scheduler, which may transfer their buffers away. */
  key(model: string, version: string | number, inputs: readonly WireTensor[], outputs?: readonly string[]): string {
    const hash = createHash('sha256');
    field(hash, model);
    field(hash, String(version));
    field(hash, String(inputs.length));
    for (const t of inputs) {
      field(hash, t.name);
      field(hash, t.type);
      field(hash, t.dims.join(','));
      if (Array.isArray(t.data)) {
        field(hash, String(t.data.length));
        for (const s of t.data) field(hash, s);
      } else {
        field(hash, new Uint8Array(t.data));
      }
    }
    // All outputs and an explicit list of all of them are answered differently (order, names), so they differ.
    field(hash, outputs === undefined ? '*' : JSON.stringify(outputs));
    return hash.digest('hex');
  }

  /** Copies of the stored outputs, so the caller may transfer or change them; undefined on a miss. */
  get(key: string): WireTensor[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.outputs.map(copyTensor);
  }

  /** Stores copies (the caller usually sends the originals on); an entry larger than the whole cache is not kept. */
  set(key: string, outputs: readonly WireTensor[]): void {
    const size = outputs.reduce((n, t) => n + tensorBytes(t), 0);
    this.delete(key);
    if (size > this.maxBytes) return;
    this.entries.set(key, { outputs: outputs.map(copyTensor), bytes: size });
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
      this.counts.evictions++;
    }
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): ResponseCacheStats {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, ...this.counts };
  }
}
