// Exit codes of the `slipway` command, documented in the README.
import type { UserErrorCode } from '../engine/userError';

export const EXIT = {
  ok: 0,
  /** Bad input, unknown model or version, conflict: the message says what to change. */
  userError: 1,
  /** The command line itself was wrong (unknown option, missing argument). */
  usage: 2,
  /** A resource is unavailable: the execution provider cannot start here. */
  unavailable: 3,
  /** The library was written by a newer Slipway. */
  tooNew: 4,
  /** A bug: an unexpected error, reported with its stack under --debug. */
  internal: 70,
} as const;

export function exitCodeFor(code: UserErrorCode): number {
  switch (code) {
    case 'unavailable':
      return EXIT.unavailable;
    case 'too-new':
      return EXIT.tooNew;
    default:
      return EXIT.userError;
  }
}
