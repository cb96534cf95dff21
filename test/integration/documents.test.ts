/**
 * `GET /api/workshops/:id/documents` against a real server and real SQLite: every document a
 * token may read, as one update each, equal to what the sockets hold; the WebSocket's own
 * permissions (reveal included); the error codes; and nothing loaded into the relay.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import { DOCUMENTS_CONTENT_TYPE, type DocumentState, decodeDocuments } from "../../shared/documentsBody.ts";
import type { TableId } from "../../shared/ids.ts";
import { readMeta, setRevealed } from "../../shared/schema/meta.ts";
import { addInsight, allInsights } from "../../shared/schema/synthesis.ts";
import { allNotes, createNote } from "../../shared/schema/table.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { decodedBody, rawGet } from "../helpers/rawHttp.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

interface DocumentsResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly documents: DocumentState[] | null;
  readonly error: string | null;
}

async function getDocuments(
  server: TestServer,
  workshopId: string,
  token?: string,
): Promise<DocumentsResponse> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(`${server.url}/api/workshops/${workshopId}/documents`, { headers });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) {
    const body = JSON.parse(new TextDecoder().decode(bytes)) as { error: { code: string } };
    return { status: response.status, headers: response.headers, documents: null, error: body.error.code };
  }
  return {
    status: response.status,
    headers: response.headers,
    documents: decodeDocuments(bytes),
    error: null,
  };
}

function names(documents: readonly DocumentState[] | null): string[] {
  return (documents ?? []).map((document) => document.name);
}

function docFrom(documents: readonly DocumentState[] | null, name: string): Y.Doc {
  const state = documents?.find((document) => document.name === name);
  if (state === undefined) throw new Error(`${name} is not in the response`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state.update);
  return doc;
}

/** What the server holds for a document, through a synced facilitator client. */
async function serverDoc(server: TestServer, workshop: CreateWorkshopResponse, name: string): Promise<Y.Doc> {
  const client = connectClient(server, name, workshop.facilitatorToken);
  await client.synced();
  return client.doc;
}

/** The same state: the same structs (state vector) and the same deletions (delete set). */
function expectSameState(actual: Y.Doc, expected: Y.Doc): void {
  expect(Y.equalSnapshots(Y.snapshot(actual), Y.snapshot(expected))).toBe(true);
}

async function setup(tables = ["Bord 1", "Bord 2", "Bord 3"]) {
  const server = await startServer();
  const workshop = await server.createWorkshop({ tables });
  const id = workshop.workshopId;
  const tableNames = workshop.tables.map((table) => docName(tableDoc(id, table.id)));
  return {
    server,
    workshop,
    id,
    tableNames,
    meta: docName(metaDoc(id)),
    synthesis: docName(synthesisDoc(id)),
  };
}

describe("GET /api/workshops/:id/documents", () => {
  it("gives the facilitator every document, each equal to what the sockets hold", async () => {
    const s = await setup();
    const [first, second] = s.workshop.tables;
    const round = readMeta(await serverDoc(s.server, s.workshop, s.meta)).rounds[0];
    if (first === undefined || second === undefined || round === undefined) throw new Error("setup");
    // Notes written by tablets, a conclusion by the facilitator, reveal turned on: all through the relay.
    for (const [table, texts] of [
      [first, ["Stuprör mellan förvaltningarna", "Ingen gemensam lägesbild"]],
      [second, ["Tid för samverkan"]],
    ] as const) {
      const tablet = connectClient(
        s.server,
        docName(tableDoc(s.id, table.id)),
        (await s.server.join(table.joinCode)).token,
      );
      await tablet.synced();
      for (const text of texts) {
        createNote(tablet.doc, {
          roundId: round.id,
          promptId: round.prompts[0]!.id,
          text,
          color: "yellow",
          perspectiveId: null,
          createdAt: 1,
        });
      }
    }
    const synthesis = connectClient(s.server, s.synthesis, s.workshop.facilitatorToken);
    await synthesis.synced();
    addInsight(synthesis.doc, {
      roundId: null,
      kind: "conclusion",
      text: "Ensam är inte stark",
      themeIds: [],
    });
    const meta = connectClient(s.server, s.meta, s.workshop.facilitatorToken);
    await meta.synced();
    setRevealed(meta.doc, true);

    // Once the relay has stored them (a fresh client sees them), the response holds them too.
    await eventually(async () => {
      const { documents } = await getDocuments(s.server, s.id, s.workshop.facilitatorToken);
      expect(allNotes(docFrom(documents, s.tableNames[0]!)).map((note) => note.text)).toHaveLength(2);
      expect(allNotes(docFrom(documents, s.tableNames[1]!))).toHaveLength(1);
      expect(allInsights(docFrom(documents, s.synthesis))).toHaveLength(1);
      expect(readMeta(docFrom(documents, s.meta)).revealed).toBe(true);
    });

    const response = await getDocuments(s.server, s.id, s.workshop.facilitatorToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(DOCUMENTS_CONTENT_TYPE);
    expect(response.headers.get("cache-control")).toBe("no-store");
    // Meta, synthesis, then the tables in the registry's order; the empty third table too.
    expect(names(response.documents)).toEqual([s.meta, s.synthesis, ...s.tableNames]);
    for (const name of names(response.documents)) {
      expectSameState(docFrom(response.documents, name), await serverDoc(s.server, s.workshop, name));
    }
    expect(allNotes(docFrom(response.documents, s.tableNames[2]!))).toEqual([]);
  });

  it("gives the screen every document, as its sockets may read them", async () => {
    const s = await setup();
    const response = await getDocuments(s.server, s.id, s.workshop.screenToken);
    expect(response.status).toBe(200);
    expect(names(response.documents)).toEqual([s.meta, s.synthesis, ...s.tableNames]);
  });

  it("gives a table its own board, the meta and the synthesis, and the other boards only while revealed", async () => {
    const s = await setup();
    const [own, other] = s.workshop.tables;
    if (own === undefined || other === undefined) throw new Error("setup");
    const token = (await s.server.join(own.joinCode)).token;
    const ownName = docName(tableDoc(s.id, own.id));

    expect(names((await getDocuments(s.server, s.id, token)).documents)).toEqual([
      s.meta,
      s.synthesis,
      ownName,
    ]);

    const meta = connectClient(s.server, s.meta, s.workshop.facilitatorToken);
    await meta.synced();
    setRevealed(meta.doc, true);
    await eventually(async () =>
      expect(names((await getDocuments(s.server, s.id, token)).documents)).toEqual([
        s.meta,
        s.synthesis,
        ...s.tableNames,
      ]),
    );

    setRevealed(meta.doc, false);
    await eventually(async () =>
      expect(names((await getDocuments(s.server, s.id, token)).documents)).toEqual([
        s.meta,
        s.synthesis,
        ownName,
      ]),
    );
  });

  it("includes a table added during the day", async () => {
    const s = await setup(["Bord 1"]);
    const added = await s.server.request("POST", `/api/workshops/${s.id}/tables`, {
      token: s.workshop.facilitatorToken,
      body: { name: "Bord 2" },
    });
    const tableId = (added.body as { id: TableId }).id;
    const { documents } = await getDocuments(s.server, s.id, s.workshop.facilitatorToken);
    expect(names(documents)).toEqual([
      s.meta,
      s.synthesis,
      s.tableNames[0],
      docName(tableDoc(s.id, tableId)),
    ]);
    expect(readMeta(docFrom(documents, s.meta)).tables.map((table) => table.id)).toContain(tableId);
  });

  it("sends the body compressed as the client accepts, the same bytes once decoded", async () => {
    const s = await setup();
    const round = readMeta(await serverDoc(s.server, s.workshop, s.meta)).rounds[0];
    const tableName = s.tableNames[0];
    if (round === undefined || tableName === undefined) throw new Error("setup");
    // Enough text that the body is worth compressing (as a workshop's is).
    const writer = connectClient(s.server, tableName, s.workshop.facilitatorToken);
    await writer.synced();
    for (let i = 0; i < 40; i++) {
      createNote(writer.doc, {
        roundId: round.id,
        promptId: round.prompts[0]!.id,
        text: `Samverkan mellan skola och socialtjänst, anteckning ${i}`,
        color: "yellow",
        perspectiveId: null,
        createdAt: i,
      });
    }
    const url = `${s.server.url}/api/workshops/${s.id}/documents`;
    const authorization = `Bearer ${s.workshop.facilitatorToken}`;
    await eventually(async () => {
      const plain = await rawGet(url, { authorization });
      expect(allNotes(docFrom(decodeDocuments(plain.body), tableName))).toHaveLength(40);
    });
    const plain = await rawGet(url, { authorization });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    for (const [accept, encoding] of [
      ["gzip, deflate, br, zstd", "br"],
      ["gzip", "gzip"],
      ["br;q=0, gzip;q=0.5", "gzip"],
      ["identity", undefined],
    ] as const) {
      const response = await rawGet(url, { authorization, "accept-encoding": accept });
      expect(response.status, accept).toBe(200);
      expect(response.headers["content-encoding"], accept).toBe(encoding);
      expect(response.headers.vary, accept).toBe("accept-encoding");
      expect(response.headers["cache-control"], accept).toBe("no-store");
      expect(response.headers["content-type"], accept).toBe(DOCUMENTS_CONTENT_TYPE);
      expect(decodedBody(response), accept).toEqual(plain.body);
      if (encoding !== undefined)
        expect(response.body.byteLength, accept).toBeLessThan(plain.body.byteLength / 2);
    }
  });

  it("refuses no token (401), an unknown or malformed one (401), another workshop's (403)", async () => {
    const s = await setup();
    const other = await s.server.createWorkshop({ title: "Annan dag" });
    const cases: [string | undefined, number, string][] = [
      [undefined, 401, "UNAUTHORIZED"],
      ["not-a-token", 401, "UNAUTHORIZED"],
      ["A".repeat(43), 401, "UNAUTHORIZED"],
      [other.facilitatorToken, 403, "FORBIDDEN"],
      [other.screenToken, 403, "FORBIDDEN"],
    ];
    for (const [token, status, code] of cases) {
      const response = await getDocuments(s.server, s.id, token);
      expect([response.status, response.error], `token ${token}`).toEqual([status, code]);
    }
  });

  it("answers an unknown workshop 404, a deleted one 410, a malformed id 400", async () => {
    const s = await setup();
    expect((await getDocuments(s.server, "NoSuchWorkshop1", s.workshop.facilitatorToken)).error).toBe(
      "WORKSHOP_NOT_FOUND",
    );
    expect((await getDocuments(s.server, "bad.id", s.workshop.facilitatorToken)).status).toBe(400);
    const deleted = await s.server.request("DELETE", `/api/workshops/${s.id}`, {
      token: s.workshop.facilitatorToken,
    });
    expect(deleted.status).toBe(204);
    const gone = await getDocuments(s.server, s.id, s.workshop.facilitatorToken);
    expect([gone.status, gone.error]).toEqual([410, "WORKSHOP_GONE"]);
  });

  it("creates no documents and loads nothing into the relay", async () => {
    const s = await setup();
    const stats = s.server.app.relay.stats;
    const loaded = stats.roomsLoaded;
    const response = await getDocuments(s.server, s.id, s.workshop.facilitatorToken);
    expect(response.status).toBe(200);
    expect(stats.roomsLoaded).toBe(loaded);
    expect(((await s.server.request("GET", "/healthz")).body as { documents: number }).documents).toBe(0);
    // Documents never written stay unwritten: an empty update each, and no rows in the store.
    for (const name of [s.synthesis, ...s.tableNames]) {
      expect(response.documents?.find((document) => document.name === name)?.update).toEqual(
        Y.mergeUpdates([]),
      );
      expect(await s.server.app.store.loadDoc(name)).toEqual([]);
    }
  });
});
