// Live drift on a real endpoint: digits-mlp:1 has the demo's digits_reference bound as its reference, so
// served rows from the drifted replay set raise a "consider retraining" alert and rows from the same
// distribution do not; sampling never changes an answer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveDriftAlert } from '../../../src-shared/contract';
import { startTestServer, type TestServer } from '../../helpers/testServer';
import { RESOURCES } from '../../helpers/paths';

function rows(file: string): number[][] {
  return readFileSync(join(RESOURCES, 'data', file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { inputs: { pixels: number[] } }).inputs.pixels);
}

async function infer(url: string, batch: number[][]): Promise<number[]> {
  const res = await fetch(`${url}/v2/models/digits-mlp/versions/1/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [batch.length, 64], data: batch.flat() }],
      outputs: [{ name: 'probabilities' }],
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data;
}

async function serveRows(server: TestServer, data: number[][]): Promise<void> {
  for (let i = 0; i < data.length; i += 20) await infer(server.url, data.slice(i, i + 20));
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('live drift', () => {
  it('alerts when served inputs drift from the reference, not when they match it', async () => {
    const alerts: LiveDriftAlert[] = [];
    server = await startTestServer({
      models: ['digits-mlp:1'],
      liveDrift: { sampleRate: 1, minRows: 100, windowSeconds: 60, bucketSeconds: 10 },
      onDriftAlert: (alert) => alerts.push(alert),
    });
    const registry = server.session.liveDrift!;
    await serveRows(server, rows('digits_live_same.jsonl'));
    const same = registry.evaluateAll();
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ model: 'digits-mlp', version: 1, state: 'ok', windowRows: 540 });
    expect(alerts).toEqual([]);

    await serveRows(server, rows('digits_live_drift.jsonl'));
    const drifted = registry.evaluateAll()[0]!;
    expect(drifted.windowRows).toBe(1080);
    expect(drifted.state).toBe('drift');
    expect(drifted.report!.driftedFeatures).toBeGreaterThan(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'drift-started', model: 'digits-mlp', version: 1 });
    expect(alerts[0]!.message).toContain('consider retraining');
    expect(registry.statuses()[0]!.state).toBe('drift');
  });

  it('samples at the rate set, and the answers are the same with sampling on or off', async () => {
    const data = rows('digits_live_same.jsonl').slice(0, 200);
    server = await startTestServer({ models: ['digits-mlp:1'], liveDrift: { sampleRate: 0.25, minRows: 10 } });
    const watched: number[] = [];
    for (let i = 0; i < data.length; i += 20) watched.push(...(await infer(server.url, data.slice(i, i + 20))));
    const sampled = server.session.liveDrift!.evaluateAll()[0]!.windowRows;
    // 200 rows at 25 %: 50 expected; a binomial this far out is under one in a million.
    expect(sampled).toBeGreaterThan(15);
    expect(sampled).toBeLessThan(95);
    await server.close();

    server = await startTestServer({ models: ['digits-mlp:1'], liveDrift: null });
    expect(server.session.liveDrift).toBeNull();
    const plain: number[] = [];
    for (let i = 0; i < data.length; i += 20) plain.push(...(await infer(server.url, data.slice(i, i + 20))));
    expect(watched).toEqual(plain);
  });

  it('leaves versions without a reference dataset unmonitored', async () => {
    server = await startTestServer({ models: ['squeezenet1_1'], liveDrift: { sampleRate: 1 } });
    const res = await fetch(`${server.url}/v2/models/squeezenet1_1/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 3, 224, 224], data: new Array(3 * 224 * 224).fill(0) }],
      }),
    });
    expect(res.status).toBe(200);
    expect(server.session.liveDrift!.statuses()).toEqual([]);
  });

  it('refuses settings it cannot use before serving starts', async () => {
    await expect(startTestServer({ models: ['digits-mlp:1'], liveDrift: { sampleRate: 2 } })).rejects.toThrow(
      /invalid live drift settings: sampleRate/,
    );
  });
});
