// A two-step delete for a row of a stored list (runs, comparisons, datasets): "Delete…", then Delete or Keep;
// a failure is shown beside the buttons and the row stays. A running one must be cancelled first.
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import { useApp } from '../store/appStore';

export interface ConfirmDeleteProps {
  /** What is deleted, for the accessible labels. */
  name: string;
  /** Deletes it (once the engine is connected); a thrown error is shown and the row is kept. */
  onDelete: (client: ApiClient) => Promise<void>;
  /** data-testid of the first button; the confirm button's is `confirmTestId`. */
  testId: string;
  confirmTestId: string;
  /** Still running: it offers no delete. */
  running?: boolean;
}

export function ConfirmDelete({ name, onDelete, testId, confirmTestId, running }: ConfirmDeleteProps) {
  const client = useApp((s) => s.client);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (running) return <span className="muted">cancel it first</span>;
  const remove = async () => {
    if (!client) return;
    try {
      await onDelete(client);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setConfirming(false);
    }
  };
  return (
    <span className="row-actions">
      {confirming ? (
        <>
          <button
            type="button"
            className="danger"
            onClick={() => void remove()}
            aria-label={`Confirm: delete ${name}`}
            data-testid={confirmTestId}
          >
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} aria-label={`Delete ${name}`} data-testid={testId}>
          Delete…
        </button>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
