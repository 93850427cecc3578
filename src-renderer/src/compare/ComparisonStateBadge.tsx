// A comparison's state as a badge, styled like a load-test run's.
import type { ComparisonState } from '../../../src-shared/contract';
import { COMPARISON_STATE_TEXT } from './describe';

export function ComparisonStateBadge({ state }: { state: ComparisonState }) {
  // Queued looks like running: both are waiting for their result.
  return (
    <span className={`state-badge ${state === 'queued' ? 'running' : state}`} data-testid="comparison-state">
      {COMPARISON_STATE_TEXT[state]}
    </span>
  );
}
