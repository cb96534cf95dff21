import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { encodeSyncStep1, encodeUpdate } from "../../server/relay/protocol.ts";
import { byteLength } from "../../server/relay/roomDoc.ts";
import { replayUpdates } from "../../server/store/replay.ts";
import { CloseCode, closeReasons } from "../../shared/closeCodes.ts";
import { docName, metaDoc, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { awaitAdmitted, openRawSocket, type RawSocket } from "../helpers/rawSocket.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const KiB = 1024;

/** A raw writer, once the server answered its first sync (so it sits in the room). */
async function openWriter(server: TestServer, name: string, token: string): Promise<RawSocket> {
  const raw = openRawSocket(server, name, token);
  await awaitAdmitted(raw);
  return raw;
}

/** One sample of /metrics, e.g. `samla_errors_total{kind="document_full"}`. */
async function metric(server: TestServer, sample: string): Promise<number | undefined> {
  const { text } = await server.request("GET", "/metrics");
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe("connections per token (MAX_CONNECTIONS_PER_TOKEN)", () => {
  it("refuses the connection over the cap with 4429 before loading anything, and frees a slot on close", async () => {
    const server = await startServer({ env: { MAX_CONNECTIONS_PER_TOKEN: "3" } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const table = workshop.tables[0]!;
    const tablet = await server.join(table.joinCode);
    const tableName = docName(tableDoc(workshop.workshopId, table.id));
    const metaName = docName(metaDoc(workshop.workshopId));
    const relay = server.app.relay;

    const open = [
      await openWriter(server, tableName, tablet.token),
      await openWriter(server, tableName, tablet.token),
      await openWriter(server, tableName, tablet.token),
    ];
    expect(relay.loadedRoom(metaName)).toBeNull();
    const roomsLoaded = relay.stats.roomsLoaded;

    // The fourth, on a document nobody has open: refused before it is loaded, and sent nothing.
    const refused = openRawSocket(server, metaName, tablet.token);
    await refused.opened;
    refused.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    expect(await refused.closed).toEqual({
      code: CloseCode.TooManyConnections,
      reason: closeReasons[CloseCode.TooManyConnections],
    });
    expect(refused.received).toEqual([]);
    expect(relay.loadedRoom(metaName)).toBeNull();
    expect(relay.stats.roomsLoaded).toBe(roomsLoaded);

    // The stock provider takes 4429 as final: it stops retrying.
    const provider = connectClient(server, metaName, tablet.token);
    expect(await provider.refused()).toBe(CloseCode.TooManyConnections);
    expect(provider.provider.shouldConnect).toBe(false);
    expect(relay.stats.errors.tooManyConnections).toBe(2);
    expect(await metric(server, 'samla_errors_total{kind="too_many_connections"}')).toBe(2);

    // The cap is per token: the facilitator is not affected, and the three open ones carry on.
    const facilitator = connectClient(server, tableName, workshop.facilitatorToken);
    await facilitator.synced();
    const source = new Y.Doc();
    source.on("update", (update: Uint8Array) => open[0]!.send(encodeUpdate(update)));
    source.getMap("notes").set("n1", "still writing");
    await eventually(() => expect(facilitator.doc.getMap("notes").get("n1")).toBe("still writing"));
    await eventually(() => expect(open[2]!.received.some((m) => m.type === "update")).toBe(true));

    // Closing one frees its slot once the socket is gone.
    open[1]!.ws.close();
    await open[1]!.closed;
    await eventually(() => expect(relay.openConnections).toBe(3));
    const again = openRawSocket(server, metaName, tablet.token);
    await again.opened;
    again.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    await eventually(() => expect(again.received.some((m) => m.type === "sync-step2")).toBe(true));
    expect(relay.stats.errors.tooManyConnections).toBe(2);
    source.destroy();
  });

  it("holds under a burst: of 40 sockets opened at once with one token, exactly the cap get in", async () => {
    const server = await startServer({ env: { MAX_CONNECTIONS_PER_TOKEN: "10" } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
    // Counted on upgrade, not after the token check: sockets still being checked count too.
    const sockets = Array.from({ length: 40 }, () => {
      const raw = openRawSocket(server, name, workshop.facilitatorToken);
      raw.ws.once("open", () => raw.send(encodeSyncStep1(new Uint8Array([0]))));
      return raw;
    });
    const admitted = () => sockets.filter((raw) => raw.received.some((m) => m.type === "sync-step2"));
    await eventually(() => {
      expect(server.app.relay.stats.connectionsOpened).toBe(40);
      expect(admitted()).toHaveLength(10);
    });
    const codes = await Promise.all(
      sockets.filter((raw) => !admitted().includes(raw)).map(async (raw) => (await raw.closed).code),
    );
    expect(codes).toEqual(Array(30).fill(CloseCode.TooManyConnections));
    expect(server.app.relay.stats.errors.tooManyConnections).toBe(30);
    expect(server.app.relay.loadedRoom(name)?.connections.size).toBe(10);
  });
});

describe("document size (MAX_DOC_BYTES)", () => {
  const CAP = 64 * KiB;

  it("refuses the update that would pass the cap with 4413: not applied, stored or relayed; others carry on; restart loads it", async () => {
    let server = await startServer({ env: { MAX_DOC_BYTES: String(CAP) } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
    const token = workshop.facilitatorToken;
    const reader = connectClient(server, name, token);
    await reader.synced();
    const writer = await openWriter(server, name, token);

    const source = new Y.Doc();
    const sent: Uint8Array[] = [];
    source.on("update", (update: Uint8Array) => {
      sent.push(update);
      writer.send(encodeUpdate(update));
    });
    const notes = source.getArray<string>("notes");
    // Ten notes of 10 Ki characters (20 KiB: "å" is two bytes) in one burst: only the first few fit.
    for (let i = 0; i < 10; i++) notes.push([`${i}:`.padEnd(10 * KiB, "å")]);

    expect(await writer.closed).toEqual({
      code: CloseCode.DocumentFull,
      reason: closeReasons[CloseCode.DocumentFull],
    });
    const room = server.app.relay.loadedRoom(name)!;
    await room.settled();
    const fitted = room.doc.getArray("notes").length;
    expect(fitted).toBeGreaterThan(0);
    expect(fitted).toBeLessThan(10);
    const kept = reader.doc.getArray<string>("notes");
    await eventually(() => expect(kept.length).toBe(fitted));
    expect(kept.toArray()).toEqual(notes.toArray().slice(0, fitted));
    // The refusal was due: the refused update would have passed the cap.
    expect(room.storedBytes).toBeLessThanOrEqual(CAP);
    expect(room.storedBytes + sent[fitted]!.byteLength).toBeGreaterThan(CAP);
    expect(server.app.relay.stats.errors.documentFull).toBe(1);
    expect(await metric(server, 'samla_errors_total{kind="document_full"}')).toBe(1);

    // Stored: exactly what the reader has, measured as the room counts it.
    const rows = await server.app.store.loadDoc(name);
    expect(byteLength(rows)).toBe(room.storedBytes);
    expect(replayUpdates(rows).getArray("notes").toJSON()).toEqual(kept.toJSON());

    // Others are unaffected: the reader is still connected, and a small edit still fits.
    expect(reader.closeCodes).toEqual([]);
    const other = connectClient(server, name, token);
    await other.synced();
    other.doc.getMap("small").set("ok", "ja");
    await eventually(() => expect(reader.doc.getMap("small").get("ok")).toBe("ja"));

    // The server restarts fine on it, counting the same size.
    server = await server.restart();
    const fresh = connectClient(server, name, token);
    await fresh.synced();
    await eventually(() => expect(fresh.doc.getArray("notes").length).toBe(fitted));
    expect(fresh.doc.getMap("small").get("ok")).toBe("ja");
    const reloaded = server.app.relay.loadedRoom(name)!;
    expect(reloaded.storedBytes).toBe(byteLength(await server.app.store.loadDoc(name)));
    source.destroy();
  });

  it("a compaction gives back what history took: a document rewritten over and over never fills", async () => {
    const server = await startServer({ env: { MAX_DOC_BYTES: String(CAP) } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
    const writer = connectClient(server, name, workshop.facilitatorToken);
    const reader = connectClient(server, name, workshop.facilitatorToken);
    await Promise.all([writer.synced(), reader.synced()]);

    // 60 drafts of 4 KiB each replace the last: 240 KiB written, one draft alive.
    const draft = writer.doc.getMap<string>("draft");
    for (let i = 0; i < 60; i++) {
      const text = `${i}:`.padEnd(4 * KiB, "x");
      draft.set("text", text);
      await eventually(() => expect(reader.doc.getMap("draft").get("text")).toBe(text));
    }
    expect(writer.closeCodes).toEqual([]);
    expect(server.app.relay.stats.errors.documentFull).toBe(0);
    const room = server.app.relay.loadedRoom(name)!;
    await room.settled();
    await eventually(async () => {
      const rows = await server.app.store.loadDoc(name);
      expect(room.storedBytes).toBe(byteLength(rows));
    });
    expect(room.storedBytes).toBeLessThan(CAP);
    expect(await server.app.store.logLength(name)).toBeLessThan(60);
  });

  it("server-side changes are exempt: a table can be added to a full meta document", async () => {
    const server = await startServer({ env: { MAX_DOC_BYTES: String(CAP) } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const name = docName(metaDoc(workshop.workshopId));
    const facilitator = connectClient(server, name, workshop.facilitatorToken);
    await facilitator.synced();
    // 80 KiB in ten updates: the facilitator's own client fills the meta document and is refused.
    const filler = facilitator.doc.getMap<string>("filler");
    for (let i = 0; i < 10; i++) filler.set(`f${i}`, "y".repeat(8 * KiB));
    expect(await facilitator.refused()).toBe(CloseCode.DocumentFull);
    const room = server.app.relay.loadedRoom(name)!;
    await room.settled();
    expect(room.storedBytes + 8 * KiB).toBeGreaterThan(CAP);

    const added = await server.request("POST", `/api/workshops/${workshop.workshopId}/tables`, {
      token: workshop.facilitatorToken,
      body: { name: "Bord 9" },
    });
    expect(added.status).toBe(201);
    const screen = connectClient(server, name, workshop.screenToken);
    await screen.synced();
    await eventually(() =>
      expect(JSON.stringify(screen.doc.getArray("tables").toJSON())).toContain("Bord 9"),
    );
    expect(room.storedBytes).toBeGreaterThan(CAP - 8 * KiB);
    expect(server.app.relay.stats.errors.documentFull).toBe(1);
  });
});
