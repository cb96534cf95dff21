import { describe, expect, it } from "vitest";
import { AWARENESS_BURST, AWARENESS_PER_SECOND } from "../../server/relay/connection.ts";
import {
  decodeAwarenessUpdate,
  encodeAwareness,
  encodeAwarenessUpdate,
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
  return { server, name, token: workshop.facilitatorToken };
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
  // The server greets writers with its sync step 1 once the document is ready.
  await eventually(() => expect(raw.received.some((m) => m.type === "sync-step1")).toBe(true));
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
    expect(floodFrames).toBeLessThanOrEqual(
      AWARENESS_BURST + Math.ceil(AWARENESS_PER_SECOND * elapsedSeconds) + 1,
    );
    expect(awarenessSeen(observer).frames - framesBefore).toBeLessThan(100);
    expect(server.app.relay.stats.awarenessDropped).toBeGreaterThanOrEqual(1000 - floodFrames);

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
