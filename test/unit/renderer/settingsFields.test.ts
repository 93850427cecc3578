// The serving-settings form on the Serve page: what each field shows (in its unit), which edits make the change
// set (only what the user changed, as the engine's `--set` text), which texts are refused and why, and that the
// engine stores exactly what the form sends.
import { afterAll, describe, expect, it } from 'vitest';
import { ServingConfig } from '../../../src-main/engine/library/servingConfig';
import { defaultServingSettings } from '../../../src-main/engine/serving/defaultServingSettings';
import { ServingRepository } from '../../../src-main/engine/store/servingRepository';
import {
  ServingConfigChangeSchema,
  type Fallback,
  type ModelVersion,
  type ServingSettings,
} from '../../../src-shared/contract';
import {
  SETTING_FIELDS,
  changeOf,
  diffDraft,
  draftOf,
  fallbackText,
  parseField,
  valueAt,
  type Draft,
  type SettingField,
} from '../../../src-renderer/src/serve/settingsFields';
import { openLibrary } from '../../helpers/openLibrary';
import { model } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

const MIB = 1024 * 1024;

const library = openLibrary(tempDir());
afterAll(() => library.db.close());
const digits: ModelVersion = library.library.importModel(model('digits-mlp-v1.onnx'), { name: 'digits' }).version;
library.library.importModel(model('digits-mlp-v2.onnx'), { name: 'digits' });
const servingConfig = new ServingConfig(new ServingRepository(library.db));

const defaults = (): ServingSettings => defaultServingSettings(digits.inspection);
const field = (key: string): SettingField => {
  const found = SETTING_FIELDS.find((f) => f.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
};
/** The form as loaded from `settings`, then edited. */
const edited = (settings: ServingSettings, edits: Draft): Draft => ({ ...draftOf(settings), ...edits });

describe('SETTING_FIELDS', () => {
  it('names only leaf settings the engine has, each once', () => {
    const keys = SETTING_FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      const value = valueAt(defaults(), key);
      expect(value === null || typeof value !== 'object' || Array.isArray(value), key).toBe(true);
      expect(value, key).not.toBeUndefined();
    }
  });

  it('covers every setting the engine has', () => {
    const leaves = (node: object, prefix = ''): string[] =>
      Object.entries(node).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? leaves(v as object, `${prefix}${k}.`) : [prefix + k],
      );
    expect(SETTING_FIELDS.map((f) => f.key).sort()).toEqual(leaves(defaults()).sort());
  });
});

describe('draftOf', () => {
  it('shows the defaults in each field unit: empty for automatic threads, MiB for the cache, ms for timeouts', () => {
    expect(draftOf(defaults())).toEqual({
      instances: '1',
      intraOpThreads: '',
      provider: 'auto',
      'dynamicBatching.enabled': true,
      'dynamicBatching.maxBatchSize': '32',
      'dynamicBatching.maxQueueDelayMicros': '0',
      'dynamicBatching.preferredBatchSizes': '',
      'cache.enabled': false,
      'cache.maxBytes': '64',
      maxQueueLength: '1024',
      defaultTimeoutMicros: '30000',
      priorityLevels: '1',
      defaultPriority: '1',
    });
  });

  it('shows lists comma-separated and scaled values with up to three decimals', () => {
    const settings = defaults();
    settings.intraOpThreads = 4;
    settings.dynamicBatching.preferredBatchSizes = [4, 8, 16];
    settings.cache.maxBytes = MIB / 2;
    settings.defaultTimeoutMicros = 1_500;
    expect(draftOf(settings)).toMatchObject({
      intraOpThreads: '4',
      'dynamicBatching.preferredBatchSizes': '4, 8, 16',
      'cache.maxBytes': '0.5',
      defaultTimeoutMicros: '1.5',
    });
  });
});

describe('diffDraft', () => {
  it('sends nothing for the form as loaded', () => {
    const settings = defaults();
    settings.intraOpThreads = 3;
    settings.dynamicBatching.preferredBatchSizes = [2, 4];
    settings.defaultTimeoutMicros = 1_234;
    settings.cache.maxBytes = 10 * MIB;
    expect(diffDraft(settings, draftOf(settings))).toEqual({ set: {}, errors: {} });
  });

  it('sends only the keys the user changed, as JSON text in the engine unit', () => {
    const settings = defaults();
    const diff = diffDraft(
      settings,
      edited(settings, {
        instances: '4',
        'dynamicBatching.enabled': false,
        'cache.maxBytes': '128',
        defaultTimeoutMicros: '2.5',
      }),
    );
    expect(diff).toEqual({
      set: {
        instances: '4',
        'dynamicBatching.enabled': 'false',
        'cache.maxBytes': String(128 * MIB),
        defaultTimeoutMicros: '2500',
      },
      errors: {},
    });
  });

  it.each<[string, string | boolean, string]>([
    ['intraOpThreads', '2', '2'],
    ['provider', 'cpu', '"cpu"'],
    ['dynamicBatching.maxQueueDelayMicros', '500', '500'],
    ['dynamicBatching.preferredBatchSizes', '4, 8', '[4,8]'],
    ['dynamicBatching.preferredBatchSizes', ' 4 8,16 ', '[4,8,16]'],
    ['cache.enabled', true, 'true'],
    ['cache.maxBytes', '0.5', String(MIB / 2)],
    ['cache.maxBytes', '0', '0'],
    ['maxQueueLength', ' 16 ', '16'],
    ['defaultTimeoutMicros', '0', '0'],
    ['priorityLevels', '3', '3'],
  ])('sends %s typed as %j as %s', (key, entry, sent) => {
    const settings = defaults();
    expect(diffDraft(settings, edited(settings, { [key]: entry }))).toEqual({ set: { [key]: sent }, errors: {} });
  });

  it('sends null when threads are emptied back to automatic and [] when the list is emptied', () => {
    const settings = defaults();
    settings.intraOpThreads = 4;
    settings.dynamicBatching.preferredBatchSizes = [8];
    const diff = diffDraft(
      settings,
      edited(settings, { intraOpThreads: '  ', 'dynamicBatching.preferredBatchSizes': '' }),
    );
    expect(diff.set).toEqual({ intraOpThreads: 'null', 'dynamicBatching.preferredBatchSizes': '[]' });
  });

  it('sends nothing for an edit that comes back to the stored value', () => {
    const settings = defaults();
    const diff = diffDraft(
      settings,
      edited(settings, {
        'dynamicBatching.maxBatchSize': ' 32',
        'cache.maxBytes': '64.0',
        defaultTimeoutMicros: '3e4',
        'dynamicBatching.preferredBatchSizes': ' , ',
      }),
    );
    expect(diff).toEqual({ set: {}, errors: {} });
  });

  it('skips fields the draft does not hold', () => {
    expect(diffDraft(defaults(), { instances: '2' })).toEqual({ set: { instances: '2' }, errors: {} });
    expect(diffDraft(defaults(), {})).toEqual({ set: {}, errors: {} });
  });

  it('marks each invalid field with what was expected and keeps the valid changes', () => {
    const settings = defaults();
    const diff = diffDraft(
      settings,
      edited(settings, {
        instances: '2.5',
        intraOpThreads: 'auto',
        provider: ' ',
        'dynamicBatching.maxBatchSize': '-1',
        'dynamicBatching.preferredBatchSizes': '4, eight',
        'cache.maxBytes': 'lots',
        defaultTimeoutMicros: '',
        maxQueueLength: '64',
      }),
    );
    expect(diff).toEqual({
      set: { maxQueueLength: '64' },
      errors: {
        instances: 'a whole number',
        intraOpThreads: 'a whole number, or empty for automatic',
        provider: 'choose a provider',
        'dynamicBatching.maxBatchSize': 'a whole number',
        'dynamicBatching.preferredBatchSizes': 'whole numbers separated by commas',
        'cache.maxBytes': 'a number of MiB',
        defaultTimeoutMicros: 'a number of ms',
      },
    });
  });
});

describe('parseField', () => {
  it.each<[string, string | boolean, unknown]>([
    ['instances', '', { error: 'a whole number' }],
    ['instances', '1e3', { error: 'a whole number' }],
    ['instances', '-2', { error: 'a whole number' }],
    ['instances', '007', { value: 7 }],
    ['intraOpThreads', '', { value: null }],
    ['intraOpThreads', '1.5', { error: 'a whole number, or empty for automatic' }],
    ['provider', ' cuda ', { value: 'cuda' }],
    ['cache.maxBytes', '-1', { error: 'a number of MiB' }],
    ['cache.maxBytes', 'Infinity', { error: 'a number of MiB' }],
    ['cache.maxBytes', '1.25', { value: 1.25 * MIB }],
    ['defaultTimeoutMicros', '0.0004', { value: 0 }],
    ['defaultTimeoutMicros', '-5', { error: 'a number of ms' }],
    ['dynamicBatching.preferredBatchSizes', '1,,2', { value: [1, 2] }],
    ['dynamicBatching.preferredBatchSizes', '1.5', { error: 'whole numbers separated by commas' }],
  ])('%s %j gives %j', (key, entry, expected) => {
    expect(parseField(field(key), entry)).toEqual(expected);
  });

  it('reads a checkbox as on only for true', () => {
    const enabled = field('cache.enabled');
    expect(parseField(enabled, true)).toEqual({ value: true });
    expect(parseField(enabled, false)).toEqual({ value: false });
    expect(parseField(enabled, 'true')).toEqual({ value: false });
  });
});

describe('fallbackText', () => {
  it('writes the engine text forms', () => {
    expect(fallbackText({ kind: 'none' })).toBe('none');
    expect(fallbackText({ kind: 'version', version: 2 })).toBe('version:2');
    expect(fallbackText({ kind: 'constant', outputs: { label: { shape: [1], data: [0] } } })).toBe(
      'constant:{"label":{"shape":[1],"data":[0]}}',
    );
  });

  it.each<Fallback>([
    { kind: 'none' },
    { kind: 'version', version: 2 },
    {
      kind: 'constant',
      outputs: {
        logits: { shape: [1, 10], data: new Array(10).fill(0) },
        probabilities: { shape: [1, 10], data: new Array(10).fill(0.1) },
      },
    },
  ])('reads back as the same fallback in the engine: $kind', (fallback) => {
    expect(servingConfig.setFallback('digits', fallbackText(fallback))).toEqual(fallback);
    expect(servingConfig.fallback('digits')).toEqual(fallback);
    expect(fallbackText(servingConfig.fallback('digits'))).toBe(fallbackText(fallback));
    servingConfig.setFallback('digits', 'none');
  });
});

describe('changeOf', () => {
  it('sends the changed keys only, no fallback when its text is unchanged, and never an unset', () => {
    const settings = defaults();
    const change = changeOf(diffDraft(settings, edited(settings, { instances: '2' })), 'none', 'none');
    expect(change).toEqual({ set: { instances: '2' } });
    expect(change).not.toHaveProperty('unset');
    expect(change).not.toHaveProperty('fallback');
  });

  it('sends the fallback text, trimmed, when it changed', () => {
    const diff = diffDraft(defaults(), draftOf(defaults()));
    expect(changeOf(diff, 'none', ' version:2\n')).toEqual({ set: {}, fallback: 'version:2' });
    expect(changeOf(diff, 'version:2', 'none')).toEqual({ set: {}, fallback: 'none' });
    expect(changeOf(diff, 'version:2', 'version:2 ')).toEqual({ set: {} });
  });

  it('is a valid body for updateServingConfig', () => {
    const settings = defaults();
    const change = changeOf(diffDraft(settings, edited(settings, { priorityLevels: '4' })), 'none', 'version:2');
    expect(ServingConfigChangeSchema.parse(change)).toEqual({
      set: { priorityLevels: '4' },
      unset: [],
      fallback: 'version:2',
    });
  });
});

describe('the form against the engine', () => {
  it('stores exactly what the user typed, and the reloaded form shows it with nothing pending', () => {
    const before = servingConfig.effective(digits);
    expect(before).toEqual({ settings: defaults(), overridden: [] });

    const draft = edited(before.settings, {
      instances: '2',
      intraOpThreads: '3',
      'dynamicBatching.preferredBatchSizes': '4, 8',
      'cache.enabled': true,
      'cache.maxBytes': '1.5',
      defaultTimeoutMicros: '250',
      priorityLevels: '3',
      defaultPriority: '2',
    });
    const diff = diffDraft(before.settings, draft);
    expect(diff.errors).toEqual({});
    const change = changeOf(diff, 'none', 'none');
    expect(change).toEqual({ set: diff.set });
    const after = servingConfig.update(digits, change);

    expect(after.overridden.sort()).toEqual(Object.keys(diff.set).sort());
    expect(after.settings).toEqual({
      ...defaults(),
      instances: 2,
      intraOpThreads: 3,
      dynamicBatching: { ...defaults().dynamicBatching, preferredBatchSizes: [4, 8] },
      cache: { enabled: true, maxBytes: 1.5 * MIB },
      defaultTimeoutMicros: 250_000,
      priorityLevels: 3,
      defaultPriority: 2,
    });
    expect(draftOf(after.settings)).toEqual(draft);
    expect(diffDraft(after.settings, draftOf(after.settings))).toEqual({ set: {}, errors: {} });

    // Reset (the editor sends `unset` with the one key) returns that key to its default.
    const reset = servingConfig.update(digits, { unset: ['cache.maxBytes'] });
    expect(reset.settings.cache.maxBytes).toBe(64 * MIB);
    expect(reset.overridden).not.toContain('cache.maxBytes');
    expect(draftOf(reset.settings)['cache.maxBytes']).toBe('64');

    // Every field can be reset that way.
    const cleared = servingConfig.update(digits, { unset: SETTING_FIELDS.map((f) => f.key) });
    expect(cleared).toEqual({ settings: defaults(), overridden: [] });
  });

  it('sends "null" for automatic threads, which the engine takes as automatic', () => {
    servingConfig.update(digits, { set: { intraOpThreads: '4' } });
    const stored = servingConfig.effective(digits).settings;
    const { set } = diffDraft(stored, edited(stored, { intraOpThreads: '' }));
    expect(servingConfig.update(digits, { set }).settings.intraOpThreads).toBeNull();
    servingConfig.update(digits, { unset: ['intraOpThreads'] });
  });

  // A cache size that is not a multiple of 1/1000 MiB (e.g. 100 MB, set with `slipway models config
  // --set cache.maxBytes=100000000`) is shown rounded ("95.367"); left untouched it must not count as a change.
  it('sends nothing for an untouched form whatever the stored cache size', () => {
    const settings = defaults();
    settings.cache.maxBytes = 100_000_000;
    expect(diffDraft(settings, draftOf(settings))).toEqual({ set: {}, errors: {} });
  });
});
