// Server-Sent Events for the control plane: typed events to every connected client, with a heartbeat so
// proxies and the browser keep the stream open, and the retry delay the browser uses to reconnect.
import type { ServerResponse } from 'node:http';
import type { EventName, EventPayload } from '../../../src-shared/contract';

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 1_000;

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a response as an event stream; `first` events go to this client only (e.g. a hello). */
  attach(res: ServerResponse, first: string[] = []): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    for (const chunk of first) res.write(chunk);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  publish<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (this.clients.size > 0) this.write(EventHub.format(event, payload));
  }

  static format<E extends EventName>(event: E, payload: EventPayload<E>): string {
    return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }
}
