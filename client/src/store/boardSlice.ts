import type { StateCreator } from "zustand";
import type { NoteId, TableId } from "../../../shared/ids.ts";
import type { AppState } from "./index.ts";

/** UI state of the table board that is not shared with other devices. */
export interface BoardSlice {
  /** Another table's board opened read-only while tables are revealed. */
  readonly viewingTableId: TableId | null;
  /** The note whose delete button asked "are you sure?". */
  readonly confirmingDelete: NoteId | null;
  /** A note just added on this device, to focus once it renders. */
  readonly focusNoteId: NoteId | null;
  viewTable(tableId: TableId | null): void;
  confirmDelete(noteId: NoteId | null): void;
  focusNote(noteId: NoteId | null): void;
}

export const createBoardSlice: StateCreator<AppState, [], [], BoardSlice> = (set) => ({
  viewingTableId: null,
  confirmingDelete: null,
  focusNoteId: null,
  viewTable(tableId) {
    set({ viewingTableId: tableId });
  },
  confirmDelete(noteId) {
    set({ confirmingDelete: noteId });
  },
  focusNote(noteId) {
    set({ focusNoteId: noteId });
  },
});
