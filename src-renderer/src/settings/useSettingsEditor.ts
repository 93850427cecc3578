// Edits the app settings as a form should feel: a choice shows at once (a controlled field never snaps back to
// the old value while its save is in flight, which made a second arrow key in a select land on the wrong option),
// saves reach the engine one after another in the order made, and a refused one is undone with the reason.
import { useCallback, useRef, useState } from 'react';
import type { AppSettings } from '../../../src-shared/contract';
import { useApp } from '../store/appStore';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; error: unknown };

export interface SettingsEditor {
  /** The stored settings with the choices still being saved laid over them; null until first read. */
  shown: AppSettings | null;
  save(patch: Partial<AppSettings>): void;
  /** The outcome of the latest run of saves: failed if any of them was refused. */
  state: SaveState;
}

export function useSettingsEditor(): SettingsEditor {
  const stored = useApp((s) => s.settings);
  const saveSettings = useApp((s) => s.saveSettings);
  const [pending, setPending] = useState<Partial<AppSettings>[]>([]);
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const queue = useRef<Promise<void>>(Promise.resolve());
  const outstanding = useRef(0);
  const refusal = useRef<{ error: unknown } | null>(null);

  const save = useCallback(
    (patch: Partial<AppSettings>) => {
      if (outstanding.current === 0) refusal.current = null;
      outstanding.current++;
      setPending((list) => [...list, patch]);
      setState({ kind: 'saving' });
      // One at a time: two saves in flight could be answered out of order, leaving the older choice stored.
      queue.current = queue.current
        .then(() => saveSettings(patch))
        .catch((error: unknown) => {
          refusal.current = { error };
        })
        .finally(() => {
          setPending((list) => list.filter((p) => p !== patch));
          outstanding.current--;
          if (outstanding.current > 0) return;
          setState(refusal.current ? { kind: 'failed', error: refusal.current.error } : { kind: 'saved' });
        });
    },
    [saveSettings],
  );

  const shown = stored && (Object.assign({}, stored, ...pending) as AppSettings);
  return { shown, save, state };
}
