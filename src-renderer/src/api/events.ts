// The engine's live event stream (SSE), typed from the contract. EventSource reconnects by itself (the engine
// sets a 1 s retry); a `hello` from a different engine process tells the UI the engine was restarted.
import { EventSchemas, type EventName, type EventPayload } from '../../../src-shared/contract';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface EventStreamHandlers {
  state(state: ConnectionState): void;
  event<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export function openEventStream(url: string, handlers: EventStreamHandlers): () => void {
  const source = new EventSource(url);
  handlers.state('connecting');
  source.onopen = () => handlers.state('open');
  source.onerror = () => handlers.state('reconnecting');
  for (const name of Object.keys(EventSchemas) as EventName[]) {
    source.addEventListener(name, (e) => {
      const parsed = EventSchemas[name].safeParse(JSON.parse((e as MessageEvent<string>).data));
      // An event that does not match the contract is dropped: the UI keeps its last good state.
      if (parsed.success) handlers.event(name, parsed.data as EventPayload<typeof name>);
    });
  }
  return () => source.close();
}
