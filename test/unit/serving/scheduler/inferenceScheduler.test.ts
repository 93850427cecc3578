// The queue in front of a served version: order and priorities, refusals at admission, deadlines, dynamic
// batching (what merges, what never does, sizes and delay), draining and failures — against a fake pool
// whose runs finish when the test says so, on fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  InferenceScheduler,
  type InferenceSchedulerOptions,
  type ScheduledRequest,
  type ScheduledResult,
  type SchedulerExecution,
} from '../../../../src-main/engine/serving/inferenceScheduler';
import { ServingError } from '../../../../src-main/engine/serving/servingError';
import type { DynamicBatching } from '../../../../src-shared/contract/servingSettings';
import type { ModelSignature } from '../../../../src-shared/contract/modelInspection';
import { FakePool, floats, flush, rowFirsts, rows, signatureOf } from './fakePool';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const batching = (over: Partial<DynamicBatching> = {}): DynamicBatching => ({
  enabled: true,
  maxBatchSize: 8,
  maxQueueDelayMicros: 0,
  preferredBatchSizes: [],
  ...over,
});

interface Setup {
  instances?: number;
  batching?: DynamicBatching | null;
  signature?: ModelSignature;
  maxQueueLength?: number;
  executionsPerInstance?: number;
}

function setup(options: Setup = {}) {
  const pool = new FakePool(options.instances ?? 1);
  const executions: SchedulerExecution[] = [];
  const config: InferenceSchedulerOptions = {
    pool,
    signature: options.signature ?? signatureOf(),
    batching: options.batching ?? null,
    maxQueueLength: options.maxQueueLength ?? 100,
    priorityLevels: 3,
    defaultPriority: 2,
    onExecution: (e) => executions.push(e),
    now: () => Date.now(),
    // With batching, one execution per instance makes "the instance is busy" a single run these tests control.
    executionsPerInstance: options.executionsPerInstance ?? (options.batching ? 1 : 2),
  };
  return { pool, executions, scheduler: new InferenceScheduler(config) };
}

interface Outcome {
  result?: ScheduledResult;
  error?: ServingError;
}

/** Submits a request whose rows start with `id` (one row unless `rowIds` says more) and records how it ends. */
function send(
  scheduler: InferenceScheduler,
  id: number,
  extra: Partial<ScheduledRequest> & { rowIds?: number[]; width?: number } = {},
): Outcome {
  const outcome: Outcome = {};
  const { rowIds = [id], width = 2, ...request } = extra;
  const values = rowIds.map((r) => Array.from({ length: width }, (_, i) => r + i / 10));
  void scheduler.submit({ inputs: [rows(values)], ...request }).then(
    (result) => (outcome.result = result),
    (error: ServingError) => (outcome.error = error),
  );
  return outcome;
}

/** Finishes the runs in flight one at a time until none is left, letting the scheduler dispatch after each. */
async function finishAll(pool: FakePool): Promise<void> {
  while (pool.running.length > 0) {
    pool.finishNext();
    await flush();
  }
}

const firstRowValue = (o: Outcome) => floats(o.result!.outputs[0]!)[0];

describe('InferenceScheduler: order and priorities', () => {
  it('runs requests in arrival order, at most two per instance without batching, each answered with its own rows', async () => {
    const { pool, scheduler } = setup();
    const outcomes = [1, 2, 3, 4, 5].map((id) => send(scheduler, id));
    await flush();
    expect(pool.batches()).toEqual([[1], [2]]);
    expect(scheduler.stats()).toMatchObject({ queued: 3, executing: 2, executions: 2 });

    pool.finishNext();
    await flush();
    expect(pool.batches()).toEqual([[1], [2], [3]]);
    expect(outcomes[0]!.result!.outputs[0]).toMatchObject({ name: 'y', dims: [1, 2] });
    expect(floats(outcomes[0]!.result!.outputs[0]!)).toEqual([2, 2.200000047683716]);

    await finishAll(pool);
    expect(outcomes.map(firstRowValue)).toEqual([2, 4, 6, 8, 10]);
    expect(outcomes.every((o) => o.result!.batchSize === 1)).toBe(true);
    expect(scheduler.stats()).toMatchObject({ queued: 0, executing: 0, executions: 0 });
  });

  it('serves priority 1 before 2 before 3, first come first served within a level', async () => {
    const { pool, scheduler } = setup();
    send(scheduler, 1);
    send(scheduler, 2); // both instance slots now busy; the rest queue
    send(scheduler, 10, { priority: 3 });
    send(scheduler, 11, { priority: 2 });
    send(scheduler, 12, { priority: 1 });
    send(scheduler, 13, { priority: 2 });
    send(scheduler, 14, { priority: 1 });
    send(scheduler, 15, { priority: 0 }); // 0: the default, 2
    await flush();
    await finishAll(pool);
    expect(pool.batches().flat()).toEqual([1, 2, 12, 14, 11, 13, 15, 10]);
  });

  it('refuses a priority outside the levels with 400 before queueing it', async () => {
    const { pool, scheduler } = setup();
    const outcomes = [send(scheduler, 1, { priority: 4 }), send(scheduler, 2, { priority: 1.5 })];
    await flush();
    for (const o of outcomes) {
      expect(o.error).toBeInstanceOf(ServingError);
      expect(o.error).toMatchObject({ status: 400 });
      expect(o.error!.message).toMatch(/priority must be an integer from 1 \(highest\) to 3/);
    }
    expect(pool.runs).toHaveLength(0);
  });
});

describe('InferenceScheduler: admission and deadlines', () => {
  it('refuses at once with 503 and Retry-After when the queue is full, and admits again once it has room', async () => {
    const { pool, scheduler } = setup({ maxQueueLength: 2 });
    [1, 2, 3, 4].map((id) => send(scheduler, id)); // two running, two waiting
    const refused = send(scheduler, 5);
    await flush(); // no run has finished: the refusal cannot have waited for one
    expect(refused.error).toBeInstanceOf(ServingError);
    expect(refused.error!.message).toBe('queue full (2 waiting, limit 2)');
    expect(refused.error).toMatchObject({ status: 503, failure: 'REJECTED' });
    expect(refused.error!.options.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(scheduler.stats().queued).toBe(2);

    pool.finishNext();
    await flush();
    const admitted = send(scheduler, 6);
    await finishAll(pool);
    expect(firstRowValue(admitted)).toBe(12);
  });

  it('refuses a request that cannot finish before its deadline given the queue ahead and the recent service time', async () => {
    const { pool, scheduler } = setup();
    send(scheduler, 1);
    await vi.advanceTimersByTimeAsync(100);
    pool.finishNext(); // one execution of 100 ms: the service time to estimate with
    await flush();
    expect(scheduler.stats().serviceMs).toBe(100);

    [2, 3, 4, 5, 6, 7].map((id) => send(scheduler, id)); // two running, four waiting
    await flush();
    const now = Date.now();
    const tight = send(scheduler, 8, { deadline: now + 200 });
    const loose = send(scheduler, 9, { deadline: now + 400 });
    const urgent = send(scheduler, 10, { deadline: now + 200, priority: 1 }); // nothing ahead of it
    const past = send(scheduler, 11, { deadline: now - 5 });
    await flush();
    // Four waiting ahead over two slots: about (1 + 4 / 2) executions of 100 ms.
    expect(tight.error!.message).toBe(
      'cannot finish before its deadline: 200 ms left, about 300 ms needed (4 requests ahead, 100 ms per execution)',
    );
    expect(tight.error).toMatchObject({ status: 503, failure: 'REJECTED' });
    expect(tight.error!.options.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(past.error!.message).toMatch(/^cannot finish before its deadline: it passed 5\.0 ms before arrival/);
    expect(loose.error).toBeUndefined();
    expect(urgent.error).toBeUndefined();
    await finishAll(pool);
    expect(firstRowValue(loose)).toBe(18);
    expect(firstRowValue(urgent)).toBe(20);
  });

  it('drops a request whose deadline passes while it waits, before it runs, even while every instance is busy', async () => {
    const { pool, scheduler } = setup();
    send(scheduler, 1);
    send(scheduler, 2);
    const late = send(scheduler, 3, { deadline: Date.now() + 30 });
    const patient = send(scheduler, 4);
    await vi.advanceTimersByTimeAsync(50);
    expect(late.error).toBeInstanceOf(ServingError);
    expect(late.error!.message).toMatch(/^deadline passed after 30 ms in the queue$/);
    expect(late.error).toMatchObject({ status: 503, failure: 'REJECTED' });
    expect(late.error!.options.timeout).toBe(true);
    expect(scheduler.stats().queued).toBe(1);

    await finishAll(pool);
    expect(pool.batches().flat()).toEqual([1, 2, 4]); // 3 never reached the pool
    expect(firstRowValue(patient)).toBe(8);
  });
});

describe('InferenceScheduler: dynamic batching', () => {
  it('merges compatible requests that queue while the instance is busy and gives each caller its own rows', async () => {
    const { pool, scheduler, executions } = setup({ batching: batching() });
    const first = send(scheduler, 1); // the instance is free: it runs at once, alone
    await flush();
    expect(pool.batches()).toEqual([[1]]);

    const queued = [2, 3, 4].map((id) => send(scheduler, id));
    const twoRows = send(scheduler, 5, { rowIds: [5, 6] });
    await flush();
    expect(pool.runs).toHaveLength(1); // one execution per instance when batching, so these wait and gather

    pool.finishNext();
    await flush();
    expect(pool.batches()).toEqual([[1], [2, 3, 4, 5, 6]]);
    expect(pool.runs[1]!.inputs[0]!.dims).toEqual([5, 2]);
    await finishAll(pool);

    expect(firstRowValue(first)).toBe(2);
    expect(queued.map(firstRowValue)).toEqual([4, 6, 8]);
    expect(queued.every((o) => o.result!.outputs[0]!.dims.join() === '1,2')).toBe(true);
    expect(twoRows.result!.outputs[0]!.dims).toEqual([2, 2]);
    expect(rowFirsts(twoRows.result!.outputs[0]!)).toEqual([10, 12]);
    expect(twoRows.result!.batchSize).toBe(5);
    expect(executions.map((e) => [e.batchSize, e.requests])).toEqual([
      [1, 1],
      [5, 4],
    ]);
  });

  it('never merges requests whose non-batch dims differ, or that ask for different outputs', async () => {
    const { pool, scheduler } = setup({ batching: batching(), signature: signatureOf(['n']) });
    send(scheduler, 1);
    const outcomes = [
      send(scheduler, 2, { width: 2 }),
      send(scheduler, 3, { width: 3 }),
      send(scheduler, 4, { width: 2 }),
      send(scheduler, 5, { width: 3 }),
      send(scheduler, 6, { width: 2, outputs: ['y'] }),
    ];
    await flush();
    await finishAll(pool);
    expect(pool.batches()).toEqual([[1], [2, 4], [3, 5], [6]]);
    expect(pool.runs.map((r) => r.inputs[0]!.dims)).toEqual([
      [1, 2],
      [2, 2],
      [2, 3],
      [1, 2],
    ]);
    expect(pool.runs[3]!.outputs).toEqual(['y']);
    expect(outcomes.map((o) => o.result!.outputs[0]!.dims[1])).toEqual([2, 3, 2, 3, 2]);
  });

  it('never batches when batching is off, or when the model has no dynamic batch axis', async () => {
    for (const options of [
      { batching: null },
      { batching: batching(), signature: signatureOf([2], 1) },
      { batching: { ...batching(), enabled: false } },
    ]) {
      const { pool, scheduler, executions } = setup(options);
      [1, 2, 3, 4, 5].map((id) => send(scheduler, id));
      await flush();
      await finishAll(pool);
      expect(pool.batches()).toEqual([[1], [2], [3], [4], [5]]);
      expect(executions.every((e) => e.batchSize === 1 && e.requests === 1)).toBe(true);
    }
  });

  it('caps a batch at maxBatchSize, keeps queue order when the next request does not fit, and runs an oversized request alone', async () => {
    const { pool, scheduler, executions } = setup({ batching: batching({ maxBatchSize: 4 }) });
    send(scheduler, 1);
    [2, 3, 4, 5, 6, 7].map((id) => send(scheduler, id));
    await flush();
    await finishAll(pool);
    expect(pool.batches()).toEqual([[1], [2, 3, 4, 5], [6, 7]]);

    send(scheduler, 10);
    send(scheduler, 20, { rowIds: [20, 21] });
    send(scheduler, 30, { rowIds: [30, 31, 32] }); // 1 + 2 + 3 > 4: ends the batch, not skipped over
    send(scheduler, 40);
    const big = send(scheduler, 50, { rowIds: [50, 51, 52, 53, 54, 55] });
    await flush();
    await finishAll(pool);
    expect(pool.batches().slice(3)).toEqual([[10], [20, 21], [30, 31, 32, 40], [50, 51, 52, 53, 54, 55]]);
    expect(big.result!.outputs[0]!.dims).toEqual([6, 2]);
    expect(executions.at(-1)).toMatchObject({ batchSize: 6, requests: 1 });
  });

  it('sends a batch at the largest preferred size reached instead of waiting for the queue delay', async () => {
    const { pool, scheduler } = setup({
      batching: batching({ preferredBatchSizes: [2, 4], maxQueueDelayMicros: 1_000_000 }),
    });
    send(scheduler, 1);
    await flush();
    expect(pool.runs).toHaveLength(0); // one row is no preferred size: it waits for company
    send(scheduler, 2);
    await flush();
    expect(pool.batches()).toEqual([[1, 2]]);

    [3, 4, 5, 6, 7, 8].map((id) => send(scheduler, id));
    await flush();
    pool.finishNext();
    await flush();
    expect(pool.batches()).toEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
    pool.finishNext();
    await flush();
    expect(pool.batches().at(-1)).toEqual([7, 8]);
    expect(vi.getTimerCount()).toBe(0); // nothing waits on the queue delay
  });

  it('waits up to maxQueueDelay for a batch to fill: runs when full, or when the oldest has waited that long', async () => {
    const { pool, scheduler } = setup({ batching: batching({ maxBatchSize: 4, maxQueueDelayMicros: 10_000 }) });
    send(scheduler, 1);
    await vi.advanceTimersByTimeAsync(5);
    send(scheduler, 2);
    send(scheduler, 3);
    await flush();
    expect(pool.runs).toHaveLength(0);
    send(scheduler, 4); // full: no reason to wait longer
    await flush();
    expect(pool.batches()).toEqual([[1, 2, 3, 4]]);
    await finishAll(pool);

    const oldest = send(scheduler, 5);
    await vi.advanceTimersByTimeAsync(9);
    send(scheduler, 6);
    await flush();
    expect(pool.runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(pool.batches().at(-1)).toEqual([5, 6]);
    await finishAll(pool);
    expect(oldest.result!.queueMs).toBe(10);
  });

  it('stops waiting for a batch to fill before a request in it would miss its deadline', async () => {
    const { pool, scheduler } = setup({ batching: batching({ maxQueueDelayMicros: 1_000_000 }) });
    const hurried = send(scheduler, 1, { deadline: Date.now() + 20 });
    await vi.advanceTimersByTimeAsync(19);
    expect(pool.batches()).toEqual([[1]]);
    await finishAll(pool);
    expect(firstRowValue(hurried)).toBe(2);
  });
});

describe('InferenceScheduler: draining and failures', () => {
  it('drains: refuses new requests with 503, finishes queued and running ones, then resolves', async () => {
    const { pool, scheduler } = setup();
    const accepted = [1, 2, 3].map((id) => send(scheduler, id));
    await flush();
    let drained = false;
    void scheduler.drain().then(() => (drained = true));
    const late = send(scheduler, 4);
    await flush();
    expect(late.error).toMatchObject({ status: 503 });
    expect(late.error!.message).toMatch(/unloading/);
    expect(drained).toBe(false);

    pool.finishNext();
    await flush();
    expect(drained).toBe(false);
    await finishAll(pool);
    expect(drained).toBe(true);
    expect(accepted.map(firstRowValue)).toEqual([2, 4, 6]);
  });

  it('runs a batch that is waiting to fill at once when draining, since nothing more will join it', async () => {
    const { pool, scheduler } = setup({ batching: batching({ maxQueueDelayMicros: 1_000_000 }) });
    send(scheduler, 1);
    send(scheduler, 2);
    await flush();
    expect(pool.runs).toHaveLength(0);
    const drained = scheduler.drain();
    await flush();
    expect(pool.batches()).toEqual([[1, 2]]);
    await finishAll(pool);
    await drained;
  });

  it('fails every request of a failed execution with 500 BACKEND and the pool error, then keeps serving', async () => {
    const { pool, scheduler } = setup({ batching: batching() });
    const first = send(scheduler, 1);
    const batched = [send(scheduler, 2), send(scheduler, 3)];
    await flush();
    pool.running[0]!.fail(new Error('inference instance 0 stopped (exit code 1)'));
    await flush();
    expect(first.error).toBeInstanceOf(ServingError);
    expect(first.error).toMatchObject({ status: 500, failure: 'BACKEND' });
    expect(first.error!.message).toMatch(/inference instance 0 stopped \(exit code 1\)/);

    expect(pool.batches().at(-1)).toEqual([2, 3]);
    pool.running[0]!.fail(new Error('out of memory'));
    await flush();
    for (const o of batched) expect(o.error!.message).toMatch(/out of memory/);

    const after = send(scheduler, 4);
    await flush();
    await finishAll(pool);
    expect(firstRowValue(after)).toBe(8);
  });

  it('hands a lone request’s tensors to the pool as they are, and gives each batched caller its own output buffer', async () => {
    const { pool, scheduler } = setup({ batching: batching() });
    const tensor = rows([[1, 1]]);
    void scheduler.submit({ inputs: [tensor] });
    const batched = [send(scheduler, 2), send(scheduler, 3)];
    await flush();
    expect(pool.runs[0]!.inputs[0]).toBe(tensor);
    await finishAll(pool);
    const [a, b] = batched.map((o) => o.result!.outputs[0]!.data as ArrayBuffer);
    expect(a).not.toBe(b);
    expect(a!.byteLength).toBe(8);
  });
});
