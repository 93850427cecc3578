// Worker thread of optimizeForCpu: creating an InferenceSession (which is when onnxruntime optimises the graph
// and writes it to optimizedModelFilePath) blocks its thread for as long as the model takes, so it runs here.
import * as ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import { shortProviderError } from '../../runtime/providerError';
import type { OptimizeWorkerData, OptimizeWorkerReply } from './optimizeForCpu';

const job = workerData as OptimizeWorkerData;
const post = (reply: OptimizeWorkerReply) => parentPort!.postMessage(reply);
const message = (error: unknown) => shortProviderError(error instanceof Error ? error.message : String(error));

async function main(): Promise<void> {
  const started = performance.now();
  try {
    // One intra-op thread: nothing runs, and a thread pool per core would only cost start-up time.
    const session = await ort.InferenceSession.create(job.modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: job.level,
      optimizedModelFilePath: job.outPath,
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
    await session.release();
  } catch (error) {
    post({ ok: false, stage: 'optimize', error: message(error) });
    return;
  }
  const seconds = (performance.now() - started) / 1000;
  try {
    // The written file must load on its own: onnxruntime opens it as the edge server will, with no rewrites.
    const check = await ort.InferenceSession.create(job.outPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
    await check.release();
  } catch (error) {
    post({ ok: false, stage: 'reload', error: message(error) });
    return;
  }
  post({ ok: true, seconds });
}

void main();
