import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { InsightId, NoteId, RoundId, TableId, ThemeId } from "../../shared/ids.ts";
import {
  addInsight,
  addNoteToTheme,
  allThemes,
  createTheme,
  dedupeThemeNotes,
  deleteInsight,
  deleteTheme,
  insightsFor,
  isInsightKind,
  linkInsightToTheme,
  readSpotlight,
  readTheme,
  removeNoteFromTheme,
  renameTheme,
  reorderThemes,
  setInsightKind,
  setInsightText,
  setSpotlight,
  setThemeOrder,
  synthesisParts,
  themeOfNote,
  themesFor,
  unlinkInsightFromTheme,
} from "../../shared/schema/synthesis.ts";
import { type NoteRef, noteRef, parseNoteRef } from "../../shared/schema/table.ts";

const R1 = "round-1" as RoundId;
const R2 = "round-2" as RoundId;
const ref = (table: string, note: string): NoteRef => noteRef(table as TableId, note as NoteId);
const N1 = ref("bord-1", "n1");
const N2 = ref("bord-2", "n2");
const N3 = ref("bord-3", "n3");

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

/** Every ref as stored, duplicates and all: what readers resolve and dedupe cleans. */
function rawRefs(doc: Y.Doc): string[] {
  const out: string[] = [];
  for (const theme of synthesisParts(doc).themes.values()) {
    const notes = theme instanceof Y.Map ? theme.get("notes") : null;
    if (notes instanceof Y.Array) for (const r of notes.toArray()) out.push(String(r));
  }
  return out.sort();
}

describe("note refs", () => {
  it.each<[unknown, { tableId: string; noteId: string } | null]>([
    ["bord-1/n1", { tableId: "bord-1", noteId: "n1" }],
    ["a_b/C-9", { tableId: "a_b", noteId: "C-9" }],
    ["bord-1", null],
    ["bord-1/", null],
    ["/n1", null],
    ["a/b/c", null],
    ["bord 1/n1", null],
    [42, null],
  ])("parseNoteRef(%j)", (value, expected) => {
    expect(parseNoteRef(value)).toEqual(expected);
  });

  it("round-trips through noteRef", () => {
    expect(parseNoteRef(noteRef("t" as TableId, "n" as NoteId))).toEqual({ tableId: "t", noteId: "n" });
  });

  it.each([
    ["conclusion", true],
    ["insight", true],
    ["action", true],
    ["slutsats", false],
  ])("isInsightKind(%j) is %s", (value, expected) => {
    expect(isInsightKind(value)).toBe(expected);
  });
});

describe("themes", () => {
  it("creates themes in order per round and reads plain data", () => {
    const doc = new Y.Doc();
    const a = createTheme(doc, { roundId: R1, title: "Stuprör mellan förvaltningar" });
    const b = createTheme(doc, { roundId: R1, title: "Röd tråd" });
    const c = createTheme(doc, { roundId: R2, title: "Kunskap" });
    expect(themesFor(doc, R1)).toEqual([
      { id: a, roundId: R1, title: "Stuprör mellan förvaltningar", order: 0, notes: [] },
      { id: b, roundId: R1, title: "Röd tråd", order: 1, notes: [] },
    ]);
    expect(themesFor(doc, R2).map((t) => [t.id, t.order])).toEqual([[c, 0]]);
  });

  it("sorts by order, then id, and reorders", () => {
    const doc = new Y.Doc();
    const ids = ["t-c", "t-a", "t-b"].map((id) =>
      createTheme(doc, { id: id as ThemeId, roundId: R1, title: id, order: 5 }),
    );
    expect(themesFor(doc, R1).map((t) => t.id)).toEqual(["t-a", "t-b", "t-c"]);
    expect(setThemeOrder(doc, "t-c" as ThemeId, 1)).toBe(true);
    expect(setThemeOrder(doc, "t-c" as ThemeId, Number.NaN)).toBe(false);
    expect(themesFor(doc, R1).map((t) => t.id)).toEqual(["t-c", "t-a", "t-b"]);
    reorderThemes(
      doc,
      [ids[2], ids[0], "missing" as ThemeId, ids[1]].filter((id) => id !== undefined),
    );
    expect(themesFor(doc, R1).map((t) => [t.id, t.order])).toEqual([
      ["t-b", 0],
      ["t-c", 1],
      ["t-a", 3],
    ]);
  });

  it("renames with Swedish text and refuses a taken id", () => {
    const doc = new Y.Doc();
    const id = createTheme(doc, { roundId: R1, title: "Samverkan" });
    expect(renameTheme(doc, id, "Samverkan över förvaltningsgränser – ensam är inte stark")).toBe(true);
    expect(readTheme(doc, id)?.title).toBe("Samverkan över förvaltningsgränser – ensam är inte stark");
    expect(renameTheme(doc, "missing" as ThemeId, "x")).toBe(false);
    expect(() => createTheme(doc, { id, roundId: R1, title: "again" })).toThrow(/exists/);
  });

  it("moves a note between themes, so it is in one at a time", () => {
    const doc = new Y.Doc();
    const a = createTheme(doc, { roundId: R1, title: "A" });
    const b = createTheme(doc, { roundId: R1, title: "B" });
    expect(addNoteToTheme(doc, a, N1)).toBe(true);
    expect(addNoteToTheme(doc, a, N2)).toBe(true);
    expect(addNoteToTheme(doc, b, N1)).toBe(true);
    expect(readTheme(doc, a)?.notes).toEqual([N2]);
    expect(readTheme(doc, b)?.notes).toEqual([N1]);
    expect(themeOfNote(doc, N1)).toBe(b);
    expect(rawRefs(doc)).toEqual([N1, N2]);
  });

  it.each<[string, number | undefined, NoteRef[]]>([
    ["at the end by default", undefined, [N1, N2, N3]],
    ["first", 0, [N3, N1, N2]],
    ["in the middle", 1, [N1, N3, N2]],
    ["past the end", 99, [N1, N2, N3]],
  ])("inserts a note %s", (_name, index, expected) => {
    const doc = new Y.Doc();
    const a = createTheme(doc, { roundId: R1, title: "A" });
    addNoteToTheme(doc, a, N1);
    addNoteToTheme(doc, a, N2);
    addNoteToTheme(doc, a, N3, index);
    expect(readTheme(doc, a)?.notes).toEqual(expected);
  });

  it("moves a note within its theme", () => {
    const doc = new Y.Doc();
    const a = createTheme(doc, { roundId: R1, title: "A" });
    for (const r of [N1, N2, N3]) addNoteToTheme(doc, a, r);
    addNoteToTheme(doc, a, N3, 0);
    expect(readTheme(doc, a)?.notes).toEqual([N3, N1, N2]);
    expect(rawRefs(doc)).toHaveLength(3);
  });

  it("refuses missing themes and malformed refs", () => {
    const doc = new Y.Doc();
    const a = createTheme(doc, { roundId: R1, title: "A" });
    expect(addNoteToTheme(doc, "missing" as ThemeId, N1)).toBe(false);
    expect(addNoteToTheme(doc, a, "no-slash" as NoteRef)).toBe(false);
    expect(readTheme(doc, a)?.notes).toEqual([]);
  });

  it("removes a note only from the theme it shows in", () => {
    const doc = new Y.Doc();
    const a = createTheme(doc, { roundId: R1, title: "A" });
    const b = createTheme(doc, { roundId: R1, title: "B" });
    addNoteToTheme(doc, a, N1);
    expect(removeNoteFromTheme(doc, b, N1)).toBe(false);
    expect(removeNoteFromTheme(doc, a, N1)).toBe(true);
    expect(themeOfNote(doc, N1)).toBeNull();
    expect(rawRefs(doc)).toEqual([]);
  });

  it("deletes a theme, ungrouping its notes and unlinking its insights", () => {
    const doc = new Y.Doc();
    const a = createTheme(doc, { roundId: R1, title: "A" });
    const b = createTheme(doc, { roundId: R1, title: "B" });
    addNoteToTheme(doc, a, N1);
    const insight = addInsight(doc, {
      roundId: R1,
      kind: "insight",
      text: "x",
      themeIds: [a, b],
      createdAt: 1,
    });
    expect(deleteTheme(doc, a)).toBe(true);
    expect(deleteTheme(doc, a)).toBe(false);
    expect(themeOfNote(doc, N1)).toBeNull();
    expect(insightsFor(doc, R1)[0]?.themeIds).toEqual([b]);
    const stored = synthesisParts(doc).insights.get(insight);
    const storedIds = stored instanceof Y.Map ? stored.get("themeIds") : null;
    expect(storedIds instanceof Y.Array ? storedIds.toArray() : null).toEqual([b]);
  });

  it("skips unreadable themes and repairs readable fields", () => {
    const doc = new Y.Doc();
    const { themes } = synthesisParts(doc);
    doc.transact(() => {
      themes.set("plain", { roundId: R1, title: "plain object" });
      themes.set("no-round", new Y.Map<unknown>([["title", "x"]]));
      const junk = new Y.Map<unknown>();
      themes.set("junk", junk);
      junk.set("roundId", R1);
      junk.set("title", 7);
      junk.set("order", "first");
      junk.set("notes", ["not", "a", "Y.Array"]);
    });
    expect(allThemes(doc)).toEqual([{ id: "junk", roundId: R1, title: "", order: 0, notes: [] }]);
    expect(addNoteToTheme(doc, "junk" as ThemeId, N1)).toBe(true);
    expect(readTheme(doc, "junk" as ThemeId)?.notes).toEqual([N1]);
  });
});

describe("concurrent theme edits", () => {
  function peers(): { a: Y.Doc; b: Y.Doc; t1: ThemeId; t2: ThemeId } {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const t1 = createTheme(a, { id: "theme-1" as ThemeId, roundId: R1, title: "Ett" });
    const t2 = createTheme(a, { id: "theme-2" as ThemeId, roundId: R1, title: "Två" });
    sync(a, b);
    return { a, b, t1, t2 };
  }

  it.each([
    ["a", "b"],
    ["b", "a"],
  ])("one note moved to two themes at once shows in one, the same on both peers (%s to theme-2)", (toT2) => {
    const { a, b, t1, t2 } = peers();
    addNoteToTheme(toT2 === "a" ? a : b, t2, N1);
    addNoteToTheme(toT2 === "a" ? b : a, t1, N1);
    sync(a, b);
    for (const doc of [a, b]) {
      const holders = themesFor(doc, R1).filter((t) => t.notes.includes(N1));
      expect(holders.map((t) => t.id)).toEqual([t1]);
    }
    // Both copies are still stored; dedupe run by both peers at once leaves exactly one.
    expect(rawRefs(a)).toEqual([N1, N1]);
    expect(dedupeThemeNotes(a)).toBe(1);
    expect(dedupeThemeNotes(b)).toBe(1);
    sync(a, b);
    expect(rawRefs(a)).toEqual([N1]);
    expect(rawRefs(b)).toEqual([N1]);
    expect(themeOfNote(b, N1)).toBe(t1);
  });

  it("a note moved out of a theme by one peer and into another by the other ends in the other", () => {
    const { a, b, t1, t2 } = peers();
    addNoteToTheme(a, t1, N1);
    sync(a, b);
    removeNoteFromTheme(a, t1, N1);
    addNoteToTheme(b, t2, N1);
    sync(a, b);
    expect(themeOfNote(a, N1)).toBe(t2);
    expect(themeOfNote(b, N1)).toBe(t2);
  });

  it("the same note added twice to one theme shows once", () => {
    const { a, b, t1 } = peers();
    addNoteToTheme(a, t1, N1);
    addNoteToTheme(b, t1, N1);
    addNoteToTheme(b, t1, N2);
    sync(a, b);
    expect(readTheme(a, t1)?.notes).toHaveLength(2);
    expect(readTheme(a, t1)?.notes).toEqual(readTheme(b, t1)?.notes);
    expect(dedupeThemeNotes(b)).toBe(1);
    sync(a, b);
    expect(rawRefs(a)).toEqual([N1, N2]);
  });

  it("merges concurrent title edits and drops notes added to a theme deleted meanwhile", () => {
    const { a, b, t1, t2 } = peers();
    renameTheme(a, t1, "Ett: samverkan");
    renameTheme(b, t1, "Ett!");
    deleteTheme(a, t2);
    addNoteToTheme(b, t2, N3);
    sync(a, b);
    expect(readTheme(a, t1)?.title).toBe(readTheme(b, t1)?.title);
    expect(readTheme(a, t1)?.title).toMatch(/^Ett(: samverkan!|!: samverkan)$/);
    expect(themeOfNote(a, N3)).toBeNull();
    expect(themeOfNote(b, N3)).toBeNull();
  });
});

describe("insights", () => {
  it("adds, edits, links and lists insights per round and for the whole workshop", () => {
    const doc = new Y.Doc();
    const theme = createTheme(doc, { roundId: R1, title: "Röd tråd" });
    const later = addInsight(doc, { roundId: R1, kind: "action", text: "Gemensam lägesbild", createdAt: 20 });
    const first = addInsight(doc, {
      roundId: R1,
      kind: "insight",
      text: "Slump",
      themeIds: [theme, theme],
      createdAt: 10,
    });
    const whole = addInsight(doc, {
      roundId: null,
      kind: "conclusion",
      text: "Ensam är inte stark",
      createdAt: 5,
    });
    expect(insightsFor(doc, R1).map((i) => i.id)).toEqual([first, later]);
    expect(insightsFor(doc, null)).toEqual([
      {
        id: whole,
        roundId: null,
        kind: "conclusion",
        text: "Ensam är inte stark",
        themeIds: [],
        createdAt: 5,
      },
    ]);
    expect(insightsFor(doc, R1)[0]?.themeIds).toEqual([theme]);

    expect(setInsightText(doc, later, "Årlig gemensam lägesbild")).toBe(true);
    expect(setInsightKind(doc, later, "conclusion")).toBe(true);
    expect(linkInsightToTheme(doc, later, theme)).toBe(true);
    expect(linkInsightToTheme(doc, later, theme)).toBe(true);
    expect(linkInsightToTheme(doc, later, "missing" as ThemeId)).toBe(false);
    expect(insightsFor(doc, R1)[1]).toMatchObject({
      text: "Årlig gemensam lägesbild",
      kind: "conclusion",
      themeIds: [theme],
    });
    expect(unlinkInsightFromTheme(doc, later, theme)).toBe(true);
    expect(insightsFor(doc, R1)[1]?.themeIds).toEqual([]);
    expect(deleteInsight(doc, later)).toBe(true);
    expect(deleteInsight(doc, later)).toBe(false);
    expect(setInsightText(doc, later, "x")).toBe(false);
    expect(insightsFor(doc, R1).map((i) => i.id)).toEqual([first]);
  });

  it("reads garbled insights safely", () => {
    const doc = new Y.Doc();
    const { insights } = synthesisParts(doc);
    doc.transact(() => {
      const weird = new Y.Map<unknown>();
      insights.set("weird", weird);
      weird.set("kind", "rant");
      weird.set("text", 5);
      weird.set("themeIds", "t1");
      const badRound = new Y.Map<unknown>();
      insights.set("bad-round", badRound);
      badRound.set("roundId", "no good");
      insights.set("plain", { roundId: null, kind: "insight" });
    });
    expect(insightsFor(doc, null)).toEqual([
      { id: "weird" as InsightId, roundId: null, kind: "insight", text: "", themeIds: [], createdAt: 0 },
    ]);
    expect(linkInsightToTheme(doc, "weird" as InsightId, createTheme(doc, { roundId: R1, title: "t" }))).toBe(
      true,
    );
    expect(insightsFor(doc, null)[0]?.themeIds).toHaveLength(1);
  });
});

describe("spotlight", () => {
  it.each<[string, NoteRef | ThemeId | null, ReturnType<typeof readSpotlight>]>([
    ["a note", N1, { kind: "note", ref: N1, tableId: "bord-1" as TableId, noteId: "n1" as NoteId }],
    ["a theme", "theme-1" as ThemeId, { kind: "theme", themeId: "theme-1" as ThemeId }],
    ["nothing", null, null],
  ])("spotlights %s", (_name, target, expected) => {
    const doc = new Y.Doc();
    setSpotlight(doc, "theme-0" as ThemeId);
    expect(setSpotlight(doc, target)).toBe(true);
    expect(readSpotlight(doc)).toEqual(expected);
  });

  it.each([["a/b/c"], ["<script>"], [""]])("refuses %j and keeps the current spotlight", (bad) => {
    const doc = new Y.Doc();
    setSpotlight(doc, N2);
    expect(setSpotlight(doc, bad as ThemeId)).toBe(false);
    expect(readSpotlight(doc)).toMatchObject({ kind: "note", ref: N2 });
  });

  it.each([[42], ["a b"], [{ ref: "x" }]])("reads a garbled spotlight %j as none", (junk) => {
    const doc = new Y.Doc();
    synthesisParts(doc).spotlight.set("ref", junk);
    expect(readSpotlight(doc)).toBeNull();
  });
});
