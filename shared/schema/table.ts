/**
 * A table document `<workshopId>/table/<tableId>`: the notes one table writes, and the dots it puts
 * on the synthesis' themes. DESIGN.md §4, docs/schema.md.
 *
 * Writers return false when the note does not exist (it may have been deleted by another peer a
 * moment ago; that is not an error). Readers never throw and skip what they cannot read.
 */
import * as Y from "yjs";
import {
  type Brand,
  isId,
  type NoteId,
  newId,
  type PerspectiveId,
  type PromptId,
  type RoundId,
  type TableId,
  type ThemeId,
} from "../ids.ts";
import { brandedId, childMap, compareIds, edit, readText, writeText } from "./values.ts";

export const NOTE_COLORS = ["yellow", "pink", "blue", "green", "orange"] as const;
export type NoteColor = (typeof NOTE_COLORS)[number];
export const DEFAULT_NOTE_COLOR: NoteColor = "yellow";

export function isNoteColor(value: unknown): value is NoteColor {
  return typeof value === "string" && (NOTE_COLORS as readonly string[]).includes(value);
}

/** `"<tableId>/<noteId>"`: a note anywhere in the workshop (themes and the spotlight hold these). */
export type NoteRef = Brand<string, "NoteRef">;

export function noteRef(tableId: TableId, noteId: NoteId): NoteRef {
  return `${tableId}/${noteId}` as NoteRef;
}

export function parseNoteRef(ref: unknown): { readonly tableId: TableId; readonly noteId: NoteId } | null {
  if (typeof ref !== "string") return null;
  const parts = ref.split("/");
  const [table, note] = parts;
  if (parts.length !== 2 || !isId(table) || !isId(note)) return null;
  return { tableId: table as TableId, noteId: note as NoteId };
}

export function isNoteRef(value: unknown): value is NoteRef {
  return parseNoteRef(value) !== null;
}

export interface NoteInput {
  /** Given when the caller needs the id before writing (e.g. an optimistic UI); otherwise generated. */
  readonly id?: NoteId;
  readonly roundId: RoundId;
  readonly promptId: PromptId;
  readonly text: string;
  readonly color?: NoteColor;
  readonly perspectiveId?: PerspectiveId | null;
  readonly createdAt: number;
}

export interface NoteView {
  readonly id: NoteId;
  readonly roundId: RoundId;
  readonly promptId: PromptId;
  readonly text: string;
  readonly color: NoteColor;
  readonly perspectiveId: PerspectiveId | null;
  readonly createdAt: number;
  /** Hidden by the facilitator: kept in the document, left out of screens and exports by default. */
  readonly hidden: boolean;
}

export interface NoteFilter {
  /** Hidden notes are left out unless asked for (the facilitator's console asks). */
  readonly includeHidden?: boolean;
}

export type Votes = Readonly<Record<ThemeId, number>>;

/** The root types, for observing (`observeDeep`) and for migrations. Values are unchecked. */
export interface TableParts {
  readonly notes: Y.Map<unknown>;
  readonly votes: Y.Map<unknown>;
}

export function tableParts(doc: Y.Doc): TableParts {
  return { notes: doc.getMap<unknown>("notes"), votes: doc.getMap<unknown>("votes") };
}

// ---------------------------------------------------------------------------------------------
// Notes

/** Throws if a note with the given id exists: replacing its map would silently drop its text. */
export function createNote(doc: Y.Doc, input: NoteInput): NoteId {
  const { notes } = tableParts(doc);
  const id = input.id ?? newId<"NoteId">();
  if (notes.has(id)) throw new Error(`note ${id} already exists`);
  const fields = {
    roundId: input.roundId,
    promptId: input.promptId,
    text: new Y.Text(input.text),
    color: input.color ?? DEFAULT_NOTE_COLOR,
    perspectiveId: input.perspectiveId ?? null,
    createdAt: input.createdAt,
    hidden: false,
  };
  doc.transact(() => notes.set(id, new Y.Map<unknown>(Object.entries(fields))));
  return id;
}

/**
 * Replaces the note's text, written as the smallest edit (common prefix and suffix kept), so that
 * edits made concurrently on other parts of the text merge instead of duplicating it.
 */
export function setNoteText(doc: Y.Doc, noteId: NoteId, text: string): boolean {
  return edit(doc, tableParts(doc).notes, noteId, (note) => writeText(note, "text", text));
}

/** The live Y.Text, for binding an editor that sends keystrokes rather than whole texts. */
export function noteText(doc: Y.Doc, noteId: NoteId): Y.Text | null {
  const text = childMap(tableParts(doc).notes, noteId)?.get("text");
  return text instanceof Y.Text ? text : null;
}

export function moveNote(
  doc: Y.Doc,
  noteId: NoteId,
  to: { readonly roundId?: RoundId; readonly promptId?: PromptId },
): boolean {
  return edit(doc, tableParts(doc).notes, noteId, (note) => {
    if (to.roundId !== undefined) note.set("roundId", to.roundId);
    if (to.promptId !== undefined) note.set("promptId", to.promptId);
  });
}

export function setNoteColor(doc: Y.Doc, noteId: NoteId, color: NoteColor): boolean {
  return setField(doc, noteId, "color", color);
}

export function setNotePerspective(doc: Y.Doc, noteId: NoteId, perspectiveId: PerspectiveId | null): boolean {
  return setField(doc, noteId, "perspectiveId", perspectiveId);
}

export function setNoteHidden(doc: Y.Doc, noteId: NoteId, hidden: boolean): boolean {
  return setField(doc, noteId, "hidden", hidden);
}

export function deleteNote(doc: Y.Doc, noteId: NoteId): boolean {
  const { notes } = tableParts(doc);
  if (!notes.has(noteId)) return false;
  doc.transact(() => notes.delete(noteId));
  return true;
}

export function readNote(doc: Y.Doc, noteId: NoteId): NoteView | null {
  return readNoteValue(noteId, tableParts(doc).notes.get(noteId));
}

/** Notes of one round (and prompt), oldest first; ties broken by id so every peer agrees. */
export function notesFor(
  doc: Y.Doc,
  roundId: RoundId,
  promptId?: PromptId,
  filter: NoteFilter = {},
): NoteView[] {
  return allNotes(doc, filter).filter(
    (n) => n.roundId === roundId && (promptId === undefined || n.promptId === promptId),
  );
}

export function allNotes(doc: Y.Doc, filter: NoteFilter = {}): NoteView[] {
  const out: NoteView[] = [];
  for (const [id, value] of tableParts(doc).notes.entries()) {
    const note = readNoteValue(id, value);
    if (note !== null && (filter.includeHidden === true || !note.hidden)) out.push(note);
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || compareIds(a.id, b.id));
}

function setField(doc: Y.Doc, noteId: NoteId, key: string, value: unknown): boolean {
  return edit(doc, tableParts(doc).notes, noteId, (note) => note.set(key, value));
}

/** A note without a readable id, round or prompt cannot be placed anywhere, so it is skipped. */
function readNoteValue(id: string, value: unknown): NoteView | null {
  if (!(value instanceof Y.Map)) return null;
  const noteId = brandedId<"NoteId">(id);
  const roundId = brandedId<"RoundId">(value.get("roundId"));
  const promptId = brandedId<"PromptId">(value.get("promptId"));
  if (noteId === null || roundId === null || promptId === null) return null;
  const color = value.get("color");
  const createdAt = value.get("createdAt");
  return {
    id: noteId,
    roundId,
    promptId,
    text: readText(value.get("text")),
    color: isNoteColor(color) ? color : DEFAULT_NOTE_COLOR,
    perspectiveId: brandedId<"PerspectiveId">(value.get("perspectiveId")),
    createdAt: typeof createdAt === "number" && Number.isFinite(createdAt) ? createdAt : 0,
    hidden: value.get("hidden") === true,
  };
}

// ---------------------------------------------------------------------------------------------
// Votes: the table's dots per theme. Last writer wins per theme, so two tablets at one table
// adding a dot at the same instant count once; the dot budget (meta `dotsPerTable`) is the UI's.

/** Sets the table's dots on a theme; 0 (or less) removes the entry. */
export function setVotes(doc: Y.Doc, themeId: ThemeId, dots: number): void {
  const { votes } = tableParts(doc);
  const value = Number.isFinite(dots) ? Math.max(0, Math.round(dots)) : 0;
  doc.transact(() => {
    if (value === 0) votes.delete(themeId);
    else votes.set(themeId, value);
  });
}

export function readVotes(doc: Y.Doc): Votes {
  const out: Record<ThemeId, number> = {};
  for (const [key, value] of tableParts(doc).votes.entries()) {
    const themeId = brandedId<"ThemeId">(key);
    if (themeId !== null && typeof value === "number" && Number.isInteger(value) && value > 0) {
      out[themeId] = value;
    }
  }
  return out;
}

export function votesUsed(votes: Votes): number {
  return Object.values<number>(votes).reduce((sum, n) => sum + n, 0);
}
