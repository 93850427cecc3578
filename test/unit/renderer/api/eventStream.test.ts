// The renderer's event stream over a stand-in EventSource: good events reach the handler typed, and an event
// that is not JSON or does not match the contract is dropped with a warning, never thrown, and the stream goes on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openEventStream, type EventStreamHandlers } from '../../../../src-renderer/src/api/events';

class FakeEventSource {
  static last: FakeEventSource | undefined;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, (e: { data: unknown }) => void>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, listener: (e: { data: unknown }) => void): void {
    this.listeners.set(name, listener);
  }
  close(): void {
    this.closed = true;
  }
  /** Delivers an event as the browser would: a listener that throws would surface here. */
  emit(name: string, data: string): void {
    this.listeners.get(name)?.({ data });
  }
}

function handlers() {
  return { state: vi.fn(), event: vi.fn(), invalid: vi.fn() } satisfies EventStreamHandlers;
}

beforeEach(() => vi.stubGlobal('EventSource', FakeEventSource));
afterEach(() => vi.unstubAllGlobals());

describe('openEventStream', () => {
  it('hands over events that match the contract, and reports the connection state', () => {
    const h = handlers();
    const close = openEventStream('http://127.0.0.1:1/api/v1/events?token=t', h);
    const source = FakeEventSource.last!;
    expect(source.url).toBe('http://127.0.0.1:1/api/v1/events?token=t');
    source.onopen?.();
    source.emit('library', JSON.stringify({ reason: 'imported m:1' }));
    source.onerror?.();
    expect(h.state.mock.calls.map(([s]) => s)).toEqual(['connecting', 'open', 'reconnecting']);
    expect(h.event).toHaveBeenCalledWith('library', { reason: 'imported m:1' });
    close();
    expect(source.closed).toBe(true);
  });

  it('drops an event that is not JSON without throwing, and keeps going', () => {
    const h = handlers();
    openEventStream('u', h);
    const source = FakeEventSource.last!;
    expect(() => source.emit('serving', '{not json')).not.toThrow();
    expect(h.invalid).toHaveBeenCalledWith('serving', 'not JSON ({not json)');
    source.emit('library', JSON.stringify({ reason: 'still here' }));
    expect(h.event).toHaveBeenCalledTimes(1);
    expect(h.event).toHaveBeenCalledWith('library', { reason: 'still here' });
  });

  it('drops an event that does not match its schema, saying where', () => {
    const h = handlers();
    openEventStream('u', h);
    FakeEventSource.last!.emit('hello', JSON.stringify({ pid: 'one', startedAt: 'now' }));
    expect(h.event).not.toHaveBeenCalled();
    expect(h.invalid).toHaveBeenCalledWith('hello', expect.stringMatching(/^does not match the contract at pid: /));
  });

  it('warns on the console when no handler for bad events is given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { state, event } = handlers();
    openEventStream('u', { state, event });
    FakeEventSource.last!.emit('job', 'null');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^slipway: dropped a 'job' event: does not match/));
    expect(event).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
