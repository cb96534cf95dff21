import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { WsRelaySocket } from "../../server/http/wsRelaySocket.ts";
import { encodeSyncStep1, encodeUpdate } from "../../server/relay/protocol.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { eventually } from "../helpers/eventually.ts";
import { awaitAdmitted, openRawSocket, type RawSocket } from "../helpers/rawSocket.ts";
import { startServer } from "../helpers/server.ts";

async function tableSetup() {
  const server = await startServer();
  const workshop = await server.createWorkshop({ tables: 1 });
  const ref = tableDoc(workshop.workshopId, workshop.tables[0]!.id);
  return { server, ref, name: docName(ref), token: workshop.facilitatorToken };
}

/** The document a raw socket has been sent so far: sync replies and updates applied in order. */
function docOf(raw: RawSocket): Y.Doc {
  const doc = new Y.Doc();
  for (const message of raw.received) {
    if (message.type === "sync-step2" || message.type === "update") Y.applyUpdate(doc, message.update);
  }
  return doc;
}

function updatesIn(raw: RawSocket): number {
  return raw.received.filter((message) => message.type === "update").length;
}

/** Keystroke-sized updates of one writer: a note's text typed a character at a time. */
function keystrokes(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  const text = doc.getText("note");
  for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  return { doc, updates };
}

describe("relay batching", () => {
  it("sends a burst of keystrokes to readers as fewer frames, stores it as fewer rows, and loses nothing", async () => {
    const { server, name, token } = await tableSetup();
    const reader = openRawSocket(server, name, token);
    await reader.opened;
    reader.send(encodeSyncStep1(new Uint8Array([0])));
    await eventually(() => expect(reader.received.some((m) => m.type === "sync-step2")).toBe(true));

    const writer = openRawSocket(server, name, token);
    await awaitAdmitted(writer);
    const logBefore = await server.app.store.logLength(name);
    const storedBefore = server.app.relay.stats.updatesStored;

    const typed = keystrokes(50);
    // Written in one go, as a fast typist's frames queue up behind a busy event loop.
    for (const update of typed.updates) writer.send(encodeUpdate(update));

    await eventually(() =>
      expect(docOf(reader).getText("note").toString()).toBe(typed.doc.getText("note").toString()),
    );
    expect(server.app.relay.stats.updatesStored - storedBefore).toBe(50);
    expect(updatesIn(reader)).toBeLessThan(50);
    expect((await server.app.store.logLength(name)) - logBefore).toBeLessThan(50);
    // Everything in those frames came from the writer alone: none is sent back to it.
    expect(updatesIn(writer)).toBe(0);
  });

  it("writes each frame to a reader's TCP socket directly, framed once for all readers", async () => {
    const { server, name, token } = await tableSetup();
    const readers = [openRawSocket(server, name, token), openRawSocket(server, name, token)];
    for (const reader of readers) {
      await reader.opened;
      reader.send(encodeSyncStep1(new Uint8Array([0])));
    }
    await eventually(() =>
      expect(readers.every((r) => r.received.some((m) => m.type === "sync-step2"))).toBe(true),
    );
    const writer = openRawSocket(server, name, token);
    await awaitAdmitted(writer);
    const direct = WsRelaySocket.direct;
    const viaWs = WsRelaySocket.viaWs;
    const typed = keystrokes(30);
    for (const [i, update] of typed.updates.entries()) {
      writer.send(encodeUpdate(update));
      // One at a time, so that there are many frames.
      await eventually(() =>
        expect(readers.map((r) => docOf(r).getText("note").length)).toEqual([i + 1, i + 1]),
      );
    }
    const want = typed.doc.getText("note").toString();
    await eventually(() => {
      for (const reader of readers) expect(docOf(reader).getText("note").toString()).toBe(want);
    });
    const frames = readers.reduce((sum, reader) => sum + updatesIn(reader), 0);
    expect(frames).toBe(2 * typed.updates.length);
    // Every update frame the readers got went the direct way; ws had nothing queued.
    expect(WsRelaySocket.direct - direct).toBeGreaterThanOrEqual(frames);
    expect(WsRelaySocket.viaWs - viaWs).toBe(0);
  });

  it("merges several writers' updates into one document for every reader, writers included", async () => {
    const { server, name, token } = await tableSetup();
    const writers = [openRawSocket(server, name, token), openRawSocket(server, name, token)];
    const reader = openRawSocket(server, name, token);
    for (const socket of [...writers, reader]) await socket.opened;
    const typed = [keystrokes(20), keystrokes(20)];
    typed.forEach(({ updates }, i) => {
      for (const update of updates) writers[i]!.send(encodeUpdate(update));
    });
    const expected = new Y.Doc();
    for (const { updates } of typed) for (const update of updates) Y.applyUpdate(expected, update);
    const want = expected.getText("note").toString();
    await eventually(() => expect(docOf(reader).getText("note").toString()).toBe(want));
    // Each writer ends with the other's text too, whether it came merged with its own or not.
    const stored = new Y.Doc();
    for (const row of await server.app.store.loadDoc(name)) Y.applyUpdate(stored, row);
    expect(stored.getText("note").toString()).toBe(want);
    for (const [i, writer] of writers.entries()) {
      const theirs = docOf(writer);
      for (const update of typed[i]!.updates) Y.applyUpdate(theirs, update);
      expect(theirs.getText("note").toString()).toBe(want);
    }
  });

  it("answers a client with nothing from the current version, never a stale one", async () => {
    const { server, ref, name, token } = await tableSetup();
    const first = openRawSocket(server, name, token);
    await first.opened;
    first.send(encodeSyncStep1(new Uint8Array([0])));
    await eventually(() => expect(first.received.some((m) => m.type === "sync-step2")).toBe(true));

    const typed = keystrokes(3);
    for (const update of typed.updates) first.send(encodeUpdate(update));
    await eventually(async () =>
      expect(server.app.relay.loadedRoom(name)?.doc.getText("note").toString()).toBe("abc"),
    );

    const second = openRawSocket(server, name, token);
    await second.opened;
    second.send(encodeSyncStep1(new Uint8Array([0])));
    await eventually(() => expect(second.received.some((m) => m.type === "sync-step2")).toBe(true));
    expect(docOf(second).getText("note").toString()).toBe("abc");

    // A change made by the server itself invalidates it as well.
    await server.app.relay.changeDoc(ref, (doc) => doc.getText("note").insert(3, "!"));
    const third = openRawSocket(server, name, token);
    await third.opened;
    third.send(encodeSyncStep1(new Uint8Array([0])));
    await eventually(() => expect(third.received.some((m) => m.type === "sync-step2")).toBe(true));
    expect(docOf(third).getText("note").toString()).toBe("abc!");
  });

  it("relays what several writers of several tables sent in one turn as one row and one frame per reader", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 2 });
    const token = workshop.facilitatorToken;
    const tables = await Promise.all(
      workshop.tables.map(async (table) => {
        const name = docName(tableDoc(workshop.workshopId, table.id));
        const reader = openRawSocket(server, name, token);
        const writers = [openRawSocket(server, name, token), openRawSocket(server, name, token)];
        for (const socket of [reader, ...writers]) await awaitAdmitted(socket);
        return { name, reader, writers, typed: [keystrokes(5), keystrokes(5)] };
      }),
    );
    const before = await Promise.all(
      tables.map(async ({ name, reader }) => ({
        rows: await server.app.store.logLength(name),
        frames: updatesIn(reader),
      })),
    );
    for (const { writers, typed } of tables) {
      writers.forEach((writer, i) => {
        for (const update of typed[i]!.updates) writer.send(encodeUpdate(update));
      });
    }
    // The server runs in this process: while this turn computes, every frame reaches its socket,
    // so the next turn reads them all (four sockets, two rooms) before it applies any.
    const until = performance.now() + 100;
    while (performance.now() < until) {
      // busy
    }
    for (const [i, { name, reader, typed }] of tables.entries()) {
      const expected = new Y.Doc();
      for (const { updates } of typed) for (const update of updates) Y.applyUpdate(expected, update);
      const want = expected.getText("note").toString();
      await eventually(() => expect(docOf(reader).getText("note").toString()).toBe(want));
      expect(updatesIn(reader) - (before[i]?.frames ?? 0)).toBe(1);
      expect((await server.app.store.logLength(name)) - (before[i]?.rows ?? 0)).toBe(1);
    }
  });
});
