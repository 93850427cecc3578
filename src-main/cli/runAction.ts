// How a command's action runs: main wraps it so output mode, error reporting and exit codes are the same for all.
import type { Command } from 'commander';
import type { Output } from './output';
import type { GlobalOptions } from './withEngine';

export type CommandAction = (out: Output, opts: GlobalOptions) => Promise<void>;
export type RunAction = (cmd: Command, action: CommandAction) => Promise<void>;
