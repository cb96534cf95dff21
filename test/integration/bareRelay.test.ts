import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type BareRelay, createBareRelay, readFrames } from "../../bench/relay/bareRelay.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { rawGet } from "../helpers/rawHttp.ts";
import { clientFrame } from "../helpers/rawSocket.ts";

/**
 * The bench's bare relay (a floor to measure Samla against) must relay as a y-websocket server
 * does, or the floor it measures is not one: stock providers sync through it, a late joiner gets
 * the whole document, and awareness reaches the others.
 */

const relays: BareRelay[] = [];

afterEach(async () => {
  // The clients' providers are destroyed after this hook: their sockets are dropped from here.
  for (const relay of relays.splice(0)) {
    relay.dropClients();
    await new Promise((resolve) => relay.server.close(resolve));
  }
});

async function startRelay(): Promise<{ readonly syncUrl: string; readonly port: number }> {
  const relay = createBareRelay();
  relays.push(relay);
  await new Promise<void>((resolve) => relay.server.listen(0, "127.0.0.1", resolve));
  const { port } = relay.server.address() as AddressInfo;
  return { syncUrl: `ws://127.0.0.1:${port}`, port };
}

describe("the bare relay", () => {
  it("relays updates between stock providers, gives a late joiner the whole document, and forwards awareness", async () => {
    const relay = await startRelay();
    const a = connectClient(relay, "bench0/table/t0", "unused");
    const b = connectClient(relay, "bench0/table/t0", "unused");
    const elsewhere = connectClient(relay, "bench0/table/t1", "unused");
    await Promise.all([a.synced(), b.synced(), elsewhere.synced()]);

    a.doc.getMap("notes").set("n1", "from a");
    b.doc.getMap("notes").set("n2", "from b");
    await eventually(() => {
      expect(a.doc.getMap("notes").toJSON()).toEqual({ n1: "from a", n2: "from b" });
      expect(b.doc.getMap("notes").toJSON()).toEqual({ n1: "from a", n2: "from b" });
    });

    const late = connectClient(relay, "bench0/table/t0", "unused");
    await late.synced();
    await eventually(() => expect(late.doc.getMap("notes").size).toBe(2));
    // Another room's document is another document.
    expect(elsewhere.doc.getMap("notes").size).toBe(0);

    a.provider.awareness.setLocalStateField("user", { name: "A" });
    await eventually(() => {
      const states = [...b.provider.awareness.getStates().values()];
      expect(states).toContainEqual({ user: { name: "A" } });
    });
  });

  it("answers a request that is no WebSocket upgrade with 400", async () => {
    const relay = await startRelay();
    const response = await rawGet(`http://127.0.0.1:${relay.port}/metrics`);
    expect(response.status).toBe(400);
  });
});

describe("readFrames", () => {
  it.each([
    ["one small frame", [3], 1],
    ["two frames in one chunk", [5, 7], 1],
    ["a frame with a 16-bit length", [300], 1],
    ["two frames cut into chunks of 3 bytes", [200, 9], 3],
  ])("reads %s whole, however the bytes arrive", (_, sizes, chunkBytes) => {
    const payloads = sizes.map((size, n) => Uint8Array.from({ length: size }, (_, i) => (i * 7 + n) & 0xff));
    const wire = Buffer.concat(payloads.map((payload) => clientFrame(payload)));
    const read: Buffer[] = [];
    let pending: Buffer = Buffer.alloc(0);
    const step = chunkBytes === 1 ? wire.length : chunkBytes;
    for (let at = 0; at < wire.length; at += step) {
      pending = Buffer.concat([pending, wire.subarray(at, at + step)]);
      pending = readFrames(pending, (opcode, payload) => {
        expect(opcode).toBe(2);
        read.push(Buffer.from(payload));
      });
    }
    expect(read.map((bytes) => [...bytes])).toEqual(payloads.map((payload) => [...payload]));
    expect(pending.length).toBe(0);
  });
});
