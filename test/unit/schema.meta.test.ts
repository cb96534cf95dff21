import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { PerspectiveId, PromptId, RoundId, TableId, WorkshopId } from "../../shared/ids.ts";
import { DEFAULT_PROMPTS, isLanguage, type Language } from "../../shared/schema/language.ts";
import {
  addRound,
  addTable,
  DEFAULT_DOTS_PER_TABLE,
  extendTimer,
  IDLE_TIMER,
  initMeta,
  isRevealed,
  MAX_DOTS_PER_TABLE,
  metaParts,
  pauseTimer,
  readMeta,
  renameRound,
  renameTable,
  resumeTimer,
  SCHEMA_VERSION,
  setActiveRound,
  setDotsPerTable,
  setRevealed,
  setTimer,
  setVotingOpen,
  setWritingOpen,
  startTimer,
  type Timer,
  timerRemainingMs,
  timerStatus,
  type WorkshopSetup,
} from "../../shared/schema/meta.ts";

const R1 = "round-1" as RoundId;
const R2 = "round-2" as RoundId;
const T1 = "table-1" as TableId;
const T2 = "table-2" as TableId;

const SETUP: WorkshopSetup = {
  title: "Praktikerdialog: Män, maskulinitet och våldsbejakande extremism",
  language: "sv",
  createdAt: 1_707_206_400_000,
  rounds: [
    { id: R1, title: "Hur kan samverkan inom kommunen stärkas?" },
    {
      id: R2,
      title: "Hur kan kunskapen få fotfäste?",
      prompts: ["Vad hindrar?", { id: "p-x" as PromptId, label: "Vad hjälper?" }],
    },
  ],
  tables: [
    { id: T1, name: "Bord 1" },
    { id: T2, name: "Bord 2" },
  ],
  perspectives: [{ id: "socialtjanst" as PerspectiveId, label: "Socialtjänst" }],
  dotsPerTable: 5,
  followUpOf: "earlier-workshop" as WorkshopId,
};

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function metaDoc(setup: WorkshopSetup = SETUP): Y.Doc {
  const doc = new Y.Doc();
  initMeta(doc, setup);
  return doc;
}

describe("language", () => {
  it.each([
    ["sv", true],
    ["en", true],
    ["fr", false],
    ["SV", false],
    [null, false],
    [1, false],
  ])("isLanguage(%j) is %s", (value, expected) => {
    expect(isLanguage(value)).toBe(expected);
  });
});

describe("initMeta and readMeta", () => {
  it("writes the whole setup and reads it back as plain data", () => {
    const state = readMeta(metaDoc());
    expect(state).toMatchObject({
      schemaVersion: SCHEMA_VERSION,
      title: SETUP.title,
      language: "sv",
      createdAt: SETUP.createdAt,
      activeRoundId: R1,
      writingOpen: true,
      revealed: false,
      timer: { endsAt: null, remainingMs: null },
      dotsPerTable: 5,
      votingOpen: false,
      followUpOf: "earlier-workshop",
      tables: [
        { id: T1, name: "Bord 1" },
        { id: T2, name: "Bord 2" },
      ],
      perspectives: [{ id: "socialtjanst", label: "Socialtjänst" }],
    });
    expect(state.rounds.map((r) => r.prompts.map((p) => p.label))).toEqual([
      ["Hur ser det ut i dag?", "Hur kan vi nå förändring?"],
      ["Vad hindrar?", "Vad hjälper?"],
    ]);
    expect(state.rounds[1]?.prompts[1]?.id).toBe("p-x");
    // Plain data: nothing from Yjs leaks into what React and the export see.
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it.each<[Language, readonly string[]]>([
    ["sv", DEFAULT_PROMPTS.sv],
    ["en", ["How does it look today?", "How can we reach change?"]],
  ])("gives rounds without prompts the %s defaults, with distinct ids", (language, labels) => {
    const state = initMeta(new Y.Doc(), { ...SETUP, language, rounds: [{ title: "A", prompts: [] }] });
    const prompts = state.rounds[0]?.prompts ?? [];
    expect(prompts.map((p) => p.label)).toEqual(labels);
    expect(new Set(prompts.map((p) => p.id)).size).toBe(2);
  });

  it("generates ids where the setup has none and returns them", () => {
    const state = initMeta(new Y.Doc(), {
      title: "x",
      language: "en",
      createdAt: 0,
      rounds: [{ title: "A" }],
      tables: [{ name: "One" }],
      perspectives: [{ label: "Police" }],
    });
    expect(state.activeRoundId).toBe(state.rounds[0]?.id);
    expect(state.tables[0]?.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(state.perspectives[0]?.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(state.dotsPerTable).toBe(DEFAULT_DOTS_PER_TABLE);
    expect(state.followUpOf).toBeNull();
  });

  it("writes in one transaction and refuses to initialise twice", () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on("update", () => updates++);
    initMeta(doc, SETUP);
    expect(updates).toBe(1);
    expect(() => initMeta(doc, SETUP)).toThrow(/already/);
    expect(readMeta(doc).rounds).toHaveLength(2);
  });

  it("survives a round trip through an update, Swedish letters included", () => {
    const original = metaDoc();
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(original));
    expect(readMeta(copy)).toEqual(readMeta(original));
    expect(readMeta(copy).title).toContain("Män, maskulinitet och våldsbejakande");
  });
});

describe("readMeta on missing or garbled data", () => {
  it("gives defaults for an empty document", () => {
    expect(readMeta(new Y.Doc())).toEqual({
      schemaVersion: 0,
      title: "",
      language: "sv",
      createdAt: 0,
      activeRoundId: null,
      writingOpen: false,
      revealed: false,
      timer: IDLE_TIMER,
      dotsPerTable: DEFAULT_DOTS_PER_TABLE,
      votingOpen: false,
      followUpOf: null,
      rounds: [],
      tables: [],
      perspectives: [],
    });
  });

  it.each<[string, unknown, string, unknown]>([
    ["schemaVersion", "1", "schemaVersion", 0],
    ["title", 42, "title", ""],
    ["language", "fr", "language", "sv"],
    ["createdAt", "yesterday", "createdAt", 0],
    ["createdAt", Number.NaN, "createdAt", 0],
    ["activeRoundId", "no-such-round", "activeRoundId", null],
    ["activeRoundId", 7, "activeRoundId", null],
    ["writingOpen", "yes", "writingOpen", false],
    ["revealed", 1, "revealed", false],
    ["revealed", "true", "revealed", false],
    ["timer", "soon", "timer", IDLE_TIMER],
    ["timer", [1, 2], "timer", IDLE_TIMER],
    ["timer", { endsAt: "x", remainingMs: 5000 }, "timer", { endsAt: null, remainingMs: 5000 }],
    ["timer", { endsAt: 9, remainingMs: 5000 }, "timer", { endsAt: 9, remainingMs: null }],
    ["timer", { remainingMs: -5 }, "timer", { endsAt: null, remainingMs: 0 }],
    ["dotsPerTable", -1, "dotsPerTable", DEFAULT_DOTS_PER_TABLE],
    ["dotsPerTable", 1.5, "dotsPerTable", DEFAULT_DOTS_PER_TABLE],
    ["dotsPerTable", 1e9, "dotsPerTable", DEFAULT_DOTS_PER_TABLE],
    ["followUpOf", "../../etc", "followUpOf", null],
    ["votingOpen", "true", "votingOpen", false],
    ["votingOpen", 1, "votingOpen", false],
    ["votingOpen", null, "votingOpen", false],
    ["votingOpen", { open: true }, "votingOpen", false],
  ])("workshop.%s = %j reads as %s %j", (key, junk, field, expected) => {
    const doc = metaDoc();
    metaParts(doc).workshop.set(key, junk);
    expect(readMeta(doc)).toHaveProperty([field], expected);
  });

  it("skips unreadable rounds, tables and perspectives and keeps the first of duplicate ids", () => {
    const doc = metaDoc();
    const { rounds, tables, perspectives } = metaParts(doc);
    doc.transact(() => {
      const noId = new Y.Map<unknown>();
      const dup = new Y.Map<unknown>();
      const badPrompts = new Y.Map<unknown>();
      rounds.push(["a string", 12, noId, dup, badPrompts]);
      dup.set("id", R1);
      dup.set("title", "impostor");
      badPrompts.set("id", "r-bad");
      badPrompts.set("title", 3);
      badPrompts.set("prompts", ["x", { id: "ok", label: 5 }, { id: "no good", label: "y" }, null]);
      tables.push([{ id: "plain", name: "not a Y.Map" }]);
      perspectives.push([{ id: "p1" }, { label: "no id" }, "junk", { id: "socialtjanst", label: "dup" }]);
    });
    const state = readMeta(doc);
    expect(state.rounds.map((r) => [r.id, r.title])).toEqual([
      [R1, SETUP.rounds[0]?.title],
      [R2, SETUP.rounds[1]?.title],
      ["r-bad", ""],
    ]);
    expect(state.rounds[2]?.prompts).toEqual([{ id: "ok", label: "" }]);
    expect(state.tables.map((t) => t.id)).toEqual([T1, T2]);
    expect(state.perspectives).toEqual([
      { id: "socialtjanst", label: "Socialtjänst" },
      { id: "p1", label: "" },
    ]);
  });
});

describe("setters", () => {
  it("switches rounds only to rounds that exist", () => {
    const doc = metaDoc();
    expect(setActiveRound(doc, R2)).toBe(true);
    expect(readMeta(doc).activeRoundId).toBe(R2);
    expect(setActiveRound(doc, "nope" as RoundId)).toBe(false);
    expect(readMeta(doc).activeRoundId).toBe(R2);
    expect(setActiveRound(doc, null)).toBe(true);
    expect(readMeta(doc).activeRoundId).toBeNull();
  });

  it("opens and closes writing and reveal; isRevealed wants a literal true", () => {
    const doc = metaDoc();
    setWritingOpen(doc, false);
    setRevealed(doc, true);
    expect(readMeta(doc)).toMatchObject({ writingOpen: false, revealed: true });
    expect(isRevealed(doc)).toBe(true);
    setRevealed(doc, false);
    expect(isRevealed(doc)).toBe(false);
    metaParts(doc).workshop.set("revealed", "true");
    expect(isRevealed(doc)).toBe(false);
    expect(isRevealed(new Y.Doc())).toBe(false);
  });

  it("adds and renames tables and rounds", () => {
    const doc = metaDoc({ ...SETUP, language: "en" });
    const t3 = addTable(doc, { name: "Bord 3" });
    expect(renameTable(doc, T1, "Bord ett")).toBe(true);
    expect(renameTable(doc, "missing" as TableId, "x")).toBe(false);
    expect(() => addTable(doc, { id: T2, name: "again" })).toThrow(/exists/);
    const r3 = addRound(doc, { title: "Round three" });
    expect(renameRound(doc, r3, "Runda tre")).toBe(true);
    expect(renameRound(doc, "missing" as RoundId, "x")).toBe(false);
    const state = readMeta(doc);
    expect(state.tables.map((t) => [t.id, t.name])).toEqual([
      [T1, "Bord ett"],
      [T2, "Bord 2"],
      [t3, "Bord 3"],
    ]);
    expect(state.rounds.at(-1)).toMatchObject({ id: r3, title: "Runda tre" });
    expect(state.rounds.at(-1)?.prompts.map((p) => p.label)).toEqual([...DEFAULT_PROMPTS.en]);
  });

  it("opens and closes voting, closed by default and for an older workshop without the field", () => {
    const doc = metaDoc();
    expect(metaParts(doc).workshop.get("votingOpen")).toBe(false);
    expect(readMeta(doc).votingOpen).toBe(false);
    setVotingOpen(doc, true);
    expect(readMeta(doc).votingOpen).toBe(true);
    expect(metaParts(doc).workshop.get("votingOpen")).toBe(true);
    setVotingOpen(doc, false);
    expect(readMeta(doc).votingOpen).toBe(false);
    metaParts(doc).workshop.delete("votingOpen");
    expect(readMeta(doc).votingOpen).toBe(false);
  });

  it("sends voting to another peer as one update", () => {
    const a = metaDoc();
    const b = new Y.Doc();
    sync(a, b);
    let updates = 0;
    a.on("update", () => updates++);
    setVotingOpen(a, true);
    expect(updates).toBe(1);
    sync(a, b);
    expect(readMeta(b).votingOpen).toBe(true);
  });

  it.each([
    [4, 4],
    [2.6, 3],
    [-3, 0],
    [1000, MAX_DOTS_PER_TABLE],
    [Number.NaN, DEFAULT_DOTS_PER_TABLE],
  ])("setDotsPerTable(%d) stores %d", (dots, stored) => {
    const doc = metaDoc();
    setDotsPerTable(doc, dots);
    expect(readMeta(doc).dotsPerTable).toBe(stored);
  });

  it("stores timers as plain values and normalises bad ones", () => {
    const doc = metaDoc();
    setTimer(doc, startTimer(1000, 60_000));
    expect(readMeta(doc).timer).toEqual({ endsAt: 61_000, remainingMs: null });
    setTimer(doc, { endsAt: Number.NaN, remainingMs: 5 });
    expect(readMeta(doc).timer).toEqual({ endsAt: null, remainingMs: 5 });
  });

  it("converges when two facilitators change the same field at once", () => {
    const a = metaDoc();
    const b = new Y.Doc();
    sync(a, b);
    setActiveRound(a, R2);
    setActiveRound(b, null);
    setRevealed(a, true);
    sync(a, b);
    expect(readMeta(a)).toEqual(readMeta(b));
    expect(readMeta(a).revealed).toBe(true);
  });
});

describe("timer values", () => {
  const now = 100_000;
  const running: Timer = { endsAt: now + 30_000, remainingMs: null };
  const expired: Timer = { endsAt: now - 5_000, remainingMs: null };
  const paused: Timer = { endsAt: null, remainingMs: 20_000 };

  it.each<[string, Timer, Timer]>([
    ["start", startTimer(now, 60_000), { endsAt: now + 60_000, remainingMs: null }],
    ["start with a negative duration", startTimer(now, -5), { endsAt: now, remainingMs: null }],
    ["pause running", pauseTimer(running, now), { endsAt: null, remainingMs: 30_000 }],
    ["pause expired", pauseTimer(expired, now), { endsAt: null, remainingMs: 0 }],
    ["pause paused", pauseTimer(paused, now), paused],
    ["pause idle", pauseTimer(IDLE_TIMER, now), IDLE_TIMER],
    ["resume paused", resumeTimer(paused, now), { endsAt: now + 20_000, remainingMs: null }],
    ["resume running", resumeTimer(running, now), running],
    ["resume idle", resumeTimer(IDLE_TIMER, now), IDLE_TIMER],
    ["extend running", extendTimer(running, now, 120_000), { endsAt: now + 150_000, remainingMs: null }],
    ["extend expired", extendTimer(expired, now, 120_000), { endsAt: now + 120_000, remainingMs: null }],
    ["shorten running", extendTimer(running, now, -60_000), { endsAt: now, remainingMs: null }],
    ["extend paused", extendTimer(paused, now, 60_000), { endsAt: null, remainingMs: 80_000 }],
    ["shorten paused", extendTimer(paused, now, -60_000), { endsAt: null, remainingMs: 0 }],
    ["extend idle", extendTimer(IDLE_TIMER, now, 60_000), { endsAt: now + 60_000, remainingMs: null }],
    ["shorten idle", extendTimer(IDLE_TIMER, now, -60_000), IDLE_TIMER],
  ])("%s", (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it.each<[string, Timer, ReturnType<typeof timerStatus>, number | null]>([
    ["running", running, "running", 30_000],
    ["expired", expired, "expired", 0],
    ["paused", paused, "paused", 20_000],
    ["idle", IDLE_TIMER, "idle", null],
  ])("%s: status and remaining time", (_name, timer, status, remaining) => {
    expect(timerStatus(timer, now)).toBe(status);
    expect(timerRemainingMs(timer, now)).toBe(remaining);
  });
});
