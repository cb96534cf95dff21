import { toBase64 } from "lib0/buffer";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { slug } from "../../server/routes/archive.ts";
import { buildArchive } from "../../server/workshops/archive.ts";
import {
  ARCHIVE_LIMITS,
  type Archive,
  parseArchive,
  synthesisContent,
  tableContent,
} from "../../shared/archive.ts";
import type { PromptId, RoundId, TableId, WorkshopId } from "../../shared/ids.ts";
import { initMeta, readMeta } from "../../shared/schema/meta.ts";
import { addInsight, addNoteToTheme, createTheme, setSpotlight } from "../../shared/schema/synthesis.ts";
import { createNote, noteRef, setNoteHidden, setNoteText, setVotes } from "../../shared/schema/table.ts";

const T1 = "bord-1" as TableId;
const T2 = "bord-2" as TableId;
const RECORD = {
  id: "ws-original" as WorkshopId,
  createdAt: 1_707_200_000_000,
  lastActivityAt: 1_707_230_000_000,
};

/** A small but complete workshop: notes (one hidden) at two tables, a theme across both, votes. */
function workshopDocs() {
  const meta = new Y.Doc();
  const state = initMeta(meta, {
    title: "Praktikerdialog: Män, maskulinitet och våldsbejakande extremism",
    language: "sv",
    createdAt: RECORD.createdAt,
    rounds: [{ title: "Hur kan samverkan inom kommunen stärkas?" }],
    tables: [
      { id: T1, name: "Bord 1" },
      { id: T2, name: "Bord 2" },
    ],
    perspectives: [{ label: "Socialtjänst" }],
  });
  const round = state.rounds[0]!;
  const prompt = round.prompts[0]!;
  const note = (doc: Y.Doc, text: string, createdAt: number) =>
    createNote(doc, { roundId: round.id, promptId: prompt.id, text, createdAt });
  const t1 = new Y.Doc();
  const t2 = new Y.Doc();
  const a = note(t1, "Vi möts först när något redan hänt", 1);
  const hidden = note(t1, "# inte <b>detta</b>", 2);
  setNoteHidden(t1, hidden, true);
  const b = note(t2, "Skolan saknas i samverkan", 3);
  const synthesis = new Y.Doc();
  const theme = createTheme(synthesis, { roundId: round.id, title: "Samverkan sent" });
  addNoteToTheme(synthesis, theme, noteRef(T1, a));
  addNoteToTheme(synthesis, theme, noteRef(T2, b));
  addInsight(synthesis, {
    roundId: null,
    kind: "conclusion",
    text: "Möts tidigare",
    themeIds: [theme],
    createdAt: 5,
  });
  setSpotlight(synthesis, theme);
  setVotes(t2, theme, 2);
  return {
    record: RECORD,
    meta,
    synthesis,
    tables: new Map([
      [T1, t1],
      [T2, t2],
    ]),
  };
}

/** The archive as it arrives over HTTP: plain JSON. */
function archiveJson(): Record<string, unknown> {
  const docs = workshopDocs();
  const names = new Map([
    [T1, "Bord 1"],
    [T2, "Bord 2"],
  ]);
  return JSON.parse(JSON.stringify(buildArchive(docs, names, 1_707_240_000_000)));
}

/** Walks a path of keys and indices into parsed JSON (tests build the paths, so they exist). */
function at(root: unknown, path: readonly (string | number)[]): Record<string, unknown> {
  let value = root;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value as Record<string, unknown>;
}

const base64 = (bytes: Uint8Array) => toBase64(bytes);

/** A state with a missing dependency: two updates from one client, only the second kept. */
function secondUpdateOnly(): string {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  const id = createNote(doc, {
    roundId: "r1" as RoundId,
    promptId: "p1" as PromptId,
    text: "först",
    createdAt: 1,
  });
  setNoteText(doc, id, "först och sedan");
  return base64(updates[1]!);
}

type Tamper = (archive: Record<string, unknown>) => unknown;

describe("parseArchive", () => {
  it("accepts a real archive and gives back its documents' states", () => {
    const json = archiveJson();
    const parsed = parseArchive(json);
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    const archive: Archive = parsed.archive;
    expect(archive.tables.map((t) => [t.id, t.name])).toEqual([
      [T1, "Bord 1"],
      [T2, "Bord 2"],
    ]);
    expect(archive.tables[0]!.content.notes.map((n) => n.hidden)).toEqual([false, true]);
    const meta = new Y.Doc();
    Y.applyUpdate(meta, parsed.states.meta);
    expect(readMeta(meta)).toEqual(archive.meta.content);
    const t2 = new Y.Doc();
    Y.applyUpdate(t2, parsed.states.tables.get(T2)!);
    expect(tableContent(t2)).toEqual(archive.tables[1]!.content);
    const synthesis = new Y.Doc();
    Y.applyUpdate(synthesis, parsed.states.synthesis);
    expect(synthesisContent(synthesis).themes[0]!.notes).toEqual([
      `bord-1/${archive.tables[0]!.content.notes[0]!.id}`,
      expect.stringMatching(/^bord-2\//),
    ]);
  });

  it("carries no join codes or tokens, and says so by refusing them", () => {
    const json = archiveJson();
    expect(Object.keys(at(json, ["tables", 0])).sort()).toEqual(["content", "id", "name", "state"]);
    at(json, ["tables", 0]).joinCode = "Y5D69R";
    expect(parseArchive(json)).toMatchObject({
      ok: false,
      problems: ['tables[0]: unknown field "joinCode"'],
    });
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["an array", []],
    ["a string", "samla-archive"],
    ["a number", 1],
  ])("refuses %s: not an object", (_label, value) => {
    expect(parseArchive(value)).toEqual({
      ok: false,
      unsupported: false,
      problems: ["archive: not a JSON object"],
    });
  });

  const INVALID: readonly (readonly [string, Tamper, RegExp])[] = [
    ["another format", (a) => (a.format = "trello-board"), /^format: not "samla-archive"$/],
    ["no format", (a) => delete a.format, /^format: not "samla-archive"$/],
    ["a version that is a string", (a) => (a.version = "1"), /^version: not a whole number$/],
    [
      "a schema version that is a float",
      (a) => (a.schemaVersion = 1.5),
      /^schemaVersion: not a whole number$/,
    ],
    ["a missing exportedAt", (a) => delete a.exportedAt, /^exportedAt: missing$/],
    ["a missing meta", (a) => delete a.meta, /^meta: missing$/],
    ["a missing state", (a) => delete at(a, ["tables", 1]).state, /^tables\[1\]\.state: missing$/],
    ["a missing content", (a) => delete at(a, ["synthesis"]).content, /^synthesis\.content: missing$/],
    ["an unknown field", (a) => (a.comment = "hej"), /^archive: unknown field "comment"$/],
    ["exportedAt as a date string", (a) => (a.exportedAt = "2024-02-06"), /^exportedAt: not a time/],
    ["a negative createdAt", (a) => (at(a, ["workshop"]).createdAt = -1), /^workshop\.createdAt: not a time/],
    ["a workshop id with a slash", (a) => (at(a, ["workshop"]).id = "a/b"), /^workshop\.id: not an id$/],
    ["workshop as an array", (a) => (a.workshop = []), /^workshop: not an object$/],
    ["tables as an object", (a) => (a.tables = {}), /^tables: not an array$/],
    [
      "a table name that is a number",
      (a) => (at(a, ["tables", 0]).name = 7),
      /^tables\[0\]\.name: not a string$/,
    ],
    [
      "a table id that is not an id",
      (a) => (at(a, ["tables", 0]).id = "bord 1"),
      /^tables\[0\]\.id: not an id$/,
    ],
    ["a state that is a number", (a) => (at(a, ["meta"]).state = 42), /^meta\.state: not a string$/],
    [
      "a state with foreign characters",
      (a) => (at(a, ["meta"]).state = "AAA!"),
      /^meta\.state: not valid base64$/,
    ],
    [
      "a state with a line break",
      (a) => (at(a, ["meta"]).state = "AAAA\nAAAA"),
      /^meta\.state: not valid base64$/,
    ],
    [
      "a state cut short",
      (a) => (at(a, ["synthesis"]).state = "AAA"),
      /^synthesis\.state: not valid base64$/,
    ],
    [
      "a state that is garbage",
      (a) => (at(a, ["tables", 0]).state = base64(new TextEncoder().encode("hello, this is no Yjs"))),
      /^tables\[0\]\.state: not a Yjs update$/,
    ],
    [
      "a state with missing dependencies",
      (a) => (at(a, ["tables", 0]).state = secondUpdateOnly()),
      /^tables\[0\]\.state: depends on updates the archive does not hold$/,
    ],
    [
      "a note text edited in the readable part only",
      (a) => (at(a, ["tables", 0, "content", "notes", 0]).text = "något annat"),
      /^tables\[0\]\.content\.notes\[0\]\.text: does not match the document's Yjs state$/,
    ],
    [
      "a hidden note shown in the readable part only",
      (a) => (at(a, ["tables", 0, "content", "notes", 1]).hidden = false),
      /^tables\[0\]\.content\.notes\[1\]\.hidden: does not match/,
    ],
    [
      "a readable part with a field missing",
      (a) => delete at(a, ["meta", "content"]).title,
      /^meta\.content\.title: does not match/,
    ],
    [
      "a readable part with an extra field",
      (a) => (at(a, ["synthesis", "content"]).owner = "x"),
      /^synthesis\.content\.owner: does not match/,
    ],
    [
      "a synthesis state in the meta slot",
      (a) => (at(a, ["meta"]).state = at(a, ["synthesis"]).state),
      /^meta\.content\.schemaVersion: does not match/,
    ],
    [
      "a table the meta document does not list",
      (a) => {
        const copy = { ...at(a, ["tables", 1]), id: "bord-3" };
        (a.tables as unknown[]).push(copy);
      },
      /^meta: the meta document does not list table\(s\) bord-3$/,
    ],
    [
      "a table left out of the table list",
      (a) => (a.tables as unknown[]).pop(),
      /^meta: the meta document lists table\(s\) not in tables: bord-2$/,
    ],
    [
      "a duplicate table id",
      (a) => (a.tables as unknown[]).push({ ...at(a, ["tables", 0]) }),
      /^tables\[2\]\.id: bord-1 appears twice$/,
    ],
    [
      "an oversized table name",
      (a) => (at(a, ["tables", 0]).name = "B".repeat(ARCHIVE_LIMITS.maxNameChars + 1)),
      /^tables\[0\]\.name: longer than 200 characters$/,
    ],
    [
      "too many tables",
      (a) => (a.tables = Array.from({ length: ARCHIVE_LIMITS.maxTables + 1 }, () => at(a, ["tables", 0]))),
      /^tables: 201 tables, more than 200$/,
    ],
    [
      "an oversized state",
      (a) => (at(a, ["synthesis"]).state = "A".repeat(ARCHIVE_LIMITS.maxStateChars + 4)),
      /^synthesis\.state: longer than \d+ characters$/,
    ],
  ];

  it.each(INVALID)("refuses %s, naming the problem", (_label, tamper, problem) => {
    const json = archiveJson();
    tamper(json);
    const parsed = parseArchive(json);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.unsupported).toBe(false);
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(
      parsed.problems.some((p) => problem.test(p)),
      parsed.problems.join("\n"),
    ).toBe(true);
  });

  it.each<[string, Tamper, RegExp]>([
    [
      "a newer archive version",
      (a) => (a.version = 2),
      /^version: 2 is not supported \(this server reads version 1\)$/,
    ],
    ["a newer schema version", (a) => (a.schemaVersion = 2), /^schemaVersion: 2 is not supported/],
  ])("refuses %s as unsupported", (_label, tamper, problem) => {
    const json = archiveJson();
    tamper(json);
    const parsed = parseArchive(json);
    expect(parsed).toMatchObject({ ok: false, unsupported: true });
    if (!parsed.ok) expect(parsed.problems).toEqual([expect.stringMatching(problem)]);
  });

  it("lists several problems at once, at most twenty", () => {
    const json = archiveJson();
    json.exportedAt = "soon";
    at(json, ["tables", 0]).name = 1;
    expect(parseArchive(json)).toMatchObject({
      ok: false,
      problems: ["exportedAt: not a time (whole ms since the Unix epoch)", "tables[0].name: not a string"],
    });
    for (let i = 0; i < 30; i++) json[`extra${i}`] = i;
    const parsed = parseArchive(json);
    expect(parsed.ok === false && parsed.problems.length).toBe(20);
  });

  it("reads a state of the largest allowed size without failing", () => {
    const json = archiveJson();
    // Valid base64 of zeros: an empty Yjs update and trailing zeros, so the content disagrees.
    at(json, ["synthesis"]).state = "A".repeat(ARCHIVE_LIMITS.maxStateChars);
    expect(parseArchive(json)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^synthesis\.content\.themes: does not match/)],
    });
  });

  it("drops trailing bytes after a valid update when re-encoding", () => {
    const json = archiveJson();
    const meta = at(json, ["meta"]);
    const bytes = Uint8Array.from(Buffer.from(meta.state as string, "base64"));
    meta.state = base64(Uint8Array.from([...bytes, 7, 7, 7]));
    const parsed = parseArchive(json);
    expect(parsed.ok && Buffer.from(parsed.states.meta).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe("archive file names", () => {
  it.each([
    ["Praktikerdialog: Män, maskulinitet", "praktikerdialog-man-maskulinitet"],
    ["  Höstens möte 2024!  ", "hostens-mote-2024"],
    ["###", "workshop"],
    ["x".repeat(100), "x".repeat(60)],
  ])("%s → %s", (title, expected) => {
    expect(slug(title)).toBe(expected);
  });
});
