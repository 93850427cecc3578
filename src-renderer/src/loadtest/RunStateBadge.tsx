// A run's state as a badge: running, done, failed or cancelled.
import type { LoadRun } from '../../../src-shared/contract';

export const STATE_TEXT: Record<LoadRun['state'], string> = {
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function RunStateBadge({ state }: { state: LoadRun['state'] }) {
  return (
    <span className={`state-badge ${state}`} data-testid="run-state">
      {STATE_TEXT[state]}
    </span>
  );
}
