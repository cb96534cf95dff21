import { useCallback, useRef, useSyncExternalStore } from "react";
import type { NoteId, RoundId, TableId } from "../../../shared/ids.ts";
import {
  type NoteRef,
  type NoteView,
  noteRef,
  notesFor,
  parseNoteRef,
  tableParts,
} from "../../../shared/schema/table.ts";
import { cancelChange, notifyChange } from "../sync/renderBatch.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";

export interface PlacedNote extends NoteView {
  readonly tableId: TableId;
  readonly ref: NoteRef;
}

export interface RoundNotes {
  /** Notes of the round across all tables. */
  readonly count: number;
  /** A note of the round by ref (what themes point at), from any table. */
  get(ref: NoteRef): PlacedNote | undefined;
  /**
   * Each table's notes of the round in writing order, in the tables' order. A table whose notes
   * did not change keeps its array, and a note that did not change keeps its object, so memoised
   * components below re-render only for what changed.
   */
  readonly byTable: ReadonlyMap<TableId, readonly PlacedNote[]>;
}

const NO_NOTES: readonly PlacedNote[] = [];

/** One table's notes of the round, and the same by note id. */
interface TableNotes {
  readonly notes: readonly PlacedNote[];
  readonly byId: ReadonlyMap<NoteId, PlacedNote>;
}

const NO_TABLE_NOTES: TableNotes = { notes: NO_NOTES, byId: new Map() };

interface Cache {
  readonly version: number;
  readonly tables: ReadonlyMap<TableId, SyncedDoc>;
  readonly roundId: RoundId | null;
  readonly tableNotes: ReadonlyMap<TableId, TableNotes>;
  readonly value: RoundNotes;
}

/**
 * The round's notes from every table. A change in one table's notes re-reads that table only
 * (a note arriving at one of 40 tables reads 50 notes, not 2,000).
 */
export function useRoundNotes(tables: ReadonlyMap<TableId, SyncedDoc>, roundId: RoundId | null): RoundNotes {
  const version = useRef(0);
  /** Tables changed since the last read; "all" after (re)subscribing. */
  const dirty = useRef<Set<TableId> | "all">("all");
  const cache = useRef<Cache | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      // React re-reads right after subscribing: make that catch what changed since the render.
      version.current++;
      dirty.current = "all";
      const observed = [...tables].map(([tableId, table]) => {
        const map = tableParts(table.doc).notes;
        const listener = () => {
          version.current++;
          if (dirty.current !== "all") dirty.current.add(tableId);
          notifyChange(table.doc, onChange);
        };
        map.observeDeep(listener);
        return () => map.unobserveDeep(listener);
      });
      return () => {
        for (const unobserve of observed) unobserve();
        cancelChange(onChange);
      };
    },
    [tables],
  );
  const getSnapshot = (): RoundNotes => {
    const cached = cache.current;
    const sameSource = cached !== null && cached.tables === tables && cached.roundId === roundId;
    if (sameSource && cached.version === version.current) return cached.value;
    const changed = sameSource ? dirty.current : "all";
    dirty.current = new Set();
    const previous = cached?.roundId === roundId ? cached.tableNotes : null;
    let anyChanged = !sameSource;
    const tableNotes = new Map<TableId, TableNotes>();
    for (const [tableId, table] of tables) {
      const before = previous?.get(tableId);
      if (before !== undefined && changed !== "all" && !changed.has(tableId)) {
        tableNotes.set(tableId, before);
        continue;
      }
      const read = readTable(tableId, table, roundId, before ?? NO_TABLE_NOTES);
      if (read !== before) anyChanged = true;
      tableNotes.set(tableId, read);
    }
    if (!anyChanged && cached !== null) {
      // A change elsewhere (another round's notes): nothing to render again.
      cache.current = { ...cached, version: version.current };
      return cached.value;
    }
    // No Map of every note: a note arriving builds 40 entries here, not 2,000.
    const byTable = new Map<TableId, readonly PlacedNote[]>();
    let count = 0;
    for (const [tableId, read] of tableNotes) {
      byTable.set(tableId, read.notes);
      count += read.notes.length;
    }
    const get = (ref: NoteRef): PlacedNote | undefined => {
      const parsed = parseNoteRef(ref);
      return parsed === null ? undefined : tableNotes.get(parsed.tableId)?.byId.get(parsed.noteId);
    };
    const value: RoundNotes = { count, get, byTable };
    cache.current = { version: version.current, tables, roundId, tableNotes, value };
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
}

/** One table's notes of the round, keeping the objects (and the whole of `before`) where unchanged. */
function readTable(
  tableId: TableId,
  table: SyncedDoc,
  roundId: RoundId | null,
  before: TableNotes,
): TableNotes {
  if (roundId === null) return before.notes.length === 0 ? before : NO_TABLE_NOTES;
  let same = true;
  const notes = notesFor(table.doc, roundId, undefined, { includeHidden: true }).map((view, i) => {
    const kept = before.byId.get(view.id);
    const note =
      kept !== undefined && sameNote(kept, view)
        ? kept
        : { ...view, tableId, ref: noteRef(tableId, view.id) };
    if (note !== before.notes[i]) same = false;
    return note;
  });
  if (same && notes.length === before.notes.length) return before;
  return { notes, byId: new Map(notes.map((note) => [note.id, note])) };
}

function sameNote(a: NoteView, b: NoteView): boolean {
  return (
    a.text === b.text &&
    a.roundId === b.roundId &&
    a.promptId === b.promptId &&
    a.color === b.color &&
    a.perspectiveId === b.perspectiveId &&
    a.createdAt === b.createdAt &&
    a.hidden === b.hidden
  );
}
