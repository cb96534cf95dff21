/**
 * What the screen shows, as plain data: the notes of the shown round (resolved to their table
 * and perspective), its themes, insights and spotlight. Pausing keeps one of these as it was.
 */
import type { PromptId, RoundId, TableId } from "../../../shared/ids.ts";
import type { InsightView, SpotlightTarget, ThemeView } from "../../../shared/schema/synthesis.ts";
import type { NoteColor, NoteRef } from "../../../shared/schema/table.ts";

export interface ScreenNote {
  readonly ref: NoteRef;
  readonly tableId: TableId;
  readonly promptId: PromptId;
  readonly text: string;
  readonly color: NoteColor;
  readonly createdAt: number;
  readonly tableName: string;
  readonly perspective: string | null;
}

/** Visible notes of the shown round, per table, in writing order. */
export type NotesByTable = ReadonlyMap<TableId, readonly ScreenNote[]>;

export interface ScreenData {
  readonly roundId: RoundId | null;
  readonly notes: NotesByTable;
  readonly themes: readonly ThemeView[];
  readonly insights: readonly InsightView[];
  readonly spotlight: SpotlightTarget | null;
}

export interface ThemeWithNotes {
  readonly theme: ThemeView;
  readonly notes: readonly ScreenNote[];
}

export type SpotlightView =
  | { readonly kind: "note"; readonly note: ScreenNote }
  | { readonly kind: "theme"; readonly theme: ThemeView; readonly notes: readonly ScreenNote[] };

export function indexNotes(notes: NotesByTable): ReadonlyMap<NoteRef, ScreenNote> {
  const byRef = new Map<NoteRef, ScreenNote>();
  for (const list of notes.values()) for (const note of list) byRef.set(note.ref, note);
  return byRef;
}

/** A theme's refs as notes; refs to hidden, deleted or other rounds' notes resolve to nothing. */
export function themeNotes(theme: ThemeView, byRef: ReadonlyMap<NoteRef, ScreenNote>): ScreenNote[] {
  const out: ScreenNote[] = [];
  for (const ref of theme.notes) {
    const note = byRef.get(ref);
    if (note !== undefined) out.push(note);
  }
  return out;
}

export function resolveThemes(
  themes: readonly ThemeView[],
  byRef: ReadonlyMap<NoteRef, ScreenNote>,
): ThemeWithNotes[] {
  return themes.map((theme) => ({ theme, notes: themeNotes(theme, byRef) }));
}

/** Notes in none of the round's themes, per prompt, oldest first across tables. */
export function unthemedByPrompt(
  notes: NotesByTable,
  themes: readonly ThemeView[],
): ReadonlyMap<PromptId, readonly ScreenNote[]> {
  const themed = new Set<NoteRef>(themes.flatMap((theme) => theme.notes));
  const byPrompt = new Map<PromptId, ScreenNote[]>();
  for (const list of notes.values()) {
    for (const note of list) {
      if (themed.has(note.ref)) continue;
      const bucket = byPrompt.get(note.promptId);
      if (bucket === undefined) byPrompt.set(note.promptId, [note]);
      else bucket.push(note);
    }
  }
  for (const bucket of byPrompt.values()) {
    bucket.sort((a, b) => a.createdAt - b.createdAt || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  }
  return byPrompt;
}

/** Only notes and themes of the shown round can be spotlighted; a hidden note never is. */
export function resolveSpotlight(
  target: SpotlightTarget | null,
  themes: readonly ThemeView[],
  byRef: ReadonlyMap<NoteRef, ScreenNote>,
): SpotlightView | null {
  if (target === null) return null;
  if (target.kind === "note") {
    const note = byRef.get(target.ref);
    return note === undefined ? null : { kind: "note", note };
  }
  const theme = themes.find((candidate) => candidate.id === target.themeId);
  return theme === undefined ? null : { kind: "theme", theme, notes: themeNotes(theme, byRef) };
}

/**
 * While paused, the screen keeps what it showed, except notes hidden or deleted since: the
 * facilitator hides a note so that the room stops seeing it, paused or not.
 */
export function withoutVanished(frozen: ScreenData, live: NotesByTable): ScreenData {
  let changed = false;
  const notes = new Map<TableId, readonly ScreenNote[]>();
  for (const [tableId, list] of frozen.notes) {
    const visible = new Set((live.get(tableId) ?? []).map((note) => note.ref));
    const kept = list.filter((note) => visible.has(note.ref));
    if (kept.length !== list.length) changed = true;
    notes.set(tableId, kept.length === list.length ? list : kept);
  }
  return changed ? { ...frozen, notes } : frozen;
}
