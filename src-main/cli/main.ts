// The `slipway` command line: every library and runtime action, with --home and --json on every command.
import { Command, CommanderError, Option } from 'commander';
import { APP_VERSION } from '../engine/appVersion';
import { ServingError } from '../engine/serving/servingError';
import { DatabaseTooNewError } from '../engine/store/openDatabase';
import { isUserError } from '../engine/userError';
import { registerInfoCommand } from './commands/infoCommand';
import { registerModelsCommand } from './commands/modelsCommand';
import type { RunAction } from './runAction';
import { registerProvidersCommand } from './commands/providersCommand';
import { registerRunCommand } from './commands/runCommand';
import { registerServeCommand } from './commands/serveCommand';
import { registerKeysCommand } from './commands/keysCommand';
import { registerLoadtestCommand } from './commands/loadtestCommand';
import { registerCompareCommand } from './commands/compareCommand';
import { registerDatasetsCommand } from './commands/datasetsCommand';
import { registerRolloutCommand } from './commands/rolloutCommand';
import { registerWebCommand } from './commands/webCommand';
import { registerExportCommand } from './commands/exportCommand';
import { registerBundlesCommand } from './commands/bundlesCommand';
import { EXIT, exitCodeFor } from './exitCodes';
import { Output } from './output';
import { throwUsageErrors, UsageError } from './usageError';
import type { GlobalOptions } from './withEngine';

export async function main(argv: string[]): Promise<number> {
  // Read before parsing: a wrong command line fails before commander has parsed any option.
  const json = argv.includes('--json');
  const program = new Command('slipway')
    .description('Slipway: run, inspect and manage local ONNX models')
    .version(APP_VERSION)
    // Options after a command belong to it: `models import --version 3` is not the program's --version.
    .enablePositionalOptions()
    .configureOutput({
      // Help shown because a command needs a subcommand goes to stderr, except under --json (one JSON error).
      writeErr: (text) => {
        if (!json) process.stderr.write(text);
      },
      // Commander's own error lines are reported below as UsageErrors, in the same form as every other error.
      outputError: () => {},
    });

  let exitCode: number = EXIT.ok;
  const act: RunAction = async (cmd, action) => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    const out = new Output({ json: !!opts.json });
    exitCode = await report(out, opts, () => action(out, opts));
  };
  registerModelsCommand(program, act);
  registerRunCommand(program, act);
  registerServeCommand(program, act);
  registerKeysCommand(program, act);
  registerLoadtestCommand(program, act);
  registerCompareCommand(program, act);
  registerDatasetsCommand(program, act);
  registerRolloutCommand(program, act);
  registerExportCommand(program, act);
  registerBundlesCommand(program, act);
  registerWebCommand(program, act);
  registerProvidersCommand(program, act);
  registerInfoCommand(program, act);
  addGlobalOptions(program);
  throwUsageErrors(program);

  try {
    await program.parseAsync(argv, { from: 'node' });
  } catch (error) {
    if (error instanceof UsageError) {
      if (json || !error.helpShown) new Output({ json }).error('usage', error.message);
      return EXIT.usage;
    }
    // --help and --version (exit code 0); throwUsageErrors turned every other CommanderError into a UsageError.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // Errors thrown while parsing option values (e.g. a bad --dim) arrive here.
    const out = new Output({ json });
    return report(out, { debug: argv.includes('--debug') }, () => Promise.reject(error));
  }
  return exitCode;
}

/** --home, --json and --debug on the program and on every subcommand, so they work anywhere on the line. */
function addGlobalOptions(command: Command): void {
  command.addOption(new Option('--home <dir>', 'library folder (default: $SLIPWAY_HOME, else the OS app-data folder)'));
  command.addOption(new Option('--json', 'print one JSON document (stable, see README)'));
  command.addOption(new Option('--debug', 'print stack traces of unexpected errors').hideHelp());
  for (const sub of command.commands) addGlobalOptions(sub);
}

async function report(out: Output, opts: GlobalOptions, action: () => Promise<void>): Promise<number> {
  try {
    await action();
    return EXIT.ok;
  } catch (error) {
    if (isUserError(error)) {
      out.error(error.code, error.message);
      return exitCodeFor(error.code);
    }
    if (error instanceof ServingError) {
      // The data plane's errors reach the CLI when `serve` resolves its models at start.
      out.error(error.status === 404 ? 'not-found' : error.status === 503 ? 'unavailable' : 'bad-input', error.message);
      return error.status === 503 ? EXIT.unavailable : EXIT.userError;
    }
    if (error instanceof DatabaseTooNewError) {
      out.error('too-new', error.message);
      return EXIT.tooNew;
    }
    const message = error instanceof Error ? error.message : String(error);
    out.error('internal', `unexpected error: ${message}${opts.debug ? '' : ' (run with --debug for details)'}`);
    if (opts.debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT.internal;
  }
}
