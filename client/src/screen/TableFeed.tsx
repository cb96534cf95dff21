import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { NoteId, PerspectiveId, RoundId, TableId } from "../../../shared/ids.ts";
import { type NoteView, noteRef, notesFor, tableParts } from "../../../shared/schema/table.ts";
import { useYValue } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import type { NotesByTable, ScreenNote } from "./model.ts";

type Report = (tableId: TableId, roundId: RoundId | null, notes: readonly ScreenNote[] | null) => void;

interface TableFeedProps {
  readonly tableId: TableId;
  readonly table: SyncedDoc;
  readonly tableName: string;
  readonly roundId: RoundId | null;
  readonly perspectives: ReadonlyMap<PerspectiveId, string>;
  readonly onNotes: Report;
}

/**
 * One table's visible notes, resolved for the screen. One of these per table document, so a
 * keystroke at one table re-reads that table only; unchanged notes keep their objects, so
 * their cards do not re-render.
 */
export const TableFeed = memo(function TableFeed({
  tableId,
  table,
  tableName,
  roundId,
  perspectives,
  onNotes,
}: TableFeedProps) {
  const notes = useYValue(
    tableParts(table.doc).notes,
    () => (roundId === null ? [] : notesFor(table.doc, roundId)),
    sameNotes,
    [roundId],
  );
  const previous = useRef<ReadonlyMap<NoteId, ScreenNote>>(new Map());
  const resolved = useMemo(() => {
    const next = new Map<NoteId, ScreenNote>();
    const out: ScreenNote[] = [];
    for (const note of notes) {
      // A note being started has no text yet: nothing for the room to read.
      if (note.text.trim() === "") continue;
      const fresh: ScreenNote = {
        ref: noteRef(tableId, note.id),
        tableId,
        promptId: note.promptId,
        text: note.text,
        color: note.color,
        createdAt: note.createdAt,
        tableName,
        perspective: note.perspectiveId === null ? null : (perspectives.get(note.perspectiveId) ?? null),
      };
      const old = previous.current.get(note.id);
      const value = old !== undefined && sameNote(old, fresh) ? old : fresh;
      next.set(note.id, value);
      out.push(value);
    }
    previous.current = next;
    return out;
  }, [notes, tableId, tableName, perspectives]);

  // Before paint, so a new round never flashes an empty wall.
  useLayoutEffect(() => onNotes(tableId, roundId, resolved), [onNotes, tableId, roundId, resolved]);
  useLayoutEffect(() => () => onNotes(tableId, null, null), [onNotes, tableId]);
  return null;
});

/** Field by field: cheaper than comparing JSON, and this runs on every keystroke at the table. */
function sameNotes(a: readonly NoteView[], b: readonly NoteView[]): boolean {
  return (
    a.length === b.length &&
    a.every((note, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        note.id === other.id &&
        note.text === other.text &&
        note.roundId === other.roundId &&
        note.promptId === other.promptId &&
        note.color === other.color &&
        note.perspectiveId === other.perspectiveId &&
        note.createdAt === other.createdAt &&
        note.hidden === other.hidden
      );
    })
  );
}

function sameNote(a: ScreenNote, b: ScreenNote): boolean {
  return (
    a.text === b.text &&
    a.promptId === b.promptId &&
    a.color === b.color &&
    a.createdAt === b.createdAt &&
    a.tableName === b.tableName &&
    a.perspective === b.perspective
  );
}

interface Reported {
  readonly roundId: RoundId | null;
  readonly notes: readonly ScreenNote[];
}

/** Gathers what each `TableFeed` reports; only reports for `roundId` count. */
export function useNotesByTable(roundId: RoundId | null): [NotesByTable, Report] {
  const [reports, setReports] = useState<ReadonlyMap<TableId, Reported>>(new Map());
  const report = useCallback<Report>((tableId, forRound, notes) => {
    setReports((prev) => {
      const current = prev.get(tableId);
      if (notes !== null && current?.notes === notes && current.roundId === forRound) return prev;
      const next = new Map(prev);
      if (notes === null) next.delete(tableId);
      else next.set(tableId, { roundId: forRound, notes });
      return next;
    });
  }, []);
  const notes = useMemo(() => {
    const out = new Map<TableId, readonly ScreenNote[]>();
    for (const [tableId, reported] of reports) {
      if (reported.roundId === roundId) out.set(tableId, reported.notes);
    }
    return out;
  }, [reports, roundId]);
  return [notes, report];
}
