// The renderer's control-API client with a stubbed fetch: it sends the token and the endpoint's method and path,
// returns a reply that matches the contract, and turns one that does not (or an error, or not JSON) into an
// ApiError that names the endpoint and the field.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from '../../../../src-renderer/src/api/client';

const connection = { apiBase: 'http://127.0.0.1:4321', token: 'tok-123', desktop: undefined };
const JOB = {
  id: 'a/b',
  kind: 'import',
  state: 'running',
  progress: 0.5,
  message: 'copying m.onnx',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function replyWith(status: number, body: string) {
  const fetchStub = vi.fn(async (_url: string, _init?: RequestInit) => new Response(body, { status }));
  vi.stubGlobal('fetch', fetchStub);
  return fetchStub;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ApiClient.call', () => {
  it('returns a reply that matches the contract, sent with the token to the endpoint path', async () => {
    const fetchStub = replyWith(200, JSON.stringify(JOB));
    const job = await new ApiClient(connection).call('cancelJob', { params: { id: 'a/b' } });
    expect(job).toEqual(JOB);
    const [url, init] = fetchStub.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:4321/api/v1/jobs/a%2Fb/cancel');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer tok-123' });
  });

  it('refuses a reply of the wrong shape, naming the endpoint and the field', async () => {
    replyWith(200, JSON.stringify([{ name: 'digits-mlp', versions: 'none' }]));
    const error = await failure(new ApiClient(connection).call('models'));
    expect(error.message).toMatch(
      /^the engine's reply to models \(GET \/api\/v1\/models\) does not match the contract at 0\.versions: /,
    );
    expect(error.status).toBe(200);
    expect(error.code).toBe('contract');

    replyWith(200, JSON.stringify({ ...JOB, state: 'paused' }));
    const state = await failure(new ApiClient(connection).call('job', { params: { id: 'x' } }));
    expect(state.message).toMatch(/reply to job \(GET \/api\/v1\/jobs\/:id\) does not match the contract at state: /);
  });

  it("passes the engine's error message and code on", async () => {
    replyWith(404, JSON.stringify({ error: "no model named 'nosuch'", code: 'not-found' }));
    const error = await failure(new ApiClient(connection).call('version', { params: { name: 'nosuch', version: 1 } }));
    expect(error).toMatchObject({ status: 404, message: "no model named 'nosuch'", code: 'not-found' });
  });

  it('says when a reply is not JSON at all', async () => {
    replyWith(502, '<html>bad gateway</html>');
    const error = await failure(new ApiClient(connection).call('engine'));
    expect(error.message).toBe(
      'the engine answered engine (GET /api/v1/engine) with 502 and something other than JSON',
    );
  });

  it('puts the token in the event stream address, where EventSource cannot send headers', () => {
    expect(new ApiClient({ ...connection, token: 'a+b/c' }).eventsUrl()).toBe(
      'http://127.0.0.1:4321/api/v1/events?token=a%2Bb%2Fc',
    );
  });
});
