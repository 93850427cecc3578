// The Settings screen's threads field: the text the user typed becomes the contract's defaultThreads (empty is
// automatic) or a refusal in words, with the bounds read from the contract so the two cannot disagree.
import { AppSettingsSchema } from '../../../src-shared/contract';

const threadsSchema = AppSettingsSchema.shape.defaultThreads.unwrap();
export const MIN_THREADS = threadsSchema.minValue ?? 1;
export const MAX_THREADS = threadsSchema.maxValue ?? Number.MAX_SAFE_INTEGER;

export type ThreadsParse = { ok: true; value: number | null } | { ok: false; error: string };

export function parseThreads(text: string): ThreadsParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (Number.isSafeInteger(value) && value >= MIN_THREADS && value <= MAX_THREADS) return { ok: true, value };
  return {
    ok: false,
    error: `Threads: give a whole number from ${MIN_THREADS} to ${MAX_THREADS}, or leave it empty for automatic.`,
  };
}

/** The field's text for a stored value. */
export const threadsText = (value: number | null): string => (value === null ? '' : String(value));
