import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { docName, metaDoc, tableDoc } from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { createNote, notesFor } from "../../shared/schema/table.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer } from "../helpers/server.ts";

function texts(doc: Y.Doc, roundId: string): string[] {
  return notesFor(doc, roundId as never).map((note) => note.text);
}

describe("sync through the relay", () => {
  it("two tablets at one table see each other's notes, and a late joiner gets them all", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: ["Bord 1", "Bord 2"] });
    const table = workshop.tables[0]!;
    const tabletA = await server.join(table.joinCode);
    const tabletB = await server.join(table.joinCode);
    const name = docName(tableDoc(workshop.workshopId, table.id));

    const meta = connectClient(server, docName(metaDoc(workshop.workshopId)), tabletA.token);
    await meta.synced();
    const state = readMeta(meta.doc);
    const roundId = state.activeRoundId!;
    const promptId = state.rounds[0]!.prompts[0]!.id;

    const a = connectClient(server, name, tabletA.token);
    const b = connectClient(server, name, tabletB.token);
    await Promise.all([a.synced(), b.synced()]);

    createNote(a.doc, {
      roundId,
      promptId,
      text: "Stuprör mellan förvaltningarna",
      color: "yellow",
      perspectiveId: null,
      createdAt: 1,
    });
    await eventually(() => expect(texts(b.doc, roundId)).toEqual(["Stuprör mellan förvaltningarna"]));
    createNote(b.doc, {
      roundId,
      promptId,
      text: "Ingen gemensam lägesbild",
      color: "pink",
      perspectiveId: null,
      createdAt: 2,
    });
    await eventually(() => expect(texts(a.doc, roundId)).toHaveLength(2));

    const late = connectClient(server, name, (await server.join(table.joinCode)).token);
    await late.synced();
    expect(texts(late.doc, roundId)).toEqual(texts(a.doc, roundId));
    expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(a.doc));
  });

  it("records a workshop's last activity when notes are written", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const id = workshop.workshopId as WorkshopId;
    const created = (await server.app.store.getWorkshop(id))!;
    const name = docName(tableDoc(id, workshop.tables[0]!.id as TableId));
    const writer = connectClient(server, name, workshop.facilitatorToken);
    await writer.synced();
    writer.doc.getMap("m").set("k", "v");
    await eventually(async () =>
      expect((await server.app.store.getWorkshop(id))!.lastActivityAt).toBeGreaterThan(created.createdAt),
    );
  });

  it("keeps every note across a server restart", async () => {
    let server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const table = workshop.tables[0]!;
    const token = (await server.join(table.joinCode)).token;
    const name = docName(tableDoc(workshop.workshopId as WorkshopId, table.id as TableId));
    const writer = connectClient(server, name, token);
    await writer.synced();
    for (let i = 0; i < 20; i++) {
      createNote(writer.doc, {
        roundId: "r" as never,
        promptId: "p" as never,
        text: `lapp ${i} åäö`,
        color: "yellow",
        perspectiveId: null,
        createdAt: i,
      });
    }
    // A second client has seen every note: then they are on disk.
    const reader = connectClient(server, name, workshop.facilitatorToken);
    await eventually(() => expect(texts(reader.doc, "r")).toHaveLength(20));
    writer.destroy();
    reader.destroy();

    server = await server.restart();
    const after = connectClient(server, name, token);
    await after.synced();
    expect(texts(after.doc, "r")).toEqual(Array.from({ length: 20 }, (_, i) => `lapp ${i} åäö`));
  });
});
