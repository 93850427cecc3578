// Messages between a SessionPool and its worker threads. Both directions travel on one MessageChannel that each
// side drains synchronously after an Atomics wake-up, which is cheaper than an event-loop message event.
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
  /** Requests in, replies out. */
  port: MessagePort;
  /** How long an idle worker polls for the next request before sleeping (0 = sleep at once). */
  spinMicros: number;
}

/** Request counter the pool bumps (then notifies) after posting a request. */
export const CONTROL_REQUEST_SEQ = 0;
/** Reply counter the worker bumps (then notifies) after posting a reply. */
export const CONTROL_REPLY_SEQ = 1;
export const CONTROL_SLOTS = 2;

export interface ProviderAttempt {
  provider: string;
  error: string;
}

/** Lifecycle events, posted on the worker's parentPort. */
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
  | { type: 'failed'; failedAttempts: ProviderAttempt[] };

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

/**
 * Fault drill: the instance's thread exits when its next run request arrives, as if it had died mid-request
 * (rehearsals and tests use it to check that requests fail cleanly and the instance is replaced). Terminating
 * the thread from outside instead would abort the whole process if it landed inside a native session.run().
 */
export interface CrashDrillRequest {
  type: 'crash-on-next-run';
}

export type WorkerRequest = RunRequest | CloseRequest | CrashDrillRequest;

export type RunReply =
  | { type: 'result'; id: number; ok: true; outputs: WireTensor[]; computeMs: number }
  | { type: 'result'; id: number; ok: false; error: string };
