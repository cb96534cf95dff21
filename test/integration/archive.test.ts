import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { SQLITE_FILE_NAME } from "../../server/store/sqlite.ts";
import type { CreateWorkshopResponse, ErrorCode } from "../../shared/api.ts";
import { type Archive, synthesisContent, tableContent } from "../../shared/archive.ts";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import { readMeta, setDotsPerTable } from "../../shared/schema/meta.ts";
import { addInsight, addNoteToTheme, createTheme, setSpotlight } from "../../shared/schema/synthesis.ts";
import { createNote, noteRef, setNoteHidden, setVotes } from "../../shared/schema/table.ts";
import { connectClient, type TestClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer, type TestResponse, type TestServer } from "../helpers/server.ts";

const TITLE = "Praktikerdialog: Män och våld";
const FILE_NAME = 'attachment; filename="praktikerdialog-man-och-vald.samla.json"';

/** Rows in the SQLite file, read through a second, read-only connection. */
function counts(server: TestServer): Record<string, number> {
  const db = new Database(path.join(server.dataDir, SQLITE_FILE_NAME), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { workshops: count("workshops"), tokens: count("tokens"), doc_log: count("doc_log") };
  } finally {
    db.close();
  }
}

const exportPath = (workshop: CreateWorkshopResponse) => `/api/workshops/${workshop.workshopId}/export.json`;

async function exportArchive(server: TestServer, workshop: CreateWorkshopResponse): Promise<Archive> {
  const response = await server.request("GET", exportPath(workshop), { token: workshop.facilitatorToken });
  expect(response.status, response.text).toBe(200);
  return response.body as Archive;
}

async function importArchive(server: TestServer, archive: unknown): Promise<CreateWorkshopResponse> {
  const response = await server.request("POST", "/api/workshops/import", { body: archive });
  expect(response.status, response.text).toBe(201);
  return response.body as CreateWorkshopResponse;
}

/** What must survive a round trip: everything but the server's record and the export time. */
function readable(archive: Archive) {
  const { workshop: _workshop, exportedAt: _exportedAt, ...rest } = archive;
  return {
    ...rest,
    meta: rest.meta.content,
    synthesis: rest.synthesis.content,
    tables: rest.tables.map(({ state: _state, ...table }) => table),
  };
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** A Yjs state with a missing dependency: two updates from one client, only the second kept. */
function secondUpdateOnly(): string {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  doc.getMap("notes").set("a", 1);
  doc.getMap("notes").set("b", 2);
  return Buffer.from(updates[1]!).toString("base64");
}

function expectError(response: TestResponse, status: number, code: ErrorCode): void {
  expect({ status: response.status, body: response.body }).toMatchObject({
    status,
    body: { error: { code } },
  });
}

/**
 * A workshop written live over y-websocket, as on the day: notes at two tables (one hidden), a
 * theme gathering notes from both, a conclusion linked to it, the spotlight, votes, a setting.
 */
async function liveWorkshop(server: TestServer) {
  const workshop = await server.createWorkshop({ title: TITLE, tables: ["Bord 1", "Bord 2"] });
  const { workshopId, facilitatorToken } = workshop;
  const meta = connectClient(server, docName(metaDoc(workshopId)), facilitatorToken);
  await meta.synced();
  const round = readMeta(meta.doc).rounds[0]!;
  const tables: TestClient[] = [];
  for (const table of workshop.tables) {
    const { token } = await server.join(table.joinCode);
    tables.push(connectClient(server, docName(tableDoc(workshopId, table.id)), token));
  }
  const [t1, t2] = tables as [TestClient, TestClient];
  const synthesis = connectClient(server, docName(synthesisDoc(workshopId)), facilitatorToken);
  await Promise.all([t1.synced(), t2.synced(), synthesis.synced()]);

  const note = (client: TestClient, text: string, createdAt: number) =>
    createNote(client.doc, { roundId: round.id, promptId: round.prompts[0]!.id, text, createdAt });
  const n1 = note(t1, "Vi möts först när något redan hänt", 1_000);
  setNoteHidden(t1.doc, note(t1, "<img src=x onerror=alert(1)> # inte detta", 2_000), true);
  const n2 = note(t2, "Skolan saknas i samverkan\nsom ofta", 3_000);
  const theme = createTheme(synthesis.doc, { roundId: round.id, title: "Samverkan kommer sent" });
  addNoteToTheme(synthesis.doc, theme, noteRef(workshop.tables[0]!.id, n1));
  addNoteToTheme(synthesis.doc, theme, noteRef(workshop.tables[1]!.id, n2));
  addInsight(synthesis.doc, { roundId: null, kind: "conclusion", text: "Mötas tidigare", themeIds: [theme] });
  setSpotlight(synthesis.doc, theme);
  setVotes(t2.doc, theme, 2);
  setDotsPerTable(meta.doc, 5);

  // Everything written is on the server once its export shows what the clients show.
  const archive = await eventually(async () => {
    const exported = await exportArchive(server, workshop);
    expect(exported.meta.content).toEqual(json(readMeta(meta.doc)));
    expect(exported.tables.map((t) => t.content)).toEqual(json([tableContent(t1.doc), tableContent(t2.doc)]));
    expect(exported.synthesis.content).toEqual(json(synthesisContent(synthesis.doc)));
    return exported;
  });
  return { workshop, archive, tableTokens: tables.map((t) => String(t.provider.params.token)) };
}

let source: Promise<Archive> | undefined;
/** One real export, reused by the refusal cases (an archive is portable between servers). */
function sourceArchive(): Promise<Archive> {
  source ??= startServer().then(async (server) => (await liveWorkshop(server)).archive);
  return source;
}

describe("export.json", () => {
  it("is a download of both halves of every document, and carries no secrets", async () => {
    const server = await startServer();
    const { workshop, archive, tableTokens } = await liveWorkshop(server);
    const response = await server.request("GET", exportPath(workshop), { token: workshop.facilitatorToken });
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(FILE_NAME);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(archive).toMatchObject({ format: "samla-archive", version: 1, schemaVersion: 1 });
    expect(archive.workshop.id).toBe(workshop.workshopId);
    expect(archive.tables.map(({ id, name }) => ({ id, name }))).toEqual(
      workshop.tables.map(({ id, name }) => ({ id, name })),
    );
    expect(archive.tables[0]!.content.notes.map((n) => n.hidden)).toEqual([false, true]);
    for (const secret of [workshop.facilitatorToken, workshop.screenToken, ...tableTokens]) {
      expect(response.text).not.toContain(secret);
    }
    for (const table of workshop.tables) expect(response.text).not.toContain(`"${table.joinCode}"`);
    // The Yjs half holds the same as the readable half.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(archive.tables[1]!.state, "base64"));
    expect(json(tableContent(doc))).toEqual(archive.tables[1]!.content);
  });

  it("is for the facilitator only", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const { token } = await server.join(workshop.tables[0]!.joinCode);
    expectError(await server.request("GET", exportPath(workshop), { token }), 403, "FORBIDDEN");
    const screen = await server.request("GET", exportPath(workshop), { token: workshop.screenToken });
    expectError(screen, 403, "FORBIDDEN");
    expectError(await server.request("GET", exportPath(workshop)), 401, "UNAUTHORIZED");
    const unknown = await server.request("GET", "/api/workshops/nosuchworkshop/export.json", { token });
    expectError(unknown, 404, "WORKSHOP_NOT_FOUND");
  });
});

describe("import", () => {
  it("restores a new workshop with new codes and keys; old keys do not open it, new codes do", async () => {
    const server = await startServer();
    const { workshop: old, archive, tableTokens } = await liveWorkshop(server);
    const created = await importArchive(server, archive);

    expect(created.workshopId).not.toBe(old.workshopId);
    expect(created.facilitatorToken).not.toBe(old.facilitatorToken);
    expect(created.screenToken).not.toBe(old.screenToken);
    expect(created.facilitatorUrl).toBe(
      `http://samla.test/w/${created.workshopId}/facilitate#key=${created.facilitatorToken}`,
    );
    // Table ids are kept (docs/archive.md); their codes are new.
    expect(created.tables.map(({ id, name }) => ({ id, name }))).toEqual(
      old.tables.map(({ id, name }) => ({ id, name })),
    );
    for (const [i, table] of created.tables.entries())
      expect(table.joinCode).not.toBe(old.tables[i]!.joinCode);

    const tableId = created.tables[0]!.id;
    const newMeta = docName(metaDoc(created.workshopId));
    const newTable = docName(tableDoc(created.workshopId, tableId));
    const refusals = [
      connectClient(server, newMeta, old.facilitatorToken).refused(),
      connectClient(server, newMeta, old.screenToken).refused(),
      connectClient(server, newTable, tableTokens[0]!).refused(),
    ];
    for (const code of await Promise.all(refusals)) expect([4401, 4403]).toContain(code);

    const joined = await server.join(created.tables[0]!.joinCode);
    expect(joined).toMatchObject({ workshopId: created.workshopId, tableId });
    const tablet = connectClient(server, newTable, joined.token);
    const facilitator = connectClient(
      server,
      docName(synthesisDoc(created.workshopId)),
      created.facilitatorToken,
    );
    const screen = connectClient(server, newMeta, created.screenToken);
    await Promise.all([tablet.synced(), facilitator.synced(), screen.synced()]);
    expect(json(tableContent(tablet.doc))).toEqual(archive.tables[0]!.content);
    expect(json(synthesisContent(facilitator.doc))).toEqual(archive.synthesis.content);
    expect(json(readMeta(screen.doc))).toEqual(archive.meta.content);

    // The original is untouched.
    expect(readable(await exportArchive(server, old))).toEqual(readable(archive));
  });

  it("round trips: the export of the import equals the first export, here and on a fresh server", async () => {
    const server = await startServer();
    const { archive } = await liveWorkshop(server);
    const again = await exportArchive(server, await importArchive(server, archive));
    expect(readable(again)).toEqual(readable(archive));
    // Lossless down to the bytes of the Yjs states.
    expect(again.tables.map((t) => t.state)).toEqual(archive.tables.map((t) => t.state));
    expect([again.meta.state, again.synthesis.state]).toEqual([archive.meta.state, archive.synthesis.state]);

    const elsewhere = await startServer();
    const there = await exportArchive(elsewhere, await importArchive(elsewhere, again));
    expect(readable(there)).toEqual(readable(archive));
    expect(counts(elsewhere)).toMatchObject({ workshops: 1, tokens: 2 });
  });

  it("accepts an archive above the app-wide 64 KiB body limit", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const client = connectClient(server, docName(metaDoc(workshop.workshopId)), workshop.facilitatorToken);
    await client.synced();
    const round = readMeta(client.doc).rounds[0]!;
    const table = connectClient(
      server,
      docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id)),
      workshop.facilitatorToken,
    );
    await table.synced();
    const text = "Lång anteckning. ".repeat(6_000);
    createNote(table.doc, { roundId: round.id, promptId: round.prompts[0]!.id, text, createdAt: 1 });
    const archive = await eventually(async () => {
      const exported = await exportArchive(server, workshop);
      expect(exported.tables[0]!.content.notes).toHaveLength(1);
      return exported;
    });
    expect(JSON.stringify(archive).length).toBeGreaterThan(200 * 1024);
    const created = await importArchive(server, archive);
    const restored = await exportArchive(server, created);
    expect(restored.tables[0]!.content.notes[0]!.text).toBe(text);
  });

  type Json = Record<string, unknown>;
  const tables = (a: Json) => a.tables as Json[];
  /** A refusal case edits a copy of a real archive, or replaces it (`() => []`). */
  const edit = (change: (a: Json) => unknown) => (a: Json) => {
    change(a);
    return a;
  };
  const REFUSED: readonly (readonly [string, (a: Json) => unknown, ErrorCode, RegExp])[] = [
    ["not an object", () => [], "INVALID_ARCHIVE", /not a JSON object/],
    ["another format", edit((a) => (a.format = "miro")), "INVALID_ARCHIVE", /format: not "samla-archive"/],
    ["a newer version", edit((a) => (a.version = 2)), "UNSUPPORTED_ARCHIVE", /version: 2 is not supported/],
    ["a newer schema", edit((a) => (a.schemaVersion = 9)), "UNSUPPORTED_ARCHIVE", /schemaVersion: 9/],
    ["a missing field", edit((a) => delete a.synthesis), "INVALID_ARCHIVE", /synthesis: missing/],
    [
      "a wrong type",
      edit((a) => (tables(a)[0]!.name = false)),
      "INVALID_ARCHIVE",
      /tables\[0\]\.name: not a string/,
    ],
    [
      "bad base64",
      edit((a) => (tables(a)[1]!.state = "%%%%")),
      "INVALID_ARCHIVE",
      /tables\[1\]\.state: not valid base64/,
    ],
    [
      "a garbage Yjs state",
      edit((a) => (tables(a)[1]!.state = "q83vEjRWeJA=")),
      "INVALID_ARCHIVE",
      /tables\[1\]\.state: not a Yjs update/,
    ],
    [
      "a state with a missing dependency",
      edit((a) => (tables(a)[0]!.state = secondUpdateOnly())),
      "INVALID_ARCHIVE",
      /tables\[0\]\.state: depends on updates the archive does not hold/,
    ],
    [
      "a readable part that disagrees with its state",
      edit((a) => (tables(a)[0]!.content = { notes: [], votes: {} })),
      "INVALID_ARCHIVE",
      /tables\[0\]\.content\.notes: does not match/,
    ],
    [
      "a table list without a table of the meta",
      edit((a) => tables(a).pop()),
      "INVALID_ARCHIVE",
      /meta: the meta document lists table\(s\) not in tables/,
    ],
    ["a duplicate table", edit((a) => tables(a).push(tables(a)[0]!)), "INVALID_ARCHIVE", /appears twice/],
    [
      "an oversized name",
      edit((a) => (tables(a)[0]!.name = "x".repeat(201))),
      "INVALID_ARCHIVE",
      /longer than 200/,
    ],
  ];

  it.each(REFUSED)("refuses %s with 400 and creates nothing", async (_label, tamper, code, message) => {
    const body = tamper(json(await sourceArchive()) as unknown as Json);
    const server = await startServer();
    await server.createWorkshop({ tables: 1 });
    const before = counts(server);
    const response = await server.request("POST", "/api/workshops/import", { body });
    expectError(response, 400, code);
    expect((response.body as { error: { message: string } }).error.message).toMatch(message);
    expect(counts(server)).toEqual(before);
  });

  it("refuses an archive above the per-route limit with 413", async () => {
    const server = await startServer();
    const rawBody = JSON.stringify({ format: "samla-archive", padding: "x".repeat(20 * 1024 * 1024) });
    const response = await server.request("POST", "/api/workshops/import", { rawBody });
    expectError(response, 413, "BODY_TOO_LARGE");
    expect(counts(server).workshops).toBe(0);
  });
});
