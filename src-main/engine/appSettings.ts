// App-wide preferences the UI edits (default provider and threads, theme, tray behaviour), kept in the library.
import { AppSettingsSchema, type AppSettings } from '../../src-shared/contract';
import type { MetaRepository } from './store/metaRepository';

const KEY = 'app_settings';

export const DEFAULT_APP_SETTINGS: AppSettings = {
  defaultProvider: 'auto',
  defaultThreads: null,
  theme: 'system',
  keepServingInTray: false,
};

export class AppSettingsStore {
  constructor(private readonly meta: MetaRepository) {}

  get(): AppSettings {
    const raw = this.meta.get(KEY);
    const parsed = raw ? AppSettingsSchema.partial().safeParse(JSON.parse(raw)) : undefined;
    // A value written by another version that no longer parses falls back to defaults field by field.
    return { ...DEFAULT_APP_SETTINGS, ...(parsed?.success ? parsed.data : {}) };
  }

  update(patch: Partial<AppSettings>): AppSettings {
    const next = AppSettingsSchema.parse({ ...this.get(), ...patch });
    this.meta.set(KEY, JSON.stringify(next));
    return next;
  }
}
