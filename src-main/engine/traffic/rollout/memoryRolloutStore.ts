// A rollout kept in memory with its decisions: what a rehearsal's controller writes to, so an offline run
// leaves nothing in the library but its result.
import type { Rollout, RolloutDecision } from '../../../../src-shared/contract';
import type { NewDecision, StoredRollout } from '../../store/rolloutRepository';
import type { RolloutStore } from './rolloutController';

export class MemoryRolloutStore implements RolloutStore {
  private stored: StoredRollout;
  readonly decisions: RolloutDecision[] = [];

  constructor(rollout: Rollout, first: NewDecision) {
    this.stored = { rollout, revision: 1, ownerPid: null };
    this.decisions.push({ ...first, seq: 1 });
  }

  get current(): StoredRollout {
    return this.stored;
  }

  commit(
    rollout: Rollout,
    revision: number,
    decision: NewDecision | null,
  ): { revision: number; decision: RolloutDecision | null } | null {
    if (revision !== this.stored.revision) return null;
    this.stored = { rollout, revision: revision + 1, ownerPid: null };
    const stored = decision ? { ...decision, seq: this.decisions.length + 1 } : null;
    if (stored) this.decisions.push(stored);
    return { revision: this.stored.revision, decision: stored };
  }

  get(id: string): StoredRollout | undefined {
    return this.stored.rollout.id === id ? this.stored : undefined;
  }
}
