// A few worker threads that test features in parallel, so drift on large data neither blocks the engine's event
// loop nor uses one core of several.
import type { Worker } from 'node:worker_threads';
import type { DriftOptions, FeatureDrift, FeatureKind } from '../../../../src-shared/contract';
import { siblingScript, startSiblingWorker } from '../../runtime/siblingScript';
import type { DriftTask, DriftTaskResult } from './driftWorker';

interface Pending {
  resolve: (result: FeatureDrift) => void;
  reject: (error: Error) => void;
}

/** A column that owns its whole (non-shared) buffer can be transferred as is; a view into a larger one is copied. */
function ownBuffer(column: Float64Array): Float64Array<ArrayBuffer> {
  const buffer = column.buffer;
  if (buffer instanceof ArrayBuffer && column.byteOffset === 0 && column.byteLength === buffer.byteLength) {
    return column as Float64Array<ArrayBuffer>;
  }
  return Float64Array.from(column);
}

export class DriftWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: DriftTask[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(threads: number) {
    const script = siblingScript(import.meta.url, 'driftWorker');
    for (let i = 0; i < threads; i++) {
      const worker = startSiblingWorker(script, { name: `drift-${i}` });
      worker.on('message', (reply: DriftTaskResult) => this.settle(worker, reply));
      worker.on('error', (error) => this.failAll(error));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Tests one feature; the two columns are transferred to the worker (unusable here afterwards). */
  run(name: string, kind: FeatureKind, reference: Float64Array, current: Float64Array, options: DriftOptions) {
    return new Promise<FeatureDrift>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, name, kind, reference: ownBuffer(reference), current: ownBuffer(current), options });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      worker.postMessage(task, [task.reference.buffer, task.current.buffer]);
    }
  }

  private settle(worker: Worker, reply: DriftTaskResult): void {
    const pending = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    this.idle.push(worker);
    if (pending) {
      if ('result' in reply) pending.resolve(reply.result);
      else pending.reject(new Error(`drift worker failed: ${reply.error}`));
    }
    this.dispatch();
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.queue.length = 0;
  }
}
