import { useCallback, useRef, useSyncExternalStore } from "react";
import type { RoundId, TableId } from "../../../shared/ids.ts";
import { type NoteRef, type NoteView, noteRef, notesFor, tableParts } from "../../../shared/schema/table.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";

export interface PlacedNote extends NoteView {
  readonly tableId: TableId;
  readonly ref: NoteRef;
}

/**
 * Every note of a round across all tables, by ref: what themes point at. Recomputed only
 * after a change in some table's notes (a version counter), not on every render.
 */
export function useRoundNotes(
  tables: ReadonlyMap<TableId, SyncedDoc>,
  roundId: RoundId | null,
): ReadonlyMap<NoteRef, PlacedNote> {
  const version = useRef(0);
  const cache = useRef<{
    version: number;
    tables: unknown;
    roundId: RoundId | null;
    value: Map<NoteRef, PlacedNote>;
  }>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      // React re-reads right after subscribing: make that catch what changed since the render.
      version.current++;
      const listener = () => {
        version.current++;
        onChange();
      };
      const maps = [...tables.values()].map((table) => tableParts(table.doc).notes);
      for (const map of maps) map.observeDeep(listener);
      return () => {
        for (const map of maps) map.unobserveDeep(listener);
      };
    },
    [tables],
  );
  const getSnapshot = () => {
    const cached = cache.current;
    if (
      cached &&
      cached.version === version.current &&
      cached.tables === tables &&
      cached.roundId === roundId
    ) {
      return cached.value;
    }
    const value = new Map<NoteRef, PlacedNote>();
    if (roundId !== null) {
      for (const [tableId, table] of tables) {
        for (const note of notesFor(table.doc, roundId, undefined, { includeHidden: true })) {
          const ref = noteRef(tableId, note.id);
          value.set(ref, { ...note, tableId, ref });
        }
      }
    }
    cache.current = { version: version.current, tables, roundId, value };
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
}
