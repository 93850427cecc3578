// One inference instance: a worker thread owning one InferenceSession. session.run() is synchronous inside
// onnxruntime-node, so it runs here and never on a thread that serves HTTP.
import * as ort from 'onnxruntime-node';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { fromOrtTensor, toOrtTensor } from './ortTensors';
import { shortProviderError } from './providerError';
import type {
  ProviderAttempt,
  RunReply,
  RunRequest,
  SessionWorkerConfig,
  WorkerEvent,
  WorkerRequest,
} from './sessionProtocol';
import { CONTROL_REPLY_SEQ, CONTROL_REQUEST_SEQ } from './sessionProtocol';
import { sessionSignature } from './sessionSignature';
import { SINGLE_FILE } from './singleFile';
import { makeSyntheticInputs } from './syntheticInputs';
import { transferablesOf } from './wireTensor';

// Set when the worker starts (not at import: the standalone server's single file imports this on every thread).
let config: SessionWorkerConfig;
let control: Int32Array;
const post = (event: WorkerEvent) => parentPort!.postMessage(event);

function reply(message: RunReply, transfer: ArrayBuffer[] = []): void {
  config.port.postMessage(message, transfer);
  Atomics.add(control, CONTROL_REPLY_SEQ, 1);
  Atomics.notify(control, CONTROL_REPLY_SEQ);
}

async function createSession(): Promise<
  { session: ort.InferenceSession; provider: string; failed: ProviderAttempt[] } | ProviderAttempt[]
> {
  const failed: ProviderAttempt[] = [];
  for (const provider of config.providers) {
    try {
      const session = await ort.InferenceSession.create(config.modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: config.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: config.graphOptimization,
        logSeverityLevel: 3,
      });
      return { session, provider, failed };
    } catch (error) {
      failed.push({ provider, error: shortProviderError(error instanceof Error ? error.message : String(error)) });
    }
  }
  return failed;
}

async function run(session: ort.InferenceSession, request: RunRequest): Promise<void> {
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of request.inputs) feeds[input.name] = toOrtTensor(input);
    const started = performance.now();
    const results = request.outputs ? await session.run(feeds, request.outputs) : await session.run(feeds);
    const computeMs = performance.now() - started;
    const outputs = Object.entries(results).map(([name, tensor]) => fromOrtTensor(name, tensor));
    reply({ type: 'result', id: request.id, ok: true, outputs, computeMs }, transferablesOf(outputs));
  } catch (error) {
    reply({
      type: 'result',
      id: request.id,
      ok: false,
      error: shortProviderError(error instanceof Error ? error.message : String(error)),
    });
  }
}

/** Blocks until the pool bumps the request counter past `seen`, polling briefly first: a sleeping thread
 * takes tens of microseconds to wake, which would dominate small models' latency. */
function waitForRequest(seen: number): void {
  if (config.spinMicros > 0) {
    const until = performance.now() + config.spinMicros / 1000;
    while (Atomics.load(control, CONTROL_REQUEST_SEQ) === seen && performance.now() < until) {
      /* spin */
    }
  }
  Atomics.wait(control, CONTROL_REQUEST_SEQ, seen);
}

async function serve(session: ort.InferenceSession): Promise<void> {
  let crashOnNextRun = false;
  for (;;) {
    // Read the counter before draining so a request posted in between is never slept through.
    const seen = Atomics.load(control, CONTROL_REQUEST_SEQ);
    const message = receiveMessageOnPort(config.port);
    if (!message) {
      waitForRequest(seen);
      continue;
    }
    const request = message.message as WorkerRequest;
    if (request.type === 'close') break;
    if (request.type === 'crash-on-next-run') {
      crashOnNextRun = true;
      continue;
    }
    if (crashOnNextRun) process.exit(70);
    await run(session, request);
  }
  await session.release();
  config.port.close();
}

/** The worker's work: open the session, report ready, serve until closed. This module runs it when it is the
 * worker's script; the standalone server's single file runs it for its `sessionWorker` role. */
export async function runSessionWorker(): Promise<void> {
  config = workerData as SessionWorkerConfig;
  control = new Int32Array(config.control);
  const loadStarted = performance.now();
  const created = await createSession();
  if (Array.isArray(created)) {
    post({ type: 'failed', failedAttempts: created });
    return;
  }
  const { session, provider, failed } = created;
  const loadMs = performance.now() - loadStarted;
  const signature = sessionSignature(session);
  let warmupMs: number | null = null;
  let warmupError: string | undefined;
  if (config.warmup) {
    // The first run allocates arenas and picks kernels; doing it now keeps it out of the first user request.
    try {
      const { tensors } = makeSyntheticInputs(signature.inputs, { fill: 'zeros' });
      const feeds = Object.fromEntries(tensors.map((t) => [t.name, toOrtTensor(t)]));
      const started = performance.now();
      await session.run(feeds);
      warmupMs = performance.now() - started;
    } catch (error) {
      warmupError = shortProviderError(error instanceof Error ? error.message : String(error));
    }
  }
  post({ type: 'ready', provider, failedAttempts: failed, signature, loadMs, warmupMs, warmupError });
  await serve(session);
}

if (!SINGLE_FILE) void runSessionWorker();
