// The response cache: keyed by everything that decides a response, LRU by bytes, and handing out copies so a
// response sent (transferred) never empties the cache.
import { describe, expect, it } from 'vitest';
import type { WireTensor } from '../../../../src-main/engine/runtime/wireTensor';
import { ResponseCache } from '../../../../src-main/engine/serving/responseCache';
import { floats, rows } from './fakePool';

/** An output of `n` float32 values (4n bytes), all equal to `value`. */
const output = (value: number, n = 2): WireTensor[] => [rows([Array.from({ length: n }, () => value)], 'y')];

describe('ResponseCache.key', () => {
  it('is the same for the same request and differs when anything that decides the response differs', () => {
    const cache = new ResponseCache(1024);
    const base = cache.key('digits', '1', [rows([[1, 2]])]);
    expect(cache.key('digits', 1, [rows([[1, 2]])])).toBe(base);
    const variants = [
      cache.key('digits2', '1', [rows([[1, 2]])]),
      cache.key('digits', '2', [rows([[1, 2]])]),
      cache.key('digits', '1', [rows([[1, 2]], 'x2')]),
      cache.key('digits', '1', [{ ...rows([[1, 2]]), type: 'int32' }]),
      cache.key('digits', '1', [{ ...rows([[1, 2]]), dims: [2, 1] }]),
      cache.key('digits', '1', [rows([[1, 3]])]),
      cache.key('digits', '1', [rows([[1, 2]])], ['y']),
      cache.key('digits', '1', [rows([[1, 2]]), rows([[1, 2]], 'z')]),
      // Field boundaries cannot shift: "digits"+"11" is not "digits1"+"1".
      cache.key('digits1', '1', [rows([[1, 2]])]),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    const text = (values: string[]): WireTensor => ({ name: 't', type: 'string', dims: [values.length], data: values });
    expect(cache.key('m', '1', [text(['ab', 'c'])])).not.toBe(cache.key('m', '1', [text(['a', 'bc'])]));
  });
});

describe('ResponseCache', () => {
  it('misses, then hits with the stored outputs, counting both', () => {
    const cache = new ResponseCache(1024);
    const key = cache.key('m', '1', [rows([[1, 2]])]);
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, output(7));
    const hit = cache.get(key)!;
    expect(hit.map((t) => [t.name, t.type, t.dims])).toEqual([['y', 'float32', [1, 2]]]);
    expect(floats(hit[0]!)).toEqual([7, 7]);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 8, hits: 1, misses: 1, evictions: 0 });
  });

  it('keeps its own copies: outputs transferred or changed after set or get leave the cache intact', () => {
    const cache = new ResponseCache(1024);
    const stored = output(3);
    cache.set('k', stored);
    structuredClone(stored[0]!.data, { transfer: [stored[0]!.data as ArrayBuffer] }); // sent: detached
    const first = cache.get('k')!;
    new Float32Array(first[0]!.data as ArrayBuffer).fill(99);
    first[0]!.dims.push(1);
    const second = cache.get('k')!;
    expect(floats(second[0]!)).toEqual([3, 3]);
    expect(second[0]!.dims).toEqual([1, 2]);
  });

  it('evicts the least recently used entries until the bytes fit', () => {
    const cache = new ResponseCache(24); // three 8-byte entries
    cache.set('a', output(1));
    cache.set('b', output(2));
    cache.set('c', output(3));
    cache.get('a'); // a is now more recent than b
    cache.set('d', output(4));
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k) !== undefined)).toEqual([true, true, true]);

    cache.set('big', output(5, 4)); // 16 bytes: two entries must go, the least recent first (a, then c)
    expect(['a', 'c', 'd', 'big'].map((k) => cache.get(k) !== undefined)).toEqual([false, false, true, true]);
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 24, evictions: 3 });
  });

  it('accounts bytes exactly: replacing an entry, strings by UTF-8 length, and never storing one larger than the cache', () => {
    const cache = new ResponseCache(32);
    cache.set('a', output(1)); // 8
    cache.set('a', output(1, 4)); // replaced: 16
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 16 });
    cache.set('s', [{ name: 'label', type: 'string', dims: [2], data: ['ç', 'ab'] }]); // 2 + 2 bytes
    expect(cache.stats().bytes).toBe(20);
    cache.set('huge', output(0, 9)); // 36 bytes > 32: not kept, and nothing evicted for it
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 20, evictions: 0 });
    cache.delete('a');
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 4 });
  });

  it('stores nothing when its capacity is 0', () => {
    const cache = new ResponseCache(0);
    cache.set('a', output(1));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
