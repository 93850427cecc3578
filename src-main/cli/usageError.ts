// Commander's own errors (unknown command or option, missing argument) turned into one line that names the
// command whose --help explains it, so main reports them like every other error: one stderr line, or JSON.
import { CommanderError, type Command } from 'commander';

/** The command line itself was wrong (exit 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Commander already printed the command's help (a command that needs a subcommand got none). */
    readonly helpShown: boolean,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Makes `command` and all its subcommands throw instead of exiting: a UsageError for a wrong command line,
 * commander's own CommanderError for --help and --version (exit code 0). */
export function throwUsageErrors(command: Command): void {
  command.exitOverride((error) => {
    throw error.exitCode === 0 ? error : usageErrorOf(command, error);
  });
  for (const sub of command.commands) throwUsageErrors(sub);
}

function usageErrorOf(command: Command, error: CommanderError): UsageError {
  const path = commandPath(command);
  if (error.code === 'commander.help') {
    const names = command.commands.map((c) => c.name()).join(', ');
    return new UsageError(`${path} needs a command: ${names} (run ${path} --help for usage)`, true);
  }
  // "error: unknown option '--jsn'\n(Did you mean --json?)" → "unknown option '--jsn'; did you mean --json?"
  const message = error.message
    .replace(/^error: /, '')
    .replace(/\s*\n\(Did you mean (.*)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return new UsageError(`${message} (run ${path} --help for usage)`, false);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
