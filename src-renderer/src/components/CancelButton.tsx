// Cancelling a running job from its live view: the Cancel button, "Cancelling…" until the view moves on, and
// the error when the engine refuses (the button comes back for another try).
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import { useApp } from '../store/appStore';

export interface Cancel {
  cancelling: boolean;
  error: unknown;
  cancel: () => Promise<void>;
}

/** `call` asks the engine to cancel and stores what it answers. */
export function useCancel(call: (client: ApiClient) => Promise<void>): Cancel {
  const client = useApp((s) => s.client);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cancel = async () => {
    if (!client) return;
    setCancelling(true);
    setError(null);
    try {
      await call(client);
    } catch (err) {
      setError(err);
      setCancelling(false);
    }
  };
  return { cancelling, error, cancel };
}

export function CancelButton({ cancel, testId }: { cancel: Cancel; testId: string }) {
  return (
    <button
      type="button"
      className="danger push-right"
      onClick={() => void cancel.cancel()}
      disabled={cancel.cancelling}
      data-testid={testId}
    >
      {cancel.cancelling ? 'Cancelling…' : 'Cancel'}
    </button>
  );
}
