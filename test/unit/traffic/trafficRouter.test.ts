import { describe, expect, it } from 'vitest';
import type { CatalogEntry, CatalogVersion } from '../../../src-main/engine/traffic/routeTable';
import { TrafficRouter } from '../../../src-main/engine/traffic/trafficRouter';
import { routePoint } from '../../../src-main/engine/traffic/stickyHash';
import { UserError } from '../../../src-main/engine/userError';
import { thrown } from '../../helpers/thrown';

const ready = (...versions: number[]): CatalogVersion[] => versions.map((version) => ({ version, state: 'ready' }));

/** A router over one served model, 'digits-mlp', whose versions the test can change. */
function routerOver(versions: CatalogVersion[], seed = 1) {
  const catalog = { versions };
  const router = new TrafficRouter(
    (model): CatalogEntry | undefined =>
      model.toLowerCase() === 'digits-mlp' ? { model: 'digits-mlp', versions: catalog.versions } : undefined,
    { seed },
  );
  return { router, catalog };
}

function split(router: TrafficRouter, n: number, headers?: (name: string) => string | undefined) {
  const counts = new Map<number, number>();
  let shadowed = 0;
  for (let i = 0; i < n; i++) {
    const d = router.decide('digits-mlp', headers)!;
    counts.set(d.version, (counts.get(d.version) ?? 0) + 1);
    if (d.shadowVersion !== null) shadowed++;
  }
  return { counts, shadowed };
}

describe('weighted routing', () => {
  it.each([
    [{ 1: 90, 2: 10 }, 11],
    [{ 1: 50, 2: 50 }, 12],
    [{ 1: 99, 2: 1 }, 13],
    [{ 1: 10, 2: 20, 3: 30, 4: 40 }, 14],
  ])('splits 10 000 seeded requests within ±2%% of %j', (weights, seed) => {
    const { router } = routerOver(ready(1, 2, 3, 4), seed);
    router.setRoute('digits-mlp', { weights });
    const { counts } = split(router, 10_000);
    for (const [version, weight] of Object.entries(weights)) {
      const share = ((counts.get(Number(version)) ?? 0) / 10_000) * 100;
      expect(Math.abs(share - weight)).toBeLessThanOrEqual(2);
    }
    expect([...counts.keys()].every((v) => (weights as Record<number, number>)[v]! > 0)).toBe(true);
  });

  it('gives the same decisions for the same seed, and different ones for another', () => {
    const sequence = (seed: number) => {
      const { router } = routerOver(ready(1, 2), seed);
      router.setRoute('digits-mlp', { weights: { 1: 50, 2: 50 } });
      return Array.from({ length: 200 }, () => router.decide('digits-mlp')!.version);
    };
    expect(sequence(5)).toEqual(sequence(5));
    expect(sequence(5)).not.toEqual(sequence(6));
  });

  it('sends nothing to a weight-0 version and everything to a weight-100 one', () => {
    const { router } = routerOver(ready(1, 2));
    router.setRoute('digits-mlp', { weights: { 1: 100, 2: 0 } });
    expect(split(router, 2000).counts).toEqual(new Map([[1, 2000]]));
    router.setRoute('digits-mlp', { weights: { 2: 100 } });
    expect(split(router, 2000).counts).toEqual(new Map([[2, 2000]]));
  });

  it('swaps the table whole: an old table object is unchanged and the next decision uses the new one', () => {
    const { router } = routerOver(ready(1, 2));
    const first = router.setRoute('digits-mlp', { weights: { 1: 100 } });
    const second = router.setRoute('DIGITS-MLP', { weights: { 2: 100 } });
    expect(first.weights).toEqual({ 1: 100 });
    expect(Object.isFrozen(first)).toBe(true);
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(second.model).toBe('digits-mlp');
    expect(router.route('digits-mlp')).toBe(second);
    expect(router.decide('digits-mlp')).toEqual({ version: 2, shadowVersion: null, sticky: false, revision: 2 });
  });

  it('has no route (null decision) until one is set, and none after clearRoute', () => {
    const { router } = routerOver(ready(1, 2));
    expect(router.decide('digits-mlp')).toBeNull();
    router.setRoute('digits-mlp', { weights: { 1: 100 } });
    router.clearRoute('digits-mlp');
    expect(router.route('digits-mlp')).toBeNull();
    expect(router.decide('digits-mlp')).toBeNull();
  });

  it('drops a route whose version is no longer loaded, and keeps one whose versions all are', () => {
    const { router, catalog } = routerOver(ready(1, 2));
    router.setRoute('digits-mlp', { weights: { 1: 90, 2: 10 } });
    catalog.versions = ready(1, 2, 3);
    expect(router.reconcile('digits-mlp')).not.toBeNull();
    catalog.versions = ready(1);
    expect(router.reconcile('digits-mlp')).toBeNull();
    expect(router.decide('digits-mlp')).toBeNull();
  });
});

describe('sticky routing', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `user-${i}`);
  const stickyHeader = 'x-slipway-route-key';
  const versionOf = (router: TrafficRouter, key: string) =>
    router.decide('digits-mlp', (name) => (name === stickyHeader ? key : undefined))!;

  it('sends a key to the same version every time, whatever the PRNG draws in between', () => {
    const { router } = routerOver(ready(1, 2, 3), 3);
    router.setRoute('digits-mlp', { weights: { 1: 60, 2: 30, 3: 10 }, stickyHeader: 'X-Slipway-Route-Key' });
    for (const key of keys.slice(0, 300)) {
      const first = versionOf(router, key);
      expect(first.sticky).toBe(true);
      for (let i = 0; i < 5; i++) {
        router.decide('digits-mlp'); // unkeyed traffic moves the PRNG on
        expect(versionOf(router, key).version).toBe(first.version);
      }
    }
  });

  it('spreads keys by the weights (within ±2% over 5000 keys)', () => {
    const { router } = routerOver(ready(1, 2));
    router.setRoute('digits-mlp', { weights: { 1: 70, 2: 30 }, stickyHeader });
    const onTwo = keys.filter((k) => versionOf(router, k).version === 2).length;
    expect(Math.abs((onTwo / keys.length) * 100 - 30)).toBeLessThanOrEqual(2);
  });

  it('moves only the keys that must move when weights change (90/10 → 80/20: ~10%, all from 1 to 2)', () => {
    const { router } = routerOver(ready(1, 2));
    router.setRoute('digits-mlp', { weights: { 1: 90, 2: 10 }, stickyHeader });
    const before = keys.map((k) => versionOf(router, k).version);
    router.setRoute('digits-mlp', { weights: { 1: 80, 2: 20 }, stickyHeader });
    const after = keys.map((k) => versionOf(router, k).version);
    const moved = keys.filter((_, i) => before[i] !== after[i]);
    expect(keys.filter((_, i) => before[i] === 2 && after[i] === 1)).toEqual([]);
    expect(Math.abs((moved.length / keys.length) * 100 - 10)).toBeLessThanOrEqual(2);
    // Exactly the keys whose point lies in the band that changed hands.
    expect(moved.every((k) => routePoint(k) >= 80 && routePoint(k) < 90)).toBe(true);
  });

  it('routes by the PRNG when the header is absent or empty', () => {
    const { router } = routerOver(ready(1, 2));
    router.setRoute('digits-mlp', { weights: { 1: 50, 2: 50 }, stickyHeader });
    expect(router.decide('digits-mlp')!.sticky).toBe(false);
    expect(router.decide('digits-mlp', () => '')!.sticky).toBe(false);
  });
});

describe('shadow', () => {
  it('marks about the configured share of requests for the candidate, never changing the live split', () => {
    const { router } = routerOver(ready(1, 2, 3), 9);
    router.setRoute('digits-mlp', { weights: { 1: 80, 2: 20 }, shadow: { version: 3, percent: 25 } });
    const { counts, shadowed } = split(router, 10_000);
    expect(Math.abs((shadowed / 10_000) * 100 - 25)).toBeLessThanOrEqual(2);
    expect(Math.abs(((counts.get(1) ?? 0) / 10_000) * 100 - 80)).toBeLessThanOrEqual(2);
    expect(counts.has(3)).toBe(false);
  });

  it('shadows nothing at 0% and everything at 100%', () => {
    const { router } = routerOver(ready(1, 2));
    router.setRoute('digits-mlp', { weights: { 1: 100 }, shadow: { version: 2, percent: 0 } });
    expect(split(router, 500).shadowed).toBe(0);
    router.setRoute('digits-mlp', { weights: { 1: 100 }, shadow: { version: 2, percent: 100 } });
    expect(split(router, 500).shadowed).toBe(500);
  });
});

describe('bad routes', () => {
  const message = (fn: () => unknown) => thrown(fn, UserError).message;
  const catalog: CatalogVersion[] = [
    ...ready(1, 2),
    { version: 3, state: 'loading' },
    { version: 4, state: 'failed', failure: 'bad model file' },
  ];

  it.each([
    [{ weights: { 1: 90, 2: 9 } }, /must sum to 100; these sum to 99 \(1: 90, 2: 9\)/],
    [{ weights: { 1: 90, 2: 20 } }, /sum to 110/],
    [{ weights: {} }, /name no version/],
    [{ weights: { 1: 90.5, 2: 9.5 } }, /version 1 must be a whole number from 0 to 100, got 90.5/],
    [{ weights: { 1: 110, 2: -10 } }, /whole number from 0 to 100, got 110/],
    [{ weights: { v1: 100 } }, /'v1' is not a version number/],
    [
      { weights: { 1: 90, 7: 10 } },
      /version 7 of 'digits-mlp' is not loaded.*loaded versions: 1 \(ready\), 2 \(ready\)/,
    ],
    [{ weights: { 1: 90, 3: 10 } }, /version 3 of 'digits-mlp' is loading; only a ready version can take traffic/],
    [{ weights: { 1: 90, 4: 10 } }, /version 4 .* is failed \(bad model file\)/],
    [{ weights: { 1: 100 }, shadow: { version: 2, percent: 101 } }, /shadow percent .* from 0 to 100, got 101/],
    [{ weights: { 1: 100 }, shadow: { version: 2, percent: -1 } }, /shadow percent .* got -1/],
    [{ weights: { 1: 100 }, shadow: { version: 2, percent: Number.NaN } }, /shadow percent .* got null/],
    [
      { weights: { 1: 90, 2: 10 }, shadow: { version: 2, percent: 50 } },
      /shadow version 2 .* is also live \(weight 10\)/,
    ],
    [{ weights: { 1: 100 }, shadow: { version: 1, percent: 50 } }, /shadow version 1 .* is also live/],
    [{ weights: { 1: 100 }, shadow: { version: 9, percent: 50 } }, /shadow version 9 of 'digits-mlp' is not loaded/],
    [{ weights: { 1: 100 }, shadow: { version: 3, percent: 50 } }, /shadow version 3 .* is loading/],
    [{ weights: { 1: 100 }, stickyHeader: 'route key' }, /sticky header "route key" is not an HTTP header name/],
  ])('rejects %j', (spec, expected) => {
    const { router } = routerOver(catalog);
    const before = router.setRoute('digits-mlp', { weights: { 1: 100 } });
    expect(message(() => router.setRoute('digits-mlp', spec as never))).toMatch(expected);
    // The installed route is untouched.
    expect(router.route('digits-mlp')).toBe(before);
  });

  it('rejects a model that is not being served', () => {
    const { router } = routerOver(ready(1));
    expect(message(() => router.setRoute('nope', { weights: { 1: 100 } }))).toMatch(/model 'nope' is not being served/);
  });

  it('accepts a failed or loading version at weight 0 (a rolled-back candidate stays for inspection)', () => {
    const { router } = routerOver(catalog);
    expect(router.setRoute('digits-mlp', { weights: { 1: 100, 4: 0 } }).weights).toEqual({ 1: 100, 4: 0 });
  });
});
