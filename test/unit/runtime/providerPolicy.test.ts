import { describe, expect, it } from 'vitest';
import type { ProviderStatus } from '../../../src-shared/contract';
import { planProviders } from '../../../src-main/engine/runtime/providerPolicy';
import { shortProviderError } from '../../../src-main/engine/runtime/providerError';

const status = (name: string, available: boolean, reason?: string): ProviderStatus => ({
  name,
  available,
  reason,
  bundled: name === 'cpu' || name === 'webgpu',
  kind: name === 'cpu' ? 'cpu' : 'gpu',
  probeMs: 1,
});

describe('planProviders', () => {
  it('keeps an explicit choice as the only attempt', () => {
    expect(planProviders('webgpu', 10, [])).toEqual({
      attempts: ['webgpu'],
      reason: 'webgpu requested',
    });
  });

  it('auto keeps a small model on the cpu even when a GPU works', () => {
    const plan = planProviders('auto', 70_000, [status('cpu', true), status('webgpu', true)]);
    expect(plan.attempts).toEqual(['cpu']);
    expect(plan.reason).toBe('auto: 70.0 KB of weights is below 4.00 MB, where GPU dispatch costs more than it saves');
  });

  it('auto tries a working GPU first for a large model, with cpu as the fallback', () => {
    const plan = planProviders('auto', 5_000_000, [status('cpu', true), status('webgpu', true)]);
    expect(plan.attempts).toEqual(['webgpu', 'cpu']);
    expect(plan.reason).toBe('auto: 5.00 MB of weights, large enough for the GPU (webgpu)');
  });

  it('prefers cuda over webgpu when both work', () => {
    expect(planProviders('auto', 5_000_000, [status('webgpu', true), status('cuda', true)]).attempts[0]).toBe('cuda');
  });

  it('auto says why a large model stays on the cpu when no GPU works', () => {
    const plan = planProviders('auto', 5_000_000, [
      status('cpu', true),
      status('webgpu', false, 'No supported adapters'),
    ]);
    expect(plan.attempts).toEqual(['cpu']);
    expect(plan.reason).toBe(
      'auto: 5.00 MB of weights would suit a GPU, but none is usable here (webgpu: No supported adapters)',
    );
  });
});

describe('shortProviderError', () => {
  it('keeps the sentence after an onnxruntime assertion', () => {
    const raw =
      '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(...)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n';
    expect(shortProviderError(raw)).toBe('Failed to get a WebGPU adapter: No supported adapters');
  });

  it('drops the ONNXRuntimeError prefix and source location', () => {
    expect(shortProviderError('[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: x')).toBe(
      'Got invalid dimensions for input: x',
    );
    expect(shortProviderError('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library')).toBe(
      'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
    );
  });
});
