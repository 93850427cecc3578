// Picks the version for each request that names none: by the model's route table (weights, sticky key,
// shadow share) when it has one. Tables are immutable and swapped whole, so a weight change takes effect on the
// next request and a request in flight keeps the version it was given.
import { mulberry32 } from '../../../src-shared/seededRandom';
import { UserError } from '../userError';
import { compileRoute, pickVersion, type CompiledRoute, type RouteCatalog } from './routeTable';
import { routePoint } from './stickyHash';
import type { HeaderLookup, RouteDecision, RouteSpec, RouteTable, TrafficRouterApi } from './trafficTypes';

export interface TrafficRouterOptions {
  /** Seeds the PRNG behind weighted and shadow draws, so a run can be repeated exactly; absent: a random seed. */
  seed?: number;
  clock?: () => number;
}

export class TrafficRouter implements TrafficRouterApi {
  private readonly routes = new Map<string, CompiledRoute>();
  private revision = 0;
  private random: () => number;
  private readonly clock: () => number;

  constructor(
    private readonly catalog: RouteCatalog,
    options: TrafficRouterOptions = {},
  ) {
    this.random = mulberry32(options.seed ?? Math.floor(Math.random() * 4294967296));
    this.clock = options.clock ?? Date.now;
  }

  /** Restarts the PRNG: the same seed and requests give the same decisions. */
  reseed(seed: number): void {
    this.random = mulberry32(seed);
  }

  setRoute(model: string, spec: RouteSpec): RouteTable {
    const entry = this.catalog(model);
    if (!entry) throw new UserError('not-found', `model '${model}' is not being served, so it has no route to set`);
    const compiled = compileRoute(entry, spec, this.revision + 1, this.clock());
    this.revision += 1;
    this.routes.set(key(entry.model), compiled);
    return compiled.table;
  }

  route(model: string): RouteTable | null {
    return this.routes.get(key(model))?.table ?? null;
  }

  clearRoute(model: string): void {
    this.routes.delete(key(model));
  }

  decide(model: string, headers?: HeaderLookup): RouteDecision | null {
    const route = this.routes.get(key(model));
    if (!route) return null;
    const { table } = route;
    const stickyKey = table.stickyHeader && headers ? headers(table.stickyHeader) : undefined;
    const sticky = stickyKey !== undefined && stickyKey !== '';
    const version = pickVersion(route, sticky ? routePoint(stickyKey) : this.random() * 100);
    const shadow = table.shadow;
    const shadowVersion = shadow && shadow.percent > 0 && this.random() * 100 < shadow.percent ? shadow.version : null;
    return { version, shadowVersion, sticky, revision: table.revision };
  }

  /** After a model's versions changed (reload, unload): keeps its route while every version the route sends
   * traffic to is still loaded, else drops it so requests go to the default version instead of failing. */
  reconcile(model: string): RouteTable | null {
    const route = this.routes.get(key(model));
    if (!route) return null;
    const entry = this.catalog(model);
    const loaded = new Set(entry?.versions.map((v) => v.version) ?? []);
    const needed = [...route.versions];
    if (route.table.shadow) needed.push(route.table.shadow.version);
    if (!entry || needed.some((v) => !loaded.has(v))) {
      this.routes.delete(key(model));
      return null;
    }
    return route.table;
  }
}

const key = (model: string) => model.toLowerCase();
