/**
 * Reconnect storm (issue 6, item 5), written once and run at two sizes.
 *
 * Many stock y-websocket providers (y-websocket's default backoff, 2.5 s ceiling) sit on many
 * table documents of a real server process. The server is stopped (SIGTERM, then SIGKILL in
 * alternate storms) and restarted on the same port and data directory; every client wrote a
 * note while it was gone. All of them come back within the same backoff step, at once. Checked:
 * no client stays out (every provider connected and synced), every document converges (each
 * client equals a fresh client's copy from the server, offline notes included), and that nothing
 * stays behind: in the last process the clients leave and come back at once a few more times, and
 * after each leave (documents unloaded) a forced full GC finds no connection, room, Y.Doc or socket
 * object left and the heap in use back near its level before the storm, not growing cycle by cycle.
 */
import { expect } from "vitest";
import { docName, tableDoc } from "../../shared/docNames.ts";
import type { NoteId, PromptId, RoundId, TableId, WorkshopId } from "../../shared/ids.ts";
import { createNote, tableParts } from "../../shared/schema/table.ts";
import { eventually } from "../helpers/eventually.ts";
import { type CountedClass, HeapProbe, type HeapSample, repoModule } from "../helpers/heapProbe.ts";
import { formatMiB, MiB, Peer, ServerUnderTest, stateVector } from "./harness.ts";
import { tableContent } from "./tableOps.ts";

export interface StormParams {
  readonly clients: number;
  readonly documents: number;
  readonly storms: number;
  /**
   * After the last storm, in that process: how many times every client leaves (and the documents
   * unload); between two leaves they all write offline and reconnect at the same moment.
   */
  readonly leaveCycles: number;
  /**
   * Heap in use after a full GC, at the first leave, may exceed the heap at listening (after a GC,
   * before the storm) by at most this: what serving once leaves for good (compiled code, pools).
   */
  readonly heapWarmupBytes: number;
  /** At each later leave, the heap after a full GC may exceed the first leave's by at most this. */
  readonly heapGrowthBytes: number;
  /** RSS after the clients left must be at most `factor` × before + `extraBytes` (native memory). */
  readonly rssFactor: number;
  readonly rssExtraBytes: number;
  readonly log?: (line: string) => void;
}

export interface StormRound {
  readonly signal: NodeJS.Signals;
  readonly restartMs: number;
  /** From the restarted server listening to every client connected, synced and converged. */
  readonly convergedMs: number;
  /** Connection attempts the server saw (all clients, including retries during startup). */
  readonly connectionsOpened: number;
  /** When the clients' sockets opened again, from the server listening: the first and the last. */
  readonly firstReconnectMs: number;
  readonly lastReconnectMs: number;
  /** The most clients whose sockets reopened within one 250 ms window: the height of the storm. */
  readonly busiestWindow: number;
  readonly rssListening: number;
  readonly rssPeak: number;
  /** Heap in use after a full GC when the process began listening. */
  readonly heapListening: number;
}

export interface StormResult {
  readonly clients: number;
  readonly documents: number;
  readonly rounds: readonly StormRound[];
  /** The first server process, idle after setup; then with every client connected. */
  readonly rssIdle: number;
  readonly rssConnected: number;
  /** The last restarted process: when it began listening (before its storm), and after the clients left. */
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly rssBound: number;
  /**
   * V8 heap in use after a full GC in the last process: when it began listening (before its
   * storm), with every client connected, and after the last leave.
   */
  readonly heapBefore: number;
  readonly heapConnected: number;
  readonly heapAfter: number;
  /** Live relay objects with every client connected (the census of `COUNTED`). */
  readonly objectsConnected: Readonly<Record<string, number>>;
  /**
   * Each time every client had left the last process and its documents unloaded: its memory after
   * a full GC (the census of `COUNTED` only at the last leave, where it is all 0).
   */
  readonly leaves: readonly HeapSample[];
  readonly elapsedMs: number;
}

const WAIT_MS = 60_000;
/** How long the memory checks after a leave may retry before they fail (a leak never settles). */
const SETTLE_MS = 15_000;

/**
 * What the server keeps per connection and per loaded document: after every client left and the
 * documents unloaded, none of these may be alive. Counted in the server process after a full GC.
 */
const COUNTED: Readonly<Record<string, CountedClass>> = {
  Connection: { module: repoModule("server/relay/connection.ts"), export: "Connection" },
  Room: { module: repoModule("server/relay/room.ts"), export: "Room" },
  "Y.Doc": { module: "yjs", export: "Doc" },
  WebSocket: { module: "ws", export: "WebSocket" },
};
const ROUND = "r1" as RoundId;
const PROMPT = "p1" as PromptId;

export async function runReconnectStorm(params: StormParams): Promise<StormResult> {
  const started = performance.now();
  const log = params.log ?? (() => {});
  // Rooms unload half a second after their last client, so "after the clients left" comes soon.
  // Every process runs with `--expose-gc` and the heap probe (test/helpers/gcProbe.mjs).
  const heap = new HeapProbe(COUNTED);
  const server = await ServerUnderTest.create({ UNLOAD_GRACE_MS: "500", ...heap.env });
  const probe = (count = false) => heap.afterGc({ count });
  await server.start();
  const workshop = await server.createWorkshop({ tables: params.documents });
  const workshopId = workshop.workshopId as WorkshopId;
  const docs: { name: string; token: string }[] = [];
  for (const table of workshop.tables) {
    docs.push({
      name: docName(tableDoc(workshopId, table.id as TableId)),
      token: await server.join(table.joinCode),
    });
  }
  const rssIdle = server.rss();

  const clients = Array.from({ length: params.clients }, (_, i) => {
    const doc = docs[i % docs.length];
    if (doc === undefined) throw new Error("no documents");
    return new Peer(server.syncUrl, doc.name, doc.token);
  });
  const expected = new Map<string, NoteId[]>(docs.map((doc) => [doc.name, []]));
  const write = (label: string) => {
    for (const [i, client] of clients.entries()) {
      const id = `${label}-${i}` as NoteId;
      createNote(client.doc, { id, roundId: ROUND, promptId: PROMPT, text: `lapp ${id}`, createdAt: i });
      expected.get(client.docName)?.push(id);
    }
  };
  await eventually(() => expect(clients.filter((c) => !c.ready)).toHaveLength(0), WAIT_MS);
  write("online");
  await converged(server, clients, expected);
  const rssConnected = server.rss();
  log(
    `storm setup: ${params.clients} clients on ${params.documents} documents, server rss ${formatMiB(rssConnected)}`,
  );

  const rounds: StormRound[] = [];
  for (let round = 1; round <= params.storms; round++) {
    const signal: NodeJS.Signals = round % 2 === 1 ? "SIGTERM" : "SIGKILL";
    server.signal(signal);
    expect(await server.exited()).toBe(signal === "SIGTERM" ? 0 : "SIGKILL");
    await eventually(() => expect(clients.filter((c) => c.provider.wsconnected)).toHaveLength(0), WAIT_MS);
    // Everyone writes while the server is away; the providers keep retrying with their backoff.
    write(`offline${round}`);

    const restartMs = await server.start();
    const listeningAt = performance.now();
    const rssListening = server.rss();
    // Two full GCs of an 18 MiB heap, a fraction of a second, while the first clients knock.
    const heapListening = (await probe()).heapUsed;
    let rssPeak = rssListening;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, server.rss());
    }, 50);
    try {
      await eventually(() => expect(clients.filter((c) => !c.ready)).toHaveLength(0), WAIT_MS);
      await converged(server, clients, expected);
    } finally {
      clearInterval(sampler);
    }
    const convergedMs = performance.now() - listeningAt;
    rssPeak = Math.max(rssPeak, server.rss());
    const connectionsOpened = await server.metric("connections_opened_total");
    const reconnects = clients.map((client) => client.connectedAt - listeningAt);
    const firstReconnectMs = Math.min(...reconnects);
    const lastReconnectMs = Math.max(...reconnects);
    const busiestWindow = busiest(reconnects, 250);
    rounds.push({
      signal,
      restartMs,
      convergedMs,
      connectionsOpened,
      firstReconnectMs,
      lastReconnectMs,
      busiestWindow,
      rssListening,
      rssPeak,
      heapListening,
    });
    log(
      `storm ${round}/${params.storms} (${signal}): restart ${Math.round(restartMs)} ms, all ${params.clients} ` +
        `reconnected ${Math.round(firstReconnectMs)}–${Math.round(lastReconnectMs)} ms after listening ` +
        `(${busiestWindow} within the busiest 250 ms), ` +
        `all synced and converged at ${Math.round(convergedMs)} ms (${connectionsOpened} sockets accepted); rss ${formatMiB(rssListening)} → peak ${formatMiB(rssPeak)}, ` +
        `heap after GC at listening ${formatMiB(heapListening)}`,
    );
  }

  // The last process, with every client connected: the census must see the server's own classes
  // (a count of 0 here would mean the probe counts some other copy of them, and proves nothing).
  const last = rounds.at(-1);
  const heapBefore = last?.heapListening ?? 0;
  const connected = await probe(true);
  log(
    `storm connected: heap after GC ${formatMiB(connected.heapUsed)} (${signed(connected.heapUsed - heapBefore)} ` +
      `since listening), external ${formatMiB(connected.external)}, rss ${formatMiB(connected.rss)}; ${census(connected)}`,
  );
  for (const [label, count] of Object.entries(connected.objects)) {
    expect(count, `live ${label} objects with every client connected`).toBeGreaterThan(0);
  }
  expect(connected.objects.Connection).toBeGreaterThanOrEqual(params.clients);

  // The clients leave and the server unloads the documents: nothing of theirs may stay. Then they
  // write offline and all come back in the same moment, and leave again: a leak grows each time,
  // memory that V8 keeps once (compiled code, pools) does not.
  const leaves: HeapSample[] = [];
  for (let cycle = 1; cycle <= params.leaveCycles; cycle++) {
    const final = cycle === params.leaveCycles;
    for (const client of clients) {
      if (final) client.destroy();
      else client.provider.disconnect();
    }
    await eventually(async () => {
      expect(await server.metric("open_connections")).toBe(0);
      expect(await server.metric("documents_loaded")).toBe(0);
    }, WAIT_MS);
    const first = leaves[0];
    const [base, bound, what] =
      first === undefined
        ? [heapBefore, params.heapWarmupBytes, "its level at listening, before the storm"]
        : [first.heapUsed, params.heapGrowthBytes, "its level at the first leave"];
    const samples: HeapSample[] = [];
    try {
      // Retried until the deadline: a socket may still be finishing its close; a leak never does.
      await eventually(async () => {
        // The census costs a collection per class: the last leave is enough to find what stays.
        const sample = await probe(final);
        samples.push(sample);
        if (final) {
          expect(sample.objects, "relay objects alive after every client left").toEqual(
            Object.fromEntries(Object.keys(COUNTED).map((label) => [label, 0])),
          );
        }
        expect(
          sample.heapUsed - base,
          `heap in use after a full GC, over ${what} (bound ${formatMiB(bound)})`,
        ).toBeLessThanOrEqual(bound);
      }, SETTLE_MS);
    } finally {
      const sample = samples.at(-1);
      if (sample !== undefined)
        log(
          `storm leave ${cycle}/${params.leaveCycles}: heap after GC ${formatMiB(sample.heapUsed)} ` +
            `(${signed(sample.heapUsed - heapBefore)} since listening` +
            (first === undefined
              ? ""
              : `, ${signed(sample.heapUsed - first.heapUsed)} since the first leave`) +
            `), external ${formatMiB(sample.external)}, rss ${formatMiB(sample.rss)}; ${census(sample)}`,
        );
    }
    leaves.push(samples.at(-1) as HeapSample);
    if (final) break;
    write(`away${cycle}`);
    const back = performance.now();
    for (const client of clients) client.provider.connect();
    await eventually(() => expect(clients.filter((c) => !c.ready)).toHaveLength(0), WAIT_MS);
    await converged(server, clients, expected);
    log(
      `storm return ${cycle}: all ${params.clients} reconnected at once, synced and converged in ${Math.round(performance.now() - back)} ms`,
    );
  }

  const rssBefore = last?.rssListening ?? rssIdle;
  const rssBound = params.rssFactor * rssBefore + params.rssExtraBytes;
  let rssAfter = server.rss();
  try {
    await eventually(() => {
      rssAfter = server.rss();
      expect(rssAfter).toBeLessThanOrEqual(rssBound);
    }, WAIT_MS);
  } finally {
    log(
      `storm after: rss ${formatMiB(rssAfter)} with no clients (before the storm ${formatMiB(rssBefore)}, ` +
        `bound ${formatMiB(rssBound)} = ${params.rssFactor}× + ${params.rssExtraBytes / MiB} MiB)`,
    );
  }
  const heapAfter = leaves.at(-1)?.heapUsed ?? 0;
  server.signal("SIGTERM");
  expect(await server.exited()).toBe(0);
  return {
    clients: params.clients,
    documents: params.documents,
    rounds,
    rssIdle,
    rssConnected,
    rssBefore,
    rssAfter,
    rssBound,
    heapBefore,
    heapConnected: connected.heapUsed,
    heapAfter,
    objectsConnected: connected.objects,
    leaves,
    elapsedMs: performance.now() - started,
  };
}

/**
 * Every client of a document holds every note written so far and the same state as the others,
 * and a fresh client, served from what the server holds, has exactly that state too.
 */
async function converged(
  server: ServerUnderTest,
  clients: readonly Peer[],
  expected: ReadonlyMap<string, readonly NoteId[]>,
): Promise<void> {
  const byDoc = new Map<string, Peer[]>();
  for (const client of clients) byDoc.set(client.docName, [...(byDoc.get(client.docName) ?? []), client]);
  await eventually(() => {
    for (const [name, group] of byDoc) {
      const want = [...(expected.get(name) ?? [])].sort();
      const reference = group[0];
      if (reference === undefined) continue;
      for (const client of group) {
        expect([...tableParts(client.doc).notes.keys()].sort()).toEqual(want);
        expect(stateVector(client.doc)).toEqual(stateVector(reference.doc));
      }
    }
  }, WAIT_MS);
  const fresh = [...byDoc.keys()].map((name) => {
    const token = clients.find((client) => client.docName === name)?.provider.params.token ?? "";
    return new Peer(server.syncUrl, name, token);
  });
  try {
    await eventually(() => expect(fresh.filter((peer) => !peer.ready)).toHaveLength(0), WAIT_MS);
    for (const peer of fresh) {
      const reference = byDoc.get(peer.docName)?.[0];
      if (reference === undefined) throw new Error(`no client on ${peer.docName}`);
      expect(stateVector(peer.doc)).toEqual(stateVector(reference.doc));
      expect(tableContent(peer.doc)).toEqual(tableContent(reference.doc));
    }
  } finally {
    for (const peer of fresh) peer.destroy();
  }
}

function signed(bytes: number): string {
  return `${bytes < 0 ? "−" : "+"}${formatMiB(Math.abs(bytes))}`;
}

function census(sample: HeapSample): string {
  return Object.entries(sample.objects)
    .map(([label, count]) => `${count} ${label}`)
    .join(", ");
}

/** The most values within any window of `width` (values in any order). */
function busiest(values: readonly number[], width: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) > width) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
