import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { encodeRecords, HEADER_BYTES, type LoggedUpdate } from "../../server/store/appendLog.ts";
import { DataDirInUseError } from "../../server/store/dataDirLock.ts";
import { MAX_ROWS_PER_MOVE } from "../../server/store/loggedAppends.ts";
import { hasPendingUpdates, replayUpdates } from "../../server/store/replay.ts";
import { APPEND_LOG_SUFFIX, openSqliteStore, type SqliteStore } from "../../server/store/sqlite.ts";
import { migrate, SCHEMA_VERSION } from "../../server/store/sqliteSchema.ts";
import { type NewWorkshop, StoreConflictError, type TokenRecord } from "../../server/store/store.ts";
import { asId, type TableId, type WorkshopId } from "../../shared/ids.ts";
import {
  leaveInAppendLog,
  movedGeneration as movedGenerationOf,
  readNumber as readStoreNumber,
} from "../helpers/appendLog.ts";
import { eventually } from "../helpers/eventually.ts";
import { mulberry32 } from "../helpers/random.ts";

const wid = (id: string): WorkshopId => asId<"WorkshopId">(id);
const tid = (id: string): TableId => asId<"TableId">(id);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function workshop(id: string, codes: readonly string[] = [], extra: Partial<NewWorkshop> = {}): NewWorkshop {
  const workshopId = wid(id);
  return {
    id: workshopId,
    createdAt: 1_000,
    tables: codes.map((joinCode, i) => ({ id: tid(`t${i + 1}`), name: `Bord ${i + 1}`, joinCode })),
    tokens: [{ hash: `${id}-facilitator`, principal: { role: "facilitator", workshopId }, createdAt: 1_000 }],
    docs: [{ name: `${id}/meta`, update: bytes(`${id} meta setup`) }],
    ...extra,
  };
}

/** A Y.Doc whose updates are collected, as the relay would receive them one by one. */
function recordingDoc(): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

function addNote(doc: Y.Doc, noteId: string, text: string): void {
  doc.transact(() => {
    const note = new Y.Map<unknown>();
    const content = new Y.Text();
    content.insert(0, text);
    note.set("text", content);
    doc.getMap("notes").set(noteId, note);
  });
}

function noteText(doc: Y.Doc, noteId: string): string | undefined {
  const note = doc.getMap<Y.Map<unknown>>("notes").get(noteId);
  const text = note?.get("text");
  return text instanceof Y.Text ? text.toString() : undefined;
}

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "samla-"));
  // As the server opens it: appends go through the append log.
  store = openSqliteStore({ dataDir: dir, appendLog: true });
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SqliteStore documents", () => {
  it("keeps each document's updates in append order across many interleaved documents", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.createWorkshop(workshop("w1_", [], { docs: [] }));
    const names = ["w1/meta", "w1/synthesis", "w1/table/a", "w1/table/ab", "w1/table/a_", "w1_/meta"];
    const expected = new Map<string, Uint8Array[]>(names.map((name) => [name, []]));
    const random = mulberry32(42);
    let counter = 0;
    for (let round = 0; round < 400; round++) {
      const name = names[Math.floor(random() * names.length)]!;
      const batch = Array.from({ length: 1 + Math.floor(random() * 4) }, () => bytes(`${name}#${counter++}`));
      await store.appendUpdates(name, batch);
      expected.get(name)!.push(...batch);
    }
    for (const [name, updates] of expected) {
      expect(await store.loadDoc(name)).toEqual(updates);
      expect(await store.logLength(name)).toBe(updates.length);
    }
    expect(await store.loadDoc("w1/table/nothing")).toEqual([]);
  });

  it("never mixes documents whose names share a prefix", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const a = recordingDoc();
    const ab = recordingDoc();
    addNote(a.doc, "n1", "a1");
    await store.appendUpdates("w1/table/a", a.updates.splice(0));
    addNote(ab.doc, "n1", "ab1");
    addNote(ab.doc, "n2", "ab2");
    await store.appendUpdates("w1/table/ab", ab.updates.splice(0));
    addNote(a.doc, "n2", "a2");
    addNote(a.doc, "n3", "a3");
    const aLater = a.updates.splice(0);
    await store.appendUpdates("w1/table/a", aLater);
    await store.compactDoc("w1/table/ab");

    const aLoaded = await store.loadDoc("w1/table/a");
    expect(aLoaded).toHaveLength(3);
    expect(aLoaded.slice(1)).toEqual(aLater);
    expect(replayUpdates(aLoaded).getMap("notes").size).toBe(3);
    const abLoaded = await store.loadDoc("w1/table/ab");
    expect(abLoaded).toHaveLength(1);
    const abDoc = replayUpdates(abLoaded);
    expect([...abDoc.getMap("notes").keys()].sort()).toEqual(["n1", "n2"]);
    expect(noteText(abDoc, "n1")).toBe("ab1");
    expect(await store.logLength("w1/table/a")).toBe(3);
  });

  it("rolls back a compaction that cannot replay its updates", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const garbage = [bytes("not"), bytes("yjs")];
    await store.appendUpdates("w1/meta", garbage);
    await expect(store.compactDoc("w1/meta")).rejects.toThrow();
    expect(await store.loadDoc("w1/meta")).toEqual(garbage);
  });

  it("appends an empty batch as a no-op and rejects names that are not document names", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.appendUpdates("w1/meta", []);
    expect(await store.loadDoc("w1/meta")).toEqual([]);
    await expect(store.appendUpdates("no-slash", [bytes("x")])).rejects.toThrow(/not a document name/);
    await expect(store.appendUpdates("/meta", [bytes("x")])).rejects.toThrow(/not a document name/);
  });

  it("refuses updates for a workshop that does not exist", async () => {
    await expect(store.appendUpdates("ghost/meta", [bytes("x")])).rejects.toThrow(/no such workshop/);
    expect(await store.loadDoc("ghost/meta")).toEqual([]);
  });

  it("compacts random text edits into one snapshot with the same content", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const name = "w1/table/t1";
    const { doc, updates } = recordingDoc();
    const text = doc.getText("text");
    const random = mulberry32(7);
    const alphabet = "abcåäö ÅÄÖ xyz\n";
    for (let i = 0; i < 1500; i++) {
      if (text.length > 0 && random() < 0.3) {
        const at = Math.floor(random() * text.length);
        text.delete(at, Math.min(1 + Math.floor(random() * 5), text.length - at));
      } else {
        const at = Math.floor(random() * (text.length + 1));
        const length = 1 + Math.floor(random() * 4);
        let chunk = "";
        for (let c = 0; c < length; c++) chunk += alphabet[Math.floor(random() * alphabet.length)];
        text.insert(at, chunk);
      }
    }
    doc.getMap("notes").set("n1", "a map entry too");
    // Batches of random size, as the relay would flush them.
    for (let i = 0; i < updates.length; ) {
      const size = 1 + Math.floor(random() * 20);
      await store.appendUpdates(name, updates.slice(i, i + size));
      i += size;
    }

    const uncompacted = replayUpdates(await store.loadDoc(name));
    expect(uncompacted.getText("text").toString()).toBe(text.toString());
    expect(await store.logLength(name)).toBe(updates.length);

    await store.compactDoc(name);
    const loaded = await store.loadDoc(name);
    expect(loaded).toHaveLength(1);
    expect(await store.logLength(name)).toBe(0);
    const compacted = replayUpdates(loaded);
    expect(compacted.getText("text").toString()).toBe(text.toString());
    expect(compacted.getText("text").toString()).toBe(uncompacted.getText("text").toString());
    expect(compacted.getMap("notes").get("n1")).toBe("a map entry too");
    expect(Y.encodeStateVector(compacted)).toEqual(Y.encodeStateVector(doc));
    expect(hasPendingUpdates(compacted)).toBe(false);

    // Compacting again with nothing new changes nothing.
    await store.compactDoc(name);
    expect(await store.loadDoc(name)).toEqual(loaded);
  });

  it("keeps updates appended after compaction after the snapshot, and compacts them in later", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const name = "w1/synthesis";
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 50; i++) addNote(doc, `n${i}`, `anteckning ${i}`);
    await store.appendUpdates(name, updates.splice(0));
    await store.compactDoc(name);

    for (let i = 50; i < 60; i++) addNote(doc, `n${i}`, `anteckning ${i}`);
    const later = updates.splice(0);
    await store.appendUpdates(name, later);
    const loaded = await store.loadDoc(name);
    expect(loaded).toHaveLength(1 + later.length);
    expect(loaded.slice(1)).toEqual(later);
    expect(await store.logLength(name)).toBe(later.length);
    const replayed = replayUpdates(loaded);
    expect(noteText(replayed, "n0")).toBe("anteckning 0");
    expect(noteText(replayed, "n59")).toBe("anteckning 59");

    await store.compactDoc(name);
    const recompacted = await store.loadDoc(name);
    expect(recompacted).toHaveLength(1);
    expect(replayUpdates(recompacted).getMap("notes").size).toBe(60);
  });

  it("compacts to a state it is given (the loaded document's), keeping later appends after it", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const name = "w1/synthesis";
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 20; i++) addNote(doc, `n${i}`, `anteckning ${i}`);
    await store.appendUpdates(name, updates.splice(0, 10));
    // Not awaited: compacting flushes pending appends first, so these are folded in too.
    const pending = store.appendUpdates(name, updates.splice(0));
    const state = Y.encodeStateAsUpdate(doc);
    await store.compactDoc(name, state);
    await pending;
    expect(await store.loadDoc(name)).toEqual([state]);
    expect(await store.logLength(name)).toBe(0);

    addNote(doc, "n20", "anteckning 20");
    const later = updates.splice(0);
    await store.appendUpdates(name, later);
    expect(await store.loadDoc(name)).toEqual([state, ...later]);
    // Nothing logged after the snapshot: nothing to do, whatever state is given.
    await store.compactDoc(name, Y.encodeStateAsUpdate(doc));
    await store.compactDoc(name, Y.encodeStateAsUpdate(doc));
    const again = await store.loadDoc(name);
    expect(again).toHaveLength(1);
    expect(replayUpdates(again).getMap("notes").size).toBe(21);
    await store.compactDoc(name, bytes("never written"));
    expect(await store.loadDoc(name)).toEqual(again);
  });

  it("leaves an empty or single-update document as it is", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.compactDoc("w1/meta");
    expect(await store.loadDoc("w1/meta")).toEqual([]);
    await store.appendUpdates("w1/meta", [bytes("only")]);
    await store.compactDoc("w1/meta");
    expect(await store.loadDoc("w1/meta")).toEqual([bytes("only")]);
    expect(await store.logLength("w1/meta")).toBe(1);
  });
});

describe("SqliteStore workshops, tables and tokens", () => {
  it("creates a workshop with its tables, tokens and first document updates", async () => {
    const w = workshop("w1", ["ABCD", "EFGH"]);
    await store.createWorkshop(w);
    expect(await store.getWorkshop(w.id)).toEqual({ id: "w1", createdAt: 1_000, lastActivityAt: 1_000 });
    expect(await store.listTables(w.id)).toEqual(w.tables);
    expect(await store.getTable(w.id, tid("t2"))).toEqual(w.tables[1]);
    expect(await store.getTable(w.id, tid("t9"))).toBeNull();
    expect(await store.findJoinCode("EFGH")).toEqual({ workshopId: "w1", tableId: "t2" });
    expect(await store.findJoinCode("efgh")).toBeNull();
    expect(await store.loadDoc("w1/meta")).toEqual([bytes("w1 meta setup")]);
    expect(await store.getWorkshop(wid("nope"))).toBeNull();
    expect(await store.isDeleted(w.id)).toBe(false);
  });

  it("creates nothing at all when a join code is already taken", async () => {
    await store.createWorkshop(workshop("w1", ["ABCD"]));
    const w2 = workshop("w2", ["WXYZ", "ABCD"], {
      tokens: [
        { hash: "w2-screen", principal: { role: "screen", workshopId: wid("w2") }, createdAt: 1 },
        {
          hash: "w2-table",
          principal: { role: "table", workshopId: wid("w2"), tableId: tid("t1") },
          createdAt: 1,
        },
      ],
      docs: [
        { name: "w2/meta", update: bytes("meta") },
        { name: "w2/synthesis", update: bytes("synthesis") },
      ],
    });
    await expect(store.createWorkshop(w2)).rejects.toBeInstanceOf(StoreConflictError);
    expect(await store.getWorkshop(w2.id)).toBeNull();
    expect(await store.listTables(w2.id)).toEqual([]);
    expect(await store.findJoinCode("WXYZ")).toBeNull();
    expect(await store.findJoinCode("ABCD")).toEqual({ workshopId: "w1", tableId: "t1" });
    expect(await store.findToken("w2-screen")).toBeNull();
    expect(await store.findToken("w2-table")).toBeNull();
    expect(await store.loadDoc("w2/meta")).toEqual([]);
    expect(await store.loadDoc("w2/synthesis")).toEqual([]);
    expect(countRows(path.join(dir, "samla.db"), "w2")).toBe(0);
  });

  it("refuses a duplicate workshop id and a document of another workshop", async () => {
    await store.createWorkshop(workshop("w1"));
    await expect(store.createWorkshop(workshop("w1", ["QQQQ"]))).rejects.toBeInstanceOf(StoreConflictError);
    expect(await store.findJoinCode("QQQQ")).toBeNull();
    const foreign = workshop("w2", [], { docs: [{ name: "w1/meta", update: bytes("sneaky") }] });
    await expect(store.createWorkshop(foreign)).rejects.toThrow(/does not belong/);
    expect(await store.getWorkshop(wid("w2"))).toBeNull();
    expect(await store.loadDoc("w1/meta")).toEqual([bytes("w1 meta setup")]);
  });

  it("adds tables after the existing ones and refuses a taken join code", async () => {
    await store.createWorkshop(workshop("w1", ["AAAA"]));
    await store.createWorkshop(workshop("w2", ["BBBB"]));
    await store.addTable(wid("w1"), { id: tid("t9"), name: "Bord nio", joinCode: "CCCC" });
    await store.addTable(wid("w1"), { id: tid("t0"), name: "Bord noll", joinCode: "DDDD" });
    expect((await store.listTables(wid("w1"))).map((t) => t.id)).toEqual(["t1", "t9", "t0"]);
    await expect(
      store.addTable(wid("w1"), { id: tid("t5"), name: "x", joinCode: "BBBB" }),
    ).rejects.toBeInstanceOf(StoreConflictError);
    await expect(
      store.addTable(wid("w1"), { id: tid("t9"), name: "x", joinCode: "EEEE" }),
    ).rejects.toBeInstanceOf(StoreConflictError);
    await expect(
      store.addTable(wid("ghost"), { id: tid("t1"), name: "x", joinCode: "FFFF" }),
    ).rejects.toThrow(/no such workshop/);
    expect(await store.findJoinCode("FFFF")).toBeNull();
  });

  it("only moves last activity forward", async () => {
    await store.createWorkshop(workshop("w1"));
    await store.touchWorkshop(wid("w1"), 5_000);
    await store.touchWorkshop(wid("w1"), 4_000);
    expect((await store.getWorkshop(wid("w1")))?.lastActivityAt).toBe(5_000);
    await store.touchWorkshop(wid("ghost"), 5_000);
  });

  it("round-trips tokens of every role", async () => {
    const w = wid("w1");
    await store.createWorkshop(workshop("w1", ["ABCD"]));
    const tokens: TokenRecord[] = [
      { hash: "h-screen", principal: { role: "screen", workshopId: w }, createdAt: 2 },
      { hash: "h-table", principal: { role: "table", workshopId: w, tableId: tid("t1") }, createdAt: 3 },
    ];
    for (const token of tokens) await store.addToken(token);
    expect(await store.findToken("w1-facilitator")).toEqual({ role: "facilitator", workshopId: "w1" });
    expect(await store.findToken("h-screen")).toEqual({ role: "screen", workshopId: "w1" });
    expect(await store.findToken("h-table")).toEqual({ role: "table", workshopId: "w1", tableId: "t1" });
    expect(await store.findToken("unknown")).toBeNull();

    await expect(store.addToken(tokens[0]!)).rejects.toBeInstanceOf(StoreConflictError);
    await expect(
      store.addToken({
        hash: "h-x",
        principal: { role: "table", workshopId: w, tableId: tid("t7") },
        createdAt: 1,
      }),
    ).rejects.toThrow(/no such workshop or table/);
    await expect(
      store.addToken({ hash: "h-y", principal: { role: "screen", workshopId: wid("ghost") }, createdAt: 1 }),
    ).rejects.toThrow(/no such workshop/);
  });

  it("treats a corrupt token row as no token", async () => {
    await store.createWorkshop(workshop("w1", ["ABCD"]));
    const raw = new Database(path.join(dir, "samla.db"));
    try {
      // Bypasses the CHECK constraints to plant rows the store itself can never write.
      raw.pragma("ignore_check_constraints = ON");
      const insert = raw.prepare(
        "INSERT INTO tokens (hash, workshop_id, role, table_id, created_at) VALUES (?, ?, ?, ?, 0)",
      );
      insert.run("no-table", "w1", "table", null);
      insert.run("odd-role", "w1", "admin", null);
      insert.run("screen-with-table", "w1", "screen", "t1");
    } finally {
      raw.close();
    }
    expect(await store.findToken("no-table")).toBeNull();
    expect(await store.findToken("odd-role")).toBeNull();
    expect(await store.findToken("screen-with-table")).toBeNull();
  });
});

/** Rows that mention the workshop, in every table that has a workshop_id column (plus workshops). */
function countRows(file: string, workshopId: string): number {
  const raw = new Database(file, { readonly: true });
  try {
    const tables = raw
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all();
    let total = 0;
    for (const table of tables) {
      const columns = raw.pragma(`table_info(${table})`) as { name: string }[];
      const column =
        table === "workshops" ? "id" : columns.some((c) => c.name === "workshop_id") ? "workshop_id" : null;
      if (column === null || table === "deleted_workshops") continue;
      total += raw
        .prepare<[string], number>(`SELECT count(*) FROM ${table} WHERE ${column} = ?`)
        .pluck()
        .get(workshopId)!;
    }
    return total;
  } finally {
    raw.close();
  }
}

describe("SqliteStore group commit", () => {
  it("commits appends requested in one turn together, each refused or kept on its own", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.createWorkshop(workshop("w2", [], { docs: [] }));
    // Requested in one turn, without awaiting: they share one transaction.
    const results = await Promise.allSettled([
      store.appendUpdates("w1/meta", [bytes("a1"), bytes("a2")]),
      store.appendUpdates("ghost/meta", [bytes("lost")]),
      store.appendUpdates("w2/meta", [bytes("b1")]),
      store.appendUpdates("w1/meta", [bytes("a3")]),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/no such workshop/);
    expect(await store.loadDoc("w1/meta")).toEqual([bytes("a1"), bytes("a2"), bytes("a3")]);
    expect(await store.loadDoc("w2/meta")).toEqual([bytes("b1")]);
    expect(await store.loadDoc("ghost/meta")).toEqual([]);
  });

  it("shows an append to a read or compaction requested after it, before the append resolved", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const first = recordingDoc();
    addNote(first.doc, "n1", "hej");
    const appended = store.appendUpdates("w1/table/a", first.updates.splice(0));
    expect(await store.logLength("w1/table/a")).toBe(1);
    const more = store.appendUpdates("w1/table/a", [bytes("second")]);
    expect(await store.loadDoc("w1/table/a")).toHaveLength(2);
    await Promise.all([appended, more]);
  });

  it("writes appends still pending when it closes, and keeps them", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const appended = store.appendUpdates("w1/meta", [bytes("last words")]);
    await store.close();
    await appended;
    store = openSqliteStore({ dataDir: dir });
    expect(await store.loadDoc("w1/meta")).toEqual([bytes("last words")]);
  });

  it("checkpoints the WAL on its worker thread after writes, not on the writing thread", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    for (let i = 0; i < 200; i++) await store.appendUpdates("w1/meta", [new Uint8Array(2_000).fill(i)]);
    // ~100 pages: the main connection would checkpoint by itself only past its 8,000-page backstop.
    const stats = await eventually(() => {
      const current = store.checkpoints;
      expect(current?.runs).toBeGreaterThan(0);
      expect(current?.last).toMatchObject({ ok: true });
      const last = current?.last;
      if (last?.ok !== true) throw new Error("no successful checkpoint yet");
      expect(last.log).toBeGreaterThan(0);
      expect(last.checkpointed).toBe(last.log);
      return current;
    });
    expect(stats?.failures).toBe(0);
  });
});

describe("SqliteStore deletion", () => {
  it("deletes a workshop's every row, leaves a tombstone and retires the id", async () => {
    const w = wid("a_b");
    // "axb" matches LIKE 'a_b/%': deleting a_b must leave it alone.
    await store.createWorkshop(workshop("a_b", ["ABCD", "EFGH"]));
    await store.createWorkshop(workshop("axb", ["IJKL"]));
    await store.addToken({
      hash: "a_b-table",
      principal: { role: "table", workshopId: w, tableId: tid("t1") },
      createdAt: 1,
    });
    for (const name of ["a_b/table/t1", "a_b/synthesis", "axb/table/t1"]) {
      await store.appendUpdates(name, [bytes(`${name} 1`), bytes(`${name} 2`)]);
    }
    await store.compactDoc("a_b/meta");
    await store.appendUpdates("a_b/meta", [bytes("more")]);
    expect(countRows(store.file, "a_b")).toBeGreaterThan(8);
    const before = countRows(store.file, "axb");

    expect(await store.deleteWorkshop(w, 9_000)).toBe(true);
    expect(countRows(store.file, "a_b")).toBe(0);
    expect(countRows(store.file, "axb")).toBe(before);
    expect(await store.isDeleted(w)).toBe(true);
    expect(await store.isDeleted(wid("axb"))).toBe(false);
    expect(await store.getWorkshop(w)).toBeNull();
    expect(await store.findToken("a_b-table")).toBeNull();
    expect(await store.findToken("a_b-facilitator")).toBeNull();
    expect(await store.findJoinCode("ABCD")).toBeNull();
    expect(await store.loadDoc("a_b/table/t1")).toEqual([]);
    expect(await store.loadDoc("axb/table/t1")).toEqual([bytes("axb/table/t1 1"), bytes("axb/table/t1 2")]);

    expect(await store.deleteWorkshop(w, 9_500)).toBe(false);
    expect(await store.deleteWorkshop(wid("never"), 9_500)).toBe(false);
    expect(await store.isDeleted(wid("never"))).toBe(false);
    // The id stays retired: no late update, no new workshop under the same id.
    await expect(store.appendUpdates("a_b/meta", [bytes("late")])).rejects.toThrow(/no such workshop/);
    await expect(store.createWorkshop(workshop("a_b", ["MNOP"]))).rejects.toBeInstanceOf(StoreConflictError);
    expect(await store.findJoinCode("MNOP")).toBeNull();
    // Its join codes are free again.
    await store.addTable(wid("axb"), { id: tid("t2"), name: "Bord 2", joinCode: "ABCD" });
  });

  it("leaves no trace of deleted note text in the database or WAL files", async () => {
    const secret = "HEMLIG-ANTECKNING-åäö";
    const kept = "BEHÅLL-DENNA-ANTECKNING";
    const secretBytes = Buffer.from(secret, "utf8");
    const filesContain = (needle: Buffer): boolean =>
      fs
        .readdirSync(dir)
        .filter((f) => f.startsWith("samla.db"))
        .some((f) => fs.readFileSync(path.join(dir, f)).includes(needle));

    await store.createWorkshop(workshop("w-secret", ["ABCD"]));
    await store.createWorkshop(workshop("w-keep", ["EFGH"]));
    const { doc, updates } = recordingDoc();
    addNote(doc, "n1", secret);
    // Longer than a page: exercises overflow pages too.
    addNote(doc, "n2", `${"lorem ipsum ".repeat(600)}${secret}${" dolor".repeat(600)}`);
    await store.appendUpdates("w-secret/table/t1", updates.splice(0));
    await store.compactDoc("w-secret/table/t1");
    addNote(doc, "n3", secret);
    await store.appendUpdates("w-secret/table/t1", updates.splice(0));
    const other = recordingDoc();
    addNote(other.doc, "n1", kept);
    await store.appendUpdates("w-keep/table/t1", other.updates);

    // The test can fail: the text is on disk before deletion.
    expect(filesContain(secretBytes)).toBe(true);

    expect(await store.deleteWorkshop(wid("w-secret"), 2_000)).toBe(true);
    expect(filesContain(secretBytes)).toBe(false);
    expect(fs.statSync(path.join(dir, "samla.db-wal")).size).toBe(0);
    expect(filesContain(Buffer.from(kept, "utf8"))).toBe(true);
    expect(noteText(replayUpdates(await store.loadDoc("w-keep/table/t1")), "n1")).toBe(kept);

    await store.close();
    expect(filesContain(secretBytes)).toBe(false);
  });
});

describe("SqliteStore lifecycle", () => {
  it("keeps everything across close and reopen", async () => {
    await store.createWorkshop(workshop("w1", ["ABCD"]));
    const { doc, updates } = recordingDoc();
    addNote(doc, "n1", "första");
    addNote(doc, "n0", "nollte");
    await store.appendUpdates("w1/table/t1", updates.splice(0));
    await store.compactDoc("w1/table/t1");
    addNote(doc, "n2", "andra");
    await store.appendUpdates("w1/table/t1", updates.splice(0));
    await store.close();

    store = openSqliteStore({ file: path.join(dir, "samla.db") });
    await store.ping();
    expect(await store.getWorkshop(wid("w1"))).not.toBeNull();
    expect(await store.findJoinCode("ABCD")).toEqual({ workshopId: "w1", tableId: "t1" });
    expect(await store.findToken("w1-facilitator")).toEqual({ role: "facilitator", workshopId: "w1" });
    const replayed = replayUpdates(await store.loadDoc("w1/table/t1"));
    expect(noteText(replayed, "n1")).toBe("första");
    expect(noteText(replayed, "n2")).toBe("andra");
    expect(await store.logLength("w1/table/t1")).toBe(1);
  });

  it("creates the data directory", async () => {
    const nested = path.join(dir, "a", "b");
    const other = openSqliteStore({ dataDir: nested });
    try {
      await other.ping();
      expect(fs.existsSync(path.join(nested, "samla.db"))).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("rejects every call after close, and close is idempotent", async () => {
    await store.createWorkshop(workshop("w1", ["ABCD"]));
    await store.close();
    await store.close();
    const w = wid("w1");
    const calls: (() => Promise<unknown>)[] = [
      () => store.loadDoc("w1/meta"),
      () => store.appendUpdates("w1/meta", [bytes("x")]),
      () => store.logLength("w1/meta"),
      () => store.compactDoc("w1/meta"),
      () => store.createWorkshop(workshop("w2")),
      () => store.getWorkshop(w),
      () => store.isDeleted(w),
      () => store.listTables(w),
      () => store.getTable(w, tid("t1")),
      () => store.addTable(w, { id: tid("t2"), name: "x", joinCode: "EFGH" }),
      () => store.findJoinCode("ABCD"),
      () => store.touchWorkshop(w, 1),
      () => store.deleteWorkshop(w, 1),
      () => store.addToken({ hash: "h", principal: { role: "screen", workshopId: w }, createdAt: 1 }),
      () => store.findToken("w1-facilitator"),
      () => store.ping(),
    ];
    for (const call of calls) await expect(call()).rejects.toThrow(/is closed/);
  });

  it("upgrades a version 1 log (one rowid sequence for all documents) without losing or reordering a row", async () => {
    await store.close();
    const file = path.join(dir, "v1", "samla.db");
    fs.mkdirSync(path.dirname(file));
    const raw = new Database(file);
    raw.pragma("journal_mode = WAL");
    migrate(raw, 1);
    raw.prepare("INSERT INTO workshops (id, created_at, last_activity_at) VALUES ('w1', 1, 1)").run();
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 6; i++) addNote(doc, `n${i}`, `anteckning ${i}`);
    const insert = raw.prepare("INSERT INTO doc_log (doc, workshop_id, data) VALUES (?, 'w1', ?)");
    // Two documents interleaved, so each one's seqs have gaps, as version 1 wrote them.
    updates.forEach((update, i) => {
      insert.run("w1/synthesis", update);
      insert.run("w1/meta", bytes(`meta ${i}`));
    });
    // A snapshot of the first two updates, whose rows a compaction deleted.
    const [first, second, ...rest] = updates;
    if (first === undefined || second === undefined) throw new Error("no updates");
    raw
      .prepare(
        "INSERT INTO doc_snapshot (doc, workshop_id, data, through_seq) VALUES ('w1/synthesis', 'w1', ?, 3)",
      )
      .run(Y.mergeUpdates([first, second]));
    raw.prepare("DELETE FROM doc_log WHERE doc = 'w1/synthesis' AND seq <= 3").run();
    // Compaction had also deleted the newest rows of the meta: the next seq must pass them.
    raw.prepare("DELETE FROM doc_log WHERE doc = 'w1/meta' AND seq >= 10").run();
    raw.close();

    store = openSqliteStore({ file });
    expect(await store.loadDoc("w1/synthesis")).toEqual([Y.mergeUpdates([first, second]), ...rest]);
    expect(await store.loadDoc("w1/meta")).toEqual([0, 1, 2, 3].map((i) => bytes(`meta ${i}`)));
    await store.appendUpdates("w1/meta", [bytes("meta after")]);
    await store.appendUpdates("w1/synthesis", [bytes("synthesis after")]);
    expect((await store.loadDoc("w1/meta")).at(-1)).toEqual(bytes("meta after"));
    expect((await store.loadDoc("w1/synthesis")).at(-1)).toEqual(bytes("synthesis after"));
    await store.close();
    const check = new Database(file);
    expect(check.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const seqs = check.prepare("SELECT seq FROM doc_log WHERE doc = 'w1/meta' ORDER BY seq").pluck().all();
    expect(seqs).toEqual([2, 4, 6, 8, 9]);
    check.close();
    store = openSqliteStore({ file });
  });

  it("refuses a database from a newer schema version", async () => {
    await store.close();
    const raw = new Database(path.join(dir, "samla.db"));
    raw.pragma("user_version = 999");
    raw.close();
    expect(() => openSqliteStore({ dataDir: dir })).toThrow(/newer than this Samla understands/);
    store = openSqliteStore({ file: path.join(dir, "fresh", "samla.db") });
  });
});

describe("SqliteStore append log", () => {
  const logFile = (): string => `${store.file}${APPEND_LOG_SUFFIX}`;
  const readNumber = (sql: string): number => readStoreNumber(store.file, sql);
  const movedGeneration = (): number => movedGenerationOf(store.file);
  const leaveInLog = (generation: number, records: LoggedUpdate[]): void =>
    leaveInAppendLog(store.file, records, generation);

  it("moves appends into SQLite within moments, and empties the log", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.appendUpdates("w1/table/t1", [bytes("a"), bytes("b")]);
    // Durable in the append log before SQLite has it.
    expect(fs.statSync(logFile()).size).toBeGreaterThan(HEADER_BYTES);
    await eventually(() => expect(fs.statSync(logFile()).size).toBe(HEADER_BYTES));
    expect(readNumber("SELECT count(*) FROM doc_log WHERE doc = 'w1/table/t1'")).toBe(2);
  });

  it("moves at the next turn, not after the delay, once a move would carry MAX_ROWS_PER_MOVE rows", async () => {
    await store.close();
    // A delay no test waits for: only the row cap can move these.
    store = openSqliteStore({ dataDir: dir, appendLog: true, moveDelayMs: 600_000 });
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    const rowsInSqlite = (): number => readNumber("SELECT count(*) FROM doc_log WHERE doc = 'w1/table/t1'");
    const few = Array.from({ length: MAX_ROWS_PER_MOVE - 1 }, (_, i) => bytes(`k${i}`));
    await store.appendUpdates("w1/table/t1", few);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(rowsInSqlite()).toBe(0);
    await store.appendUpdates("w1/table/t1", [bytes("the last one")]);
    await eventually(() => expect(rowsInSqlite()).toBe(MAX_ROWS_PER_MOVE));
    expect(fs.statSync(logFile()).size).toBe(HEADER_BYTES);
  });

  it("moves what a crash left in the log on open, once", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.appendUpdates("w1/table/t1", [bytes("stored")]);
    await store.close();
    const generation = movedGeneration() + 1;
    leaveInLog(generation, [
      { name: "w1/table/t1", update: bytes("left 1") },
      { name: "w1/table/t2", update: bytes("left 2") },
      { name: "w1/table/t1", update: bytes("left 3") },
    ]);
    // A torn record after them, as a crash mid-write leaves: never acknowledged, dropped.
    fs.appendFileSync(
      logFile(),
      encodeRecords([{ name: "w1/table/t1", update: bytes("torn") }]).subarray(0, 9),
    );

    store = openSqliteStore({ dataDir: dir, appendLog: true });
    expect(await store.loadDoc("w1/table/t1")).toEqual([bytes("stored"), bytes("left 1"), bytes("left 3")]);
    expect(await store.loadDoc("w1/table/t2")).toEqual([bytes("left 2")]);
    expect(fs.statSync(logFile()).size).toBe(HEADER_BYTES);
    await store.close();
    expect(movedGeneration()).toBe(generation);

    store = openSqliteStore({ dataDir: dir, appendLog: true });
    expect(await store.loadDoc("w1/table/t1")).toEqual([bytes("stored"), bytes("left 1"), bytes("left 3")]);
  });

  it("does not move a generation SQLite already has (a crash after the move, before emptying)", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.appendUpdates("w1/table/t1", [bytes("once")]);
    await store.close();
    leaveInLog(movedGeneration(), [{ name: "w1/table/t1", update: bytes("once") }]);

    store = openSqliteStore({ dataDir: dir, appendLog: true });
    expect(await store.loadDoc("w1/table/t1")).toEqual([bytes("once")]);
    expect(store.orphanedOnOpen).toBe(0);
  });

  it("leaves out records of a workshop that no longer exists, and counts them", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.close();
    leaveInLog(movedGeneration() + 1, [
      { name: "gone/table/t1", update: bytes("x") },
      { name: "w1/table/t1", update: bytes("kept") },
    ]);
    store = openSqliteStore({ dataDir: dir, appendLog: true });
    expect(store.orphanedOnOpen).toBe(1);
    expect(await store.loadDoc("w1/table/t1")).toEqual([bytes("kept")]);
    expect(await store.loadDoc("gone/table/t1")).toEqual([]);
  });

  it("lets one server's store at a time serve a data directory; a second is refused and changes nothing", async () => {
    await store.createWorkshop(workshop("w1", [], { docs: [] }));
    await store.appendUpdates("w1/table/t1", [bytes("first")]);
    const logBefore = fs.readFileSync(logFile());
    expect(() => openSqliteStore({ dataDir: dir, appendLog: true })).toThrow(DataDirInUseError);
    expect(() => openSqliteStore({ dataDir: dir, appendLog: true })).toThrow(/another Samla server is using/);
    // The refused one neither replayed nor emptied the log the first one is writing.
    expect(fs.readFileSync(logFile())).toEqual(logBefore);
    await store.appendUpdates("w1/table/t1", [bytes("second")]);
    expect(await store.loadDoc("w1/table/t1")).toEqual([bytes("first"), bytes("second")]);
    // Tools beside the running server (export, demo) take no lock.
    const tool = openSqliteStore({ dataDir: dir });
    expect(await tool.loadDoc("w1/table/t1")).toEqual([bytes("first"), bytes("second")]);
    await tool.close();

    await store.close();
    store = openSqliteStore({ dataDir: dir, appendLog: true });
    expect(await store.loadDoc("w1/table/t1")).toEqual([bytes("first"), bytes("second")]);
  });

  it("refuses to open beside a file that is not an append log, and leaves it alone", async () => {
    await store.close();
    fs.writeFileSync(logFile(), "not ours, not to be overwritten");
    expect(() => openSqliteStore({ dataDir: dir, appendLog: true })).toThrow(/not a Samla append log/);
    expect(fs.readFileSync(logFile(), "utf8")).toBe("not ours, not to be overwritten");
    // Tools that open the database beside the server never touch it.
    store = openSqliteStore({ dataDir: dir });
    expect(await store.getWorkshop(wid("w1"))).toBeNull();
    expect(fs.readFileSync(logFile(), "utf8")).toBe("not ours, not to be overwritten");
    await store.close();
    // The refused open let go of the directory: once the file is dealt with, a server opens it.
    fs.rmSync(logFile());
    store = openSqliteStore({ dataDir: dir, appendLog: true });
    expect(fs.statSync(logFile()).size).toBe(HEADER_BYTES);
  });
});
