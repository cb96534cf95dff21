import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { NoteId, PerspectiveId, PromptId, RoundId, ThemeId } from "../../shared/ids.ts";
import {
  allNotes,
  createNote,
  DEFAULT_NOTE_COLOR,
  deleteNote,
  isNoteColor,
  moveNote,
  type NoteInput,
  notesFor,
  noteText,
  readNote,
  readVotes,
  setNoteColor,
  setNoteHidden,
  setNotePerspective,
  setNoteText,
  setVotes,
  tableParts,
  votesUsed,
} from "../../shared/schema/table.ts";
import { replaceText } from "../../shared/schema/values.ts";

const R1 = "round-1" as RoundId;
const R2 = "round-2" as RoundId;
const TODAY = "p-today" as PromptId;
const CHANGE = "p-change" as PromptId;
const SOC = "socialtjanst" as PerspectiveId;

function note(overrides: Partial<NoteInput> = {}): NoteInput {
  return {
    roundId: R1,
    promptId: TODAY,
    text: "Det blir en ren slump vem som hittar vem.",
    createdAt: 1000,
    ...overrides,
  };
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe("note colours", () => {
  it.each([
    ["yellow", true],
    ["pink", true],
    ["orange", true],
    ["red", false],
    ["", false],
    [undefined, false],
  ])("isNoteColor(%j) is %s", (value, expected) => {
    expect(isNoteColor(value)).toBe(expected);
  });
});

describe("notes", () => {
  it("creates a note in one transaction and reads it back as plain data", () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on("update", () => updates++);
    const id = createNote(
      doc,
      note({ color: "blue", perspectiveId: SOC, text: "Stuprör – vi möts på konferenser. Åäö ÅÄÖ 🙂" }),
    );
    expect(updates).toBe(1);
    expect(readNote(doc, id)).toEqual({
      id,
      roundId: R1,
      promptId: TODAY,
      text: "Stuprör – vi möts på konferenser. Åäö ÅÄÖ 🙂",
      color: "blue",
      perspectiveId: SOC,
      createdAt: 1000,
      hidden: false,
    });
    expect(noteText(doc, id)).toBeInstanceOf(Y.Text);
  });

  it("uses the given id, defaults colour and perspective, and refuses a taken id", () => {
    const doc = new Y.Doc();
    const id = createNote(doc, note({ id: "n-1" as NoteId }));
    expect(id).toBe("n-1");
    expect(readNote(doc, id)).toMatchObject({ color: DEFAULT_NOTE_COLOR, perspectiveId: null });
    expect(() => createNote(doc, note({ id, text: "overwrite?" }))).toThrow(/exists/);
    expect(readNote(doc, id)?.text).toBe(note().text);
  });

  it("updates every field", () => {
    const doc = new Y.Doc();
    const id = createNote(doc, note());
    expect(setNoteText(doc, id, "Ingen gemensam lägesbild av våldet.")).toBe(true);
    expect(moveNote(doc, id, { promptId: CHANGE })).toBe(true);
    expect(moveNote(doc, id, { roundId: R2 })).toBe(true);
    expect(setNoteColor(doc, id, "green")).toBe(true);
    expect(setNotePerspective(doc, id, SOC)).toBe(true);
    expect(setNoteHidden(doc, id, true)).toBe(true);
    expect(readNote(doc, id)).toMatchObject({
      text: "Ingen gemensam lägesbild av våldet.",
      roundId: R2,
      promptId: CHANGE,
      color: "green",
      perspectiveId: SOC,
      hidden: true,
    });
    expect(setNotePerspective(doc, id, null)).toBe(true);
    expect(readNote(doc, id)?.perspectiveId).toBeNull();
    expect(deleteNote(doc, id)).toBe(true);
    expect(readNote(doc, id)).toBeNull();
    expect(allNotes(doc, { includeHidden: true })).toEqual([]);
  });

  const missing = "gone" as NoteId;
  it.each<[string, (doc: Y.Doc) => boolean]>([
    ["setNoteText", (doc) => setNoteText(doc, missing, "x")],
    ["moveNote", (doc) => moveNote(doc, missing, { roundId: R2 })],
    ["setNoteColor", (doc) => setNoteColor(doc, missing, "pink")],
    ["setNotePerspective", (doc) => setNotePerspective(doc, missing, SOC)],
    ["setNoteHidden", (doc) => setNoteHidden(doc, missing, true)],
    ["deleteNote", (doc) => deleteNote(doc, missing)],
  ])("%s on a missing note returns false and writes nothing", (_name, write) => {
    const doc = new Y.Doc();
    createNote(doc, note());
    const before = Y.encodeStateAsUpdate(doc);
    expect(write(doc)).toBe(false);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it("setNoteText writes only the changed middle", () => {
    const doc = new Y.Doc();
    const id = createNote(doc, note({ text: "Hej på dig" }));
    const deltas: unknown[] = [];
    noteText(doc, id)?.observe((event) => deltas.push(event.delta));
    setNoteText(doc, id, "Hej på er");
    setNoteText(doc, id, "Hej på er");
    expect(deltas).toEqual([[{ retain: 7 }, { delete: 3 }, { insert: "er" }]]);
  });

  it.each([
    ["", "ny text"],
    ["gammal text", ""],
    ["abc", "abc"],
    ["Hur ser det ut", "Hur ser det ut i dag?"],
    ["i dag?", "Hur ser det ut i dag?"],
    ["aaaa", "aa"],
    ["abab", "ab"],
    ["förändring", "forandring"],
    ["smile 😀 end", "smile 😁 end"],
    ["\uD800\uDC00", "\uD801\uDC00"],
    ["😀😀", "😀"],
  ])("replaceText(%j → %j) ends with exactly the new text", (from, to) => {
    const doc = new Y.Doc();
    const text = doc.getText("t");
    text.insert(0, from);
    doc.transact(() => replaceText(text, to));
    expect(text.toString()).toBe(to);
  });
});

describe("notesFor and allNotes", () => {
  function board(): { doc: Y.Doc; ids: Record<string, NoteId> } {
    const doc = new Y.Doc();
    const ids = {
      late: createNote(doc, note({ id: "a-late" as NoteId, createdAt: 3000 })),
      tieB: createNote(doc, note({ id: "b-tie" as NoteId, createdAt: 2000 })),
      tieA: createNote(doc, note({ id: "a-tie" as NoteId, createdAt: 2000 })),
      early: createNote(doc, note({ id: "z-early" as NoteId, createdAt: 1000 })),
      change: createNote(doc, note({ id: "c-change" as NoteId, promptId: CHANGE, createdAt: 1500 })),
      round2: createNote(doc, note({ id: "r2" as NoteId, roundId: R2, createdAt: 0 })),
      hidden: createNote(doc, note({ id: "h" as NoteId, createdAt: 2500 })),
    };
    setNoteHidden(doc, ids.hidden, true);
    return { doc, ids };
  }

  it.each<[string, RoundId, PromptId | undefined, boolean, string[]]>([
    ["round 1, both prompts", R1, undefined, false, ["z-early", "c-change", "a-tie", "b-tie", "a-late"]],
    ["round 1, first prompt", R1, TODAY, false, ["z-early", "a-tie", "b-tie", "a-late"]],
    ["round 1, second prompt", R1, CHANGE, false, ["c-change"]],
    ["round 1 with hidden", R1, TODAY, true, ["z-early", "a-tie", "b-tie", "h", "a-late"]],
    ["round 2", R2, undefined, false, ["r2"]],
    ["unknown round", "r-x" as RoundId, undefined, true, []],
  ])("%s", (_name, roundId, promptId, includeHidden, expected) => {
    const { doc } = board();
    expect(notesFor(doc, roundId, promptId, { includeHidden }).map((n) => n.id)).toEqual(expected);
  });

  it("orders the same on two peers that wrote concurrently", () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    createNote(a, note({ id: "from-a" as NoteId, createdAt: 5 }));
    createNote(b, note({ id: "from-b" as NoteId, createdAt: 5 }));
    createNote(b, note({ id: "b-first" as NoteId, createdAt: 1 }));
    sync(a, b);
    const order = allNotes(a).map((n) => n.id);
    expect(order).toEqual(["b-first", "from-a", "from-b"]);
    expect(allNotes(b).map((n) => n.id)).toEqual(order);
  });

  it("skips notes it cannot place and repairs fields it can", () => {
    const { doc } = board();
    const { notes } = tableParts(doc);
    doc.transact(() => {
      notes.set("plain", { roundId: R1, promptId: TODAY, text: "not a Y.Map" });
      notes.set(
        "bad key!",
        new Y.Map<unknown>([
          ["roundId", R1],
          ["promptId", TODAY],
        ]),
      );
      notes.set("no-round", new Y.Map<unknown>([["promptId", TODAY]]));
      const junk = new Y.Map<unknown>();
      notes.set("junk", junk);
      junk.set("roundId", R1);
      junk.set("promptId", TODAY);
      junk.set("text", "plain string text");
      junk.set("color", "ultraviolet");
      junk.set("perspectiveId", 5);
      junk.set("createdAt", "noon");
      junk.set("hidden", "yes");
    });
    expect(readNote(doc, "junk" as NoteId)).toEqual({
      id: "junk",
      roundId: R1,
      promptId: TODAY,
      text: "plain string text",
      color: DEFAULT_NOTE_COLOR,
      perspectiveId: null,
      createdAt: 0,
      hidden: false,
    });
    const ids = allNotes(doc, { includeHidden: true }).map((n) => n.id);
    expect(ids).toContain("junk");
    expect(ids).not.toContain("plain");
    expect(ids).not.toContain("bad key!");
    expect(ids).not.toContain("no-round");
    expect(setNoteText(doc, "junk" as NoteId, "nu en Y.Text")).toBe(true);
    expect(noteText(doc, "junk" as NoteId)?.toString()).toBe("nu en Y.Text");
  });
});

describe("concurrent edits of one note", () => {
  function peers(text: string): { a: Y.Doc; b: Y.Doc; id: NoteId } {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const id = createNote(a, note({ text }));
    sync(a, b);
    return { a, b, id };
  }

  it("merges edits of different parts of the text", () => {
    const { a, b, id } = peers("Samverkan bygger på eldsjälar.");
    setNoteText(a, id, "Samverkan bygger på eldsjälar och försvinner när de slutar.");
    setNoteText(b, id, "I dag: samverkan bygger på eldsjälar.");
    sync(a, b);
    const merged = "I dag: samverkan bygger på eldsjälar och försvinner när de slutar.";
    expect(readNote(a, id)?.text).toBe(merged);
    expect(readNote(b, id)?.text).toBe(merged);
  });

  it("keeps both peers' words when they rewrite the same spot, identically on both", () => {
    const { a, b, id } = peers("Vi möts sällan.");
    setNoteText(a, id, "Vi möts aldrig.");
    setNoteText(b, id, "Vi möts ibland.");
    sync(a, b);
    const text = readNote(a, id)?.text ?? "";
    expect(readNote(b, id)?.text).toBe(text);
    expect(text).toMatch(/^Vi möts (aldrigibland|iblandaldrig)\.$/);
  });

  it("lets a delete win over a concurrent edit, and other fields merge", () => {
    const { a, b, id } = peers("x");
    const other = createNote(a, note({ text: "andra" }));
    sync(a, b);
    deleteNote(a, id);
    setNoteText(b, id, "edited");
    setNoteColor(a, other, "pink");
    setNoteHidden(b, other, true);
    sync(a, b);
    expect(readNote(a, id)).toBeNull();
    expect(readNote(b, id)).toBeNull();
    expect(readNote(a, other)).toMatchObject({ color: "pink", hidden: true });
    expect(readNote(b, other)).toEqual(readNote(a, other));
  });
});

describe("votes", () => {
  const T1 = "theme-1" as ThemeId;
  const T2 = "theme-2" as ThemeId;

  it("sets, rounds, clears and counts dots", () => {
    const doc = new Y.Doc();
    setVotes(doc, T1, 2);
    setVotes(doc, T2, 1.6);
    expect(readVotes(doc)).toEqual({ [T1]: 2, [T2]: 2 });
    expect(votesUsed(readVotes(doc))).toBe(4);
    setVotes(doc, T2, 0);
    setVotes(doc, T1, -4);
    expect(readVotes(doc)).toEqual({});
    expect(tableParts(doc).votes.size).toBe(0);
  });

  it("ignores junk entries", () => {
    const doc = new Y.Doc();
    setVotes(doc, T1, 1);
    const { votes } = tableParts(doc);
    votes.set("theme-2", "3");
    votes.set("theme-3", 1.5);
    votes.set("bad id", 2);
    votes.set("theme-4", -1);
    expect(readVotes(doc)).toEqual({ [T1]: 1 });
  });

  it("converges to one value when two tablets vote at once", () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    setVotes(a, T1, 1);
    setVotes(b, T1, 3);
    sync(a, b);
    expect(readVotes(a)).toEqual(readVotes(b));
    expect([1, 3]).toContain(readVotes(a)[T1]);
  });
});
