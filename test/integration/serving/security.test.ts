// The data plane's front door over real HTTP: Host allowlist against DNS rebinding, API keys required beyond
// loopback (stored keys only there; health probes still open), the exposure warning, and CORS only for the
// origins listed.
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/engine';
import { startServing } from '../../../src-main/engine/servingSession';
import { rawRequest, type RawResponse } from '../../helpers/rawHttp';
import { tempDir } from '../../helpers/tempDir';
import { startTestServer, type TestServer } from '../../helpers/testServer';

const PIXELS = Array.from({ length: 64 }, (_, i) => (i % 9) / 8);
const INFER_BODY = JSON.stringify({ inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: PIXELS }] });

const portOf = (url: string) => new URL(url).port;

function expectError(res: RawResponse, status: number, ...fragments: string[]): void {
  expect(res.status, res.body.toString()).toBe(status);
  expect(res.json).toBeDefined();
  expect(Object.keys(res.json!)).toEqual(['error']);
  for (const fragment of fragments) expect(res.json!.error).toContain(fragment);
}

describe('Host header allowlist', () => {
  let server: TestServer;
  let plain: TestServer;

  beforeAll(async () => {
    [server, plain] = await Promise.all([
      startTestServer({ models: ['digits-mlp'], allowedHosts: ['models.lan'] }),
      startTestServer({ models: ['digits-mlp'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), plain?.close()]);
  });

  it('refuses a Host that is not this server with 403 naming the hosts allowed', async () => {
    const port = portOf(plain.url);
    const res = await rawRequest(`${plain.url}/v2/models/digits-mlp/infer`, {
      method: 'POST',
      body: INFER_BODY,
      headers: { host: `attacker.example:${port}`, 'content-type': 'application/json' },
    });
    expectError(res, 403, "'attacker.example", 'localhost', '127.0.0.1', '--allow-host');
    // Health probes are no exception: a rebinding page must not read anything.
    expectError(await rawRequest(`${plain.url}/v2/health/ready`, { headers: { host: 'attacker.example' } }), 403);
    expectError(await rawRequest(`${plain.url}/metrics`, { headers: { host: 'attacker.example' } }), 403);
    // A listed name on another server is not allowed here.
    expectError(await rawRequest(`${plain.url}/v2`, { headers: { host: `models.lan:${port}` } }), 403);
  });

  it('refuses a request without a Host header', async () => {
    // Node's HTTP parser answers 400 itself to HTTP/1.1 without Host; the guard's own answer would be 403.
    const res = await rawRequest(`${plain.url}/v2`, { setHost: false });
    expect([400, 403]).toContain(res.status);
    expect(res.json?.extensions).toBeUndefined();
  });

  it('accepts the loopback names, with or without a port', async () => {
    const port = portOf(plain.url);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', 'LOCALHOST']) {
      const res = await rawRequest(`${plain.url}/v2/models/digits-mlp/infer`, {
        method: 'POST',
        body: INFER_BODY,
        headers: { host, 'content-type': 'application/json' },
      });
      expect(res.status, host).toBe(200);
    }
  });

  it('accepts the extra names given as allowed hosts (--allow-host), and says so in its 403', async () => {
    const port = portOf(server.url);
    const ok = await rawRequest(`${server.url}/v2/models/digits-mlp/ready`, {
      headers: { host: `models.lan:${port}` },
    });
    expect(ok.status).toBe(200);
    expect((await rawRequest(`${server.url}/v2`, { headers: { host: 'MODELS.LAN' } })).status).toBe(200);
    const refused = await rawRequest(`${server.url}/v2`, { headers: { host: `other.lan:${port}` } });
    expectError(refused, 403, "'other.lan", 'models.lan');
  });
});

describe('binding beyond loopback', () => {
  it('refuses to serve on 0.0.0.0 without an API key, saying how to get one', async () => {
    const engine = Engine.open({ home: tempDir() });
    try {
      const start = startServing(engine, {
        host: '0.0.0.0',
        port: 0,
        models: ['digits-mlp'],
        apiKeys: [],
        allowedHosts: [],
        corsOrigins: [],
        log: () => {},
      });
      await expect(start).rejects.toThrow(/API key/);
      await expect(start).rejects.toThrow(/--api-key|slipway keys create/);
    } finally {
      await engine.close();
    }
  });

  describe('with an API key', () => {
    let server: TestServer;
    let local: string;
    let storedKey: string;
    const logged: string[] = [];

    beforeAll(async () => {
      server = await startTestServer({
        host: '0.0.0.0',
        models: ['digits-mlp'],
        apiKeys: ['k1'],
        corsOrigins: ['http://app.example'],
        log: (line) => logged.push(line),
        prepare: (engine) => {
          storedKey = engine.apiKeys.create('ci').key;
        },
      });
      local = `http://127.0.0.1:${portOf(server.url)}`;
    });
    afterAll(() => server?.close());

    const infer = (headers: Record<string, string>) =>
      rawRequest(`${local}/v2/models/digits-mlp/infer`, {
        method: 'POST',
        body: INFER_BODY,
        headers: { 'content-type': 'application/json', ...headers },
      });

    it("warns loudly, listing the URLs it is reachable at (this machine's addresses, then loopback)", () => {
      const port = portOf(server.url);
      const urls = server.session.exposedUrls;
      const lanAddresses = Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((i) => !i.internal && i.family === 'IPv4')
        .map((i) => `http://${i.address}:${port}`);
      expect(urls).toEqual([...new Set(lanAddresses), `http://127.0.0.1:${port}`]);
      const warnings = logged.filter((line) => line.startsWith('slipway: warning: bound to 0.0.0.0'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('other machines can call these models (API key required)');
      for (const url of urls) expect(warnings[0]).toContain(url);
      if (lanAddresses.length === 0) expect(warnings[0]).toContain('no network address besides loopback was found');
    });

    it('answers 401 with WWW-Authenticate when the key is missing', async () => {
      const res = await infer({});
      expectError(res, 401, 'API key', 'Authorization: Bearer', 'X-API-Key');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      for (const path of [
        '/v2',
        '/v2/models/digits-mlp',
        '/v2/models/digits-mlp/config',
        '/v2/models/stats',
        '/metrics',
      ]) {
        expect((await rawRequest(`${local}${path}`)).status, path).toBe(401);
      }
      expect((await rawRequest(`${local}/v2/repository/index`, { method: 'POST' })).status).toBe(401);
    });

    it('answers 401 to a wrong key', async () => {
      for (const headers of [
        { authorization: 'Bearer k2' },
        { 'x-api-key': 'k11' },
        { authorization: 'Basic azE6' },
      ] as Record<string, string>[]) {
        const res = await infer(headers);
        expect(res.status, JSON.stringify(headers)).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
      expectError(await infer({ authorization: 'Bearer k2' }), 401, 'not valid');
    });

    it('accepts the key as Authorization: Bearer or X-API-Key, and a key stored in the library', async () => {
      for (const headers of [
        { authorization: 'Bearer k1' },
        { 'x-api-key': 'k1' },
        { authorization: `Bearer ${storedKey}` },
      ] as Record<string, string>[]) {
        const res = await infer(headers);
        expect(res.status, JSON.stringify(headers)).toBe(200);
        expect((res.json!.outputs as unknown[]).length).toBe(2);
      }
      expect((await rawRequest(`${local}/metrics`, { headers: { 'x-api-key': 'k1' } })).status).toBe(200);
    });

    it('keeps health and readiness probes reachable without a key', async () => {
      for (const path of ['/v2/health/live', '/v2/health/ready', '/v2/models/digits-mlp/ready']) {
        const res = await rawRequest(`${local}${path}`);
        expect(res.status, path).toBe(200);
      }
    });

    it('accepts any address of the machine in Host, but still refuses unknown names', async () => {
      const port = portOf(server.url);
      expect((await infer({ host: `10.1.2.3:${port}`, 'x-api-key': 'k1' })).status).toBe(200);
      expectError(await infer({ host: `rebind.example:${port}`, 'x-api-key': 'k1' }), 403, "'rebind.example");
    });

    it('answers a CORS preflight from a listed origin without a key (browsers send none on preflight)', async () => {
      const res = await rawRequest(`${local}/v2/models/digits-mlp/infer`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('http://app.example');
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    });
  });
});

describe('API keys on loopback', () => {
  const infer = (base: string, headers: Record<string, string> = {}) =>
    rawRequest(`${base}/v2/models/digits-mlp/infer`, {
      method: 'POST',
      body: INFER_BODY,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('ignores keys stored in the library: local clients need none, and no warning is printed', async () => {
    const logged: string[] = [];
    const server = await startTestServer({
      models: ['digits-mlp'],
      log: (line) => logged.push(line),
      prepare: (engine) => void engine.apiKeys.create('lan'),
    });
    try {
      expect(server.session.apiKeyRequired).toBe(false);
      expect(server.session.exposedUrls).toEqual([]);
      expect(logged.filter((line) => line.includes('warning'))).toEqual([]);
      expect((await infer(server.url)).status).toBe(200);
      expect((await rawRequest(`${server.url}/metrics`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('requires a key given for the run (--api-key), and then only that one', async () => {
    let storedKey = '';
    const server = await startTestServer({
      models: ['digits-mlp'],
      apiKeys: ['local-key'],
      prepare: (engine) => {
        storedKey = engine.apiKeys.create('lan').key;
      },
    });
    try {
      expect(server.session.apiKeyRequired).toBe(true);
      expectError(await infer(server.url), 401, 'API key is required');
      expect((await infer(server.url, { 'x-api-key': 'local-key' })).status).toBe(200);
      expectError(await infer(server.url, { authorization: `Bearer ${storedKey}` }), 401, 'not valid');
      expect((await rawRequest(`${server.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('CORS', () => {
  let server: TestServer;
  let closed: TestServer;

  beforeAll(async () => {
    [server, closed] = await Promise.all([
      startTestServer({ models: ['digits-mlp'], corsOrigins: ['http://app.example', 'https://ui.example:8443'] }),
      startTestServer({ models: ['digits-mlp'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), closed?.close()]);
  });

  const inferFrom = (base: string, origin: string) =>
    rawRequest(`${base}/v2/models/digits-mlp/infer`, {
      method: 'POST',
      body: INFER_BODY,
      headers: { origin, 'content-type': 'application/json' },
    });

  it('sends Access-Control-Allow-Origin only to a listed origin', async () => {
    const listed = await inferFrom(server.url, 'https://ui.example:8443');
    expect(listed.status).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe('https://ui.example:8443');
    expect(String(listed.headers['access-control-expose-headers'])).toContain('Inference-Header-Content-Length');
    expect(String(listed.headers.vary)).toContain('Origin');

    for (const origin of ['http://evil.example', 'http://app.example.evil.example', 'null', 'https://app.example']) {
      const other = await inferFrom(server.url, origin);
      // The server still answers (CORS is the browser's to enforce) but grants nothing.
      expect(other.status, origin).toBe(200);
      expect(other.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it('grants no origin at all when none are listed', async () => {
    const res = await inferFrom(closed.url, 'http://app.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await rawRequest(`${closed.url}/v2/models/digits-mlp/infer`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
  });

  it('answers a preflight with 204 for a listed origin and 403 for any other', async () => {
    const preflight = (origin: string) =>
      rawRequest(`${server.url}/v2/models/digits-mlp/infer`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, inference-header-content-length',
        },
      });
    const ok = await preflight('http://app.example');
    expect(ok.status).toBe(204);
    expect(ok.body.length).toBe(0);
    expect(ok.headers['access-control-allow-origin']).toBe('http://app.example');
    expect(String(ok.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(ok.headers['access-control-allow-headers']).toLowerCase()).toContain(
      'inference-header-content-length',
    );

    const refused = await preflight('http://evil.example');
    expectError(refused, 403, 'CORS: origin http://evil.example is not allowed; start the server with --cors-origin');
    expect(refused.headers['content-type']).toBe('application/json');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});
