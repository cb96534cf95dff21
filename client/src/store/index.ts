import { create } from "zustand";
import { type AnnouncerSlice, createAnnouncerSlice } from "./announcerSlice.ts";
import { type BoardSlice, createBoardSlice } from "./boardSlice.ts";
import { createFacilitatorSlice, type FacilitatorSlice } from "./facilitatorSlice.ts";
import { createPrefsSlice, type PrefsSlice } from "./prefsSlice.ts";

/**
 * The one client store: UI state only. Shared workshop data lives in Yjs documents and
 * reaches components through the hooks in `sync/hooks.ts`.
 */
export type AppState = PrefsSlice & AnnouncerSlice & BoardSlice & FacilitatorSlice;

export const useAppStore = create<AppState>()((...args) => ({
  ...createPrefsSlice(...args),
  ...createAnnouncerSlice(...args),
  ...createBoardSlice(...args),
  ...createFacilitatorSlice(...args),
}));
