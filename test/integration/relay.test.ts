import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from "../../server/relay/protocol.ts";
import { CloseCode } from "../../shared/closeCodes.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { awaitAdmitted, openRawSocket } from "../helpers/rawSocket.ts";
import { startServer } from "../helpers/server.ts";

async function tableSetup() {
  const server = await startServer();
  const workshop = await server.createWorkshop({ tables: 2 });
  const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
  return { server, workshop, name, token: workshop.facilitatorToken };
}

describe("relay", () => {
  it("never stores or relays an update with missing dependencies, and asks its sender to resync", async () => {
    const { server, name, token } = await tableSetup();
    const watcher = connectClient(server, name, token);
    await watcher.synced();

    // A peer with two edits sends only the second: it depends on the first.
    const peer = new Y.Doc();
    const updates: Uint8Array[] = [];
    peer.on("update", (update: Uint8Array) => updates.push(update));
    peer.getText("t").insert(0, "första ");
    peer.getText("t").insert(7, "andra");
    const raw = openRawSocket(server, name, token);
    await awaitAdmitted(raw);
    // Read so far, the document is still the stored rows: building it sends writers our state vector.
    expect(server.app.relay.loadedRoom(name)!.doc.getText("t").toString()).toBe("");
    await eventually(() => expect(raw.received.some((m) => m.type === "sync-step1")).toBe(true));
    const stepsBefore = raw.received.filter((m) => m.type === "sync-step1").length;
    const logBefore = await server.app.store.logLength(name);

    raw.send(encodeUpdate(updates[1]!));
    // The server answers with a fresh sync step 1: "send me what I lack".
    await eventually(() =>
      expect(raw.received.filter((m) => m.type === "sync-step1").length).toBe(stepsBefore + 1),
    );
    expect(server.app.relay.stats.pendingDropped).toBe(1);
    expect(await server.app.store.logLength(name)).toBe(logBefore);
    expect(watcher.doc.getText("t").toString()).toBe("");
    // Nothing pending lingers in the server's copy, so no sync reply can leak it.
    const room = server.app.relay.loadedRoom(name)!;
    expect(room.doc.store.pendingStructs).toBeNull();

    // The sender's full diff carries both edits; now they are stored and relayed.
    raw.send(encodeSyncStep2(Y.encodeStateAsUpdate(peer, Y.encodeStateVector(room.doc))));
    await eventually(() => expect(watcher.doc.getText("t").toString()).toBe("första andra"));
    expect(await server.app.store.logLength(name)).toBeGreaterThan(logBefore);
  });

  it("keeps frames sent before the document is ready, in order", async () => {
    const { server, name, token } = await tableSetup();
    const peer = new Y.Doc();
    peer.getMap("m").set("a", 1);
    const first = Y.encodeStateAsUpdate(peer);
    const sv = Y.encodeStateVector(peer);
    peer.getMap("m").set("a", 2);
    const second = Y.encodeStateAsUpdate(peer, sv);
    const raw = openRawSocket(server, name, token);
    raw.ws.once("open", () => {
      // Sent at once on open, while the server is still checking the token and loading.
      raw.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
      raw.send(encodeUpdate(first));
      raw.send(encodeUpdate(second));
    });
    const reader = connectClient(server, name, token);
    await eventually(() => expect(reader.doc.getMap("m").get("a")).toBe(2));
    await eventually(() => expect(raw.received.some((m) => m.type === "sync-step2")).toBe(true));
  });

  it("loads a document once for many simultaneous clients, and unloads it after the last leaves", async () => {
    const { server, name, token } = await tableSetup();
    const loadsBefore = server.app.relay.stats.roomsLoaded;
    const clients = Array.from({ length: 12 }, () => connectClient(server, name, token));
    await Promise.all(clients.map((client) => client.synced()));
    expect(server.app.relay.stats.roomsLoaded - loadsBefore).toBe(1);
    expect(server.app.relay.loadedRoom(name)?.connections.size).toBe(12);
    for (const client of clients) client.destroy();
    await eventually(() => expect(server.app.relay.loadedRoom(name)).toBeNull());
    expect(server.app.relay.stats.roomsUnloaded).toBeGreaterThanOrEqual(1);
  });

  it("compacts the log of a document that stays loaded, without losing anything", async () => {
    const { server, name, token } = await tableSetup();
    const writer = connectClient(server, name, token);
    await writer.synced();
    const list = writer.doc.getArray<number>("n");
    for (let i = 0; i < 600; i++) list.push([i]);
    const reader = connectClient(server, name, token);
    await eventually(() => expect(reader.doc.getArray("n").length).toBe(600));
    // 600 separate updates were appended; compaction folds them into one snapshot.
    await eventually(async () => expect(await server.app.store.logLength(name)).toBeLessThan(100));
    expect(server.app.relay.loadedRoom(name)).not.toBeNull();
    // What is stored (the snapshot, made from the loaded document, and the log after it) is all of it.
    const stored = new Y.Doc();
    for (const row of await server.app.store.loadDoc(name)) Y.applyUpdate(stored, row);
    expect(stored.getArray("n").toArray()).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const late = connectClient(server, name, token);
    await late.synced();
    expect(late.doc.getArray("n").toArray()).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it.each([
    ["a text frame", "hello"],
    ["an unknown message type", new Uint8Array([7, 0])],
    ["a truncated varint", new Uint8Array([0x80])],
    ["an unknown sync step", new Uint8Array([0, 9, 0])],
    ["a garbage update", new Uint8Array([0, 2, 5, 255, 255, 255, 255, 15])],
  ])("closes the socket on %s with 1007, and others carry on", async (_label, frame) => {
    const { server, name, token } = await tableSetup();
    const bystander = connectClient(server, name, token);
    await bystander.synced();
    const raw = openRawSocket(server, name, token);
    await awaitAdmitted(raw);
    raw.send(frame);
    expect((await raw.closed).code).toBe(CloseCode.InvalidMessage);

    const writer = connectClient(server, name, token);
    await writer.synced();
    writer.doc.getMap("m").set("still", "working");
    await eventually(() => expect(bystander.doc.getMap("m").get("still")).toBe("working"));
  });

  it("closes a frame over MAX_MESSAGE_BYTES with 1009", async () => {
    const server = await startServer({ env: { MAX_MESSAGE_BYTES: "4096" } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
    const raw = openRawSocket(server, name, workshop.facilitatorToken);
    await raw.opened;
    raw.send(new Uint8Array(5000));
    expect((await raw.closed).code).toBe(CloseCode.MessageTooBig);
  });
});
