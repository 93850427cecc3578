// `slipway serve`'s per-version flags, for one run: each shows in GET …/config (Triton's ModelConfig of the
// real settings), in the ready line, or in behaviour (cache hits, priorities, the fallback, the quota); a bad
// value stops serve with one clear line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/runCli';
import { serveCli, stopServe, type ServingCli } from '../../helpers/serveCli';
import { startTestServer } from '../../helpers/testServer';
import { tempDir } from '../../helpers/tempDir';
import { get, post } from '../../helpers/v2Client';

const digitsBody = (parameters: Record<string, unknown> = {}, seed = 0) => ({
  parameters,
  inputs: [
    {
      name: 'pixels',
      datatype: 'FP32',
      shape: [1, 64],
      data: Array.from({ length: 64 }, (_, i) => ((i + seed) % 7) / 7),
    },
  ],
});

interface TritonConfig {
  max_batch_size: number;
  dynamic_batching?: {
    preferred_batch_size: number[];
    max_queue_delay_microseconds: number;
    priority_levels: number;
    default_priority_level: number;
    default_queue_policy: { default_timeout_microseconds: number; max_queue_size: number };
  };
  instance_group: { kind: string; count: number }[];
  parameters: { intra_op_thread_count?: { string_value: string } };
  response_cache: { enable: boolean };
}

describe('slipway serve with per-version flags', () => {
  let serving: ServingCli;
  const url = (path: string) => `${serving.ready.url}${path}`;

  beforeAll(async () => {
    serving = await serveCli([
      '--models',
      'digits-mlp:1',
      '--instances',
      '2',
      '--threads',
      '1',
      '--ep',
      'cpu',
      '--max-batch',
      '8',
      '--batch-delay-us',
      '500',
      '--preferred-batch',
      '8,4',
      '--priority-levels',
      '3',
      '--default-priority',
      '2',
      '--cache-mb',
      '8',
      '--max-queue',
      '7',
      '--timeout-ms',
      '250',
      '--fallback',
      'version:2',
    ]);
  });
  afterAll(async () => {
    if (serving) expect(await stopServe(serving)).toBe(0);
  });

  it('shows every setting in GET …/config', async () => {
    const config = (await get(url('/v2/models/digits-mlp/versions/1/config'))).json as unknown as TritonConfig;
    expect(config.instance_group).toMatchObject([{ kind: 'KIND_CPU', count: 2 }]);
    expect(config.parameters.intra_op_thread_count).toEqual({ string_value: '1' });
    expect(config.max_batch_size).toBe(8);
    expect(config.dynamic_batching).toMatchObject({
      preferred_batch_size: [4, 8],
      max_queue_delay_microseconds: 500,
      priority_levels: 3,
      default_priority_level: 2,
      default_queue_policy: { default_timeout_microseconds: 250_000, max_queue_size: 7 },
    });
    expect(config.response_cache.enable).toBe(true);
  });

  it('reports the provider and instances on the ready line, and loads the fallback version for this run', () => {
    expect(serving.ready.versions.map((v) => [v.model, v.version, v.state, v.provider, v.instances])).toEqual([
      ['digits-mlp', 1, 'ready', 'cpu', 2],
      ['digits-mlp', 2, 'ready', 'cpu', 2],
    ]);
  });

  it('answers a repeated request from the response cache, with the same outputs', async () => {
    const first = await post(url('/v2/models/digits-mlp/versions/1/infer'), digitsBody());
    const second = await post(url('/v2/models/digits-mlp/versions/1/infer'), digitsBody());
    expect(first.status).toBe(200);
    expect(second.json.outputs).toEqual(first.json.outputs);
    const stats = (await get(url('/v2/models/digits-mlp/versions/1/stats'))).json as {
      model_stats: { inference_stats: { cache_hit: { count: number }; cache_miss: { count: number } } }[];
    };
    expect(stats.model_stats[0]!.inference_stats.cache_hit.count).toBe(1);
    expect(stats.model_stats[0]!.inference_stats.cache_miss.count).toBe(1);
  });

  it('takes priorities 1..3 only, whether or not the answer is cached', async () => {
    expect((await post(url('/v2/models/digits-mlp/versions/1/infer'), digitsBody({ priority: 3 }, 1))).status).toBe(
      200,
    );
    // Inputs 2 are new to the cache; inputs 1 are cached now, and a bad priority must still be refused.
    for (const inputs of [2, 1]) {
      const refused = await post(url('/v2/models/digits-mlp/versions/1/infer'), digitsBody({ priority: 4 }, inputs));
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatch(/priority must be an integer from 1 \(highest\) to 3/);
    }
  });
});

describe('slipway serve --no-batching and --rate-limit', () => {
  it('turns batching off, and answers 429 past the caller quota', async () => {
    const serving = await serveCli([
      '--models',
      'digits-mlp:1',
      '--no-batching',
      '--rate-limit',
      '1',
      '--rate-burst',
      '2',
    ]);
    try {
      expect(serving.ready.versions[0]!.batching.active).toBe(false);
      const config = (await get(`${serving.ready.url}/v2/models/digits-mlp/config`)).json as unknown as TritonConfig;
      expect(config.dynamic_batching).toBeUndefined();
      expect((await post(`${serving.ready.url}/v2/models/digits-mlp/infer`, digitsBody())).status).toBe(200);
      const over = await post(`${serving.ready.url}/v2/models/digits-mlp/infer`, digitsBody());
      expect(over.status).toBe(429);
      expect(over.json.error).toMatch(/1 requests\/s \(bursts of 2\)/);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await get(`${serving.ready.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      expect(await stopServe(serving)).toBe(0);
    }
  });
});

describe('slipway serve with a bad flag value', () => {
  const cases: [string[], RegExp][] = [
    [['--instances', '0'], /invalid --instances '0': expected an integer 1\.\.64/],
    [['--threads', 'many'], /invalid --threads 'many': expected an integer 1\.\.256/],
    [['--ep', 'CUDA'], /invalid --ep 'CUDA': expected auto, cpu, webgpu, cuda/],
    [['--max-batch', '0'], /invalid --max-batch '0': expected an integer 1\.\.4096/],
    [['--batch-delay-us', '-5'], /invalid --batch-delay-us '-5': expected an integer 0\.\.10000000/],
    [['--cache-mb', '1.5'], /invalid --cache-mb '1\.5': expected an integer 0\.\.1000000/],
    [['--max-queue', '0'], /invalid --max-queue '0': expected an integer 1\.\.1000000/],
    [['--timeout-ms', 'soon'], /invalid --timeout-ms 'soon': expected an integer 0\.\.86400000/],
    [['--preferred-batch', '4,x'], /invalid --preferred-batch '4,x': expected batch sizes 1\.\.4096, comma-separated/],
    [
      ['--preferred-batch', '64', '--max-batch', '32'],
      /invalid --preferred-batch: 64 exceeds the largest batch \(32\)/,
    ],
    [['--priority-levels', '17'], /invalid --priority-levels '17': expected an integer 1\.\.16/],
    [
      ['--default-priority', '3'],
      /invalid --default-priority 3: expected 1\.\.1 \(the priority levels\); raise --priority-levels/,
    ],
    [['--fallback', 'version:two'], /invalid fallback 'version:two': expected none, version:N, or constant:/],
    [['--fallback', 'version:9'], /digits-mlp: fallback version 9 does not exist; versions are 1, 2/],
    [
      ['--fallback', 'constant:{"nope": {"shape": [1], "data": [0]}}'],
      /fallback names unknown outputs nope; outputs are logits, probabilities/,
    ],
    [['--rate-limit', '0'], /invalid --rate-limit '0': expected a number > 0/],
    [['--rate-burst', '5'], /--rate-burst needs --rate-limit/],
  ];

  // One home for all: its first open (which says it imported the demo models) is done here, not in a case.
  const home = tempDir();
  beforeAll(async () => {
    expect((await runCli(['info', '--home', home])).code).toBe(0);
  });

  it.each(cases)('%j: one error line, exit 1, nothing served', async (args, message) => {
    const result = await runCli(['serve', '--port', '0', '--models', 'digits-mlp:1', '--home', home, ...args]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^slipway: error: /);
    expect(result.stdout).toBe('');
  });
});

describe('a fallback for one run (startServing, as serve --fallback passes it)', () => {
  const slowBody = {
    inputs: [
      { name: 'x', datatype: 'FP32', shape: [1, 512], data: Array.from({ length: 512 }, (_, i) => Math.sin(i)) },
    ],
  };

  it("answers with the run's constant outputs, marked degraded, when the version fails", async () => {
    const server = await startTestServer({
      models: ['slow-matmul'],
      fallback: { kind: 'constant', outputs: { y: { shape: [1, 10], data: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] } } },
    });
    try {
      server.session.server.target('slow-matmul').crashOnNextRun();
      const answer = await post(`${server.url}/v2/models/slow-matmul/infer`, slowBody);
      expect(answer.status).toBe(200);
      expect(answer.json.parameters).toMatchObject({ degraded: true });
      expect(answer.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [1, 10], data: Array(10).fill(1) }]);
      // Only for this run: nothing was stored.
      expect(server.engine.servingConfig.fallback('slow-matmul')).toEqual({ kind: 'none' });
    } finally {
      await server.close();
    }
  });

  it('turns a stored fallback off for the run with none', async () => {
    const server = await startTestServer({
      models: ['slow-matmul'],
      fallback: { kind: 'none' },
      prepare: (engine) =>
        void engine.servingConfig.setFallback(
          'slow-matmul',
          'constant:{"y": {"shape": [1, 10], "data": [0,0,0,0,0,0,0,0,0,0]}}',
        ),
    });
    try {
      server.session.server.target('slow-matmul').crashOnNextRun();
      expect((await post(`${server.url}/v2/models/slow-matmul/infer`, slowBody)).status).toBe(500);
    } finally {
      await server.close();
    }
  });
});
