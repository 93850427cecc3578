// One read from the control API for a view: its result, its error, and a retry; read again whenever `key`
// changes, and a reply that comes after the view moved on is dropped.
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import { useApp } from '../store/appStore';

export interface ApiRead<T> {
  /** The last result (it may be for an earlier key until the new one arrives). */
  data: T | null;
  error: unknown;
  retry: () => void;
}

/** `key` names what `read` reads: a change of key (or a retry) reads again. */
export function useApiRead<T>(key: string, read: (client: ApiClient) => Promise<T>): ApiRead<T> {
  const client = useApp((s) => s.client);
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!client) return;
    let live = true;
    setError(null);
    read(client).then(
      (d) => live && setData(d),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
    // `read` is the caller's closure for this `key`: the key says when it reads something else.
  }, [client, key, attempt]);
  return { data, error, retry: () => setAttempt((a) => a + 1) };
}
