import { describe, expect, it } from "vitest";
import { AWARENESS_BURST, AWARENESS_PER_SECOND } from "../../server/relay/connection.ts";
import { PRESENCE_FLUSH_MS } from "../../server/relay/presence.ts";
import {
  decodeAwarenessUpdate,
  encodeAwareness,
  encodeAwarenessUpdate,
  encodeSyncStep1,
} from "../../server/relay/protocol.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { openRawSocket, type RawSocket } from "../helpers/rawSocket.ts";
import { startServer } from "../helpers/server.ts";

async function tableSetup() {
  const server = await startServer();
  const workshop = await server.createWorkshop({ tables: 1 });
  const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
  return { server, name, token: workshop.facilitatorToken, workshopId: workshop.workshopId };
}

function presence(clientId: number, clock: number, state: unknown): Uint8Array {
  return encodeAwareness(encodeAwarenessUpdate([{ clientId, clock, state: JSON.stringify(state) }]));
}

/** The awareness frames a raw socket received, and every client id they mention. */
function awarenessSeen(raw: RawSocket): { frames: number; ids: Set<number> } {
  const ids = new Set<number>();
  let frames = 0;
  for (const message of raw.received) {
    if (message.type !== "awareness") continue;
    frames++;
    for (const entry of decodeAwarenessUpdate(message.update)) ids.add(entry.clientId);
  }
  return { frames, ids };
}

async function openSynced(server: Parameters<typeof openRawSocket>[0], name: string, token: string) {
  const raw = openRawSocket(server, name, token);
  await raw.opened;
  // Synced like a fresh client (an empty state vector): the server's answer means the socket is in the room.
  raw.send(encodeSyncStep1(new Uint8Array([0])));
  await eventually(() => expect(raw.received.some((m) => m.type === "sync-step2")).toBe(true));
  return raw;
}

describe("presence limits", () => {
  it("ignores forged client ids: an observer never sees them", async () => {
    const { server, name, token } = await tableSetup();
    const observer = await openSynced(server, name, token);
    const forger = await openSynced(server, name, token);
    forger.send(presence(1, 1, { name: "forger" }));
    await eventually(() => expect(awarenessSeen(observer).ids.has(1)).toBe(true));

    const forged = Array.from({ length: 1000 }, (_, i) => ({
      clientId: 10_000 + i,
      clock: 1,
      state: JSON.stringify({ name: `fake ${i}` }),
    }));
    forger.send(encodeAwareness(encodeAwarenessUpdate(forged)));
    forger.send(presence(1, 2, { name: "forger", marker: true }));
    // The marker is relayed after the forged update was handled: by then nothing forged got through.
    await eventually(() =>
      expect(server.app.relay.loadedRoom(name)?.awareness.getStates().get(1)).toHaveProperty("marker"),
    );
    await eventually(() => expect(awarenessSeen(observer).frames).toBeGreaterThanOrEqual(2));
    expect([...awarenessSeen(observer).ids]).toEqual([1]);
    expect(server.app.relay.stats.awarenessDropped).toBeGreaterThanOrEqual(1000);
    expect(server.app.relay.loadedRoom(name)?.awareness.getStates().size).toBe(1);
  });

  it("does not let a second connection take over an id that another connection speaks for", async () => {
    const { server, name, token } = await tableSetup();
    const honest = await openSynced(server, name, token);
    honest.send(presence(42, 1, { name: "Ada" }));
    await eventually(() =>
      expect(server.app.relay.loadedRoom(name)?.awareness.getStates().get(42)).toEqual({ name: "Ada" }),
    );
    const thief = await openSynced(server, name, token);
    thief.send(presence(42, 99, { name: "not Ada" }));
    thief.send(presence(7, 1, { name: "thief" }));
    await eventually(() =>
      expect(server.app.relay.loadedRoom(name)?.awareness.getStates().has(7)).toBe(true),
    );
    expect(server.app.relay.loadedRoom(name)?.awareness.getStates().get(42)).toEqual({ name: "Ada" });
  });

  it("drops an oversized state", async () => {
    const { server, name, token } = await tableSetup();
    const observer = await openSynced(server, name, token);
    const sender = await openSynced(server, name, token);
    const before = server.app.relay.stats.awarenessDropped;
    sender.send(presence(5, 1, { blob: "x".repeat(20_000) }));
    await eventually(() => expect(server.app.relay.stats.awarenessDropped).toBe(before + 1));
    sender.send(presence(5, 2, { name: "small" }));
    await eventually(() => expect(awarenessSeen(observer).ids.has(5)).toBe(true));
    expect(server.app.relay.loadedRoom(name)?.awareness.getStates().get(5)).toEqual({ name: "small" });
  });

  it("cuts a flood to burst + rate × elapsed, keeps honest presence working, and removes it on disconnect", async () => {
    const { server, name, token } = await tableSetup();
    const observer = await openSynced(server, name, token);
    const honest = connectClient(server, name, token);
    await honest.synced();
    const flooder = await openSynced(server, name, token);
    const framesBefore = awarenessSeen(observer).frames;
    const started = Date.now();
    for (let clock = 1; clock <= 1000; clock++) flooder.send(presence(666, clock, { clock }));

    // Honest presence goes through during the flood.
    honest.provider.awareness.setLocalStateField("name", "Beata");
    const honestId = honest.doc.clientID;
    await eventually(() => {
      const states = observer.received.filter((m) => m.type === "awareness");
      const named = states.some((m) =>
        decodeAwarenessUpdate(m.update).some((e) => e.clientId === honestId && e.state.includes("Beata")),
      );
      expect(named).toBe(true);
    });
    // The flood's last state arrives eventually (deferred, not lost).
    await eventually(() =>
      expect(server.app.relay.loadedRoom(name)?.awareness.getStates().get(666)).toEqual({ clock: 1000 }),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const floodFrames = observer.received.filter(
      (m) => m.type === "awareness" && decodeAwarenessUpdate(m.update).some((e) => e.clientId === 666),
    ).length;
    // At most this many of the flood's updates were applied; the rest were dropped. Coalescing
    // sends them in fewer frames still.
    const allowed = AWARENESS_BURST + Math.ceil(AWARENESS_PER_SECOND * elapsedSeconds) + 1;
    expect(floodFrames).toBeLessThanOrEqual(allowed);
    expect(awarenessSeen(observer).frames - framesBefore).toBeLessThan(100);
    expect(server.app.relay.stats.awarenessDropped).toBeGreaterThanOrEqual(1000 - allowed);

    honest.destroy();
    await eventually(() =>
      expect(server.app.relay.loadedRoom(name)?.awareness.getStates().has(honestId)).toBe(false),
    );
    // The observer is told the honest client left (its state "null"); other frames may come after it.
    await eventually(() =>
      expect(
        observer.received.some(
          (m) =>
            m.type === "awareness" &&
            decodeAwarenessUpdate(m.update).some((e) => e.clientId === honestId && e.state === "null"),
        ),
      ).toBe(true),
    );
  });
});

/** Every awareness entry a raw socket received, in order, with the frame it came in. */
function entriesSeen(raw: RawSocket): { frame: number; clientId: number; clock: number; state: string }[] {
  const seen: { frame: number; clientId: number; clock: number; state: string }[] = [];
  let frame = 0;
  for (const message of raw.received) {
    if (message.type !== "awareness") continue;
    for (const entry of decodeAwarenessUpdate(message.update)) seen.push({ frame, ...entry });
    frame++;
  }
  return seen;
}

/** The newest entry a raw socket received for `clientId`, if any. */
function lastSeen(raw: RawSocket, clientId: number) {
  return entriesSeen(raw).findLast((entry) => entry.clientId === clientId);
}

describe("presence coalescing", () => {
  it("sends many changes from several clients within a flush window as a few frames, with the final states", async () => {
    const { server, name, token } = await tableSetup();
    const reader = await openSynced(server, name, token);
    const observer = connectClient(server, name, token);
    await observer.synced();
    const ids = [101, 102, 103, 104, 105];
    const changers = await Promise.all(ids.map(() => openSynced(server, name, token)));
    const rounds = 4; // within the per-connection burst, so none is deferred
    const room = server.app.relay.loadedRoom(name)!;
    // One change at a time, each applied by the server before the next is sent: sent as they come,
    // they would be 20 frames.
    const started = performance.now();
    for (let round = 1; round <= rounds; round++) {
      for (const [i, changer] of changers.entries()) {
        const id = ids[i]!;
        changer.send(presence(id, round, { round, who: id }));
        await eventually(() => expect(room.awareness.meta.get(id)?.clock).toBe(round));
      }
    }
    await eventually(() => {
      for (const id of ids) expect(lastSeen(reader, id)).toMatchObject({ clock: rounds });
    });
    const elapsed = performance.now() - started;
    const { frames } = awarenessSeen(reader);
    const changes = ids.length * rounds;
    // Flushes are at least PRESENCE_FLUSH_MS apart (one more for timer rounding).
    expect(frames).toBeLessThanOrEqual(2 + Math.floor(elapsed / PRESENCE_FLUSH_MS));
    expect(frames).toBeLessThan(changes / 2);
    // Encoded from the states at flush time: a client id at most once per frame, and the last is right.
    const perFrame = new Set(entriesSeen(reader).map((entry) => `${entry.frame}/${entry.clientId}`));
    expect(perFrame.size).toBe(entriesSeen(reader).length);
    for (const id of ids) {
      expect(JSON.parse(lastSeen(reader, id)!.state)).toEqual({ round: rounds, who: id });
    }
    // A real provider ends up with the same states.
    await eventually(() => {
      for (const id of ids)
        expect(observer.provider.awareness.getStates().get(id)).toEqual({ round: rounds, who: id });
    });
    // Each changer gets the others' changes, never its own.
    await eventually(() => {
      changers.forEach((changer, i) => {
        for (const other of ids) {
          if (other === ids[i]) continue;
          expect(lastSeen(changer, other)).toMatchObject({ clock: rounds });
        }
      });
    });
    changers.forEach((changer, i) => {
      expect(entriesSeen(changer).some((entry) => entry.clientId === ids[i])).toBe(false);
    });
  });

  it("never sends a sole changer its own state back", async () => {
    const { server, name, token } = await tableSetup();
    const reader = await openSynced(server, name, token);
    const sender = await openSynced(server, name, token);
    sender.send(presence(7, 1, { editing: "a" }));
    await eventually(() => expect(lastSeen(reader, 7)).toMatchObject({ clock: 1 }));
    // The next change falls in the window after that flush, and goes alone in the next one.
    sender.send(presence(7, 2, { editing: "b" }));
    await eventually(() => expect(lastSeen(reader, 7)).toMatchObject({ clock: 2 }));
    // A change by someone else reaches the sender after anything sent to it before (one socket keeps order).
    reader.send(presence(8, 1, { marker: true }));
    await eventually(() => expect(lastSeen(sender, 8)).toMatchObject({ clock: 1 }));
    expect(entriesSeen(sender).map((entry) => entry.clientId)).toEqual([8]);
    // And the reader, alone in its flush, is not sent its own marker.
    sender.send(presence(7, 3, { editing: "c" }));
    await eventually(() => expect(lastSeen(reader, 7)).toMatchObject({ clock: 3 }));
    expect(entriesSeen(reader).some((entry) => entry.clientId === 8)).toBe(false);
  });

  it("tells everyone when a client leaves, even right after its last change", async () => {
    const { server, name, token } = await tableSetup();
    const reader = await openSynced(server, name, token);
    const observer = connectClient(server, name, token);
    const leaver = connectClient(server, name, token);
    await Promise.all([observer.synced(), leaver.synced()]);
    const leaverId = leaver.doc.clientID;
    leaver.provider.awareness.setLocalState({ device: "A", editing: null });
    await eventually(() => expect(observer.provider.awareness.getStates().has(leaverId)).toBe(true));
    leaver.destroy();
    await eventually(() => expect(observer.provider.awareness.getStates().has(leaverId)).toBe(false));
    await eventually(() => expect(lastSeen(reader, leaverId)?.state).toBe("null"));

    // A raw client that changes and leaves at once, within one flush window.
    const quick = await openSynced(server, name, token);
    quick.send(presence(9, 1, { device: "B" }));
    quick.send(presence(9, 2, { device: "B", editing: "n1" }));
    quick.ws.close();
    await eventually(() => expect(lastSeen(reader, 9)?.state).toBe("null"));
    await eventually(() => expect(observer.provider.awareness.getStates().has(9)).toBe(false));
    expect(server.app.relay.loadedRoom(name)?.awareness.getStates().has(9)).toBe(false);
  });

  it("sends nothing once the room is destroyed, even with changes waiting for the flush", async () => {
    const { server, name, token, workshopId } = await tableSetup();
    const reader = await openSynced(server, name, token);
    const sender = await openSynced(server, name, token);
    sender.send(presence(5, 1, { editing: "a" }));
    await eventually(() => expect(lastSeen(reader, 5)).toMatchObject({ clock: 1 }));
    const room = server.app.relay.loadedRoom(name)!;
    let armedWhenDestroyed: boolean | null = null;
    // Right after the room collected clock 2 (the flush is armed, not yet run), the workshop is deleted.
    room.awareness.on("update", ({ updated }: { updated: number[] }) => {
      if (!updated.includes(5) || armedWhenDestroyed !== null) return;
      armedWhenDestroyed = room.presence.flushScheduled;
      void server.app.relay.retireWorkshop(workshopId);
    });
    sender.send(presence(5, 2, { editing: "b" }));
    expect((await reader.closed).code).toBe(4410);
    expect(armedWhenDestroyed).toBe(true);
    expect(room.isDestroyed).toBe(true);
    expect(room.presence.flushScheduled).toBe(false);
    // Everything the server sent the reader came before its close: clock 2 never went out.
    expect(lastSeen(reader, 5)).toMatchObject({ clock: 1 });
    expect(entriesSeen(sender)).toEqual([]);
  });

  it("leaves no flush armed when a room unloads with a leave still waiting for it", async () => {
    const { server, name, token } = await tableSetup();
    const reader = await openSynced(server, name, token);
    const sender = await openSynced(server, name, token);
    sender.send(presence(5, 1, { editing: "a" }));
    await eventually(() => expect(lastSeen(reader, 5)).toMatchObject({ clock: 1 }));
    const room = server.app.relay.loadedRoom(name)!;
    const unloadedBefore = server.app.relay.stats.roomsUnloaded;
    // The sender's leave is collected (arming a flush, due a window after the last one) before the
    // room unloads, UNLOAD_GRACE_MS (50 ms in tests) after both left.
    let armedAtLeave = false;
    room.awareness.on("update", ({ removed }: { removed: number[] }) => {
      if (removed.includes(5)) armedAtLeave = room.presence.flushScheduled;
    });
    sender.ws.close();
    reader.ws.close();
    await eventually(() => expect(server.app.relay.stats.roomsUnloaded).toBe(unloadedBefore + 1));
    expect(armedAtLeave).toBe(true);
    expect(room.isDestroyed).toBe(true);
    expect(room.presence.flushScheduled).toBe(false);
  });
});
