// The standalone server's command line: flags over environment over the config, comma-separated key lists, and
// clear refusals of unknown options and bad numbers.
import { describe, expect, it } from 'vitest';
import { parseStandaloneOptions, UsageError } from '../../../src-main/engine/bundles/standalone/standaloneOptions';
import { thrown } from '../../helpers/thrown';

const DEFAULT = '/srv/bundle/slipway-server.json';

describe('parseStandaloneOptions', () => {
  it('leaves host and port to the config when nothing is given', () => {
    const options = parseStandaloneOptions([], {}, DEFAULT);
    expect(options).toEqual({
      help: false,
      configPath: DEFAULT,
      host: undefined,
      port: undefined,
      apiKeys: [],
      allowedHosts: [],
      corsOrigins: [],
      maxBodyBytes: 64 * 1024 * 1024,
      accessLog: false,
    });
  });

  it('reads HOST, PORT and comma-separated lists from the environment', () => {
    const options = parseStandaloneOptions(
      [],
      {
        HOST: '0.0.0.0',
        PORT: '9000',
        SLIPWAY_API_KEY: 'a, b,,c',
        SLIPWAY_ALLOW_HOSTS: 'models.example',
        SLIPWAY_CORS_ORIGINS: 'https://a.example,https://b.example',
      },
      DEFAULT,
    );
    expect(options.host).toBe('0.0.0.0');
    expect(options.port).toBe(9000);
    expect(options.apiKeys).toEqual(['a', 'b', 'c']);
    expect(options.allowedHosts).toEqual(['models.example']);
    expect(options.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('lets flags win over the environment', () => {
    const options = parseStandaloneOptions(
      [
        '--host=127.0.0.2',
        '--port',
        '0',
        '--api-key',
        'k1,k2',
        '--api-key',
        'k3',
        '--allow-host',
        'x.example',
        '--allowed-host',
        'y.example',
        '--config',
        'other.json',
        '--max-body-mb',
        '2',
        '--access-log',
      ],
      { HOST: '0.0.0.0', PORT: '9000', SLIPWAY_API_KEY: 'env-key' },
      DEFAULT,
    );
    expect(options.host).toBe('127.0.0.2');
    expect(options.port).toBe(0);
    expect(options.apiKeys).toEqual(['k1', 'k2', 'k3']);
    expect(options.allowedHosts).toEqual(['x.example', 'y.example']);
    expect(options.configPath).toBe('other.json');
    expect(options.maxBodyBytes).toBe(2 * 1024 * 1024);
    expect(options.accessLog).toBe(true);
  });

  it('treats an empty environment variable as unset', () => {
    expect(parseStandaloneOptions([], { PORT: '', HOST: '' }, DEFAULT)).toMatchObject({
      port: undefined,
      host: undefined,
    });
  });

  it('recognises --help', () => {
    expect(parseStandaloneOptions(['--help'], {}, DEFAULT).help).toBe(true);
    expect(parseStandaloneOptions(['-h'], {}, DEFAULT).help).toBe(true);
  });

  it('refuses unknown options, positionals and bad numbers as usage errors', () => {
    expect(thrown(() => parseStandaloneOptions(['--models', 'x'], {}, DEFAULT), UsageError).message).toMatch(
      /--models.*see --help/,
    );
    thrown(() => parseStandaloneOptions(['serve'], {}, DEFAULT), UsageError);
    expect(thrown(() => parseStandaloneOptions(['--port', '70000'], {}, DEFAULT), UsageError).message).toBe(
      "invalid --port '70000': expected a whole number 0..65535",
    );
    expect(thrown(() => parseStandaloneOptions([], { PORT: '80a' }, DEFAULT), UsageError).message).toBe(
      "invalid PORT '80a': expected a whole number 0..65535",
    );
    thrown(() => parseStandaloneOptions(['--max-body-mb', '0'], {}, DEFAULT), UsageError);
  });
});
