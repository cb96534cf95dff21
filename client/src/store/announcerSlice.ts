import type { StateCreator } from "zustand";
import type { AppState } from "./index.ts";

/** What the polite live region says next (screen readers read it without moving focus). */
export interface AnnouncerSlice {
  readonly announcement: { readonly id: number; readonly text: string } | null;
  announce(text: string): void;
}

export const createAnnouncerSlice: StateCreator<AppState, [], [], AnnouncerSlice> = (set, get) => ({
  announcement: null,
  announce(text) {
    set({ announcement: { id: (get().announcement?.id ?? 0) + 1, text } });
  },
});
