import type { StateCreator } from "zustand";
import type { PerspectiveId, TableId } from "../../../shared/ids.ts";
import type { NoteRef } from "../../../shared/schema/table.ts";
import type { AppState } from "./index.ts";

/** The facilitator's working state in the synthesis: which notes are selected, what is filtered. */
export interface FacilitatorSlice {
  readonly selectedNotes: readonly NoteRef[];
  readonly tableFilter: TableId | null;
  readonly perspectiveFilter: PerspectiveId | null;
  toggleNote(ref: NoteRef): void;
  clearSelection(): void;
  setTableFilter(tableId: TableId | null): void;
  setPerspectiveFilter(perspectiveId: PerspectiveId | null): void;
}

export const createFacilitatorSlice: StateCreator<AppState, [], [], FacilitatorSlice> = (set, get) => ({
  selectedNotes: [],
  tableFilter: null,
  perspectiveFilter: null,
  toggleNote(ref) {
    const selected = get().selectedNotes;
    set({ selectedNotes: selected.includes(ref) ? selected.filter((r) => r !== ref) : [...selected, ref] });
  },
  clearSelection() {
    set({ selectedNotes: [] });
  },
  setTableFilter(tableId) {
    set({ tableFilter: tableId });
  },
  setPerspectiveFilter(perspectiveId) {
    set({ perspectiveFilter: perspectiveId });
  },
});
