// The repository's load endpoint: it reloads the versions being served (never switching a pinned model to its
// production version), and a request whose body is still arriving when a swap finishes goes to the version served
// now instead of failing on the one that was retired.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/testServer';
import { post } from '../../helpers/v2Client';

const digitsBody = JSON.stringify({
  inputs: [
    {
      name: 'pixels',
      datatype: 'FP32',
      shape: [1, 64],
      data: Array.from({ length: 64 }, (_, i) => (i % 16) / 16),
    },
  ],
});

interface SlowAnswer {
  status: number;
  headers: Record<string, string>;
  json: Record<string, unknown>;
}

/**
 * POSTs `body` over a raw socket in two parts: the headers and the first half, then — once `between` has run —
 * the rest. The server routes the request when its headers arrive, so `between` runs while it waits for the body.
 */
async function postInTwoParts(url: string, path: string, body: string, between: () => Promise<void>) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const chunks: Buffer[] = [];
  const ended = new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`,
  );
  socket.write(bytes.subarray(0, half));
  // Long enough for the request to be routed; the swap in `between` takes far longer than this.
  await new Promise((r) => setTimeout(r, 50));
  await between();
  // Not end(): a client's half-close makes node:http abort the request it is still answering.
  socket.write(bytes.subarray(half));
  const raw = await ended;
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    head.slice(1).map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return {
    status: Number(head[0]!.split(' ')[1]),
    headers,
    json: JSON.parse(raw.subarray(split + 4).toString('utf8')) as Record<string, unknown>,
  } satisfies SlowAnswer;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a request whose body arrives while the model is swapped', () => {
  it('without a version: answered by the version loaded meanwhile, not failed on the retired one', async () => {
    server = await startTestServer({ models: ['digits-mlp'] });
    const s = server;
    const before = s.session.server.target('digits-mlp');
    const answer = await postInTwoParts(s.url, '/v2/models/digits-mlp/infer', digitsBody, async () => {
      expect((await post(`${s.url}/v2/repository/models/digits-mlp/load`, {})).status).toBe(200);
      expect(before.state).toBe('unloading');
    });
    expect(answer.json.error).toBeUndefined();
    expect(answer.status).toBe(200);
    expect(answer.json.model_version).toBe('1');
    const after = s.session.server.target('digits-mlp');
    expect(after).not.toBe(before);
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/nv_inference_request_success\{model="digits-mlp",version="1"\} 1\n/);
  });

  it('without a version, when the served version changed: answered by the new one', async () => {
    server = await startTestServer({ models: ['digits-mlp:1'] });
    const s = server;
    const answer = await postInTwoParts(s.url, '/v2/models/digits-mlp/infer', digitsBody, async () => {
      await s.session.server.load('digits-mlp', [2]);
    });
    expect(answer.status).toBe(200);
    expect(answer.json.model_version).toBe('2');
  });

  it('naming a version that was reloaded: answered by that version as loaded now', async () => {
    server = await startTestServer({ models: ['digits-mlp:2'] });
    const s = server;
    const answer = await postInTwoParts(s.url, '/v2/models/digits-mlp/versions/2/infer', digitsBody, async () => {
      expect((await post(`${s.url}/v2/repository/models/digits-mlp/load`, {})).status).toBe(200);
    });
    expect(answer.status).toBe(200);
    expect(answer.json.model_version).toBe('2');
  });

  it('naming a version no longer served: 404 naming the versions served now, never a 500', async () => {
    server = await startTestServer({ models: ['digits-mlp:1'] });
    const s = server;
    const answer = await postInTwoParts(s.url, '/v2/models/digits-mlp/versions/1/infer', digitsBody, async () => {
      await s.session.server.load('digits-mlp', [2]);
    });
    expect(answer.status).toBe(404);
    expect(answer.json.error).toBe("model 'digits-mlp' has no version '1' being served; served versions: 2");
  });

  it('to a model unloaded meanwhile: 404', async () => {
    server = await startTestServer({ models: ['digits-mlp', 'cancer-logreg'] });
    const s = server;
    const answer = await postInTwoParts(s.url, '/v2/models/digits-mlp/infer', digitsBody, async () => {
      expect((await post(`${s.url}/v2/repository/models/digits-mlp/unload`, {})).status).toBe(200);
    });
    expect(answer.status).toBe(404);
    expect(answer.json.error).toBe("unknown model 'digits-mlp'; served models: cancer-logreg");
  });
});

describe('a version that is retiring', () => {
  it('answers a request that reaches it with 503 and Retry-After, not 500', async () => {
    server = await startTestServer({ models: ['digits-mlp'] });
    const s = server;
    const routed = s.session.server.choose('digits-mlp');
    const retired = routed.target.unload();
    const request = {
      inputs: [{ name: 'pixels', type: 'float32' as const, dims: [1, 64], data: new Float32Array(64).buffer }],
      binaryOutputDefault: false,
    };
    const error = await s.session.server.infer('digits-mlp', undefined, request, performance.now(), { routed }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await retired;
    expect(error).toMatchObject({
      status: 503,
      message: "model 'digits-mlp' version 1 is unloading; retry the request",
      options: { retryAfterSeconds: 1 },
    });
  });
});

describe('POST /v2/repository/models/{m}/load', () => {
  it('reloads the versions being served, not the model default set', async () => {
    server = await startTestServer({ models: ['digits-mlp:2'] });
    const s = server;
    const before = s.session.server.target('digits-mlp');
    expect((await post(`${s.url}/v2/repository/models/digits-mlp/load`, {})).status).toBe(200);
    expect(s.session.server.versionsOf('digits-mlp').map((v) => v.version)).toEqual([2]);
    expect(s.session.server.target('digits-mlp')).not.toBe(before);
    const answer = await post(`${s.url}/v2/models/digits-mlp/infer`, JSON.parse(digitsBody));
    expect(answer.json.model_version).toBe('2');
    const index = await post(`${s.url}/v2/repository/index`, {});
    expect(index.json).toEqual(
      expect.arrayContaining([
        { name: 'digits-mlp', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' },
        { name: 'digits-mlp', version: '2', state: 'READY', reason: '' },
      ]),
    );
  });

  it('keeps a fallback-only version in its role across the reload', async () => {
    server = await startTestServer({
      models: ['digits-mlp:2'],
      prepare: (e) => e.servingConfig.setFallback('digits-mlp', 'version:1'),
    });
    const s = server;
    expect((await post(`${s.url}/v2/repository/models/digits-mlp/load`, {})).status).toBe(200);
    const served = s.session.server.versionsOf('digits-mlp');
    expect(served.map((v) => [v.version, v.desc.fallbackOnly])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect((await post(`${s.url}/v2/models/digits-mlp/infer`, JSON.parse(digitsBody))).json.model_version).toBe('2');
  });

  it('loads the default set of a model that is not being served', async () => {
    server = await startTestServer({ models: ['cancer-logreg'] });
    const s = server;
    expect((await post(`${s.url}/v2/repository/models/digits-mlp/load`, {})).status).toBe(200);
    expect(s.session.server.versionsOf('digits-mlp').map((v) => v.version)).toEqual([1]);
  });
});
