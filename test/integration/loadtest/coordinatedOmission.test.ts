// Coordinated omission: a server that stalls once for 500 ms during a 10 s run at 100 requests/s, driven over
// one connection (as a closed-loop tool would). Requests that came due during the stall waited for it: timed
// from their intended send (corrected) about 50 of them show up to 500 ms; timed from their actual send
// (uncorrected) only the one caught in the stall does. The report says which number is which.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadRun } from '../../../src-shared/contract';
import { Engine } from '../../../src-main/engine/engine';
import {
  countAbove,
  decodeForAnalysis,
  mergeForAnalysis,
} from '../../../src-main/engine/loadtest/analysis/histogramBuckets';
import { LoadTestService } from '../../../src-main/engine/loadtest/loadTestService';
import { tempDir } from '../../helpers/tempDir';

const RATE = 100;
const SECONDS = 10;
const STALL_MS = 500;

/** Just enough KServe V2 to be a target: model metadata and an infer route answering a small JSON body. */
function stallingServer(): { server: Server; stallAfter: (at: number) => void; stalled: () => boolean } {
  let stallAt = Infinity;
  let stalled = false;
  const reply = JSON.stringify({
    model_name: 'm',
    model_version: '1',
    outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 1], data: [0.5] }],
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v2/models/m') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            name: 'm',
            versions: ['1'],
            platform: 'onnxruntime_onnx',
            inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
            outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
          }),
        );
        return;
      }
      if (req.method === 'POST' && req.url === '/v2/models/m/infer') {
        if (!stalled && Date.now() >= stallAt) {
          // The whole server stops, as in a GC pause: nothing is read or answered for 500 ms.
          stalled = true;
          const until = Date.now() + STALL_MS;
          while (Date.now() < until) {
            /* stall */
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(reply);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    });
  });
  return { server, stallAfter: (at) => (stallAt = at), stalled: () => stalled };
}

let engine: Engine;
let target: ReturnType<typeof stallingServer>;
let url: string;
let service: LoadTestService;
let run: LoadRun;

beforeAll(async () => {
  engine = Engine.open({ home: tempDir(), resourcesDir: null });
  target = stallingServer();
  await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(target.server.address() as AddressInfo).port}`;
  let armed = false;
  service = new LoadTestService(engine, {
    // The first tick comes when the run's first second is over: the stall comes about 3 s into the run.
    onTick: () => {
      if (armed) return;
      armed = true;
      target.stallAfter(Date.now() + 2_000);
    },
  });
  const started = await service.start({
    name: 'stall once',
    target: { kind: 'url', url, modelName: 'm' },
    shape: { segments: [{ kind: 'constant', rate: RATE, duration: SECONDS }] },
    connections: 1,
  });
  run = await service.wait(started.id);
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => target.server.close(resolve));
  await engine.close();
});

describe('a 500 ms stall at 100 requests/s', () => {
  it('ran the whole schedule and the server stalled once', () => {
    expect(target.stalled()).toBe(true);
    expect(run.state).toBe('succeeded');
    expect(run.summary!.requests).toBe(RATE * SECONDS);
    expect(run.summary!.statuses).toEqual({ ok: RATE * SECONDS });
  });

  it('corrected latency shows the stall with the values the rate implies', () => {
    const s = run.summary!;
    // Requests due during the stall waited for its end: the k-th of them about STALL − k/RATE.
    const delayed = (STALL_MS * RATE) / 1000; // 50
    const p99Rank = Math.ceil(0.01 * RATE * SECONDS); // the 10th slowest
    const expectedP99 = STALL_MS - ((p99Rank - 1) * 1000) / RATE; // ≈ 410 ms
    expect(s.corrected.max!).toBeGreaterThan(STALL_MS * 0.9);
    expect(s.corrected.max!).toBeLessThan(STALL_MS * 1.3);
    expect(s.corrected.p99!).toBeGreaterThan(expectedP99 - 80);
    expect(s.corrected.p99!).toBeLessThan(STALL_MS * 1.1);

    // About half of the delayed requests waited more than half the stall.
    const merged = mergeForAnalysis(engine.loadTestRuns.intervals(run.id).map((i) => decodeForAnalysis(i.corrected)));
    const overHalf = countAbove(merged, (STALL_MS / 2) * 1000);
    expect(overHalf).toBeGreaterThanOrEqual(delayed / 2 - 6);
    expect(overHalf).toBeLessThanOrEqual(delayed / 2 + 6);
    expect(countAbove(merged, 50_000)).toBeGreaterThanOrEqual(delayed - (50 * RATE) / 1000 - 8);
  });

  it('uncorrected latency hides it: only the request caught in the stall is slow', () => {
    const s = run.summary!;
    expect(s.uncorrected.max!).toBeGreaterThan(STALL_MS * 0.9);
    expect(s.uncorrected.p99!).toBeLessThan(50);
    expect(s.corrected.p99! / s.uncorrected.p99!).toBeGreaterThan(8);
    const merged = mergeForAnalysis(engine.loadTestRuns.intervals(run.id).map((i) => decodeForAnalysis(i.uncorrected)));
    expect(countAbove(merged, (STALL_MS / 2) * 1000)).toBeLessThanOrEqual(2);
  });

  it('the stall sits in the seconds it happened in, and the send lag stays small', () => {
    const detail = service.detail(run.id);
    const slow = detail.intervals.filter((i) => (i.corrected.max ?? 0) > STALL_MS / 2);
    expect(slow.length).toBeGreaterThanOrEqual(1);
    expect(slow.length).toBeLessThanOrEqual(2);
    expect(slow[0]!.second).toBeGreaterThanOrEqual(2);
    // The generator itself kept to the schedule through the stall (it does not wait for the server).
    expect(run.summary!.sendLag.p50!).toBeLessThan(1);
  });

  it('the HTML report labels corrected and uncorrected latency', () => {
    const html = service.report(run.id, 'html').body;
    expect(html).toMatch(/Corrected<\/strong> \(from intended send\)/);
    expect(html).toMatch(/Uncorrected<\/strong> \(from actual send\)/);
    expect(html).toContain('stall once');
  });
});
