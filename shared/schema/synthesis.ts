/**
 * The synthesis document `<workshopId>/synthesis`: the facilitator's themes (groups of notes from
 * every table), conclusions, insights and actions, and what the screen spotlights.
 * DESIGN.md §4, docs/schema.md.
 *
 * A note belongs to at most one theme. Writers keep it so (moving a note removes it from every other
 * theme), but two peers moving the same note at once both insert it, and Yjs keeps both. Readers
 * therefore resolve: the note shows in the theme with the smallest id among those holding it, the
 * same on every peer once they have synced. `dedupeThemeNotes` removes the leftovers for good.
 */
import * as Y from "yjs";
import {
  type InsightId,
  isId,
  type NoteId,
  newId,
  type RoundId,
  type TableId,
  type ThemeId,
} from "../ids.ts";
import { isNoteRef, type NoteRef, parseNoteRef } from "./table.ts";
import { brandedId, childMap, compareIds, edit, readText, writeText } from "./values.ts";

// Note refs are defined beside the notes they address; re-exported because themes hold them.
export { isNoteRef, type NoteRef, noteRef, parseNoteRef } from "./table.ts";

export const INSIGHT_KINDS = ["conclusion", "insight", "action"] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

export function isInsightKind(value: unknown): value is InsightKind {
  return typeof value === "string" && (INSIGHT_KINDS as readonly string[]).includes(value);
}

export interface ThemeInput {
  readonly id?: ThemeId;
  readonly roundId: RoundId;
  readonly title: string;
  /** Default: after the round's last theme. */
  readonly order?: number;
}

export interface ThemeView {
  readonly id: ThemeId;
  readonly roundId: RoundId;
  readonly title: string;
  readonly order: number;
  readonly notes: readonly NoteRef[];
}

export interface InsightInput {
  readonly id?: InsightId;
  /** null: about the whole workshop rather than one round. */
  readonly roundId: RoundId | null;
  readonly kind: InsightKind;
  readonly text: string;
  readonly themeIds?: readonly ThemeId[];
  /** Orders insights; default now. */
  readonly createdAt?: number;
}

export interface InsightView {
  readonly id: InsightId;
  readonly roundId: RoundId | null;
  readonly kind: InsightKind;
  readonly text: string;
  /** Only themes that exist, each once. */
  readonly themeIds: readonly ThemeId[];
  readonly createdAt: number;
}

export type SpotlightTarget =
  | { readonly kind: "note"; readonly ref: NoteRef; readonly tableId: TableId; readonly noteId: NoteId }
  | { readonly kind: "theme"; readonly themeId: ThemeId };

/** The root types, for observing (`observeDeep`) and for migrations. Values are unchecked. */
export interface SynthesisParts {
  readonly themes: Y.Map<unknown>;
  readonly insights: Y.Map<unknown>;
  readonly spotlight: Y.Map<unknown>;
}

export function synthesisParts(doc: Y.Doc): SynthesisParts {
  const themes = doc.getMap<unknown>("themes");
  return { themes, insights: doc.getMap("insights"), spotlight: doc.getMap("spotlight") };
}

// ---------------------------------------------------------------------------------------------
// Themes

export function createTheme(doc: Y.Doc, input: ThemeInput): ThemeId {
  const { themes } = synthesisParts(doc);
  const id = input.id ?? newId<"ThemeId">();
  if (themes.has(id)) throw new Error(`theme ${id} already exists`);
  const order = input.order ?? Math.max(-1, ...themesFor(doc, input.roundId).map((t) => t.order)) + 1;
  const fields = { roundId: input.roundId, title: new Y.Text(input.title), order, notes: new Y.Array() };
  doc.transact(() => themes.set(id, new Y.Map<unknown>(Object.entries(fields))));
  return id;
}

export function renameTheme(doc: Y.Doc, themeId: ThemeId, title: string): boolean {
  return edit(doc, synthesisParts(doc).themes, themeId, (theme) => writeText(theme, "title", title));
}

export function setThemeOrder(doc: Y.Doc, themeId: ThemeId, order: number): boolean {
  if (!Number.isFinite(order)) return false;
  return edit(doc, synthesisParts(doc).themes, themeId, (theme) => theme.set("order", order));
}

/** Gives the listed themes orders 0, 1, 2, … in one transaction; unknown ids are skipped. */
export function reorderThemes(doc: Y.Doc, themeIds: readonly ThemeId[]): void {
  const { themes } = synthesisParts(doc);
  doc.transact(() => {
    themeIds.forEach((id, index) => {
      const theme = childMap(themes, id);
      if (theme !== null && theme.get("order") !== index) theme.set("order", index);
    });
  });
}

/** Deletes the theme (its notes become ungrouped) and unlinks it from every insight. */
export function deleteTheme(doc: Y.Doc, themeId: ThemeId): boolean {
  const { themes, insights } = synthesisParts(doc);
  if (!themes.has(themeId)) return false;
  doc.transact(() => {
    themes.delete(themeId);
    removeFromChildren(insights, "themeIds", themeId);
  });
  return true;
}

/**
 * Puts the note in the theme (at `index` among the theme's notes, default last), taking it out of
 * every other theme first. Moving a note within its theme is the same call with a new index.
 */
export function addNoteToTheme(doc: Y.Doc, themeId: ThemeId, ref: NoteRef, index?: number): boolean {
  const { themes } = synthesisParts(doc);
  const theme = childMap(themes, themeId);
  if (theme === null || !isNoteRef(ref)) return false;
  doc.transact(() => {
    removeFromChildren(themes, "notes", ref);
    const current = theme.get("notes");
    const array = current instanceof Y.Array ? current : new Y.Array<unknown>();
    if (array !== current) theme.set("notes", array);
    array.insert(rawIndex(doc, themeId, array.toArray(), index), [ref]);
  });
  return true;
}

/** Ungroups the note if it shows in this theme (and drops any leftover copies elsewhere). */
export function removeNoteFromTheme(doc: Y.Doc, themeId: ThemeId, ref: NoteRef): boolean {
  if (themeOfNote(doc, ref) !== themeId) return false;
  doc.transact(() => removeFromChildren(synthesisParts(doc).themes, "notes", ref));
  return true;
}

/** The theme a note shows in, or null. */
export function themeOfNote(doc: Y.Doc, ref: NoteRef): ThemeId | null {
  return scanThemes(doc).owner.get(ref) ?? null;
}

/**
 * Removes copies of notes that readers do not show (after concurrent moves, or junk). Every peer
 * that runs it deletes the same copies, so it is safe to run anywhere, any time; returns how many.
 */
export function dedupeThemeNotes(doc: Y.Doc): number {
  const { themes } = synthesisParts(doc);
  const { owner } = scanThemes(doc);
  let removed = 0;
  doc.transact(() => {
    for (const [id, theme] of themes.entries()) {
      const notes = theme instanceof Y.Map ? theme.get("notes") : null;
      if (!(notes instanceof Y.Array)) continue;
      // Keep the first copy of each note this theme owns; delete from the end so indices hold.
      const items = notes.toArray();
      for (let i = items.length - 1; i >= 0; i--) {
        const ref = items[i];
        if (isNoteRef(ref) && owner.get(ref) === id && items.indexOf(ref) === i) continue;
        notes.delete(i, 1);
        removed++;
      }
    }
  });
  return removed;
}

/** The round's themes, by `order` then id; each note ref shows in exactly one theme. */
export function themesFor(doc: Y.Doc, roundId: RoundId): ThemeView[] {
  return allThemes(doc).filter((t) => t.roundId === roundId);
}

export function allThemes(doc: Y.Doc): ThemeView[] {
  return scanThemes(doc).views.sort((a, b) => a.order - b.order || compareIds(a.id, b.id));
}

export function readTheme(doc: Y.Doc, themeId: ThemeId): ThemeView | null {
  return scanThemes(doc).views.find((t) => t.id === themeId) ?? null;
}

/** Reads every theme once, resolving which theme owns each note: the smallest theme id wins. */
function scanThemes(doc: Y.Doc): { views: ThemeView[]; owner: Map<string, ThemeId> } {
  const raw: { view: Omit<ThemeView, "notes">; refs: unknown[] }[] = [];
  for (const [key, value] of synthesisParts(doc).themes.entries()) {
    if (!(value instanceof Y.Map)) continue;
    const id = brandedId<"ThemeId">(key);
    const roundId = brandedId<"RoundId">(value.get("roundId"));
    if (id === null || roundId === null) continue;
    const order = value.get("order");
    const notes = value.get("notes");
    const title = readText(value.get("title"));
    const view = {
      id,
      roundId,
      title,
      order: typeof order === "number" && Number.isFinite(order) ? order : 0,
    };
    raw.push({ view, refs: notes instanceof Y.Array ? notes.toArray() : [] });
  }
  raw.sort((a, b) => compareIds(a.view.id, b.view.id));
  const owner = new Map<string, ThemeId>();
  for (const { view, refs } of raw) {
    for (const ref of refs) if (isNoteRef(ref) && !owner.has(ref)) owner.set(ref, view.id);
  }
  const views = raw.map(({ view, refs }) => ({ ...view, notes: visibleRefs(refs, view.id, owner) }));
  return { views, owner };
}

function visibleRefs(refs: readonly unknown[], themeId: ThemeId, owner: Map<string, ThemeId>): NoteRef[] {
  const out = new Set<NoteRef>();
  for (const ref of refs) if (isNoteRef(ref) && owner.get(ref) === themeId) out.add(ref);
  return [...out];
}

/** Maps an index among the theme's visible notes to a position in its stored array. */
function rawIndex(doc: Y.Doc, themeId: ThemeId, items: readonly unknown[], index?: number): number {
  // The visible copy of a note is the first in the theme's array, so indexOf finds it.
  const before = index === undefined ? undefined : readTheme(doc, themeId)?.notes[Math.max(0, index)];
  return before === undefined ? items.length : items.indexOf(before);
}

// ---------------------------------------------------------------------------------------------
// Conclusions, insights and actions

export function addInsight(doc: Y.Doc, input: InsightInput): InsightId {
  const { insights } = synthesisParts(doc);
  const id = input.id ?? newId<"InsightId">();
  if (insights.has(id)) throw new Error(`insight ${id} already exists`);
  const fields = {
    roundId: input.roundId,
    kind: input.kind,
    text: new Y.Text(input.text),
    themeIds: Y.Array.from([...new Set(input.themeIds ?? [])]),
    createdAt: input.createdAt ?? Date.now(),
  };
  doc.transact(() => insights.set(id, new Y.Map<unknown>(Object.entries(fields))));
  return id;
}

export function setInsightText(doc: Y.Doc, insightId: InsightId, text: string): boolean {
  return edit(doc, synthesisParts(doc).insights, insightId, (insight) => writeText(insight, "text", text));
}

export function setInsightKind(doc: Y.Doc, insightId: InsightId, kind: InsightKind): boolean {
  return edit(doc, synthesisParts(doc).insights, insightId, (insight) => insight.set("kind", kind));
}

/** Links once; false when the insight or the theme does not exist. */
export function linkInsightToTheme(doc: Y.Doc, insightId: InsightId, themeId: ThemeId): boolean {
  const { insights, themes } = synthesisParts(doc);
  const insight = childMap(insights, insightId);
  if (insight === null || childMap(themes, themeId) === null) return false;
  doc.transact(() => {
    const ids = insight.get("themeIds");
    if (!(ids instanceof Y.Array)) insight.set("themeIds", Y.Array.from([themeId]));
    else if (!ids.toArray().includes(themeId)) ids.push([themeId]);
  });
  return true;
}

export function unlinkInsightFromTheme(doc: Y.Doc, insightId: InsightId, themeId: ThemeId): boolean {
  const ids = childMap(synthesisParts(doc).insights, insightId)?.get("themeIds");
  if (!(ids instanceof Y.Array)) return false;
  doc.transact(() => removeAll(ids, themeId));
  return true;
}

export function deleteInsight(doc: Y.Doc, insightId: InsightId): boolean {
  const { insights } = synthesisParts(doc);
  if (!insights.has(insightId)) return false;
  doc.transact(() => insights.delete(insightId));
  return true;
}

/** Insights of one round, or with null those about the whole workshop; oldest first. */
export function insightsFor(doc: Y.Doc, roundId: RoundId | null): InsightView[] {
  return allInsights(doc).filter((i) => i.roundId === roundId);
}

export function allInsights(doc: Y.Doc): InsightView[] {
  const { insights, themes } = synthesisParts(doc);
  const out: InsightView[] = [];
  for (const [key, value] of insights.entries()) {
    if (!(value instanceof Y.Map)) continue;
    const id = brandedId<"InsightId">(key);
    const round = value.get("roundId");
    const roundId = brandedId<"RoundId">(round);
    // A garbled round must not turn a round's insight into a workshop-wide conclusion.
    if (id === null || (round !== null && round !== undefined && roundId === null)) continue;
    const kind = value.get("kind");
    const ids = value.get("themeIds");
    const createdAt = value.get("createdAt");
    const themeIds = new Set<ThemeId>();
    for (const t of ids instanceof Y.Array ? ids.toArray() : []) {
      const themeId = brandedId<"ThemeId">(t);
      if (themeId !== null && themes.get(themeId) instanceof Y.Map) themeIds.add(themeId);
    }
    out.push({
      id,
      roundId,
      kind: isInsightKind(kind) ? kind : "insight",
      text: readText(value.get("text")),
      themeIds: [...themeIds],
      createdAt: typeof createdAt === "number" && Number.isFinite(createdAt) ? createdAt : 0,
    });
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || compareIds(a.id, b.id));
}

// ---------------------------------------------------------------------------------------------
// Spotlight: what the screen shows large. A note ref has a slash; a theme id cannot.

/** Returns false (writing nothing) for a value that is neither a note ref nor a theme id. */
export function setSpotlight(doc: Y.Doc, target: NoteRef | ThemeId | null): boolean {
  if (target !== null && !isNoteRef(target) && !isId(target)) return false;
  doc.transact(() => synthesisParts(doc).spotlight.set("ref", target));
  return true;
}

export function readSpotlight(doc: Y.Doc): SpotlightTarget | null {
  const ref = synthesisParts(doc).spotlight.get("ref");
  const note = parseNoteRef(ref);
  if (note !== null) return { kind: "note", ref: ref as NoteRef, ...note };
  const themeId = brandedId<"ThemeId">(ref);
  return themeId === null ? null : { kind: "theme", themeId };
}

// ---------------------------------------------------------------------------------------------

/** Deletes every occurrence, from the end so earlier indices stay valid. */
function removeAll(array: Y.Array<unknown>, value: string): void {
  const items = array.toArray();
  for (let i = items.length - 1; i >= 0; i--) if (items[i] === value) array.delete(i, 1);
}

/** Removes `value` from the array under `key` in every child map (a note from all themes, …). */
function removeFromChildren(parent: Y.Map<unknown>, key: string, value: string): void {
  for (const child of parent.values()) {
    const array = child instanceof Y.Map ? child.get(key) : null;
    if (array instanceof Y.Array) removeAll(array, value);
  }
}
