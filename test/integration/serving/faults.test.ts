// The data plane under faults: a crashing worker, timeouts, a full queue, a version that fails to load (with and
// without safe mode), hot swaps under load, and a drain on shutdown.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOnnxModelFile } from '../../../src-main/engine/onnx/encodeOnnxModel';
import { tempDir } from '../../helpers/tempDir';
import { startTestServer, type TestServer } from '../../helpers/testServer';
import { get, post, type V2Response } from '../../helpers/v2Client';

const digitsBody = (seed = 0) => ({
  inputs: [
    {
      name: 'pixels',
      datatype: 'FP32',
      shape: [1, 64],
      data: Array.from({ length: 64 }, (_, i) => ((i + seed) % 16) / 16),
    },
  ],
});
const slowBody = (parameters: Record<string, unknown> = {}, rows = 1) => ({
  parameters,
  inputs: [
    {
      name: 'x',
      datatype: 'FP32',
      shape: [rows, 512],
      data: Array.from({ length: rows * 512 }, (_, i) => Math.sin(i)),
    },
  ],
});
const ZEROS = 'constant:{"y": {"shape": [1, 10], "data": [0,0,0,0,0,0,0,0,0,0]}}';

/** Imports slow-matmul version 2: its signature, but one small MatMul (zero weights), so it answers at once. */
function importFastSlowMatmul(engine: TestServer['engine']): void {
  const file = join(tempDir(), 'fast-matmul.onnx');
  writeOnnxModelFile(file, {
    graph: {
      nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 512] }],
      outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', 10] }],
      initializers: [{ name: 'w', elementType: 'float32', dims: [512, 10], rawData: { rawDataLength: 512 * 10 * 4 } }],
    },
  });
  expect(engine.library.importModel(file, { name: 'slow-matmul' }).version.version).toBe(2);
}

/**
 * Sends a one-row slow-matmul request that is admitted and then dropped in the queue, and returns its answer.
 * Admission estimates the wait from the queue and the recent execution time, and leaves running executions out;
 * so a few one-row runs set that time, two 32-row requests take both execution slots (1 instance × 2), and the
 * request's timeout, several times a one-row run, is met by the estimate (nothing queued ahead) but not by the
 * real wait, which is the rest of a 32-row run.
 */
async function admittedThenDropped(s: TestServer): Promise<{ late: V2Response; fill: V2Response[] }> {
  const url = `${s.url}/v2/models/slow-matmul/infer`;
  const oneRow: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    expect((await post(url, slowBody())).status).toBe(200);
    oneRow.push(performance.now() - started);
  }
  const fill = Array.from({ length: 2 }, () => post(url, slowBody({}, 32)));
  const version = s.session.server.target('slow-matmul');
  while (version.pendingRequests < 2) await new Promise((r) => setTimeout(r, 1));
  const timeoutMicros = Math.round(6 * Math.min(...oneRow) * 1000);
  const late = await post(url, slowBody({ timeout: timeoutMicros }));
  return { late, fill: await Promise.all(fill) };
}

const rejectedCount = async (s: TestServer): Promise<number> => {
  const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
  const line = /nv_inference_request_failure\{model="slow-matmul",reason="REJECTED",version="1"\} (\d+)/.exec(metrics);
  return Number(line?.[1] ?? 0);
};

/** A `prepare` step that stores serving settings for NAME:V before the server starts. */
const configure =
  (name: string, version: number, set: Record<string, string>) =>
  (engine: TestServer['engine']): void => {
    engine.servingConfig.update(engine.library.get({ name, version }), { set });
  };

async function withServer(
  options: Parameters<typeof startTestServer>[0],
  fn: (s: TestServer) => Promise<void>,
): Promise<void> {
  const server = await startTestServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

describe('a worker that crashes mid-request', () => {
  it('fails that request with 500, is replaced and counted, and the server keeps answering', async () => {
    await withServer({ models: ['slow-matmul'] }, async (s) => {
      const url = `${s.url}/v2/models/slow-matmul/infer`;
      s.session.server.target('slow-matmul').crashOnNextRun();
      const failed = await post(url, slowBody());
      expect(failed.status).toBe(500);
      expect(failed.json.error).toMatch(/slow-matmul.*version 1 failed: .*inference instance 0 stopped/);
      const next = await post(url, slowBody());
      expect(next.status).toBe(200);
      const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/slipway_instance_restarts_total\{model="slow-matmul",version="1"\} 1/);
      expect(metrics).toMatch(/nv_inference_request_failure\{model="slow-matmul",reason="BACKEND",version="1"\} 1/);
    });
  });

  it('is answered by the constant fallback, marked degraded, when the model has one', async () => {
    const constant = 'constant:{"y": {"shape": [1, 10], "data": [0,0,0,0,0,0,0,0,0,0]}}';
    await withServer(
      { models: ['slow-matmul'], prepare: (e) => e.servingConfig.setFallback('slow-matmul', constant) },
      async (s) => {
        s.session.server.target('slow-matmul').crashOnNextRun();
        const answer = await post(`${s.url}/v2/models/slow-matmul/infer`, slowBody());
        expect(answer.status).toBe(200);
        expect(answer.json.parameters).toEqual({
          degraded: true,
          reason: expect.stringMatching(/version 1 failed .*constant outputs/),
        });
        expect(answer.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [1, 10], data: Array(10).fill(0) }]);
      },
    );
  });
});

describe('deadlines and the queue', () => {
  it('answers 503 with Retry-After at once when the queue is full', async () => {
    await withServer(
      {
        models: ['slow-matmul'],
        prepare: (s) =>
          s.servingConfig.update(s.library.get({ name: 'slow-matmul', version: 1 }), { set: { maxQueueLength: '1' } }),
      },
      async (s) => {
        const answers = await Promise.all(
          Array.from({ length: 8 }, () => post(`${s.url}/v2/models/slow-matmul/infer`, slowBody())),
        );
        const shed = answers.filter((a) => a.status === 503);
        expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
        expect(shed.length).toBeGreaterThan(0);
        for (const a of shed) {
          expect(a.json.error).toMatch(/queue full/);
          expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
        const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
        expect(metrics).toContain(
          `nv_inference_request_failure{model="slow-matmul",reason="REJECTED",version="1"} ${shed.length}`,
        );
      },
    );
  });

  it('drops a request that was admitted but whose timeout passes while it waits, and counts it REJECTED', async () => {
    await withServer({ models: ['slow-matmul'] }, async (s) => {
      const { late, fill } = await admittedThenDropped(s);
      expect(late.status).toBe(503);
      // Admission's refusal says "cannot finish before its deadline"; this one got past it.
      expect(late.json.error).toMatch(/^deadline passed after \d+(\.\d)? ms in the queue$/);
      expect(late.headers.get('retry-after')).toBe('1');
      expect(fill.map((a) => a.status)).toEqual([200, 200]);
      expect(await rejectedCount(s)).toBe(1);
      expect((await post(`${s.url}/v2/models/slow-matmul/infer`, slowBody({ timeout: 10_000_000 }))).status).toBe(200);
    });
  });

  it('lets a request timeout lower the default but never raise it', async () => {
    await withServer(
      {
        models: ['slow-matmul'],
        prepare: (e) =>
          e.servingConfig.update(e.library.get({ name: 'slow-matmul', version: 1 }), {
            set: { defaultTimeoutMicros: '1000' },
          }),
      },
      async (s) => {
        const url = `${s.url}/v2/models/slow-matmul/infer`;
        await post(url, slowBody({ timeout: 60_000_000 })).catch(() => undefined);
        const busy = Array.from({ length: 6 }, () => post(url, slowBody({ timeout: 60_000_000 })));
        const results = await Promise.all(busy);
        expect(results.some((r) => r.status === 503 && /deadline/.test(r.json.error ?? ''))).toBe(true);
      },
    );
  });
});

describe('safe mode when a version times out', () => {
  it('answers a request dropped in the queue with the constant fallback, and health says degraded', async () => {
    await withServer(
      { models: ['slow-matmul'], prepare: (e) => e.servingConfig.setFallback('slow-matmul', ZEROS) },
      async (s) => {
        const { late } = await admittedThenDropped(s);
        expect(late.status).toBe(200);
        expect(late.json.parameters).toEqual({
          degraded: true,
          reason: expect.stringMatching(/^version 1 timed out \(deadline passed .* in the queue\).*constant outputs$/),
        });
        expect(late.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [1, 10], data: Array(10).fill(0) }]);
        const health = await get(`${s.url}/v2/health/ready`);
        expect(health.status).toBe(200);
        expect(health.json.degraded).toEqual([
          {
            model: 'slow-matmul',
            version: 1,
            reason: expect.stringMatching(/^fallback answered 1 request, the latest \d+ s ago: version 1 timed out/),
          },
        ]);
      },
    );
  });

  it('answers it with version N, which gets a deadline of its own rather than the one that passed', async () => {
    await withServer(
      {
        models: ['slow-matmul:1'],
        prepare: (e) => {
          importFastSlowMatmul(e);
          e.servingConfig.setFallback('slow-matmul', 'version:2');
        },
      },
      async (s) => {
        const { late } = await admittedThenDropped(s);
        expect(late.json.error).toBeUndefined();
        expect(late.status).toBe(200);
        expect(late.json.model_version).toBe('2');
        expect(late.json.parameters).toEqual({
          degraded: true,
          reason: expect.stringMatching(
            /^version 1 timed out \(deadline passed .* in the queue\); answered by version 2$/,
          ),
        });
        expect(late.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [1, 10], data: Array(10).fill(0) }]);
        expect((await get(`${s.url}/v2/health/ready`)).json.degraded).toEqual([
          { model: 'slow-matmul', version: 1, reason: expect.stringMatching(/timed out.*answered by version 2/) },
        ]);
      },
    );
  });
});

describe('health after safe mode answered', () => {
  it('lists a version as degraded, with the reason, until a minute passes without a fallback answer', async () => {
    let clock = 1_000_000;
    await withServer(
      {
        models: ['slow-matmul'],
        traffic: { monitor: { clock: () => clock } },
        prepare: (e) => e.servingConfig.setFallback('slow-matmul', ZEROS),
      },
      async (s) => {
        const url = `${s.url}/v2/models/slow-matmul/infer`;
        expect((await get(`${s.url}/v2/health/ready`)).json).toEqual({ ready: true });
        for (let i = 0; i < 2; i++) {
          s.session.server.target('slow-matmul').crashOnNextRun();
          expect((await post(url, slowBody())).json.parameters).toMatchObject({ degraded: true });
          clock += 20_000;
          // Answered by the instance that replaced the crashed one; not a fallback answer.
          expect((await post(url, slowBody())).json.parameters).toBeUndefined();
        }
        const health = await get(`${s.url}/v2/health/ready`);
        expect(health.status).toBe(200);
        expect(health.json).toEqual({
          ready: true,
          degraded: [
            {
              model: 'slow-matmul',
              version: 1,
              reason: expect.stringMatching(
                /^fallback answered 2 requests, the latest 20 s ago: version 1 failed \(.*inference instance 0 stopped/,
              ),
            },
          ],
        });
        clock += 40_001;
        expect((await get(`${s.url}/v2/health/ready`)).json).toEqual({ ready: true });
      },
    );
  });
});

describe('safe mode when a version fails to load', () => {
  const broken = configure('digits-mlp', 2, { provider: 'nosuchprovider' });

  it('without a fallback: 503 for that version, health not ready, the other version still serves', async () => {
    await withServer({ models: ['digits-mlp:1', 'digits-mlp:2'], prepare: broken }, async (s) => {
      const v2 = await post(`${s.url}/v2/models/digits-mlp/versions/2/infer`, digitsBody());
      expect(v2.status).toBe(503);
      expect(v2.json.error).toMatch(/version 2 failed to load: .*nosuchprovider/);
      expect((await post(`${s.url}/v2/models/digits-mlp/infer`, digitsBody())).json.model_version).toBe('1');
      const health = await get(`${s.url}/v2/health/ready`);
      expect(health.status).toBe(400);
      expect(health.json.error).toMatch(/digits-mlp:2 is failed/);
      expect((await get(`${s.url}/v2/models/digits-mlp/versions/2/ready`)).status).toBe(400);
    });
  });

  it('with a version fallback: answered by it, marked degraded, and health says degraded', async () => {
    await withServer(
      {
        models: ['digits-mlp:2'],
        prepare: (e) => {
          broken(e);
          e.servingConfig.setFallback('digits-mlp', 'version:1');
        },
      },
      async (s) => {
        const answer = await post(`${s.url}/v2/models/digits-mlp/versions/2/infer`, digitsBody());
        expect(answer.status).toBe(200);
        expect(answer.json.model_version).toBe('1');
        expect(answer.json.parameters).toEqual({
          degraded: true,
          reason: expect.stringMatching(/version 2 failed to load .*answered by version 1/),
        });
        const health = await get(`${s.url}/v2/health/ready`);
        expect(health.status).toBe(200);
        expect(health.json.degraded).toEqual([
          { model: 'digits-mlp', version: 2, reason: expect.stringMatching(/failed to load/) },
        ]);
      },
    );
  });
});

describe('a fallback version', () => {
  it('is loaded to answer for the model but never becomes its default version', async () => {
    await withServer(
      { models: ['digits-mlp:1'], prepare: (e) => e.servingConfig.setFallback('digits-mlp', 'version:2') },
      async (s) => {
        expect(s.session.versions.map((v) => v.version).sort()).toEqual([1, 2]);
        const answer = await post(`${s.url}/v2/models/digits-mlp/infer`, digitsBody());
        expect(answer.json.model_version).toBe('1');
        expect(answer.json.parameters).toBeUndefined();
      },
    );
  });
});

describe('hot swap and unload under load', () => {
  it('reloads a model twice while requests flow, and no request fails', async () => {
    await withServer({ models: ['digits-mlp'] }, async (s) => {
      let stop = false;
      const answers: V2Response[] = [];
      const clients = Array.from({ length: 8 }, async (_, c) => {
        for (let i = 0; !stop; i++) answers.push(await post(`${s.url}/v2/models/digits-mlp/infer`, digitsBody(c + i)));
      });
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 2; i++) {
        const load = await post(`${s.url}/v2/repository/models/digits-mlp/load`, {});
        expect(load.status).toBe(200);
        await new Promise((r) => setTimeout(r, 100));
      }
      stop = true;
      await Promise.all(clients);
      expect(answers.length).toBeGreaterThan(50);
      expect(answers.filter((a) => a.status !== 200).map((a) => a.json.error)).toEqual([]);
    });
  });

  it('unload finishes accepted requests before the model goes', async () => {
    await withServer({ models: ['slow-matmul'] }, async (s) => {
      const inflight = Array.from({ length: 4 }, () => post(`${s.url}/v2/models/slow-matmul/infer`, slowBody()));
      await new Promise((r) => setTimeout(r, 5));
      const unload = await post(`${s.url}/v2/repository/models/slow-matmul/unload`, {});
      expect(unload.status).toBe(200);
      expect((await Promise.all(inflight)).map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect((await post(`${s.url}/v2/models/slow-matmul/infer`, slowBody())).status).toBe(404);
    });
  });
});
