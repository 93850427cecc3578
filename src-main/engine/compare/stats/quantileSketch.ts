// A mergeable quantile sketch in bounded memory (KLL, Karnin–Lang–Liberty 2016, with lazy compaction as in
// Ivkin et al.'s reference code): the dataset profile keeps one per feature and live drift compares against it.
import { mulberry32 } from '../../../../src-shared/seededRandom';

/** k = 256: about 3k stored values (~25 KB while filling, a few KB serialised), rank error well under 1 %. */
export const DEFAULT_SKETCH_K = 256;

const CAPACITY_DECAY = 2 / 3;
const FORMAT_VERSION = 1;
/** Compaction coins come from a fixed seed, so the same stream gives the same sketch on every machine. */
const COIN_SEED = 0x5eed;

function levelCapacity(k: number, level: number, levels: number): number {
  return Math.max(2, Math.ceil(k * CAPACITY_DECAY ** (levels - level - 1)));
}

/** A growable run of float64s; `values` is reused between compactions so `add` allocates nothing. */
class Level {
  values: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(8, capacity));
  }
  push(x: number): void {
    if (this.length === this.values.length) this.grow(this.length + 1);
    this.values[this.length++] = x;
  }
  grow(min: number): void {
    let size = this.values.length * 2;
    while (size < min) size *= 2;
    const next = new Float64Array(size);
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }
  view(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

/** Sorted values with their cumulative weights: what quantile and cdf read. */
interface SortedView {
  values: Float64Array;
  cumulative: Float64Array;
}

/**
 * A KLL sketch of a stream of numbers. NaN is skipped (callers count missing values themselves); ±Infinity is
 * kept. Until about 3k values it holds them all, so small samples are answered exactly.
 */
export class QuantileSketch {
  readonly k: number;
  private levels: Level[];
  private n = 0;
  private stored = 0;
  private maxStored: number;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = Number.NEGATIVE_INFINITY;
  private readonly coin = mulberry32(COIN_SEED);
  private sorted: SortedView | null = null;

  constructor(k: number = DEFAULT_SKETCH_K) {
    if (!Number.isInteger(k) || k < 8 || k > 65535) {
      throw new RangeError(`QuantileSketch: k must be an integer in [8, 65535], got ${k}`);
    }
    this.k = k;
    this.levels = [new Level(k)];
    this.maxStored = this.capacityTotal();
  }

  /** Values added (NaN excluded). */
  get count(): number {
    return this.n;
  }

  get min(): number {
    return this.n === 0 ? Number.NaN : this.minValue;
  }

  get max(): number {
    return this.n === 0 ? Number.NaN : this.maxValue;
  }

  add(x: number): void {
    if (x !== x) return;
    if (x < this.minValue) this.minValue = x;
    if (x > this.maxValue) this.maxValue = x;
    this.n++;
    this.levels[0]!.push(x);
    this.stored++;
    this.sorted = null;
    if (this.stored >= this.maxStored) this.compress();
  }

  addAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]!);
  }

  /** Folds `other` into this sketch; `other` is left unchanged. The result sketches the union of both streams. */
  merge(other: QuantileSketch): void {
    if (other.n === 0) return;
    if (other === this) other = QuantileSketch.deserialize(other.serialize());
    while (this.levels.length < other.levels.length) this.levels.push(new Level(2));
    for (let h = 0; h < other.levels.length; h++) {
      const source = other.levels[h]!;
      const target = this.levels[h]!;
      if (target.length + source.length > target.values.length) target.grow(target.length + source.length);
      target.values.set(source.view(), target.length);
      target.length += source.length;
    }
    this.n += other.n;
    this.stored += other.stored;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    this.sorted = null;
    this.maxStored = this.capacityTotal();
    while (this.stored >= this.maxStored) this.compress();
  }

  /**
   * The value at rank p·n (inverse CDF: the smallest stored value whose cumulative weight reaches p·n);
   * p = 0 and p = 1 give the exact minimum and maximum. NaN when empty.
   */
  quantile(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`QuantileSketch.quantile: p must be in [0, 1], got ${p}`);
    if (this.n === 0) return Number.NaN;
    if (p === 0) return this.minValue;
    if (p === 1) return this.maxValue;
    const { values, cumulative } = this.view();
    const target = p * this.n;
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  }

  /** Share of the stream ≤ x (an estimate once values have been compacted). NaN when empty. */
  cdf(x: number): number {
    if (this.n === 0) return Number.NaN;
    if (x < this.minValue) return 0;
    if (x >= this.maxValue) return 1;
    const { values, cumulative } = this.view();
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : cumulative[lo - 1]! / this.n;
  }

  /** Stored values and their weights (2^level), sorted by value: the sketch's weighted sample of the stream. */
  weightedValues(): { values: Float64Array; weights: Float64Array } {
    const { values, cumulative } = this.view();
    const weights = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) weights[i] = cumulative[i]! - (i === 0 ? 0 : cumulative[i - 1]!);
    return { values, weights };
  }

  /**
   * Base64 of: u8 version, u16 k, f64 n, f64 min, f64 max, u8 level count, then per level a u32 length and its
   * float64 values (little-endian).
   */
  serialize(): string {
    let bytes = 1 + 2 + 8 * 3 + 1;
    for (const level of this.levels) bytes += 4 + 8 * level.length;
    const buffer = Buffer.alloc(bytes);
    let at = buffer.writeUInt8(FORMAT_VERSION, 0);
    at = buffer.writeUInt16LE(this.k, at);
    at = buffer.writeDoubleLE(this.n, at);
    at = buffer.writeDoubleLE(this.minValue, at);
    at = buffer.writeDoubleLE(this.maxValue, at);
    at = buffer.writeUInt8(this.levels.length, at);
    for (const level of this.levels) {
      at = buffer.writeUInt32LE(level.length, at);
      for (let i = 0; i < level.length; i++) at = buffer.writeDoubleLE(level.values[i]!, at);
    }
    return buffer.toString('base64');
  }

  static deserialize(encoded: string): QuantileSketch {
    const buffer = Buffer.from(encoded, 'base64');
    const fail = (why: string): never => {
      throw new Error(`QuantileSketch.deserialize: not a serialised sketch (${why})`);
    };
    if (buffer.length < 28) fail(`${buffer.length} bytes`);
    if (buffer.readUInt8(0) !== FORMAT_VERSION) fail(`format version ${buffer.readUInt8(0)}`);
    const sketch = new QuantileSketch(buffer.readUInt16LE(1));
    sketch.n = buffer.readDoubleLE(3);
    sketch.minValue = buffer.readDoubleLE(11);
    sketch.maxValue = buffer.readDoubleLE(19);
    const levelCount = buffer.readUInt8(27);
    let at = 28;
    let weight = 0;
    sketch.levels = [];
    sketch.stored = 0;
    for (let h = 0; h < levelCount; h++) {
      if (at + 4 > buffer.length) fail('truncated');
      const length = buffer.readUInt32LE(at);
      at += 4;
      if (at + 8 * length > buffer.length) fail('truncated');
      const level = new Level(length);
      for (let i = 0; i < length; i++) level.values[i] = buffer.readDoubleLE(at + 8 * i);
      level.length = length;
      at += 8 * length;
      sketch.levels.push(level);
      sketch.stored += length;
      weight += length * 2 ** h;
    }
    if (at !== buffer.length) fail('trailing bytes');
    if (levelCount === 0 || weight !== sketch.n) fail('weights do not add up to the count');
    sketch.maxStored = sketch.capacityTotal();
    return sketch;
  }

  private capacityTotal(): number {
    let total = 0;
    for (let h = 0; h < this.levels.length; h++) total += levelCapacity(this.k, h, this.levels.length);
    return total;
  }

  /**
   * Compacts the lowest level over its capacity: sort it, promote every other value (odd or even positions,
   * by a coin) to the level above with twice the weight. An odd leftover stays behind so weights stay exact.
   */
  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      const level = this.levels[h]!;
      if (level.length < levelCapacity(this.k, h, this.levels.length)) continue;
      if (h + 1 === this.levels.length) {
        this.levels.push(new Level(this.k));
        this.maxStored = this.capacityTotal();
      }
      const above = this.levels[h + 1]!;
      const sorted = level.view().sort();
      const keep = sorted.length % 2;
      const offset = keep + (this.coin() < 0.5 ? 0 : 1);
      const promoted = (sorted.length - keep) / 2;
      if (above.length + promoted > above.values.length) above.grow(above.length + promoted);
      for (let i = offset; i < sorted.length; i += 2) above.values[above.length++] = sorted[i]!;
      level.length = keep;
      this.stored -= promoted;
      if (this.stored < this.maxStored) return;
    }
  }

  private view(): SortedView {
    if (this.sorted) return this.sorted;
    const values = new Float64Array(this.stored);
    const weights = new Float64Array(this.stored);
    let at = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const level = this.levels[h]!;
      values.set(level.view(), at);
      weights.fill(2 ** h, at, at + level.length);
      at += level.length;
    }
    const order = new Uint32Array(this.stored);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => values[a]! - values[b]!);
    const sortedValues = new Float64Array(this.stored);
    const cumulative = new Float64Array(this.stored);
    let sum = 0;
    for (let i = 0; i < order.length; i++) {
      sortedValues[i] = values[order[i]!]!;
      sum += weights[order[i]!]!;
      cumulative[i] = sum;
    }
    this.sorted = { values: sortedValues, cumulative };
    return this.sorted;
  }
}
