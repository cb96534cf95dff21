import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { replayUpdates } from "../../server/store/replay.ts";
import { openSqliteStore } from "../../server/store/sqlite.ts";
import {
  type DayFixture,
  DayFixtureError,
  parseDayFixture,
  readDayFixture,
  seedDay,
} from "../../server/workshops/seedDay.ts";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { TableId } from "../../shared/ids.ts";
import { formatJoinCode } from "../../shared/joinCodes.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { allInsights, allThemes } from "../../shared/schema/synthesis.ts";
import { allNotes, notesFor, parseNoteRef, readNote } from "../../shared/schema/table.ts";
import { connectClient, type TestClient } from "../helpers/client.ts";
import { FIXTURE } from "../helpers/fixtureDay.ts";
import { runScript } from "../helpers/script.ts";
import { startServer } from "../helpers/server.ts";

const PUBLIC_URL = "http://samla.test";

/**
 * A temporary data directory, removed after the test. Registered before the server starts:
 * onTestFinished hooks run in reverse order, so the server stops before its files go.
 */
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "samla-demo-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("the demo day", () => {
  const day: DayFixture = readDayFixture(FIXTURE);

  it("seeds the whole fixture, and a real server serves it to real clients", async () => {
    const dataDir = tempDataDir();
    const store = openSqliteStore({ dataDir });
    const seeded = await seedDay(store, PUBLIC_URL, day);
    const names = {
      meta: docName(metaDoc(seeded.workshopId)),
      synthesis: docName(synthesisDoc(seeded.workshopId)),
      tables: seeded.tables.map((table) => docName(tableDoc(seeded.workshopId, table.id))),
    };
    // Each document is one update in the log, as promised.
    for (const name of [names.meta, names.synthesis, ...names.tables]) {
      expect(await store.logLength(name), name).toBe(1);
    }
    await store.close();
    expect(seeded.counts).toEqual({ rounds: 3, tables: 6, notes: day.notes.length, themes: 2, insights: 3 });

    const server = await startServer({ dataDir });
    const token = seeded.facilitatorToken;

    const metaClient = connectClient(server, names.meta, token);
    await metaClient.synced();
    const meta = readMeta(metaClient.doc);
    expect(meta.title).toBe(day.title);
    expect(meta.rounds.map((round) => round.title)).toEqual(day.rounds.map((round) => round.title));
    expect(meta.rounds.map((round) => round.prompts.map((p) => p.label))).toEqual(
      day.rounds.map((round) => round.prompts),
    );
    expect(meta.tables.map((table) => table.name)).toEqual(day.tables);
    expect(meta.perspectives.map((p) => p.label)).toEqual(day.perspectives);
    expect(meta.rounds).toHaveLength(3);
    expect(meta.tables).toHaveLength(6);
    expect(meta.perspectives).toHaveLength(7);

    // Every table holds exactly its own notes, per round and prompt, in fixture order.
    const perspectiveLabel = new Map(meta.perspectives.map((p) => [p.id, p.label]));
    const tableClients = new Map<TableId, TestClient>();
    for (const table of meta.tables) {
      const client = connectClient(server, docName(tableDoc(seeded.workshopId, table.id)), token);
      await client.synced();
      tableClients.set(table.id, client);
      const expected = day.notes.filter((note) => note.table === table.name);
      expect(expected.length).toBeGreaterThan(0);
      expect(allNotes(client.doc)).toHaveLength(expected.length);
      meta.rounds.forEach((round, r) => {
        round.prompts.forEach((prompt, p) => {
          const written = notesFor(client.doc, round.id, prompt.id).map((note) => ({
            text: note.text,
            perspective: note.perspectiveId === null ? null : perspectiveLabel.get(note.perspectiveId),
          }));
          const wanted = expected
            .filter((note) => note.round === r && note.prompt === p)
            .map((note) => ({ text: note.text, perspective: note.perspective }));
          expect(written, `${table.name}, round ${r}, prompt ${p}`).toEqual(wanted);
        });
      });
    }

    // The synthesis: themes resolve to the fixture's notes, insights keep kind and round.
    const synthesis = connectClient(server, names.synthesis, token);
    await synthesis.synced();
    const themes = allThemes(synthesis.doc);
    expect(themes.map((theme) => theme.title)).toEqual(day.themes.map((theme) => theme.title));
    themes.forEach((theme, t) => {
      const fixtureTheme = day.themes[t]!;
      expect(theme.roundId).toBe(meta.rounds[fixtureTheme.round]!.id);
      const texts = theme.notes.map((ref) => {
        const parsed = parseNoteRef(ref);
        expect(parsed, ref).not.toBeNull();
        const doc = tableClients.get(parsed!.tableId)?.doc;
        expect(doc, `table of ${ref}`).toBeDefined();
        return readNote(doc!, parsed!.noteId)?.text;
      });
      expect(texts).toEqual(fixtureTheme.notes.map(([, index]) => day.notes[index]!.text));
    });
    const insights = allInsights(synthesis.doc);
    expect(insights.map((i) => ({ kind: i.kind, text: i.text, roundId: i.roundId }))).toEqual(
      day.insights.map((i) => ({
        kind: i.kind,
        text: i.text,
        roundId: i.round === null ? null : meta.rounds[i.round]!.id,
      })),
    );
    expect(insights.at(-1)?.roundId).toBeNull();

    // The printed join codes work, typed the way the card shows them.
    for (const table of seeded.tables) {
      const joined = await server.join(formatJoinCode(table.joinCode));
      expect(joined).toMatchObject({ workshopId: seeded.workshopId, tableId: table.id });
    }
    // And a tablet that joined sees its table's notes.
    const first = seeded.tables[0]!;
    const tablet = connectClient(
      server,
      docName(tableDoc(seeded.workshopId, first.id)),
      (await server.join(first.joinCode)).token,
    );
    await tablet.synced();
    expect(allNotes(tablet.doc).map((note) => note.text)).toEqual(
      day.notes.filter((note) => note.table === first.name).map((note) => note.text),
    );
  });

  it("dates the notes on the fixture's day, in fixture order", async () => {
    const dataDir = tempDataDir();
    const store = openSqliteStore({ dataDir });
    onTestFinished(() => store.close());
    const seeded = await seedDay(store, PUBLIC_URL, day);
    const times: { index: number; createdAt: number }[] = [];
    for (const table of seeded.tables) {
      const doc = replayUpdates(await store.loadDoc(docName(tableDoc(seeded.workshopId, table.id))));
      const ours = day.notes.flatMap((note, index) => (note.table === table.name ? [index] : []));
      allNotes(doc).forEach((note, i) => {
        times.push({ index: ours[i]!, createdAt: note.createdAt });
      });
      doc.destroy();
    }
    times.sort((a, b) => a.index - b.index);
    expect(times).toHaveLength(day.notes.length);
    const start = new Date(times[0]!.createdAt);
    expect([start.getFullYear(), start.getMonth() + 1, start.getDate(), start.getHours()]).toEqual([
      2024, 2, 6, 9,
    ]);
    for (let i = 1; i < times.length; i++)
      expect(times[i]!.createdAt).toBeGreaterThan(times[i - 1]!.createdAt);
  });

  it("refuses a malformed fixture with a message naming the field", () => {
    const raw = structuredClone(day);
    expect(() => parseDayFixture({ ...raw, tables: "Bord 1" })).toThrow(/^tables: must be an array$/);
    expect(() => parseDayFixture({ ...raw, notes: [{ ...raw.notes[0]!, table: "Bord 9" }] })).toThrow(
      /notes\[0\]\.table: "Bord 9" is not one of/,
    );
    expect(() => parseDayFixture({ ...raw, notes: [{ ...raw.notes[0]!, prompt: 2 }] })).toThrow(
      /notes\[0\]\.prompt: must be a whole number from 0 to 1, got 2/,
    );
    // A theme's [table, index] must point at a note of that table.
    expect(() =>
      parseDayFixture({ ...raw, themes: [{ round: 0, title: "Fel", notes: [["Bord 2", 0]] }] }),
    ).toThrow(/themes\[0\]\.notes\[0\]: notes\[0\] belongs to "Bord 1", not "Bord 2"/);
    expect(() => parseDayFixture({ ...raw, insights: [{ round: null, kind: "idea", text: "x" }] })).toThrow(
      DayFixtureError,
    );
  });

  it("npm run demo's script prints the links, with the server running on the same data", async () => {
    const dataDir = tempDataDir();
    const server = await startServer({ dataDir });
    const { code, stdout, stderr } = await runScript("scripts/demo.ts", [], {
      DATA_DIR: dataDir,
      PUBLIC_URL,
    });
    expect(stderr).not.toMatch(/failed/i);
    expect(code).toBe(0);
    expect(stdout).toContain(day.title);
    const joinLines = stdout.split("\n").filter((line) => line.includes(`${PUBLIC_URL}/join/`));
    expect(joinLines).toHaveLength(6);
    expect(stdout).toMatch(new RegExp(`${PUBLIC_URL}/w/[A-Za-z0-9_-]+/facilitate#key=[A-Za-z0-9_-]{43}`));
    expect(stdout).toMatch(/facilitator link is a key/);

    // Each line: name, the code as printed on the card, and the link; the running server takes it.
    for (const [i, line] of joinLines.entries()) {
      const match = /^\s*(.+?)\s+([A-Z0-9]{3} [A-Z0-9]{3})\s+(\S+)$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(match![1]).toBe(day.tables[i]);
      expect(match![3]).toBe(`${PUBLIC_URL}/join/${match![2]!.replace(" ", "")}`);
      const joined = await server.join(match![2]!);
      expect(joined.tableId).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it("npm run demo's script exits non-zero with a clear message when it cannot run", async () => {
    const dataDir = tempDataDir();
    const { code, stdout, stderr } = await runScript("scripts/demo.ts", [], {
      DATA_DIR: dataDir,
      REDIS_URL: "redis://localhost",
    });
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Samla demo failed: REDIS_URL is set/);
  });
});
