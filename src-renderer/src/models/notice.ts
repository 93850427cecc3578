// A one-line notice carried from one screen to the next (e.g. "Removed digits-mlp:2" after leaving the removed
// version's page for the library).
import { create } from 'zustand';

interface NoticeState {
  notice: string | null;
  show(text: string): void;
  clear(): void;
}

export const useNotice = create<NoticeState>((set) => ({
  notice: null,
  show: (notice) => set({ notice }),
  clear: () => set({ notice: null }),
}));
