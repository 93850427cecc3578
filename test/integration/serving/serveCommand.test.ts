// `slipway serve` as users run it: the ready line, a drain on SIGTERM under load, and refusals at start.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/runCli';
import { serveCli as serve } from '../../helpers/serveCli';
import { tempDir } from '../../helpers/tempDir';
import { post } from '../../helpers/v2Client';

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

// 16 rows of slow-matmul take ~0.1 s per request on two cores: long enough for all of them to be in flight.
const slowBody = {
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [16, 512], data: Array.from({ length: 16 * 512 }, (_, i) => Math.cos(i)) },
  ],
};

describe('slipway serve', () => {
  it('prints a ready line, serves, and on SIGTERM finishes in-flight requests before exiting 0', async () => {
    const s = await serve(['--models', 'slow-matmul,digits-mlp:1']);
    expect(s.ready.versions.map((v) => `${v.model}:${v.version}:${v.state}`).sort()).toEqual([
      'digits-mlp:1:ready',
      'slow-matmul:1:ready',
    ]);
    const inflight = Array.from({ length: 6 }, () => post(`${s.ready.url}/v2/models/slow-matmul/infer`, slowBody));
    // Signal once the server holds all six (queued or running), so they are in flight, not still connecting.
    await until(async () => {
      const metrics = await fetch(`${s.ready.url}/metrics`).then((r) => r.text());
      return /nv_inference_pending_request_count\{model="slow-matmul",version="1"\} 6/.test(metrics);
    });
    s.child.kill('SIGTERM');
    const answers = await Promise.all(inflight);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await s.exited).toBe(0);
    expect(s.stdout()).toContain('{"event":"stopped"}');
    await expect(fetch(`${s.ready.url}/v2/health/live`)).rejects.toThrow();
  });

  it('drains and exits 0 on a SIGTERM sent the moment the ready line appears', async () => {
    // Whoever reads the ready line may stop the server at once; three tries, since a late handler lost most of them.
    const home = tempDir();
    for (let i = 0; i < 3; i++) {
      const s = await serve(['--models', 'digits-mlp:1'], home);
      s.child.kill('SIGTERM');
      expect(await s.exited, s.stderr()).toBe(0);
      expect(s.stdout()).toContain('{"event":"stopped"}');
    }
  });

  it('refuses to bind beyond loopback without an API key', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--home', tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /an API key is required: pass --api-key KEY or create one with `slipway keys create NAME`/,
    );
  });

  it('warns on stderr, with the URLs, when bound beyond loopback (also under --json)', async () => {
    const s = await serve(['--host', '0.0.0.0', '--api-key', 'k1', '--models', 'digits-mlp:1']);
    try {
      const port = new URL(s.ready.url).port;
      expect(s.ready.exposedUrls.length).toBeGreaterThan(0);
      expect(s.ready.exposedUrls.at(-1)).toBe(`http://127.0.0.1:${port}`);
      const warning = s
        .stderr()
        .split('\n')
        .find((line) => line.startsWith('slipway: warning: bound to 0.0.0.0: other machines can call these models'));
      expect(warning, s.stderr()).toBeDefined();
      for (const url of s.ready.exposedUrls) expect(warning).toContain(url);
      expect(s.stdout().split('\n')[0]).not.toContain('warning');
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  });

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(['serve', '--port', String(port), '--models', 'digits-mlp', '--home', tempDir()]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is in use; pick another port (0 picks a free one)`);
    } finally {
      blocker.close();
    }
  });

  it('names an unknown model before loading anything', async () => {
    const result = await runCli(['serve', '--port', '0', '--models', 'digits-mlp,nosuch', '--home', tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no model named 'nosuch'/);
  });

  it('rejects bad flag values with the expected range', async () => {
    const result = await runCli(['serve', '--port', '70000', '--home', tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid --port '70000': expected an integer 0\.\.65535/);
  });
});

describe('slipway models config and keys', () => {
  it('shows defaults derived from the model, stores overrides, and validates them', async () => {
    const home = tempDir();
    const shown = await runCli(['models', 'config', 'digits-mlp:1', '--home', home]);
    expect(shown.stdout).toMatch(/dynamicBatching\.enabled\s+true\s+default/);
    expect(shown.stdout).toMatch(/fallback \(whole model\): none/);
    const set = await runCli([
      'models',
      'config',
      'digits-mlp:1',
      '--set',
      'dynamicBatching.maxBatchSize=16',
      '--set',
      'instances=2',
      '--home',
      home,
    ]);
    expect(set.stdout).toMatch(/dynamicBatching\.maxBatchSize\s+16\s+set/);
    expect(set.stdout).toMatch(/instances\s+2\s+set/);
    const bad = await runCli(['models', 'config', 'digits-mlp:1', '--set', 'instances=0', '--home', home]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid instances: /);
    const unknown = await runCli(['models', 'config', 'digits-mlp:1', '--set', 'batchsize=4', '--home', home]);
    expect(unknown.stderr).toMatch(/unknown setting 'batchsize'; settings are: instances, intraOpThreads/);
    const fallback = await runCli(['models', 'config', 'digits-mlp:1', '--fallback', 'version:9', '--home', home]);
    expect(fallback.stderr).toMatch(/fallback version 9 does not exist; versions are 1, 2/);
    const reset = await runCli([
      'models',
      'config',
      'digits-mlp:1',
      '--unset',
      'instances',
      '--fallback',
      'version:2',
      '--home',
      home,
    ]);
    expect(reset.stdout).toMatch(/instances\s+1\s+default/);
    expect(reset.stdout).toMatch(/fallback \(whole model\): version 2/);
  });

  it('creates a key shown once, lists only its hint, and revokes it', async () => {
    const home = tempDir();
    const created = JSON.parse((await runCli(['keys', 'create', 'ci', '--json', '--home', home])).stdout) as {
      key: string;
    };
    expect(created.key).toMatch(/^sw_[A-Za-z0-9_-]{32}$/);
    const list = await runCli(['keys', 'list', '--home', home]);
    expect(list.stdout).toContain(`…${created.key.slice(-4)}`);
    expect(list.stdout).not.toContain(created.key);
    expect((await runCli(['keys', 'create', 'ci', '--home', home])).stderr).toMatch(/a key named 'ci' exists/);
    expect((await runCli(['keys', 'revoke', 'ci', '--home', home])).stdout).toBe("revoked API key 'ci'\n");
    expect((await runCli(['keys', 'revoke', 'ci', '--home', home])).stderr).toMatch(/no API key named 'ci'/);
  });
});
