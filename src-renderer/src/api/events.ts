// The engine's live event stream (SSE), typed from the contract. EventSource reconnects by itself (the engine
// sets a 1 s retry); a `hello` from a different engine process tells the UI the engine was restarted.
import { EventSchemas, type EventName, type EventPayload } from '../../../src-shared/contract';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface EventStreamHandlers {
  state(state: ConnectionState): void;
  event<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** An event that was not JSON or did not match the contract, and was dropped (default: a console warning). */
  invalid?(name: EventName, reason: string): void;
}

export function openEventStream(url: string, handlers: EventStreamHandlers): () => void {
  const source = new EventSource(url);
  const invalid =
    handlers.invalid ??
    ((name: EventName, reason: string) => console.warn(`slipway: dropped a '${name}' event: ${reason}`));
  handlers.state('connecting');
  source.onopen = () => handlers.state('open');
  source.onerror = () => handlers.state('reconnecting');
  for (const name of Object.keys(EventSchemas) as EventName[]) {
    source.addEventListener(name, (e) => {
      // A bad event is dropped, never thrown: the UI keeps its last good state and the stream keeps going.
      const data = (e as MessageEvent<unknown>).data;
      let json: unknown;
      try {
        json = JSON.parse(String(data));
      } catch {
        invalid(name, `not JSON (${String(data).slice(0, 80)})`);
        return;
      }
      const parsed = EventSchemas[name].safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        invalid(name, `does not match the contract at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
        return;
      }
      handlers.event(name, parsed.data as EventPayload<typeof name>);
    });
  }
  return () => source.close();
}
