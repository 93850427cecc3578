// A real engine host in web mode for control-API tests: started before the file's tests, with the control
// plane's base URL, the bearer header, an open event stream, and a JSON call helper; stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { startEngineHost, type EngineHost } from '../../src-main/engine/engineHost';
import { openSse, type SseStream } from './sseClient';
import { tempDir } from './tempDir';

export interface ControlHost {
  host: EngineHost;
  /** `http://127.0.0.1:<port>/api/v1` */
  base: string;
  auth: Record<string, string>;
  events: SseStream;
  call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T & { error?: string; code?: string } }>;
}

/** Registers beforeAll/afterAll hooks; the returned object's fields are set once the host is up. */
export function useControlHost(): ControlHost {
  const ctl = {
    async call<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${ctl.base}${path}`, {
        method,
        headers: { ...ctl.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as T & { error?: string; code?: string } };
    },
  } as ControlHost;
  beforeAll(async () => {
    ctl.host = await startEngineHost({ home: tempDir(), port: 0, webMode: true });
    ctl.base = `${ctl.host.control.url}/api/v1`;
    ctl.auth = { authorization: `Bearer ${ctl.host.control.token}` };
    ctl.events = await openSse(`${ctl.base}/events?token=${ctl.host.control.token}`);
  });
  afterAll(async () => {
    ctl.events.close();
    await ctl.host.stop();
  });
  return ctl;
}
