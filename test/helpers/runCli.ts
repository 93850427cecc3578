// Runs the built `slipway` command (bin/slipway.js) the way a user does and captures what it printed.
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { ROOT } from './paths';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}bin/slipway.js`, ...args], {
      env: { ...process.env, SLIPWAY_HOME: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Runs with --json, requires exit 0, and parses stdout with the command's schema from src-shared/contract, so
 * a field renamed, dropped or retyped fails the test that reads it (the README promises these shapes).
 */
export async function runCliJson<S extends z.ZodType>(
  schema: S,
  args: string[],
  env?: Record<string, string>,
): Promise<z.infer<S>>;
/** @deprecated Pass the command's zod schema first: a cast checks nothing. */
export async function runCliJson<T>(args: string[], env?: Record<string, string>): Promise<T>;
export async function runCliJson(
  ...call: [z.ZodType, string[], Record<string, string>?] | [string[], Record<string, string>?]
): Promise<unknown> {
  const [schema, args, env = {}] = Array.isArray(call[0])
    ? [undefined, call[0], call[1] as Record<string, string> | undefined]
    : [call[0], call[1] as string[], call[2]];
  const result = await runCli([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`slipway ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  const parsed: unknown = JSON.parse(result.stdout);
  if (!schema) return parsed;
  const checked = schema.safeParse(parsed);
  if (!checked.success) {
    throw new Error(`slipway ${args.join(' ')} --json does not match its schema:\n${z.prettifyError(checked.error)}`);
  }
  return checked.data;
}
