// Child process that tries every execution provider onnxruntime-node lists on a tiny model and reports to its
// parent over IPC. A separate process keeps native stderr noise (Dawn, CUDA loaders) and driver crashes away
// from the engine; the parent reads that stderr to explain failures.
import * as ort from 'onnxruntime-node';
import { tinyProbeModel } from '../onnx/encodeOnnxModel';
import { shortProviderError } from './providerError';
import { PROBE_MARKER, type ProbeMessage, type ProbeOutcome } from './providerProbeProtocol';
import { SINGLE_FILE } from './singleFile';

const send = (message: ProbeMessage) => process.send?.(message);

async function probe(name: string, bundled: boolean, model: Uint8Array): Promise<ProbeOutcome> {
  process.stderr.write(`\n${PROBE_MARKER}${name}\n`);
  const started = performance.now();
  try {
    const session = await ort.InferenceSession.create(model, { executionProviders: [name], logSeverityLevel: 3 });
    const x = new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]);
    await session.run({ x });
    await session.release();
    return { name, bundled, available: true, probeMs: performance.now() - started };
  } catch (error) {
    const message = shortProviderError(error instanceof Error ? error.message : String(error));
    return { name, bundled, available: false, error: message, probeMs: performance.now() - started };
  }
}

async function main(): Promise<void> {
  const model = tinyProbeModel();
  const backends = ort.listSupportedBackends();
  // cpu first: if a GPU driver crashes this process, cpu has already been reported.
  backends.sort((a, b) => Number(b.name === 'cpu') - Number(a.name === 'cpu'));
  for (const backend of backends) {
    const outcome = await probe(backend.name, backend.bundled, model);
    send({ type: 'outcome', outcome });
  }
  send({ type: 'done' });
}

/** The probe child's work. This module runs it when it is the child's script; the standalone server's single file
 * runs it for its `providerProbeChild` role. */
export function runProviderProbe(): void {
  main().catch((error: unknown) => {
    send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  });
}

if (!SINGLE_FILE) runProviderProbe();
