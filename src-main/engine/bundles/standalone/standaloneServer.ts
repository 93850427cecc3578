// Entry of the standalone server (built into one file, server.js, by scripts/buildStandalone.mjs). The same file
// plays every role: the server, its inference worker threads and its provider probe child, chosen by the
// `--slipway-role` argument that siblingScript adds when it starts them from the single file.
import { untilStopSignal } from '../../untilStopSignal';
import { fileURLToPath } from 'node:url';
import { STANDALONE_SERVER_CONFIG_FILE } from '../../../../src-shared/contract';
import { runProviderProbe } from '../../runtime/providerProbeChild';
import { runSessionWorker } from '../../runtime/sessionWorker';
import { roleOf } from '../../runtime/singleFile';
import { isUserError, type UserErrorCode } from '../../userError';
import { parseStandaloneOptions, STANDALONE_USAGE, UsageError } from './standaloneOptions';
import { startStandaloneServer } from './startStandaloneServer';

/** Exit statuses, as `slipway` uses them. */
const EXIT = { userError: 1, usage: 2, unavailable: 3, tooNew: 4, internal: 70 } as const;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const defaultConfig = fileURLToPath(new URL(`./${STANDALONE_SERVER_CONFIG_FILE}`, import.meta.url));
  const options = parseStandaloneOptions(process.argv.slice(2), process.env, defaultConfig);
  if (options.help) {
    process.stdout.write(`${STANDALONE_USAGE}\n`);
    return;
  }
  const server = await startStandaloneServer(options, log);
  // Listening before the address is printed: whoever reads it may signal this process at once.
  const stopSignal = untilStopSignal();
  process.stdout.write(`slipway-server: serving ${server.serving.join(', ')} at ${server.url}\n`);
  await stopSignal;
  log('slipway-server: draining in-flight requests…');
  await server.stop();
  log('slipway-server: stopped');
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (!isUserError(error)) return EXIT.internal;
  const byCode: Partial<Record<UserErrorCode, number>> = { unavailable: EXIT.unavailable, 'too-new': EXIT.tooNew };
  return byCode[error.code] ?? EXIT.userError;
}

const role = roleOf(process.argv);
if (role === 'sessionWorker') void runSessionWorker();
else if (role === 'providerProbeChild') runProviderProbe();
else if (role !== undefined) {
  log(`slipway-server: unknown role '${role}'`);
  process.exitCode = EXIT.internal;
} else {
  main().then(
    // Worker threads and keep-alive sockets are closed by stop(); exit anyway so nothing lingers.
    () => process.exit(0),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`slipway-server: ${isUserError(error) ? '' : 'internal error: '}${message}`);
      if (!isUserError(error) && error instanceof Error && error.stack) log(error.stack);
      process.exit(exitCodeOf(error));
    },
  );
}
