// Messages between the load generator's threads: the parent (LoadGenerator), the sender thread that follows the
// schedule (loadGeneratorWorker) and the stats thread that turns its raw per-request records into per-second
// histograms (loadStatsWorker), so that histogram work and encoding never delay a send.
import type { MessagePort } from 'node:worker_threads';
import type { ShapeInput } from '../../../src-shared/contract';
import type { SessionPoolOptions } from '../runtime/sessionPool';
import type { WireTensor } from '../runtime/wireTensor';
import type { StoredInterval } from '../store/loadTestRepository';

/** One pre-built HTTP request body and the headers that go with it (content type, binary header length). */
export interface EncodedRequest {
  body: Uint8Array;
  headers: Record<string, string>;
}

export type GeneratorTarget =
  | {
      kind: 'http';
      /** Scheme, host and port. */
      origin: string;
      /** Path of the infer route, with any prefix of the base URL. */
      path: string;
      /** Headers sent with every request (API key, user headers). */
      headers: Record<string, string>;
      /** Cycled, one per request. */
      requests: EncodedRequest[];
    }
  | {
      kind: 'runtime';
      pool: Pick<SessionPoolOptions, 'modelPath' | 'instances' | 'intraOpThreads' | 'provider' | 'weightBytes'>;
      /** Cycled; each request gets fresh copies, since the pool takes ownership of the buffers it is given. */
      inputs: WireTensor[][];
    };

export interface GeneratorWorkerData {
  target: GeneratorTarget;
  /** Most requests in flight (open loop); closed-loop levels may raise it to their concurrency. */
  connections: number;
  timeoutMs: number;
  /** Where the sender posts records for the stats thread. */
  statsPort: MessagePort;
}

/** Parent → sender. */
export type GeneratorCommand =
  | { type: 'run'; token: number; shape: ShapeInput; secondOffset: number }
  /** An open-ended constant rate (capacity search): traffic keeps flowing while windows are measured. */
  | { type: 'stream'; token: number; rate: number; secondOffset: number }
  | { type: 'rate'; token: number; rate: number }
  /** Ends a stream: nothing more is sent, answers in flight are awaited. */
  | { type: 'stop'; token: number }
  | { type: 'cancel'; token: number }
  | { type: 'close' };

/** Sender → parent. */
export type GeneratorEvent =
  { type: 'ready' } | { type: 'init-failed'; message: string } | { type: 'run-failed'; token: number; message: string };

// Record kinds in the Float64Array batches the sender streams to the stats thread.
export const RECORD_OFFER = 1;
export const RECORD_DONE = 2;
/** OFFER: [kind, second]; DONE: [kind, intended second, completion second, corrected ms, uncorrected ms, send lag
 * ms, outcome]. Latencies are NaN for requests that got no response (timeouts, connection errors). */
export const RECORD_STRIDE = 7;

// Outcome codes in a DONE record: HTTP status codes as they are, and these below 100.
export const OUTCOME_DEGRADED = 1;
export const OUTCOME_TIMEOUT = 2;
export const OUTCOME_CONNECTION = 3;
export const OUTCOME_ERROR = 4;
export const OUTCOME_CANCELLED = 5;
/** A runtime-target request that ran: counted as ok. */
export const OUTCOME_RUNTIME_OK = 6;

/** Sender → stats. */
export type StatsMessage =
  | { type: 'begin'; token: number; secondOffset: number }
  | { type: 'records'; buffer: ArrayBuffer; length: number }
  /** Seconds before `second` have ended; those before `closedBelow` can get no more records. */
  | { type: 'tick'; second: number; closedBelow: number; cpuMs: number | null }
  | { type: 'end'; token: number; elapsedMs: number; cancelled: boolean; cpuMs: number | null };

/** A second's figures as the stats thread posts them; `final` when no later record can change it. */
export interface GeneratorInterval {
  token: number;
  stored: StoredInterval;
  final: boolean;
}

/** Stats → parent. */
export type StatsEvent =
  /** A wall-clock second of the run ended (seconds before `second` are over): posted before that second's
   * figures, so the parent can sample what it measures per second first. CPU times are the threads' totals. */
  | { type: 'tick'; token: number; second: number; senderCpuMs: number | null; statsCpuMs: number | null }
  | ({ type: 'interval' } & GeneratorInterval)
  | {
      type: 'finished';
      token: number;
      elapsedMs: number;
      cancelled: boolean;
      senderCpuMs: number | null;
      statsCpuMs: number | null;
    };
