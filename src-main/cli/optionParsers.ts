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
