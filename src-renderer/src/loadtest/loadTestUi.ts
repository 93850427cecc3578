// The Load test screen's own state: the test being set up (kept while the user looks at a run and comes back)
// and the runs ticked for comparison.
import { create } from 'zustand';
import { newDraft, newSegment, type LoadTestDraft, type SegmentDraft, type SegmentKind } from './loadTestForm';

export interface LoadTestUiState {
  draft: LoadTestDraft;
  /** Runs ticked in the list, in the order they were ticked (the first is the comparison's baseline). */
  selected: string[];
  /** The form's Advanced section stays as the user left it. */
  advancedOpen: boolean;
  setAdvancedOpen(open: boolean): void;
  edit(patch: (draft: LoadTestDraft) => Partial<LoadTestDraft>): void;
  editSegment(id: number, patch: (segment: SegmentDraft) => Partial<SegmentDraft>): void;
  addSegment(kind: SegmentKind): void;
  removeSegment(id: number): void;
  moveSegment(id: number, by: -1 | 1): void;
  toggleSelected(id: string): void;
  setSelected(ids: string[]): void;
}

export const useLoadTestUi = create<LoadTestUiState>((set) => ({
  draft: newDraft(),
  selected: [],
  advancedOpen: false,
  setAdvancedOpen: (open) => set({ advancedOpen: open }),
  edit: (patch) => set((s) => ({ draft: { ...s.draft, ...patch(s.draft) } })),
  editSegment: (id, patch) =>
    set((s) => ({
      draft: {
        ...s.draft,
        segments: s.draft.segments.map((seg) => (seg.id === id ? { ...seg, ...patch(seg) } : seg)),
      },
    })),
  addSegment: (kind) => set((s) => ({ draft: { ...s.draft, segments: [...s.draft.segments, newSegment(kind)] } })),
  removeSegment: (id) =>
    set((s) => ({ draft: { ...s.draft, segments: s.draft.segments.filter((seg) => seg.id !== id) } })),
  moveSegment: (id, by) =>
    set((s) => {
      const segments = [...s.draft.segments];
      const from = segments.findIndex((seg) => seg.id === id);
      const to = from + by;
      if (from < 0 || to < 0 || to >= segments.length) return s;
      const [moved] = segments.splice(from, 1);
      segments.splice(to, 0, moved!);
      return { draft: { ...s.draft, segments } };
    }),
  toggleSelected: (id) =>
    set((s) => ({ selected: s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id] })),
  setSelected: (ids) => set({ selected: ids }),
}));
