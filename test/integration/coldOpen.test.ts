import { expect, it } from "vitest";
import * as Y from "yjs";
import { encodeSyncStep1, encodeUpdate } from "../../server/relay/protocol.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { openRawSocket, type RawSocket } from "../helpers/rawSocket.ts";
import { startServer } from "../helpers/server.ts";

const EMPTY_STATE_VECTOR = new Uint8Array([0]);

function docOf(raw: RawSocket): Y.Doc {
  const doc = new Y.Doc();
  for (const message of raw.received) {
    if (message.type === "sync-step2" || message.type === "update") Y.applyUpdate(doc, message.update);
  }
  return doc;
}

it("answers a client with nothing from the stored rows before building the document, then serves writes as usual", async () => {
  const first = await startServer();
  const workshop = await first.createWorkshop({ tables: 1 });
  const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
  const token = workshop.facilitatorToken;
  const writer = connectClient(first, name, token);
  await writer.synced();
  for (let i = 0; i < 30; i++) writer.doc.getText("note").insert(i, String.fromCharCode(65 + (i % 26)));
  writer.doc.getText("note").delete(0, 5);
  const want = writer.doc.getText("note").toString();
  await eventually(() => expect(first.app.relay.loadedRoom(name)?.doc.getText("note").toString()).toBe(want));
  writer.destroy();
  const server = await first.restart();

  // The first sync of a client with nothing, sent before the document is loaded.
  const cold = openRawSocket(server, name, token);
  cold.ws.once("open", () => cold.send(encodeSyncStep1(EMPTY_STATE_VECTOR)));
  await eventually(() => expect(cold.received.some((m) => m.type === "sync-step2")).toBe(true));
  const types = cold.received.map((m) => m.type).filter((type) => type === "update" || type === "sync-step2");
  // Stored rows as updates, then an empty sync step 2: the reply did not wait for Yjs.
  expect(types.at(-1)).toBe("sync-step2");
  expect(types.slice(0, -1).length).toBeGreaterThan(0);
  expect(types.slice(0, -1).every((type) => type === "update")).toBe(true);
  expect(docOf(cold).getText("note").toString()).toBe(want);

  // A document only read is never decoded.
  const room = server.app.relay.loadedRoom(name)!;
  expect(room.isBuilt).toBe(false);

  // The cold client's first write builds it; the write lands and the writer gets our state vector.
  const more = new Y.Doc();
  Y.applyUpdate(more, Y.encodeStateAsUpdate(docOf(cold)));
  const updates: Uint8Array[] = [];
  more.on("update", (update: Uint8Array) => updates.push(update));
  more.getText("note").insert(0, "¡");
  for (const update of updates) cold.send(encodeUpdate(update));
  await eventually(() => expect(cold.received.some((m) => m.type === "sync-step1")).toBe(true));
  expect(room.isBuilt).toBe(true);

  // After the build, a client with nothing gets one sync step 2 of the built document.
  const warm = openRawSocket(server, name, token);
  await warm.opened;
  warm.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
  await eventually(() => expect(warm.received.some((m) => m.type === "sync-step2")).toBe(true));
  expect(warm.received.filter((m) => m.type === "update")).toHaveLength(0);
  expect(docOf(warm).getText("note").toString()).toBe(`¡${want}`);
  const stored = new Y.Doc();
  for (const row of await server.app.store.loadDoc(name)) Y.applyUpdate(stored, row);
  expect(stored.getText("note").toString()).toBe(`¡${want}`);
});
