// What the data plane reports about each request and each execution; statistics (Triton's JSON) and
// Prometheus metrics are both fed from these, so the two never disagree.
import type { FailureReason } from './servingError';

interface Labels {
  model: string;
  version: string;
}

export type ServingEvent =
  | (Labels & {
      kind: 'success';
      /** Arrival to response written. */
      requestNs: number;
      /** Waiting in the scheduler's queue. */
      queueNs: number;
      /** Decoding and batching inputs. */
      inputNs: number;
      /** session.run() of the execution the request was part of. */
      inferNs: number;
      /** Splitting and encoding outputs. */
      outputNs: number;
      cacheHit: boolean;
    })
  | (Labels & { kind: 'failure'; reason: FailureReason; requestNs: number })
  | (Labels & { kind: 'execution'; batchSize: number; inputNs: number; inferNs: number; outputNs: number })
  | (Labels & { kind: 'cache'; hit: boolean; lookupNs: number })
  /** An inference instance's thread died (native crash, out of memory) and is being replaced. */
  | (Labels & { kind: 'restart'; instance: number; reason: string });
