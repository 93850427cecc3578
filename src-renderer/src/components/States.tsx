// The three states every view has besides "here is your data": loading, empty and error.
import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state error" role="alert">
      <strong>Something went wrong.</strong> <span className="error-text">{message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A store list that has not arrived: why, with a retry, once reading it failed; until then, loading. */
export function NotLoaded({ error, onRetry, what }: { error: unknown; onRetry: () => void; what: string }) {
  return error ? <ErrorBox error={error} onRetry={onRetry} /> : <Loading what={what} />;
}
