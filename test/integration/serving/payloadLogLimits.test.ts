// With payload logging on, a body too deep for the decoder gets the same 400 it gets with logging off (the log's
// redaction must not be the first thing to walk it), and the log says what arrived without its contents.
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../helpers/testServer';
import { post, send } from '../../helpers/v2Client';

describe('payload logging and the request limits', () => {
  it('answers deep JSON with 400 and logs its size only; the next request is logged redacted', async () => {
    const lines: string[] = [];
    const server = await startTestServer({
      models: ['digits-mlp'],
      log: (line) => lines.push(line),
      payloadLog: { sampleRate: 1, redact: ['pixels'] },
    });
    try {
      const url = `${server.url}/v2/models/digits-mlp/infer`;
      const depth = 100_000;
      const body = `{"inputs":[{"name":"pixels","datatype":"FP32","shape":[1,64],"data":${'['.repeat(depth)}1${']'.repeat(depth)}}]}`;
      const deep = await send(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(deep.status).toBe(400);
      expect(deep.json.error).toMatch(/nested deeper than 64 levels/);
      expect(lines).toEqual([`payload digits-mlp:1 (${body.length} bytes, JSON nested deeper than 64 levels)`]);

      const good = await post(url, {
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: Array(64).fill(0.25) }],
      });
      expect(good.status).toBe(200);
      expect(lines[1]).toBe(
        'payload digits-mlp:1 {"inputs":[{"name":"pixels","datatype":"FP32","shape":[1,64],"data":"[redacted]"}]}',
      );
    } finally {
      await server.close();
    }
  });
});
