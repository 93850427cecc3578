// Whether this code runs inside the standalone server's single file (scripts/buildStandalone.mjs defines the
// constant). There, worker threads and child processes are that same file started with a role argument, since
// their usual sibling scripts do not exist.
declare const __SLIPWAY_SINGLE_FILE__: boolean | undefined;

export const SINGLE_FILE: boolean = typeof __SLIPWAY_SINGLE_FILE__ !== 'undefined' && __SLIPWAY_SINGLE_FILE__;

/** The argument that names the role a single-file process or thread plays: `--slipway-role <script base name>`. */
export const ROLE_FLAG = '--slipway-role';

/** The role named in argv (`sessionWorker`, `providerProbeChild`, ...), or undefined for the main program. */
export function roleOf(argv: readonly string[]): string | undefined {
  const at = argv.indexOf(ROLE_FLAG);
  return at >= 0 ? argv[at + 1] : undefined;
}
