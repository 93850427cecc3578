// The Settings screen's threads field: empty is automatic, whole numbers inside the contract's bounds are kept,
// anything else is refused in words — and what the field accepts the engine's schema accepts too.
import { describe, expect, it } from 'vitest';
import { AppSettingsPatchSchema } from '../../../src-shared/contract';
import { MAX_THREADS, MIN_THREADS, parseThreads, threadsText } from '../../../src-renderer/src/settings/threadsSetting';

describe('threads setting', () => {
  it('reads empty text as automatic and whole numbers as themselves', () => {
    expect(parseThreads('')).toEqual({ ok: true, value: null });
    expect(parseThreads('   ')).toEqual({ ok: true, value: null });
    expect(parseThreads('4')).toEqual({ ok: true, value: 4 });
    expect(parseThreads(' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseThreads('007')).toEqual({ ok: true, value: 7 });
  });

  it('takes its bounds from the contract', () => {
    expect([MIN_THREADS, MAX_THREADS]).toEqual([1, 256]);
    expect(parseThreads(String(MIN_THREADS))).toEqual({ ok: true, value: MIN_THREADS });
    expect(parseThreads(String(MAX_THREADS))).toEqual({ ok: true, value: MAX_THREADS });
  });

  it.each(['0', '257', '-2', '1.5', '1e3', 'four', '3 4', '99999999999999999999'])('refuses %j in words', (text) => {
    const parsed = parseThreads(text);
    expect(parsed).toEqual({
      ok: false,
      error: 'Threads: give a whole number from 1 to 256, or leave it empty for automatic.',
    });
  });

  it('accepts exactly what the engine accepts', () => {
    for (const text of ['', '1', '8', '256', '0', '257', '2.5', 'x']) {
      const parsed = parseThreads(text);
      const engine = AppSettingsPatchSchema.safeParse({ defaultThreads: text === '' ? null : Number(text) });
      expect(parsed.ok, text).toBe(engine.success);
    }
  });

  it('shows a stored value as the text that reads back to it', () => {
    for (const value of [null, 1, 16, 256]) expect(parseThreads(threadsText(value))).toEqual({ ok: true, value });
  });
});
