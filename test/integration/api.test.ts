import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { SQLITE_FILE_NAME } from "../../server/store/sqlite.ts";
import type { CreateWorkshopResponse, ErrorCode } from "../../shared/api.ts";
import { CloseCode } from "../../shared/closeCodes.ts";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { newJoinCode } from "../../shared/joinCodes.ts";
import { type MetaState, readMeta } from "../../shared/schema/meta.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { type RequestOptions, startServer, type TestResponse, type TestServer } from "../helpers/server.ts";

/** DESIGN.md §4 and docs/api.md, written out rather than imported from the code under test. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const JOIN_CODE = /^[ABCDEFGHJKMNPQRSTVWXYZ23456789]{6}$/;
const PUBLIC_URL = "http://samla.test";
const PROMPTS = {
  sv: ["Hur ser det ut i dag?", "Hur kan vi nå förändring?"],
  en: ["How does it look today?", "How can we reach change?"],
} as const;

// ---------------------------------------------------------------------------------------------
// Helpers

/** Asserts the documented error shape `{ error: { code, message } }` and nothing else. */
function expectError(response: TestResponse, status: number, code: ErrorCode): void {
  expect({ status: response.status, body: response.body }).toMatchObject({
    status,
    body: { error: { code } },
  });
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(Object.keys(response.body as object)).toEqual(["error"]);
  const error = (response.body as { error: Record<string, unknown> }).error;
  expect(Object.keys(error).sort()).toEqual(["code", "message"]);
  expect(typeof error.message).toBe("string");
  expect(error.message).not.toBe("");
}

/** Rows in the SQLite file, read through a second, read-only connection. */
function countRows(server: TestServer, table: "workshops" | "tokens" | "doc_log"): number {
  const db = new Database(path.join(server.dataDir, SQLITE_FILE_NAME), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const row = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

function counts(server: TestServer): Record<"workshops" | "tokens" | "doc_log", number> {
  return {
    workshops: countRows(server, "workshops"),
    tokens: countRows(server, "tokens"),
    doc_log: countRows(server, "doc_log"),
  };
}

async function storedMeta(server: TestServer, workshopId: WorkshopId): Promise<MetaState> {
  const doc = new Y.Doc();
  for (const update of await server.app.store.loadDoc(docName(metaDoc(workshopId)))) {
    Y.applyUpdate(doc, update);
  }
  const meta = readMeta(doc);
  doc.destroy();
  return meta;
}

async function create(server: TestServer, body: unknown): Promise<CreateWorkshopResponse> {
  const response = await server.request("POST", "/api/workshops", { body });
  expect(response.status, response.text).toBe(201);
  return response.body as CreateWorkshopResponse;
}

function deleteWorkshop(server: TestServer, workshopId: string, token?: string): Promise<TestResponse> {
  return server.request("DELETE", `/api/workshops/${workshopId}`, token === undefined ? {} : { token });
}

// ---------------------------------------------------------------------------------------------

describe("POST /api/workshops", () => {
  it("answers 201 with the documented shape", async () => {
    const server = await startServer();
    const response = await server.request("POST", "/api/workshops", { body: { title: "Praktikerdialog" } });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = response.body as CreateWorkshopResponse;
    expect(Object.keys(body).sort()).toEqual([
      "facilitatorToken",
      "facilitatorUrl",
      "screenToken",
      "screenUrl",
      "tables",
      "workshopId",
    ]);
    expect(body.workshopId).toMatch(ID);
    expect(body.facilitatorToken).toMatch(TOKEN);
    expect(body.screenToken).toMatch(TOKEN);
    expect(body.screenToken).not.toBe(body.facilitatorToken);

    // The secret travels in the fragment only, never in the path or a query parameter.
    for (const [link, token, view] of [
      [body.facilitatorUrl, body.facilitatorToken, "facilitate"],
      [body.screenUrl, body.screenToken, "screen"],
    ] as const) {
      expect(link).toBe(`${PUBLIC_URL}/w/${body.workshopId}/${view}#key=${token}`);
      const url = new URL(link);
      expect(url.search).toBe("");
      expect(url.hash).toBe(`#key=${token}`);
      expect(link.indexOf(token)).toBeGreaterThan(link.indexOf("#"));
      expect(link).not.toMatch(/[?&](token|key)=/);
    }
    expect(body.facilitatorUrl).not.toContain(body.screenToken);
    expect(body.screenUrl).not.toContain(body.facilitatorToken);

    expect(body.tables).toHaveLength(4);
    for (const table of body.tables) {
      expect(Object.keys(table).sort()).toEqual(["id", "joinCode", "joinUrl", "name"]);
      expect(table.id).toMatch(ID);
      expect(table.joinCode).toMatch(JOIN_CODE);
      expect(table.joinUrl).toBe(`${PUBLIC_URL}/join/${table.joinCode}`);
    }
    expect(new Set(body.tables.map((t) => t.id)).size).toBe(4);
    expect(new Set(body.tables.map((t) => t.joinCode)).size).toBe(4);
    expect(counts(server)).toMatchObject({ workshops: 1, tokens: 2 });
  });

  it("gives every workshop its own id and tokens", async () => {
    const server = await startServer();
    const a = await create(server, { title: "A" });
    const b = await create(server, { title: "A" });
    expect(b.workshopId).not.toBe(a.workshopId);
    expect(b.facilitatorToken).not.toBe(a.facilitatorToken);
    expect(b.screenToken).not.toBe(a.screenToken);
    const codes = [...a.tables, ...b.tables].map((t) => t.joinCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(counts(server)).toMatchObject({ workshops: 2, tokens: 4 });
  });

  it.each([
    ["sv", 3, ["Bord 1", "Bord 2", "Bord 3"]],
    ["en", 3, ["Table 1", "Table 2", "Table 3"]],
    [undefined, 2, ["Bord 1", "Bord 2"]],
    ["sv", 1, ["Bord 1"]],
  ] as const)("language %s with tables: %d names the tables %j", async (language, tables, names) => {
    const server = await startServer();
    const body = await create(server, { title: "Dag", language, tables });
    expect(body.tables.map((t) => t.name)).toEqual(names);
    const meta = await storedMeta(server, body.workshopId);
    expect(meta.tables).toEqual(body.tables.map(({ id, name }) => ({ id, name })));
  });

  it("makes 4 tables by default, in the workshop's language", async () => {
    const server = await startServer();
    const sv = await create(server, { title: "Dag" });
    const en = await create(server, { title: "Day", language: "en" });
    expect(sv.tables.map((t) => t.name)).toEqual(["Bord 1", "Bord 2", "Bord 3", "Bord 4"]);
    expect(en.tables.map((t) => t.name)).toEqual(["Table 1", "Table 2", "Table 3", "Table 4"]);
  });

  it("takes table names, trimmed, in order", async () => {
    const server = await startServer();
    const body = await create(server, { title: "Dag", tables: ["  Skolan ", "Polisen", "Socialtjänsten"] });
    expect(body.tables.map((t) => t.name)).toEqual(["Skolan", "Polisen", "Socialtjänsten"]);
    const meta = await storedMeta(server, body.workshopId);
    expect(meta.tables.map((t) => t.name)).toEqual(["Skolan", "Polisen", "Socialtjänsten"]);
    expect(meta.tables.map((t) => t.id)).toEqual(body.tables.map((t) => t.id));
  });

  it("accepts 100 tables, each with its own id and join code", async () => {
    const server = await startServer();
    const body = await create(server, { title: "Stor dag", tables: 100 });
    expect(body.tables).toHaveLength(100);
    expect(body.tables[99]?.name).toBe("Bord 100");
    expect(new Set(body.tables.map((t) => t.id)).size).toBe(100);
    expect(new Set(body.tables.map((t) => t.joinCode)).size).toBe(100);
  });

  it("stores title, rounds, prompts and perspectives in the meta document", async () => {
    const server = await startServer();
    const body = await create(server, {
      title: "  Praktikerdialog om maskulinitet  ",
      language: "sv",
      tables: ["Bord 1", "Bord 2"],
      rounds: [
        { title: "Samverkan i kommunen", prompts: ["Vad fungerar?", " Vad saknas? "] },
        { title: " Kunskap som slår rot " },
      ],
      perspectives: ["Socialtjänst", " Polis ", "Skola"],
    });
    const meta = await storedMeta(server, body.workshopId);
    expect(meta.schemaVersion).toBe(1);
    expect(meta.title).toBe("Praktikerdialog om maskulinitet");
    expect(meta.language).toBe("sv");
    expect(meta.rounds.map((r) => r.title)).toEqual(["Samverkan i kommunen", "Kunskap som slår rot"]);
    expect(meta.rounds.map((r) => r.prompts.map((p) => p.label))).toEqual([
      ["Vad fungerar?", "Vad saknas?"],
      [...PROMPTS.sv],
    ]);
    for (const round of meta.rounds) {
      expect(round.id).toMatch(ID);
      for (const prompt of round.prompts) expect(prompt.id).toMatch(ID);
    }
    expect(meta.perspectives.map((p) => p.label)).toEqual(["Socialtjänst", "Polis", "Skola"]);
    expect(meta.tables.map((t) => t.id)).toEqual(body.tables.map((t) => t.id));
    // The first round is active and writing is open; nothing is revealed.
    expect(meta.activeRoundId).toBe(meta.rounds[0]?.id);
    expect(meta.writingOpen).toBe(true);
    expect(meta.revealed).toBe(false);
    expect(meta.createdAt).toBeGreaterThan(0);
  });

  it.each([
    ["sv", "Runda 1", PROMPTS.sv],
    ["en", "Round 1", PROMPTS.en],
    [undefined, "Runda 1", PROMPTS.sv],
  ] as const)(
    "language %s: one default round %j with the language's two questions",
    async (language, round, prompts) => {
      const server = await startServer();
      const body = await create(server, { title: "Dag", language });
      const meta = await storedMeta(server, body.workshopId);
      expect(meta.language).toBe(language ?? "sv");
      expect(meta.rounds.map((r) => r.title)).toEqual([round]);
      expect(meta.rounds[0]?.prompts.map((p) => p.label)).toEqual([...prompts]);
      expect(meta.perspectives).toEqual([]);
    },
  );

  it("uses the language's default prompts for a round given without prompts", async () => {
    const server = await startServer();
    const body = await create(server, { title: "Day", language: "en", rounds: [{ title: "Collaboration" }] });
    const meta = await storedMeta(server, body.workshopId);
    expect(meta.rounds[0]?.prompts.map((p) => p.label)).toEqual([...PROMPTS.en]);
  });

  it.each([
    ["Swedish letters", "Våld, maskulinitet och extremism – å ä ö"],
    ["a tab inside", "Dag\t1"],
    ["an emoji", "Workshop 👋🏽"],
    ["right-to-left text", "ورشة عمل"],
    ["exactly 200 characters", "å".repeat(200)],
  ])("accepts a title with %s", async (_label, title) => {
    const server = await startServer();
    const body = await create(server, { title });
    expect((await storedMeta(server, body.workshopId)).title).toBe(title);
  });

  it("accepts JSON with a charset parameter", async () => {
    const server = await startServer();
    const response = await server.request("POST", "/api/workshops", {
      rawBody: JSON.stringify({ title: "Dag" }),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(response.status).toBe(201);
  });
});

describe("POST /api/workshops refuses bad input and creates nothing", () => {
  const json = (body: unknown): RequestOptions => ({ body });
  const title = (value: string): RequestOptions => json({ title: value });

  const BAD: readonly (readonly [string, number, ErrorCode, RequestOptions])[] = [
    // title
    ["a missing title", 400, "INVALID_BODY", json({})],
    ["an empty title", 400, "INVALID_BODY", title("")],
    ["a blank title", 400, "INVALID_BODY", title("   ")],
    ["a title of a tab", 400, "INVALID_BODY", title("\t")],
    ["a title of no-break spaces", 400, "INVALID_BODY", title("\u00a0\u00a0")],
    ["an invisible title (zero-width space)", 400, "INVALID_BODY", title("\u200b")],
    ["a numeric title", 400, "INVALID_BODY", json({ title: 42 })],
    ["a null title", 400, "INVALID_BODY", json({ title: null })],
    ["a title in an array", 400, "INVALID_BODY", json({ title: ["Dag"] })],
    ["a title of 201 characters", 400, "INVALID_BODY", title("x".repeat(201))],
    ["a NUL in the title", 400, "INVALID_BODY", title("Dag\u0000")],
    ["a bell in the title", 400, "INVALID_BODY", title("Dag\u0007")],
    ["a newline in the title", 400, "INVALID_BODY", title("Dag\n1")],
    ["a carriage return in the title", 400, "INVALID_BODY", title("Dag\r1")],
    ["an ANSI escape in the title", 400, "INVALID_BODY", title("\u001b[31mDag")],
    ["DEL in the title", 400, "INVALID_BODY", title("Dag\u007f")],
    ["a C1 control (NEL) in the title", 400, "INVALID_BODY", title("Dag\u00851")],
    ["a line separator in the title", 400, "INVALID_BODY", title("Dag\u20281")],
    // top level
    ["an unknown field", 400, "INVALID_BODY", json({ title: "Dag", color: "red" })],
    ["an array body", 400, "INVALID_BODY", json([{ title: "Dag" }])],
    ["a null body", 400, "INVALID_BODY", json(null)],
    ["a string body", 400, "INVALID_BODY", json("Dag")],
    // language
    ["language de", 400, "INVALID_BODY", json({ title: "Dag", language: "de" })],
    ["language SV in upper case", 400, "INVALID_BODY", json({ title: "Dag", language: "SV" })],
    ["language null", 400, "INVALID_BODY", json({ title: "Dag", language: null })],
    // tables
    ["tables 0", 400, "INVALID_BODY", json({ title: "Dag", tables: 0 })],
    ["tables 101", 400, "INVALID_BODY", json({ title: "Dag", tables: 101 })],
    ["tables -1", 400, "INVALID_BODY", json({ title: "Dag", tables: -1 })],
    ["tables 2.5", 400, "INVALID_BODY", json({ title: "Dag", tables: 2.5 })],
    ['tables "4" (no coercion)', 400, "INVALID_BODY", json({ title: "Dag", tables: "4" })],
    ["tables true", 400, "INVALID_BODY", json({ title: "Dag", tables: true })],
    ["tables []", 400, "INVALID_BODY", json({ title: "Dag", tables: [] })],
    ['tables [""]', 400, "INVALID_BODY", json({ title: "Dag", tables: [""] })],
    ["a blank table name", 400, "INVALID_BODY", json({ title: "Dag", tables: ["Bord 1", "  "] })],
    ["a numeric table name", 400, "INVALID_BODY", json({ title: "Dag", tables: [1] })],
    ["a table name of 81 characters", 400, "INVALID_BODY", json({ title: "Dag", tables: ["x".repeat(81)] })],
    [
      "101 table names",
      400,
      "INVALID_BODY",
      json({ title: "Dag", tables: Array.from({ length: 101 }, (_, i) => `B${i}`) }),
    ],
    ["a newline in a table name", 400, "INVALID_BODY", json({ title: "Dag", tables: ["Bord\n1"] })],
    // rounds
    ["rounds []", 400, "INVALID_BODY", json({ title: "Dag", rounds: [] })],
    ["a round without title", 400, "INVALID_BODY", json({ title: "Dag", rounds: [{ prompts: ["Fråga?"] }] })],
    ["a round with an empty title", 400, "INVALID_BODY", json({ title: "Dag", rounds: [{ title: "" }] })],
    [
      "an unknown field in a round",
      400,
      "INVALID_BODY",
      json({ title: "Dag", rounds: [{ title: "R", minutes: 20 }] }),
    ],
    ["a round that is a string", 400, "INVALID_BODY", json({ title: "Dag", rounds: ["Runda 1"] })],
    ["prompts []", 400, "INVALID_BODY", json({ title: "Dag", rounds: [{ title: "R", prompts: [] }] })],
    ['prompts [""]', 400, "INVALID_BODY", json({ title: "Dag", rounds: [{ title: "R", prompts: [""] }] })],
    [
      "a NUL in a prompt",
      400,
      "INVALID_BODY",
      json({ title: "Dag", rounds: [{ title: "R", prompts: ["a\u0000"] }] }),
    ],
    [
      "11 prompts",
      400,
      "INVALID_BODY",
      json({ title: "Dag", rounds: [{ title: "R", prompts: Array(11).fill("Fråga?") }] }),
    ],
    ["31 rounds", 400, "INVALID_BODY", json({ title: "Dag", rounds: Array(31).fill({ title: "R" }) })],
    // perspectives
    ["a non-string perspective", 400, "INVALID_BODY", json({ title: "Dag", perspectives: ["Polis", 2] })],
    ["an empty perspective", 400, "INVALID_BODY", json({ title: "Dag", perspectives: [""] })],
    ["perspectives as a string", 400, "INVALID_BODY", json({ title: "Dag", perspectives: "Polis" })],
    ["51 perspectives", 400, "INVALID_BODY", json({ title: "Dag", perspectives: Array(51).fill("P") })],
    // the body itself
    ["a body that is not JSON", 400, "INVALID_JSON", { rawBody: "{" }],
    ["a trailing comma", 400, "INVALID_JSON", { rawBody: '{"title":"Dag",}' }],
    ["an empty JSON body", 400, "INVALID_JSON", { rawBody: "" }],
    ["a __proto__ key", 400, "INVALID_JSON", { rawBody: '{"title":"Dag","__proto__":{"admin":true}}' }],
    [
      "a text/plain body",
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      { rawBody: JSON.stringify({ title: "Dag" }), headers: { "content-type": "text/plain" } },
    ],
    [
      "a form body",
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      { rawBody: "title=Dag", headers: { "content-type": "application/x-www-form-urlencoded" } },
    ],
    [
      "an XML body",
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      { rawBody: "<title>Dag</title>", headers: { "content-type": "application/xml" } },
    ],
    [
      "a body over 64 KiB",
      413,
      "BODY_TOO_LARGE",
      json({ title: "Dag", perspectives: Array(700).fill("x".repeat(100)) }),
    ],
  ];

  it.each(BAD)("%s → %i %s", async (_label, status, code, request) => {
    const server = await startServer();
    const response = await server.request("POST", "/api/workshops", request);
    expectError(response, status, code);
    expect(response.text).not.toContain("workshopId");
    expect(counts(server)).toEqual({ workshops: 0, tokens: 0, doc_log: 0 });
  });
});

describe("POST /api/join", () => {
  const VARIANTS: readonly (readonly [string, (code: string) => string])[] = [
    ["as printed", (code) => code],
    ["in lower case", (code) => code.toLowerCase()],
    ["with a space in the middle", (code) => `${code.slice(0, 3)} ${code.slice(3)}`],
    ["with a dash in the middle", (code) => `${code.slice(0, 3)}-${code.slice(3)}`],
    ["lower case, spaced, padded", (code) => `  ${code.slice(0, 3).toLowerCase()} ${code.slice(3)}  `],
  ];

  it.each(VARIANTS)("exchanges a code typed %s for a working table token", async (_label, typed) => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: ["Bord 1", "Bord 2"] });
    const table = workshop.tables[1]!;
    const response = await server.request("POST", "/api/join", { body: { code: typed(table.joinCode) } });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body as object).sort()).toEqual(["tableId", "token", "workshopId"]);
    const body = response.body as { workshopId: string; tableId: string; token: string };
    expect(body.workshopId).toBe(workshop.workshopId);
    expect(body.tableId).toBe(table.id);
    expect(body.token).toMatch(TOKEN);

    // The token opens its own table's document, and is a table token: not another table's.
    const own = connectClient(server, docName(tableDoc(workshop.workshopId, table.id)), body.token);
    await own.synced();
    const other = workshop.tables[0]!;
    const foreign = connectClient(server, docName(tableDoc(workshop.workshopId, other.id)), body.token);
    expect(await foreign.refused()).toBe(CloseCode.Forbidden);
  });

  it("gives each join a new token, and each works", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const code = workshop.tables[0]!.joinCode;
    const joins = [await server.join(code), await server.join(code), await server.join(code)];
    const tokens = joins.map((j) => j.token);
    expect(new Set(tokens).size).toBe(3);
    expect(tokens).not.toContain(workshop.facilitatorToken);
    expect(tokens).not.toContain(workshop.screenToken);
    const name = docName(synthesisDoc(workshop.workshopId));
    await Promise.all(tokens.map((token) => connectClient(server, name, token).synced()));
    expect(countRows(server, "tokens")).toBe(2 + 3);
  });

  it("refuses an unknown code with 404 UNKNOWN_JOIN_CODE", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 4 });
    const taken = new Set(workshop.tables.map((t) => t.joinCode));
    let unknown = newJoinCode();
    while (taken.has(unknown)) unknown = newJoinCode();
    const before = countRows(server, "tokens");
    expectError(
      await server.request("POST", "/api/join", { body: { code: unknown } }),
      404,
      "UNKNOWN_JOIN_CODE",
    );
    expect(countRows(server, "tokens")).toBe(before);
  });

  it.each(["O", "0", "I", "1", "L", "U"])(
    "refuses a real code with the look-alike %s in it with 404",
    async (lookAlike) => {
      const server = await startServer();
      const workshop = await server.createWorkshop({ tables: 1 });
      const code = workshop.tables[0]!.joinCode;
      for (const position of [0, 5]) {
        const typed = `${code.slice(0, position)}${lookAlike}${code.slice(position + 1)}`;
        const response = await server.request("POST", "/api/join", { body: { code: typed } });
        expectError(response, 404, "UNKNOWN_JOIN_CODE");
      }
    },
  );

  it.each([
    ["one character short", (code: string) => code.slice(0, 5)],
    ["one character long", (code: string) => `${code}A`],
    ["doubled", (code: string) => `${code}${code}`],
    ["with an underscore", (code: string) => `${code.slice(0, 3)}_${code.slice(3)}`],
  ])("refuses a real code %s with 404", async (_label, change) => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const response = await server.request("POST", "/api/join", {
      body: { code: change(workshop.tables[0]!.joinCode) },
    });
    expectError(response, 404, "UNKNOWN_JOIN_CODE");
  });

  const INVALID: readonly (readonly [string, RequestOptions, ErrorCode])[] = [
    ["a numeric code", { body: { code: 123456 } }, "INVALID_BODY"],
    ["a null code", { body: { code: null } }, "INVALID_BODY"],
    ["a code in an array", { body: { code: ["ABCDEF"] } }, "INVALID_BODY"],
    ["a code object", { body: { code: { value: "ABCDEF" } } }, "INVALID_BODY"],
    ["no code", { body: {} }, "INVALID_BODY"],
    ["an empty code", { body: { code: "" } }, "INVALID_BODY"],
    ["a code of 33 characters", { body: { code: "A".repeat(33) } }, "INVALID_BODY"],
    ["an extra field", { body: { code: "ABCDEF", table: "x" } }, "INVALID_BODY"],
    ["an array body", { body: ["ABCDEF"] }, "INVALID_BODY"],
    ["a string body", { body: "ABCDEF" }, "INVALID_BODY"],
    ["a body that is not JSON", { rawBody: '{"code":' }, "INVALID_JSON"],
  ];

  it.each(INVALID)("refuses %s with 400 %s", async (_label, request, code) => {
    const server = await startServer();
    await server.createWorkshop({ tables: 1 });
    const before = countRows(server, "tokens");
    expectError(await server.request("POST", "/api/join", request), 400, code);
    expect(countRows(server, "tokens")).toBe(before);
  });

  it("refuses a text/plain body with 415", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const response = await server.request("POST", "/api/join", {
      rawBody: JSON.stringify({ code: workshop.tables[0]!.joinCode }),
      headers: { "content-type": "text/plain" },
    });
    expectError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("DELETE /api/workshops/:id", () => {
  interface Setup {
    server: TestServer;
    workshop: CreateWorkshopResponse;
    other: CreateWorkshopResponse;
    tableToken: string;
  }

  async function setup(): Promise<Setup> {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: ["Bord 1", "Bord 2"] });
    const other = await server.createWorkshop({ tables: 1 });
    const tableToken = (await server.join(workshop.tables[0]!.joinCode)).token;
    return { server, workshop, other, tableToken };
  }

  const REFUSED: readonly (readonly [
    string,
    number,
    ErrorCode,
    (s: Setup) => { id: string; headers?: Record<string, string>; token?: string },
  ])[] = [
    ["no token", 401, "UNAUTHORIZED", (s) => ({ id: s.workshop.workshopId })],
    ["a malformed token", 401, "UNAUTHORIZED", (s) => ({ id: s.workshop.workshopId, token: "abc" })],
    ["a forged token", 401, "UNAUTHORIZED", (s) => ({ id: s.workshop.workshopId, token: "A".repeat(43) })],
    [
      "the facilitator token with another scheme",
      401,
      "UNAUTHORIZED",
      (s) => ({
        id: s.workshop.workshopId,
        headers: { authorization: `Basic ${s.workshop.facilitatorToken}` },
      }),
    ],
    [
      "the facilitator token as a query parameter",
      401,
      "UNAUTHORIZED",
      (s) => ({ id: `${s.workshop.workshopId}?token=${s.workshop.facilitatorToken}` }),
    ],
    ["a table token", 403, "FORBIDDEN", (s) => ({ id: s.workshop.workshopId, token: s.tableToken })],
    [
      "the screen token",
      403,
      "FORBIDDEN",
      (s) => ({ id: s.workshop.workshopId, token: s.workshop.screenToken }),
    ],
    [
      "another workshop's facilitator token",
      403,
      "FORBIDDEN",
      (s) => ({ id: s.workshop.workshopId, token: s.other.facilitatorToken }),
    ],
    ["a malformed id", 400, "INVALID_PARAMS", (s) => ({ id: "bad$id", token: s.workshop.facilitatorToken })],
    [
      "an id of 65 characters",
      400,
      "INVALID_PARAMS",
      (s) => ({ id: "a".repeat(65), token: s.workshop.facilitatorToken }),
    ],
    [
      "an id with a dot",
      400,
      "INVALID_PARAMS",
      (s) => ({ id: "abc.def", token: s.workshop.facilitatorToken }),
    ],
    [
      "an unknown id",
      404,
      "WORKSHOP_NOT_FOUND",
      (s) => ({ id: "noSuchWorkshop123", token: s.workshop.facilitatorToken }),
    ],
    ["an unknown id, without a token", 404, "WORKSHOP_NOT_FOUND", () => ({ id: "noSuchWorkshop123" })],
  ];

  it.each(REFUSED)("refuses %s → %i %s, and deletes nothing", async (_label, status, code, target) => {
    const s = await setup();
    const before = counts(s.server);
    const { id, headers, token } = target(s);
    const options: RequestOptions = { ...(headers ? { headers } : {}), ...(token ? { token } : {}) };
    expectError(await s.server.request("DELETE", `/api/workshops/${id}`, options), status, code);
    expect(counts(s.server)).toEqual(before);
    expect(await s.server.app.store.getWorkshop(s.workshop.workshopId)).not.toBeNull();
    // Its tokens and join codes still work.
    await connectClient(s.server, docName(metaDoc(s.workshop.workshopId)), s.tableToken).synced();
    expect((await s.server.join(s.workshop.tables[1]!.joinCode)).workshopId).toBe(s.workshop.workshopId);
  });

  it("deletes for the facilitator (204), then answers 410 WORKSHOP_GONE", async () => {
    const s = await setup();
    const { workshopId, facilitatorToken, screenToken } = s.workshop;
    const response = await deleteWorkshop(s.server, workshopId, facilitatorToken);
    expect(response.status).toBe(204);
    expect(response.text).toBe("");

    expectError(await deleteWorkshop(s.server, workshopId, facilitatorToken), 410, "WORKSHOP_GONE");
    expectError(await deleteWorkshop(s.server, workshopId, screenToken), 410, "WORKSHOP_GONE");
    expectError(await deleteWorkshop(s.server, workshopId), 410, "WORKSHOP_GONE");

    expect(await s.server.app.store.getWorkshop(workshopId)).toBeNull();
    expect(await s.server.app.store.isDeleted(workshopId)).toBe(true);
    expect(await s.server.app.store.loadDoc(docName(metaDoc(workshopId)))).toEqual([]);
    // Only the other workshop is left, with its two tokens.
    expect(counts(s.server)).toMatchObject({ workshops: 1, tokens: 2 });
  });

  it("answers one of several concurrent deletes with 204 and the others with 410", async () => {
    const s = await setup();
    const { workshopId, facilitatorToken } = s.workshop;
    // Open documents make the delete wait for their rooms to settle.
    const client = connectClient(s.server, docName(metaDoc(workshopId)), facilitatorToken);
    await client.synced();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => deleteWorkshop(s.server, workshopId, facilitatorToken)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([204, 410, 410, 410]);
    for (const gone of responses.filter((r) => r.status === 410)) expectError(gone, 410, "WORKSHOP_GONE");
    expect(await client.refused()).toBe(CloseCode.Gone);
  });

  it("retires the join codes and every token of the deleted workshop, and only of it", async () => {
    const s = await setup();
    const { workshopId } = s.workshop;
    expect((await deleteWorkshop(s.server, workshopId, s.workshop.facilitatorToken)).status).toBe(204);

    for (const table of s.workshop.tables) {
      expectError(
        await s.server.request("POST", "/api/join", { body: { code: table.joinCode } }),
        404,
        "UNKNOWN_JOIN_CODE",
      );
    }
    const names = [
      docName(metaDoc(workshopId)),
      docName(tableDoc(workshopId, s.workshop.tables[0]!.id)),
      docName(synthesisDoc(workshopId)),
    ];
    const tokens = [s.workshop.facilitatorToken, s.workshop.screenToken, s.tableToken, "A".repeat(43)];
    const refusals = names.flatMap((name) =>
      tokens.map((token) => connectClient(s.server, name, token).refused()),
    );
    expect(await Promise.all(refusals)).toEqual(Array(refusals.length).fill(CloseCode.Gone));
    for (const name of names) expect(s.server.app.relay.loadedRoom(name)).toBeNull();

    // The other workshop is untouched.
    const joined = await s.server.join(s.other.tables[0]!.joinCode);
    expect(joined.workshopId).toBe(s.other.workshopId);
    await connectClient(s.server, docName(metaDoc(s.other.workshopId)), s.other.facilitatorToken).synced();
    expect((await deleteWorkshop(s.server, s.other.workshopId, s.other.facilitatorToken)).status).toBe(204);
  });

  it("closes clients that are connected when the workshop is deleted with 4410", async () => {
    const s = await setup();
    const { workshopId } = s.workshop;
    const clients = [
      connectClient(s.server, docName(metaDoc(workshopId)), s.workshop.facilitatorToken),
      connectClient(s.server, docName(tableDoc(workshopId, s.workshop.tables[0]!.id)), s.tableToken),
      connectClient(s.server, docName(synthesisDoc(workshopId)), s.workshop.screenToken),
    ];
    await Promise.all(clients.map((client) => client.synced()));
    const bystander = connectClient(s.server, docName(metaDoc(s.other.workshopId)), s.other.screenToken);
    await bystander.synced();

    expect((await deleteWorkshop(s.server, workshopId, s.workshop.facilitatorToken)).status).toBe(204);
    expect(await Promise.all(clients.map((client) => client.refused()))).toEqual([
      CloseCode.Gone,
      CloseCode.Gone,
      CloseCode.Gone,
    ]);
    for (const client of clients) expect(client.closeCodes).toEqual([CloseCode.Gone]);
    // The other workshop's client stays connected.
    expect(bystander.closeCodes).toEqual([]);
    expect(bystander.provider.wsconnected).toBe(true);
  });
});

describe("other routes", () => {
  it.each([
    ["a malformed percent-encoding", "/api/workshops/%E0%A4%A", 400],
    ["an over-long path parameter", `/api/workshops/${"a".repeat(200)}`, 414],
  ])("answers %s with our error shape and headers", async (_label, pathname, status) => {
    const server = await startServer();
    const response = await server.request("DELETE", pathname);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { code: "INVALID_PARAMS", message: expect.any(String) } });
    expect(response.text).not.toContain("%E0");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it.each([
    ["GET", "/api/nope"],
    ["POST", "/api/nope"],
    ["GET", "/api"],
    ["GET", "/api/workshops"],
    ["PUT", "/api/join"],
    ["GET", "/api/join"],
    ["GET", "/nope"],
    ["GET", "/favicon.ico"],
  ])("%s %s → 404 NOT_FOUND as JSON", async (method, pathname) => {
    const server = await startServer();
    expectError(await server.request(method, pathname), 404, "NOT_FOUND");
  });

  it.each(["/", "/new", "/join/ABCDEF", "/w/abc123/facilitate", "/w/abc123/screen", "/w/abc123/cards"])(
    "GET %s serves the web app (a placeholder page while it is not built)",
    async (pathname) => {
      const server = await startServer();
      const response = await server.request("GET", pathname);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.text).toMatch(/^<!doctype html>/i);
      expect(response.text).toContain("Samla");
    },
  );

  it("GET /healthz answers 200 with the status and live counts", async () => {
    const server = await startServer();
    const response = await server.request("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ok", documents: 0, connections: 0 });

    const workshop = await server.createWorkshop({ tables: 1 });
    const client = connectClient(server, docName(metaDoc(workshop.workshopId)), workshop.facilitatorToken);
    await client.synced();
    await eventually(async () =>
      expect((await server.request("GET", "/healthz")).body).toEqual({
        status: "ok",
        documents: 1,
        connections: 1,
      }),
    );
  });

  it("sends the security headers on every kind of response", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const responses = await Promise.all([
      server.request("GET", "/healthz"),
      server.request("GET", "/"),
      server.request("GET", "/api/nope"),
      server.request("POST", "/api/workshops", { body: {} }),
      server.request("POST", "/api/workshops", { rawBody: "{" }),
      server.request("POST", "/api/workshops", { body: { title: "x".repeat(70_000) } }),
      server.request("POST", "/api/workshops", { body: { title: "Dag" } }),
      server.request("POST", "/api/join", { body: { code: workshop.tables[0]!.joinCode } }),
    ]);
    responses.push(await deleteWorkshop(server, workshop.workshopId, workshop.facilitatorToken));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 400, 400, 413, 201, 200, 204]);
    for (const response of responses) {
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
  });
});

describe("server errors say nothing about their cause", () => {
  it("answers 500 INTERNAL (and /healthz 503) when the store fails, without details", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    // A real failure: the database is closed under the running server.
    await server.app.store.close();

    const failures = [
      await server.request("POST", "/api/workshops", { body: { title: "Dag" } }),
      await server.request("POST", "/api/join", { body: { code: workshop.tables[0]!.joinCode } }),
      await deleteWorkshop(server, workshop.workshopId, workshop.facilitatorToken),
    ];
    for (const response of failures) {
      expectError(response, 500, "INTERNAL");
      expect(response.body).toEqual({
        error: { code: "INTERNAL", message: "Something went wrong on the server." },
      });
    }
    const health = await server.request("GET", "/healthz");
    expectError(health, 503, "INTERNAL");
    for (const response of [...failures, health]) {
      expect(response.text).not.toContain(server.dataDir);
      expect(response.text).not.toMatch(/sqlite|closed|stack|\bat \w|Error:/i);
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    }
  });
});
