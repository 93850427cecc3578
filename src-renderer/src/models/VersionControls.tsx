// Editing a version: its stage (saved as soon as it is picked), its notes (saved on demand), and removing it
// after a confirmation step that says what will happen. The engine's refusals are shown as it words them.
import { useEffect, useRef, useState } from 'react';
import { STAGES, type ModelVersion, type Stage } from '../../../src-shared/contract';
import { formatBytes } from '../../../src-shared/units';
import { useApp } from '../store/appStore';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function StageAndNotes({ version, onSaved }: { version: ModelVersion; onSaved: (v: ModelVersion) => void }) {
  const client = useApp((s) => s.client);
  const [notes, setNotes] = useState(version.notes);
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' | 'error'; text: string }>({
    kind: 'idle',
    text: '',
  });
  useEffect(() => setNotes(version.notes), [version.model, version.version, version.notes]);

  const save = async (patch: { stage?: Stage; notes?: string }, what: string) => {
    if (!client) return;
    setStatus({ kind: 'saving', text: `Saving ${what}…` });
    try {
      const updated = await client.call('updateVersion', {
        params: { name: version.model, version: version.version },
        body: patch,
      });
      onSaved(updated);
      setStatus({ kind: 'saved', text: `${what[0]!.toUpperCase()}${what.slice(1)} saved.` });
    } catch (error) {
      setStatus({ kind: 'error', text: errorText(error) });
    }
  };

  return (
    <form
      className="stage-notes"
      onSubmit={(e) => {
        e.preventDefault();
        void save({ notes }, 'notes');
      }}
    >
      <label className="inline-label">
        Stage
        <select
          value={version.stage}
          data-testid="stage"
          disabled={status.kind === 'saving'}
          onChange={(e) => void save({ stage: e.target.value as Stage }, 'stage')}
        >
          {STAGES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Notes
        <textarea
          value={notes}
          maxLength={10_000}
          rows={4}
          data-testid="notes"
          onChange={(e) => setNotes(e.target.value)}
          placeholder="What this version is, where it came from, what to watch for…"
        />
      </label>
      <div className="form-actions">
        <button type="submit" disabled={notes === version.notes || status.kind === 'saving'}>
          Save notes
        </button>
        <span
          className={status.kind === 'error' ? 'error-text' : status.kind === 'saved' ? 'saved' : 'muted'}
          role={status.kind === 'error' ? 'alert' : 'status'}
          data-testid="save-status"
        >
          {status.text}
        </span>
      </div>
    </form>
  );
}

export function RemoveVersion({ version, onRemoved }: { version: ModelVersion; onRemoved: () => void }) {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  const siblings = models?.find((m) => m.name === version.model)?.versions.filter((v) => v.version !== version.version);
  // The engine deletes the file only when no version of any model still uses the same bytes.
  const sameFile =
    models?.some((m) =>
      m.versions.some(
        (v) => v.sha256 === version.sha256 && !(v.model === version.model && v.version === version.version),
      ),
    ) ?? false;
  const label = `${version.model}:${version.version}`;

  const returnFocus = useRef(false);
  // Back to the button that opened the confirmation, so keyboard users stay where they were.
  useEffect(() => {
    if (!confirming && returnFocus.current) openButton.current?.focus();
    returnFocus.current = false;
  }, [confirming]);
  const keep = () => {
    returnFocus.current = true;
    setConfirming(false);
    setError(null);
  };

  const remove = async () => {
    if (!client) return;
    setBusy(true);
    setError(null);
    try {
      await client.call('removeVersion', { params: { name: version.model, version: version.version } });
      onRemoved();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <div className="remove-version">
      {!confirming ? (
        <button ref={openButton} type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove version…
        </button>
      ) : (
        <div
          className="confirm"
          role="group"
          aria-labelledby="remove-confirm-text"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && !busy) keep();
          }}
        >
          <p id="remove-confirm-text">
            Remove <strong>{label}</strong> from the library?{' '}
            {siblings && siblings.length === 0
              ? `It is the only version, so the model ${version.model} goes too. `
              : ''}
            {sameFile
              ? 'Its file stays, because another version uses the same bytes. '
              : `Its file (${formatBytes(version.fileBytes)}) is deleted. `}
            Its stage and notes go with it. This cannot be undone.
          </p>
          <div className="form-actions">
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
              {busy ? 'Removing…' : `Remove ${label}`}
            </button>
            {/* Focus lands on the safe choice; Escape keeps the version too. */}
            <button type="button" onClick={keep} disabled={busy} autoFocus>
              Keep it
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="remove-error">
          {error}
        </p>
      )}
    </div>
  );
}
