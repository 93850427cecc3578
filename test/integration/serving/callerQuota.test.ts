// Per-caller quotas over real HTTP: 429 with Retry-After past the burst, health probes exempt, callers with
// different API keys kept apart, and the next request after the wait answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from '../../helpers/rawHttp';
import { startTestServer, type TestServer } from '../../helpers/testServer';

const INFER_BODY = JSON.stringify({
  inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: Array.from({ length: 64 }, (_, i) => i / 64) }],
});

describe('per-caller quota', () => {
  let byAddress: TestServer;
  let byKey: TestServer;

  beforeAll(async () => {
    [byAddress, byKey] = await Promise.all([
      startTestServer({ models: ['digits-mlp'], callerQuota: { ratePerSecond: 1, burst: 2 } }),
      startTestServer({ models: ['digits-mlp'], apiKeys: ['alice', 'bob'], callerQuota: { ratePerSecond: 1 } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([byAddress?.close(), byKey?.close()]);
  });

  const infer = (server: TestServer, headers: Record<string, string> = {}) =>
    rawRequest(`${server.url}/v2/models/digits-mlp/infer`, {
      method: 'POST',
      body: INFER_BODY,
      headers: { 'content-type': 'application/json', ...headers },
    });

  function expect429(res: RawResponse): number {
    expect(res.status, res.body.toString()).toBe(429);
    expect(Object.keys(res.json!)).toEqual(['error']);
    expect(res.json!.error).toMatch(/too many requests: each caller may send 1 requests\/s \(bursts of \d\)/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    return retryAfter;
  }

  it('answers 429 with Retry-After past the burst, keeps health probes open, and answers again after the wait', async () => {
    expect((await infer(byAddress)).status).toBe(200);
    expect((await rawRequest(`${byAddress.url}/v2/models/digits-mlp/config`)).status).toBe(200);
    const refused = await infer(byAddress);
    const retryAfter = expect429(refused);
    expect(retryAfter).toBe(1);
    // Other non-probe endpoints count too; probes never do.
    expect429(await rawRequest(`${byAddress.url}/metrics`));
    for (const path of ['/v2/health/live', '/v2/health/ready', '/v2/models/digits-mlp/ready']) {
      expect((await rawRequest(`${byAddress.url}${path}`)).status, path).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const again = await infer(byAddress);
    expect(again.status).toBe(200);
    expect((again.json!.outputs as unknown[]).length).toBe(2);
  });

  it('counts each API key as its own caller, and refuses a wrong key with 401 without spending a quota', async () => {
    expect((await infer(byKey, { 'x-api-key': 'alice' })).status).toBe(200);
    expect429(await infer(byKey, { 'x-api-key': 'alice' }));
    // Same address, another key: its own bucket.
    expect((await infer(byKey, { authorization: 'Bearer bob' })).status).toBe(200);
    expect((await infer(byKey, { 'x-api-key': 'mallory' })).status).toBe(401);
    expect429(await infer(byKey, { authorization: 'Bearer bob' }));
  });
});
