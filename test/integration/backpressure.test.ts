import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { MAX_BUFFERED_BYTES } from "../../server/relay/connection.ts";
import { encodeUpdate } from "../../server/relay/protocol.ts";
import { CloseCode } from "../../shared/closeCodes.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { awaitAdmitted, openRawSocket } from "../helpers/rawSocket.ts";
import { startServer } from "../helpers/server.ts";

const NOTE_BYTES = 256 * 1024;
const NOTES = 80; // 20 MiB in all, each frame well under MAX_MESSAGE_BYTES
const RSS_BOUND_BYTES = 300 * 1024 * 1024;
/** Notes the writer may be ahead of the reader that reads: 1 MiB, an eighth of the limit. */
const READER_LAG = 4;

describe("backpressure", () => {
  it("closes a reader that never reads with 1013 once its buffer passes the limit; others get everything", async () => {
    // 20 MiB into one document: above the default document cap, which is not under test here.
    const server = await startServer({ env: { MAX_DOC_BYTES: String(64 * 1024 * 1024) } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
    const token = workshop.facilitatorToken;

    const reader = connectClient(server, name, token);
    await reader.synced();
    const stuck = openRawSocket(server, name, token);
    await awaitAdmitted(stuck);
    // `_socket` is ws's internal TCP socket. Pausing it is the simplest faithful "reader that
    // never reads": the kernel buffers fill and the server's bufferedAmount grows. Test-only.
    const tcp = (stuck.ws as unknown as { _socket: Socket })._socket;
    tcp.pause();

    const writer = openRawSocket(server, name, token);
    await writer.opened;
    const rssBefore = process.memoryUsage().rss;
    const source = new Y.Doc();
    const notes = source.getArray<string>("notes");
    source.on("update", (update: Uint8Array) => writer.send(encodeUpdate(update)));
    for (let i = 0; i < NOTES; i++) {
      // Paced by the reader that reads (at most a few notes ahead of it): written in one
      // synchronous loop, the 20 MiB left this process no turn to read, and on a busy machine the
      // reader's own buffer passed the limit too. The one that never reads still falls behind.
      if (i >= READER_LAG) {
        await eventually(() => expect(reader.doc.getArray("notes").length).toBeGreaterThan(i - READER_LAG));
      }
      notes.push([`${i}:`.padEnd(NOTE_BYTES, String.fromCharCode(97 + (i % 26)))]);
    }

    await eventually(() => expect(server.app.relay.stats.errors.tooSlow).toBe(1), 15_000);
    await eventually(() => expect(reader.doc.getArray("notes").length).toBe(NOTES), 15_000);
    expect(reader.doc.getArray<string>("notes").get(NOTES - 1)).toBe(notes.get(NOTES - 1));
    expect(server.app.relay.loadedRoom(name)?.connections.size).toBe(2);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.info(
      `backpressure: rss growth ${(rssGrowth / 2 ** 20).toFixed(1)} MiB for ${NOTES * NOTE_BYTES} bytes`,
    );
    expect(rssGrowth).toBeLessThan(RSS_BOUND_BYTES);

    // Once it reads again it finds what was buffered (at most about the limit), then our close.
    tcp.resume();
    expect((await stuck.closed).code).toBe(CloseCode.TooSlow);
    const bytesReceived = stuck.received.reduce(
      (sum, m) => sum + (m.type === "update" ? m.update.byteLength : 0),
      0,
    );
    expect(bytesReceived).toBeLessThan(MAX_BUFFERED_BYTES + 2 * NOTE_BYTES + 4 * 1024 * 1024);
    source.destroy();
  }, 30_000);
});
