// The load generator's stats thread: folds the sender's raw per-request records into per-second counts and
// HdrHistograms (corrected, uncorrected, send lag), and posts each second's figures with the histograms encoded
// — again whenever late answers change a second, and for the last time once nothing more can.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import type { LoadInterval } from '../../../src-shared/contract';
import { encodeHistogram, percentilesOf, recordMs, type Histogram } from './latencyHistogram';
import { RECORD_DONE, RECORD_OFFER, RECORD_STRIDE, type StatsEvent, type StatsMessage } from './loadGeneratorProtocol';
import { outcomeKey } from './requestOutcome';
import { threadCpuMs } from './threadCpu';

const records = (workerData as { recordsPort: MessagePort }).recordsPort;
const post = (event: StatsEvent) => parentPort!.postMessage(event);

interface Bucket {
  second: number;
  offered: number;
  completed: number;
  statuses: Record<string, number>;
  corrected: Histogram;
  uncorrected: Histogram;
  sendLag: Histogram;
  dirty: boolean;
}

let token = 0;
let buckets = new Map<number, Bucket>();
/** Every second from the run's first up to this one has a bucket, so quiet seconds show as zeros. */
let filledUpTo = 0;
const keyCache = new Map<number, string>();

/**
 * A histogram to record into: plain 32-bit counts record about six times faster than the packed form the
 * stored histograms decode into, and encode to the same bytes (same range and precision as newHistogram).
 */
function recordingHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

function bucket(second: number): Bucket {
  let b = buckets.get(second);
  if (!b) {
    b = {
      second,
      offered: 0,
      completed: 0,
      statuses: {},
      corrected: recordingHistogram(),
      uncorrected: recordingHistogram(),
      sendLag: recordingHistogram(),
      dirty: true,
    };
    buckets.set(second, b);
  }
  return b;
}

function keyOf(outcome: number): string {
  let key = keyCache.get(outcome);
  if (key === undefined) keyCache.set(outcome, (key = outcomeKey(outcome)));
  return key;
}

function fold(buffer: ArrayBuffer, length: number): void {
  const r = new Float64Array(buffer);
  for (let i = 0; i < length; i++) {
    const at = i * RECORD_STRIDE;
    const kind = r[at]!;
    if (kind === RECORD_OFFER) {
      const b = bucket(r[at + 1]!);
      b.offered++;
      b.dirty = true;
    } else if (kind === RECORD_DONE) {
      const b = bucket(r[at + 1]!);
      const key = keyOf(r[at + 6]!);
      b.statuses[key] = (b.statuses[key] ?? 0) + 1;
      const corrected = r[at + 3]!;
      const lag = r[at + 5]!;
      if (!Number.isNaN(lag)) recordMs(b.sendLag, lag);
      if (!Number.isNaN(corrected)) {
        recordMs(b.corrected, corrected);
        recordMs(b.uncorrected, r[at + 4]!);
        const done = bucket(r[at + 2]!);
        done.completed++;
        done.dirty = true;
      }
      b.dirty = true;
    }
  }
}

function publish(b: Bucket, final: boolean): void {
  b.dirty = false;
  const interval: LoadInterval = {
    second: b.second,
    offered: b.offered,
    completed: b.completed,
    statuses: { ...b.statuses },
    corrected: percentilesOf(b.corrected),
    uncorrected: percentilesOf(b.uncorrected),
    sendLag: percentilesOf(b.sendLag),
  };
  post({
    type: 'interval',
    token,
    final,
    stored: {
      interval,
      corrected: encodeHistogram(b.corrected),
      uncorrected: encodeHistogram(b.uncorrected),
      sendLag: encodeHistogram(b.sendLag),
    },
  });
}

function onMessage(message: StatsMessage): void {
  switch (message.type) {
    case 'begin':
      token = message.token;
      buckets = new Map();
      filledUpTo = message.secondOffset;
      return;
    case 'records':
      fold(message.buffer, message.length);
      return;
    case 'tick': {
      post({ type: 'tick', token, second: message.second, senderCpuMs: message.cpuMs, statsCpuMs: threadCpuMs() });
      for (; filledUpTo < message.second; filledUpTo++) bucket(filledUpTo);
      const ended = [...buckets.values()].filter((b) => b.second < message.second).sort((a, b) => a.second - b.second);
      for (const b of ended) {
        const final = b.second < message.closedBelow;
        // Every second is posted at least once more when it becomes final, changed or not: waiting readers
        // (capacity-search windows) know then that nothing more will come for it.
        if (b.dirty || final) publish(b, final);
        if (final) buckets.delete(b.second);
      }
      return;
    }
    case 'end': {
      const rest = [...buckets.values()].sort((a, b) => a.second - b.second);
      for (const b of rest) publish(b, true);
      buckets = new Map();
      post({
        type: 'finished',
        token: message.token,
        elapsedMs: message.elapsedMs,
        cancelled: message.cancelled,
        senderCpuMs: message.cpuMs,
        statsCpuMs: threadCpuMs(),
      });
      return;
    }
  }
}

records.on('message', onMessage);
records.on('close', () => parentPort!.close());
