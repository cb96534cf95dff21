import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { checkConvergence } from "../../bench/relay/convergence.ts";
import {
  BenchClient,
  closeAll,
  connectAll,
  DocLoad,
  deferApplying,
  endDeferring,
  meter,
} from "../../bench/relay/load.ts";
import { Script } from "../../bench/relay/script.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer } from "../helpers/server.ts";

/**
 * The benchmark's load generator against a real Samla: while it defers applying, only each
 * document's witness keeps what it receives; the others count and drop it, and catch up from the
 * server afterwards. The run's convergence check must still see every keystroke everywhere.
 */

const WRITERS = 4;
const KEYSTROKES = 30;

async function table() {
  const server = await startServer();
  const workshop = await server.createWorkshop({ tables: 1 });
  const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
  const load = new DocLoad(name, "notes");
  const url = `${server.syncUrl}/${name}?token=${encodeURIComponent(workshop.facilitatorToken)}`;
  for (let i = 0; i < WRITERS; i++) {
    const client = new BenchClient({ url, load, clientId: 200_000 + i });
    load.addTypist(new Script(client.clientId, "notes", 7), client);
  }
  await connectAll(load.clients, WRITERS);
  const now = performance.now();
  for (const typist of load.typists) {
    typist.script.ensure(1 + KEYSTROKES);
    typist.sendNext(now);
  }
  // Every client has every writer's note before the measured part.
  await eventually(() => {
    for (const client of load.clients) {
      client.flush();
      expect(client.doc?.getMap("notes").size).toBe(WRITERS);
    }
  });
  return load;
}

/** Writers each client's document has fewer keystrokes of than were sent (after applying what it holds). */
function lagging(client: BenchClient, flush = true): number {
  const doc = client.doc;
  if (doc === null) throw new Error("a lazy client");
  if (flush) client.flush();
  return client.load.typists.filter((typist) => Y.getState(doc.store, typist.script.clientId) < typist.clock)
    .length;
}

describe("the benchmark's load generator against a real Samla", () => {
  let load: DocLoad | null = null;
  afterEach(async () => {
    await endDeferring(2_000);
    meter.end();
    if (load !== null) await closeAll(load.clients);
    load = null;
  });

  it("applies what it receives by itself, without being asked to flush", async () => {
    load = await table();
    const now = performance.now();
    for (let k = 0; k < KEYSTROKES; k++) for (const typist of load.typists) typist.sendNext(now);
    const clients = load.clients;
    await eventually(() =>
      expect(clients.map((client) => lagging(client, false))).toEqual(clients.map(() => 0)),
    );
    expect(checkConvergence([load]).failures).toEqual([]);
  });

  it("counts every delivery, keeps frames only on the witness, and converges after catching up", async () => {
    load = await table();
    const clients = load.clients;
    meter.begin(performance.now());
    deferApplying();
    for (let k = 0; k < KEYSTROKES; k++) {
      const now = performance.now();
      for (const typist of load.typists) typist.sendNext(now);
    }
    await eventually(() => expect(meter.outstanding).toBe(0));
    expect(meter.delivered).toBe(WRITERS * KEYSTROKES * (WRITERS - 1));

    // Before catching up: the witness holds everything, every other client dropped it all,
    // its own keystrokes included.
    const others = clients.slice(0, -1);
    expect(lagging(clients.at(-1)!)).toBe(0);
    for (const client of others) expect(lagging(client)).toBe(WRITERS);
    expect(checkConvergence([load]).failures).toHaveLength(WRITERS - 1);

    await endDeferring(2_000);
    expect(clients.map((client) => lagging(client))).toEqual(clients.map(() => 0));
    expect(checkConvergence([load])).toEqual({ clients: WRITERS, documents: 1, failures: [] });
  });
});
