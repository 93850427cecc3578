// The per-version serving settings as an editable form: which dotted keys the editor shows, in which unit, and
// the change set (`set` text values, `fallback` text) that holds only what the user actually changed.
import type { Fallback, ServingConfigChange, ServingSettings } from '../../../src-shared/contract';

export type FieldKind = 'int' | 'decimal' | 'intOrAuto' | 'bool' | 'provider' | 'intList';

export interface SettingField {
  /** Dotted key as the engine stores it (`dynamicBatching.maxBatchSize`). */
  key: string;
  label: string;
  kind: FieldKind;
  /** Unit shown next to the input; values are shown divided by `scale`. */
  unit?: string;
  scale?: number;
  hint?: string;
  group: 'Instances' | 'Dynamic batching' | 'Response cache' | 'Queue and deadlines';
}

const MIB = 1024 * 1024;

export const SETTING_FIELDS: readonly SettingField[] = [
  { key: 'instances', label: 'Instances', kind: 'int', group: 'Instances', hint: 'worker threads, one session each' },
  {
    key: 'intraOpThreads',
    label: 'Intra-op threads',
    kind: 'intOrAuto',
    unit: 'per instance',
    group: 'Instances',
    hint: 'empty: automatic (cores ÷ instances)',
  },
  { key: 'provider', label: 'Execution provider', kind: 'provider', group: 'Instances' },
  { key: 'dynamicBatching.enabled', label: 'Dynamic batching', kind: 'bool', group: 'Dynamic batching' },
  {
    key: 'dynamicBatching.maxBatchSize',
    label: 'Max batch size',
    kind: 'int',
    unit: 'rows',
    group: 'Dynamic batching',
  },
  {
    key: 'dynamicBatching.maxQueueDelayMicros',
    label: 'Max queue delay',
    kind: 'int',
    unit: 'µs',
    group: 'Dynamic batching',
    hint: '0: batch what is queued, never wait',
  },
  {
    key: 'dynamicBatching.preferredBatchSizes',
    label: 'Preferred batch sizes',
    kind: 'intList',
    group: 'Dynamic batching',
    hint: 'comma-separated, e.g. 4, 8',
  },
  { key: 'cache.enabled', label: 'Response cache', kind: 'bool', group: 'Response cache' },
  { key: 'cache.maxBytes', label: 'Cache size', kind: 'decimal', unit: 'MiB', scale: MIB, group: 'Response cache' },
  {
    key: 'maxQueueLength',
    label: 'Max queue length',
    kind: 'int',
    unit: 'requests',
    group: 'Queue and deadlines',
    hint: 'beyond it: 503 with Retry-After',
  },
  {
    key: 'defaultTimeoutMicros',
    label: 'Default timeout',
    kind: 'decimal',
    unit: 'ms',
    scale: 1000,
    group: 'Queue and deadlines',
    hint: '0: no deadline',
  },
  { key: 'priorityLevels', label: 'Priority levels', kind: 'int', group: 'Queue and deadlines' },
  { key: 'defaultPriority', label: 'Default priority', kind: 'int', group: 'Queue and deadlines' },
];

export type SettingValue = number | boolean | string | null | number[];
/** What the inputs hold: text for numbers and lists, booleans for checkboxes. */
export type Draft = Record<string, string | boolean>;

export function valueAt(settings: ServingSettings, key: string): SettingValue {
  let node: unknown = settings;
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  return node as SettingValue;
}

/** The draft the form starts from: each field's current value in the field's unit. */
export function draftOf(settings: ServingSettings): Draft {
  const draft: Draft = {};
  for (const field of SETTING_FIELDS) {
    const value = valueAt(settings, field.key);
    if (typeof value === 'boolean') draft[field.key] = value;
    else if (value === null) draft[field.key] = '';
    else if (Array.isArray(value)) draft[field.key] = value.join(', ');
    else if (typeof value === 'number') draft[field.key] = trimNumber(value / (field.scale ?? 1));
    else draft[field.key] = value;
  }
  return draft;
}

function trimNumber(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/** The value a draft entry stands for, or an error text saying what was expected. */
export function parseField(field: SettingField, entry: string | boolean): { value: SettingValue } | { error: string } {
  if (field.kind === 'bool') return { value: entry === true };
  const text = String(entry).trim();
  switch (field.kind) {
    case 'provider':
      return text ? { value: text } : { error: 'choose a provider' };
    case 'intOrAuto':
      if (text === '') return { value: null };
      return /^\d+$/.test(text) ? { value: Number(text) } : { error: 'a whole number, or empty for automatic' };
    case 'int':
      return /^\d+$/.test(text) ? { value: Number(text) } : { error: 'a whole number' };
    case 'decimal': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n) || n < 0) return { error: `a number of ${field.unit ?? 'units'}` };
      return { value: Math.round(n * (field.scale ?? 1)) };
    }
    case 'intList': {
      if (text === '') return { value: [] };
      const parts = text.split(/[\s,]+/).filter(Boolean);
      return parts.every((p) => /^\d+$/.test(p))
        ? { value: parts.map(Number) }
        : { error: 'whole numbers separated by commas' };
    }
  }
}

export interface DraftDiff {
  /** Dotted key → JSON text of the new value, for keys whose value differs from the current one. */
  set: Record<string, string>;
  /** Field key → why its text is not a value. */
  errors: Record<string, string>;
}

export function diffDraft(settings: ServingSettings, draft: Draft): DraftDiff {
  const set: Record<string, string> = {};
  const errors: Record<string, string> = {};
  // An entry the user left as the form showed it is no change, even where the unit shown rounds the value.
  const shown = draftOf(settings);
  for (const field of SETTING_FIELDS) {
    const entry = draft[field.key];
    if (entry === undefined || entry === shown[field.key]) continue;
    const parsed = parseField(field, entry);
    if ('error' in parsed) {
      errors[field.key] = parsed.error;
      continue;
    }
    const current = valueAt(settings, field.key);
    if (JSON.stringify(parsed.value) !== JSON.stringify(current)) set[field.key] = JSON.stringify(parsed.value);
  }
  return { set, errors };
}

/** The engine's text form of a fallback: none, version:N or constant:{…}. */
export function fallbackText(fallback: Fallback): string {
  switch (fallback.kind) {
    case 'none':
      return 'none';
    case 'version':
      return `version:${fallback.version}`;
    case 'constant':
      return `constant:${JSON.stringify(fallback.outputs)}`;
  }
}

/** The change to send: only the changed keys, and the fallback only when its text changed. */
export function changeOf(diff: DraftDiff, fallbackBefore: string, fallbackAfter: string): ServingConfigChange {
  const change: ServingConfigChange = { set: diff.set };
  if (fallbackAfter.trim() !== fallbackBefore) change.fallback = fallbackAfter.trim();
  return change;
}
