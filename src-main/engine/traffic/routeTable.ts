// Turns a route spec into an installed table: checks it against the versions being served (weights are whole
// numbers summing to 100 over loaded, ready versions; the shadow is a ready version taking no live traffic),
// and lays the weights out as cumulative bands on [0, 100) that a point (random or a sticky key's) falls into.
import { UserError } from '../userError';
import type { RouteSpec, RouteTable, ShadowRoute } from './trafficTypes';

export interface CatalogVersion {
  version: number;
  state: 'loading' | 'ready' | 'failed' | 'unloading';
  failure?: string;
}

/** A served model as the router sees it: its canonical name and the versions loaded now. */
export interface CatalogEntry {
  model: string;
  versions: readonly CatalogVersion[];
}

export type RouteCatalog = (model: string) => CatalogEntry | undefined;

export interface CompiledRoute {
  readonly table: RouteTable;
  /** Versions with weight above 0, ascending, so the bands keep their order when weights change (a change
   * moves only the keys whose band shrank). */
  readonly versions: Int32Array;
  /** Upper end of each version's band; the last is 100. */
  readonly upper: Float64Array;
}

/** The version whose band holds `point` (in [0, 100)). */
export function pickVersion(route: CompiledRoute, point: number): number {
  const { upper, versions } = route;
  for (let i = 0; i < upper.length - 1; i++) if (point < upper[i]!) return versions[i]!;
  return versions[versions.length - 1]!;
}

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function compileRoute(entry: CatalogEntry, spec: RouteSpec, revision: number, setAtMs: number): CompiledRoute {
  const model = entry.model;
  const served = new Map(entry.versions.map((v) => [v.version, v]));
  const loadedList = entry.versions.map((v) => `${v.version} (${v.state})`).join(', ') || '(none)';
  const weights = readWeights(model, spec);

  for (const [version, weight] of weights) {
    const v = served.get(version);
    if (!v) {
      throw new UserError(
        'conflict',
        `version ${version} of '${model}' is not loaded, so it cannot be routed to; loaded versions: ${loadedList}`,
      );
    }
    if (weight > 0 && v.state !== 'ready') {
      throw new UserError(
        'conflict',
        `version ${version} of '${model}' is ${v.state}${v.failure ? ` (${v.failure})` : ''}; only a ready version can take traffic`,
      );
    }
  }

  const shadow = readShadow(model, spec.shadow, weights, served, loadedList);
  const stickyHeader = readStickyHeader(spec.stickyHeader);

  const live = [...weights].filter(([, w]) => w > 0).sort(([a], [b]) => a - b);
  const versions = Int32Array.from(live.map(([v]) => v));
  const upper = new Float64Array(live.length);
  let sum = 0;
  live.forEach(([, w], i) => {
    sum += w;
    upper[i] = sum;
  });
  const table: RouteTable = Object.freeze({
    model,
    weights: Object.freeze(Object.fromEntries([...weights].sort(([a], [b]) => a - b))),
    shadow: shadow ? Object.freeze(shadow) : null,
    stickyHeader,
    revision,
    setAtMs,
  });
  return { table, versions, upper };
}

function readWeights(model: string, spec: RouteSpec): Map<number, number> {
  const raw: unknown = spec?.weights;
  const example = 'e.g. {"1": 90, "2": 10}';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError('bad-input', `weights for '${model}' must be an object of version → weight, ${example}`);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) {
    throw new UserError('bad-input', `weights for '${model}' name no version; give at least one, ${example}`);
  }
  const weights = new Map<number, number>();
  for (const [key, value] of entries) {
    if (!/^\d+$/.test(key) || Number(key) < 1) {
      throw new UserError('bad-input', `weights for '${model}': '${key}' is not a version number (1, 2, ...)`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
      throw new UserError(
        'bad-input',
        `weight of '${model}' version ${key} must be a whole number from 0 to 100, got ${JSON.stringify(value)}`,
      );
    }
    weights.set(Number(key), value);
  }
  const sum = [...weights.values()].reduce((a, b) => a + b, 0);
  if (sum !== 100) {
    const list = [...weights].map(([v, w]) => `${v}: ${w}`).join(', ');
    throw new UserError('bad-input', `weights for '${model}' must sum to 100; these sum to ${sum} (${list})`);
  }
  return weights;
}

function readShadow(
  model: string,
  raw: RouteSpec['shadow'],
  weights: Map<number, number>,
  served: Map<number, CatalogVersion>,
  loadedList: string,
): ShadowRoute | null {
  if (raw === null || raw === undefined) return null;
  const { version, percent } = raw;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new UserError(
      'bad-input',
      `shadow version of '${model}' must be a version number, got ${JSON.stringify(version)}`,
    );
  }
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new UserError(
      'bad-input',
      `shadow percent of '${model}' must be a number from 0 to 100, got ${JSON.stringify(percent)}`,
    );
  }
  const live = weights.get(version) ?? 0;
  if (live > 0) {
    throw new UserError(
      'bad-input',
      `shadow version ${version} of '${model}' is also live (weight ${live}); shadow a version that takes no live traffic`,
    );
  }
  const v = served.get(version);
  if (!v) {
    throw new UserError(
      'conflict',
      `shadow version ${version} of '${model}' is not loaded; loaded versions: ${loadedList}`,
    );
  }
  if (v.state !== 'ready') {
    throw new UserError(
      'conflict',
      `shadow version ${version} of '${model}' is ${v.state}${v.failure ? ` (${v.failure})` : ''}; only a ready version can shadow`,
    );
  }
  return { version, percent };
}

function readStickyHeader(raw: RouteSpec['stickyHeader']): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string' || !HEADER_TOKEN.test(raw)) {
    throw new UserError(
      'bad-input',
      `sticky header ${JSON.stringify(raw)} is not an HTTP header name (letters, digits and -, e.g. x-slipway-route-key)`,
    );
  }
  return raw.toLowerCase();
}
