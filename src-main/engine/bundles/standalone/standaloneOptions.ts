// The standalone server's command line and environment (flags win over the environment, which wins over the
// config file). Parsed with node:util so server.js needs no dependency beyond onnxruntime-node.
import { parseArgs } from 'node:util';
import { UserError } from '../../userError';

export interface StandaloneOptions {
  help: boolean;
  configPath: string;
  /** Undefined: the config's host / port. */
  host?: string;
  port?: number;
  apiKeys: string[];
  allowedHosts: string[];
  corsOrigins: string[];
  maxBodyBytes: number;
  accessLog: boolean;
}

export const STANDALONE_USAGE = `Usage: node server.js [options]

Serves the models of this bundle on a KServe V2 / Triton-compatible endpoint until Ctrl-C or SIGTERM.

Options:
  --config <path>        the server config (default: slipway-server.json next to server.js)
  --host <address>       address to bind (env HOST; default: the config's, 127.0.0.1).
                         Anything but loopback requires an API key.
  --port <n>             port, 0 picks a free one (env PORT; default: the config's)
  --api-key <keys>       accept these keys, comma-separated or repeated (env SLIPWAY_API_KEY)
  --allow-host <names>   Host header names to accept besides loopback and the bound address
                         (comma-separated or repeated; env SLIPWAY_ALLOW_HOSTS)
  --cors-origin <list>   allow browser requests from these origins (env SLIPWAY_CORS_ORIGINS)
  --max-body-mb <n>      largest request body, after decompression (default 64)
  --access-log           print a line per request
  --help                 show this help`;

/** A command-line mistake (unknown option, bad value), which exits with the usage status. */
export class UsageError extends UserError {
  constructor(message: string) {
    super('bad-input', message);
    this.name = 'UsageError';
  }
}

export function parseStandaloneOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  defaultConfigPath: string,
): StandaloneOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        // The spelling some users reach for first; same meaning.
        'allowed-host': { type: 'string', multiple: true },
        'cors-origin': { type: 'string', multiple: true },
        'max-body-mb': { type: 'string' },
        'access-log': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see --help`);
  }
  const host = values.host ?? nonEmpty(env.HOST);
  if (host !== undefined && host.trim() === '') throw new UsageError('--host: expected an address such as 127.0.0.1');
  const portText = values.port ?? nonEmpty(env.PORT);
  return {
    help: values.help ?? false,
    configPath: values.config ?? defaultConfigPath,
    host: host?.trim(),
    port:
      portText === undefined ? undefined : integer(portText, values.port !== undefined ? '--port' : 'PORT', 0, 65535),
    apiKeys: list(values['api-key'], env.SLIPWAY_API_KEY),
    allowedHosts: list([...(values['allow-host'] ?? []), ...(values['allowed-host'] ?? [])], env.SLIPWAY_ALLOW_HOSTS),
    corsOrigins: list(values['cors-origin'], env.SLIPWAY_CORS_ORIGINS),
    maxBodyBytes: integer(values['max-body-mb'] ?? '64', '--max-body-mb', 1, 4096) * 1024 * 1024,
    accessLog: values['access-log'] ?? false,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Flag values when given (each may be comma-separated), else the environment variable's comma-separated list. */
function list(flags: string[] | undefined, env: string | undefined): string[] {
  const raw = flags && flags.length > 0 ? flags : env !== undefined ? [env] : [];
  return raw
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function integer(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new UsageError(`invalid ${name} '${text}': expected a whole number ${min}..${max}`);
  return n;
}
