// Messages between a SessionPool and its worker threads. Requests travel on a MessagePort the worker drains
// synchronously after an Atomics wake-up (cheaper than waking its event loop); replies use postMessage.
import type { MessagePort } from 'node:worker_threads';
import type { ModelSignature } from '../../../src-shared/contract';
import type { WireTensor } from './wireTensor';

export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionWorkerConfig {
  modelPath: string;
  /** Providers to try in order; the first that starts wins. */
  providers: string[];
  intraOpThreads: number;
  graphOptimization: GraphOptimization;
  warmup: boolean;
  /** Int32 slots, see CONTROL_*. */
  control: SharedArrayBuffer;
  requests: MessagePort;
  /** How long an idle worker polls for the next request before sleeping (0 = sleep at once). */
  spinMicros: number;
}

/** Index of the request counter the pool bumps (then notifies) after posting to `requests`. */
export const CONTROL_SEQ = 0;
export const CONTROL_SLOTS = 1;

export interface ProviderAttempt {
  provider: string;
  error: string;
}

export type WorkerEvent =
  | {
      type: 'ready';
      provider: string;
      failedAttempts: ProviderAttempt[];
      signature: ModelSignature;
      loadMs: number;
      warmupMs: number | null;
      /** Why warm-up could not run (e.g. inputs zeros cannot satisfy); the session still serves. */
      warmupError?: string;
    }
  | { type: 'failed'; failedAttempts: ProviderAttempt[] }
  | RunReply;

export interface RunRequest {
  type: 'run';
  id: number;
  inputs: WireTensor[];
  /** Output names to fetch; all when absent. */
  outputs?: string[];
}

export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = RunRequest | CloseRequest;

export type RunReply =
  | { type: 'result'; id: number; ok: true; outputs: WireTensor[]; computeMs: number }
  | { type: 'result'; id: number; ok: false; error: string };
