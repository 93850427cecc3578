// Parsers for option values, shared by the commands: each rejects a bad value with the range it expected.
import { UserError } from '../engine/userError';

/** An integer in min..max; the message names the flag and the range. */
export function integerOption(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range =
        max === Number.MAX_SAFE_INTEGER
          ? min === 0
            ? 'a non-negative integer'
            : `an integer ≥ ${min}`
          : `an integer ${min}..${max}`;
      throw new UserError('bad-input', `invalid ${flag} '${value}': expected ${range}`);
    }
    return n;
  };
}

/** A repeatable option's values, in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A time such as 500ms, 30s, 2m or 1h, in ms; a bare number is in `bareUnit`. */
export function parseTime(value: string, flag: string, bareUnit: 'ms' | 's'): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match) {
    throw new UserError('bad-input', `invalid ${flag} '${value}': expected a time such as 500ms, 30s, 2m or 1h`);
  }
  return Number(match[1]) * UNIT_MS[match[2] ?? bareUnit]!;
}
