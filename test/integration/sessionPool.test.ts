// The inference pool: same answers as onnxruntime in place, off the main thread, across instances, with
// provider choice explained, and a clean shutdown that finishes accepted work.
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../src-main/engine/runtime/sessionPool';
import { makeSyntheticInputs } from '../../src-main/engine/runtime/syntheticInputs';
import { toOrtTensor, fromOrtTensor } from '../../src-main/engine/runtime/ortTensors';
import { probeProviders } from '../../src-main/engine/runtime/providerProbe';
import { UserError } from '../../src-main/engine/userError';
import type { WireTensor } from '../../src-main/engine/runtime/wireTensor';
import type { ProviderStatus } from '../../src-shared/contract';
import { model } from '../helpers/paths';

const pools: SessionPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});
async function openPool(options: Parameters<typeof SessionPool.open>[0]): Promise<SessionPool> {
  const pool = await SessionPool.open(options);
  pools.push(pool);
  return pool;
}

const copy = (tensors: WireTensor[]) => tensors.map((t) => ({ ...t, data: (t.data as ArrayBuffer).slice(0) }));

async function runInPlace(file: string, inputs: WireTensor[]): Promise<WireTensor[]> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const results = await session.run(Object.fromEntries(copy(inputs).map((t) => [t.name, toOrtTensor(t)])));
  await session.release();
  return Object.entries(results).map(([name, t]) => fromOrtTensor(name, t));
}

const bytes = (t: WireTensor) => Buffer.from(t.data as ArrayBuffer);

describe('SessionPool', () => {
  it('gives bit-identical outputs to running the session in place, on the signature onnxruntime reports', async () => {
    const pool = await openPool({ modelPath: model('digits-mlp-v2.onnx'), provider: 'cpu', intraOpThreads: 1 });
    expect(pool.signature.inputs).toEqual([
      { name: 'pixels', kind: 'tensor', elementType: 'float32', shape: ['batch', 64] },
    ]);
    const { tensors } = makeSyntheticInputs(pool.signature.inputs, { fill: 'random', seed: 7, dims: { batch: 5 } });
    const expected = await runInPlace(model('digits-mlp-v2.onnx'), tensors);
    const { outputs, computeMs, instance } = await pool.run(copy(tensors));
    expect(outputs.map((o) => o.name).sort()).toEqual(['logits', 'probabilities']);
    for (const o of outputs) {
      const e = expected.find((x) => x.name === o.name)!;
      expect(o.dims).toEqual([5, 10]);
      expect(bytes(o).equals(bytes(e))).toBe(true);
    }
    expect(computeMs).toBeGreaterThan(0);
    expect(instance).toBe(0);
  });

  it('fetches only the outputs asked for', async () => {
    const pool = await openPool({ modelPath: model('digits-mlp-v1.onnx'), provider: 'cpu' });
    const { tensors } = makeSyntheticInputs(pool.signature.inputs, { fill: 'zeros' });
    const { outputs } = await pool.run(tensors, ['probabilities']);
    expect(outputs.map((o) => o.name)).toEqual(['probabilities']);
  });

  it('transfers input buffers instead of copying them', async () => {
    const pool = await openPool({ modelPath: model('digits-mlp-v1.onnx'), provider: 'cpu' });
    const { tensors } = makeSyntheticInputs(pool.signature.inputs, { fill: 'zeros' });
    const buffer = tensors[0]!.data as ArrayBuffer;
    await pool.run(tensors);
    expect(buffer.byteLength).toBe(0); // detached: it moved to the worker
  });

  it('spreads concurrent requests over its instances and answers each with its own result', async () => {
    const pool = await openPool({
      modelPath: model('cancer-logreg-v2.onnx'),
      provider: 'cpu',
      instances: 2,
      intraOpThreads: 1,
    });
    expect(pool.instances).toBe(2);
    const requests = Array.from(
      { length: 40 },
      (_, i) => makeSyntheticInputs(pool.signature.inputs, { fill: 'random', seed: i }).tensors,
    );
    const expected = await Promise.all(requests.map((r) => runInPlace(model('cancer-logreg-v2.onnx'), r)));
    const results = await Promise.all(requests.map((r) => pool.run(copy(r))));
    expect(new Set(results.map((r) => r.instance))).toEqual(new Set([0, 1]));
    results.forEach((r, i) => {
      const label = r.outputs.find((o) => o.name === 'label')!;
      expect(bytes(label).equals(bytes(expected[i]!.find((o) => o.name === 'label')!))).toBe(true);
    });
    expect(pool.stats()).toMatchObject({ completed: 40, failed: 0, inFlight: 0, queued: 0 });
  });

  it('reports a run error as a rejected request and keeps serving', async () => {
    const pool = await openPool({ modelPath: model('digits-mlp-v1.onnx'), provider: 'cpu' });
    const bad: WireTensor = { name: 'pixels', type: 'float32', dims: [1, 63], data: new Float32Array(63).buffer };
    await expect(pool.run([bad])).rejects.toThrow(/pixels|dimension/i);
    const { tensors } = makeSyntheticInputs(pool.signature.inputs, { fill: 'zeros' });
    await expect(pool.run(tensors)).resolves.toBeDefined();
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 1 });
  });

  it('finishes accepted requests on close and refuses new ones after', async () => {
    const pool = await SessionPool.open({ modelPath: model('slow-matmul.onnx'), provider: 'cpu' });
    const inflight = Array.from({ length: 4 }, (_, i) =>
      pool.run(makeSyntheticInputs(pool.signature.inputs, { fill: 'random', seed: i }).tensors),
    );
    const closing = pool.close();
    await expect(pool.run(makeSyntheticInputs(pool.signature.inputs, { fill: 'zeros' }).tensors)).rejects.toThrow(
      /unloading/,
    );
    const done = await Promise.all(inflight);
    expect(done).toHaveLength(4);
    await closing;
  });

  it('replaces an instance whose thread dies: its requests fail, later ones are served', async () => {
    const pool = await openPool({ modelPath: model('slow-matmul.onnx'), provider: 'cpu', intraOpThreads: 1 });
    const inputs = () => makeSyntheticInputs(pool.signature.inputs, { fill: 'random' }).tensors;
    pool.crashOnNextRun(0);
    await expect(pool.run(inputs())).rejects.toThrow(/inference instance 0 stopped \(exit code 70\)/);
    await expect(pool.run(inputs())).resolves.toMatchObject({ instance: 0 });
    expect(pool.stats()).toMatchObject({ restarts: 1, failed: 1, completed: 1 });
  });

  it('warms up at load and reports load and warm-up times', async () => {
    const pool = await openPool({ modelPath: model('text-classifier.onnx'), provider: 'cpu' });
    expect(pool.loadMs).toBeGreaterThan(0);
    expect(pool.warmupMs).not.toBeNull();
    expect(pool.warmupError).toBeUndefined();
  });
});

describe('provider choice', () => {
  it('auto keeps a small model on cpu and says why', async () => {
    const pool = await openPool({ modelPath: model('digits-mlp-v1.onnx'), provider: 'auto' });
    expect(pool.decision).toMatchObject({ requested: 'auto', actual: 'cpu' });
    expect(pool.decision.reason).toMatch(/below 4\.00 MB, where GPU dispatch costs more than it saves/);
  });

  it('auto sends a large model to a working GPU, else to cpu with the GPU failure as the reason', async () => {
    const statuses = await probeProviders();
    const pool = await openPool({ modelPath: model('slow-matmul.onnx'), provider: 'auto' });
    const gpu = statuses.find((s) => s.kind === 'gpu' && s.available);
    if (gpu) {
      expect(pool.decision.actual).toBe(gpu.name);
    } else {
      expect(pool.decision.actual).toBe('cpu');
      expect(pool.decision.reason).toMatch(/would suit a GPU, but none is usable here/);
      const webgpu = statuses.find((s) => s.name === 'webgpu');
      if (webgpu && !webgpu.available) expect(pool.decision.reason).toContain(webgpu.reason!);
    }
  });

  it("auto falls back to cpu when the GPU it picked fails to start, and records webgpu's failure", async () => {
    // Claim webgpu works, as a probe on a machine with an adapter would: auto then tries it first for this
    // 4.2 MB model. Where there is no adapter (this CPU-only machine), the session itself must fail to start on
    // webgpu and the pool must come up on cpu, saying so.
    const claimed: ProviderStatus[] = [
      { name: 'cpu', kind: 'cpu', bundled: true, available: true, probeMs: 0 },
      { name: 'webgpu', kind: 'gpu', bundled: true, available: true, probeMs: 0 },
    ];
    const pool = await openPool({ modelPath: model('slow-matmul.onnx'), provider: 'auto', providerStatuses: claimed });
    const webgpu = (await probeProviders()).find((s) => s.name === 'webgpu');
    if (webgpu?.available) {
      expect(pool.decision).toMatchObject({ requested: 'auto', actual: 'webgpu' });
      return;
    }
    expect(pool.decision).toMatchObject({ requested: 'auto', actual: 'cpu' });
    expect(pool.decision.reason).toMatch(
      /^auto: 4\.\d+ MB of weights, large enough for the GPU \(webgpu\); webgpu could not start \(.*\w.*\), so it runs on cpu$/,
    );
    // The reason is webgpu's own, the same one the probe gives.
    if (webgpu?.reason) expect(pool.decision.reason).toContain(webgpu.reason.slice(0, 40));
    const { tensors } = makeSyntheticInputs(pool.signature.inputs, { fill: 'random', seed: 1, dims: {} });
    const result = await pool.run(tensors);
    expect(result.outputs.length).toBeGreaterThan(0);
  });

  it('an explicit provider that cannot start fails with the provider reason', async () => {
    const statuses = await probeProviders();
    const broken = statuses.find((s) => !s.available);
    if (!broken) return; // every provider works on this machine: nothing can fail
    const error = await SessionPool.open({ modelPath: model('digits-mlp-v1.onnx'), provider: broken.name }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('unavailable');
    expect((error as Error).message).toContain(`${broken.name} cannot start here: ${broken.reason}`);
  });

  it('an unknown provider name is refused, listing the real ones', async () => {
    const statuses = await probeProviders();
    const error = await SessionPool.open({
      modelPath: model('digits-mlp-v1.onnx'),
      provider: 'tpu',
      providerStatuses: statuses,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/unknown execution provider 'tpu'; onnxruntime-node offers: cpu/);
  });

  it('the probe lists cpu as working and explains each provider that does not', async () => {
    const statuses = await probeProviders();
    expect(statuses.find((s) => s.name === 'cpu')).toMatchObject({ available: true, kind: 'cpu', bundled: true });
    for (const s of statuses.filter((x) => !x.available)) expect(s.reason).toMatch(/\w{4,}/);
  });
});
