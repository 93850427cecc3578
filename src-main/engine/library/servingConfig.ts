// Per-version serving settings as the user sees them: defaults derived from the model, overridden key by key
// (`slipway models config NAME:V --set dynamicBatching.maxBatchSize=16`), validated as a whole before storing.
import {
  FallbackSchema,
  ServingSettingsSchema,
  type Fallback,
  type ModelVersion,
  type ServingSettings,
} from '../../../src-shared/contract';
import { defaultServingSettings } from '../serving/defaultServingSettings';
import type { ServingRepository } from '../store/servingRepository';
import { UserError } from '../userError';

export interface EffectiveServingSettings {
  settings: ServingSettings;
  /** Dotted keys the user set; every other value is the model-derived default. */
  overridden: string[];
}

export interface SettingsChange {
  /** Dotted key → value text; JSON where it parses (numbers, booleans, arrays), else the text itself. */
  set?: Record<string, string>;
  /** Dotted keys to return to their default. */
  unset?: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class ServingConfig {
  constructor(
    private readonly repo: ServingRepository,
    /** The app's default provider (Settings), used by every version that does not set its own. */
    private readonly defaultProvider: () => ServingSettings['provider'] = () => 'auto',
  ) {}

  /** A version's settings before its own overrides: derived from the model, with the app's default provider. */
  defaults(version: ModelVersion): ServingSettings {
    return { ...defaultServingSettings(version.inspection), provider: this.defaultProvider() };
  }

  effective(version: ModelVersion): EffectiveServingSettings {
    const overrides = this.repo.versionOverrides(version.model, version.version) as JsonObject;
    return { settings: merge(this.defaults(version), overrides), overridden: leafKeys(overrides) };
  }

  update(version: ModelVersion, change: SettingsChange): EffectiveServingSettings {
    const base = this.defaults(version);
    const defaults = base as unknown as JsonObject;
    const overrides = structuredClone(this.repo.versionOverrides(version.model, version.version) as JsonObject);
    for (const key of change.unset ?? []) {
      checkKey(defaults, key);
      deletePath(overrides, key.split('.'));
    }
    for (const [key, text] of Object.entries(change.set ?? {})) {
      const path = checkKey(defaults, key);
      setPath(overrides, path, parseValue(text));
    }
    merge(base, overrides); // throws a UserError when the result is not valid
    this.repo.setVersionOverrides(version.model, version.version, overrides);
    return this.effective(version);
  }

  fallback(model: string): Fallback {
    const stored = this.repo.modelServing(model) as { fallback?: unknown } | undefined;
    const parsed = FallbackSchema.safeParse(stored?.fallback ?? { kind: 'none' });
    return parsed.success ? parsed.data : { kind: 'none' };
  }

  /** `none`, `version:N`, `constant:{"output": {"shape": [...], "data": [...]}}`, or the JSON of a Fallback. */
  setFallback(model: string, text: string, check: (fallback: Fallback) => void = () => {}): Fallback {
    const fallback = parseFallback(text);
    check(fallback);
    this.repo.setModelServing(model, fallback.kind === 'none' ? null : { fallback });
    return fallback;
  }
}

function merge(defaults: ServingSettings, overrides: JsonObject): ServingSettings {
  const merged = deepMerge(defaults as unknown as JsonObject, overrides);
  const parsed = ServingSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError('bad-input', `invalid ${issue.path.join('.')}: ${issue.message.toLowerCase()}`);
  }
  const s = parsed.data;
  if (s.defaultPriority > s.priorityLevels) {
    throw new UserError(
      'bad-input',
      `invalid defaultPriority ${s.defaultPriority}: expected 1..priorityLevels (${s.priorityLevels})`,
    );
  }
  return s;
}

function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function checkKey(defaults: JsonObject, key: string): string[] {
  const path = key.split('.');
  let node: Json = defaults;
  for (const part of path) {
    if (!isObject(node) || !(part in node)) {
      throw new UserError('bad-input', `unknown setting '${key}'; settings are: ${leafKeys(defaults).join(', ')}`);
    }
    node = node[part]!;
  }
  if (isObject(node))
    throw new UserError(
      'bad-input',
      `'${key}' is a group; set one of: ${leafKeys(node)
        .map((k) => `${key}.${k}`)
        .join(', ')}`,
    );
  return path;
}

function parseValue(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function setPath(target: JsonObject, path: string[], value: Json): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    node = isObject(next) ? next : (node[part] = {});
  }
  node[path.at(-1)!] = value;
}

function deletePath(target: JsonObject, path: string[]): void {
  const parent = path
    .slice(0, -1)
    .reduce<Json | undefined>((node, part) => (isObject(node) ? node[part] : undefined), target);
  if (isObject(parent)) delete parent[path.at(-1)!];
  // Drop groups the deletion emptied, so "no overrides" is stored as NULL.
  if (path.length > 1 && isObject(parent) && Object.keys(parent).length === 0) deletePath(target, path.slice(0, -1));
}

function leafKeys(node: JsonObject, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    isObject(value) ? leafKeys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A fallback spec as `--fallback` takes it (models config, serve); a bad one is a UserError saying what fits. */
export function parseFallback(text: string): Fallback {
  const trimmed = text.trim();
  let candidate: unknown;
  if (trimmed === 'none') candidate = { kind: 'none' };
  else if (/^version:\d+$/.test(trimmed)) candidate = { kind: 'version', version: Number(trimmed.slice(8)) };
  else if (trimmed.startsWith('constant:')) candidate = { kind: 'constant', outputs: parseJson(trimmed.slice(9)) };
  else candidate = parseJson(trimmed);
  const parsed = FallbackSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new UserError(
      'bad-input',
      `invalid fallback '${text}': expected none, version:N, or constant:{"<output>": {"shape": [..], "data": [..]}}`,
    );
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
