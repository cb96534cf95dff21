/**
 * Reconnect storm (issue 6, item 5), written once and run at two sizes.
 *
 * Many stock y-websocket providers (y-websocket's default backoff, 2.5 s ceiling) sit on many
 * table documents of a real server process. The server is stopped (SIGTERM, then SIGKILL in
 * alternate storms) and restarted on the same port and data directory; every client wrote a
 * note while it was gone. All of them come back within the same backoff step, at once. Checked:
 * no client stays out (every provider connected and synced), every document converges (each
 * client equals a fresh client's copy from the server, offline notes included), and after the
 * clients leave the server's resident memory returns to near its level before the storm.
 */
import { expect } from "vitest";
import { docName, tableDoc } from "../../shared/docNames.ts";
import type { NoteId, PromptId, RoundId, TableId, WorkshopId } from "../../shared/ids.ts";
import { createNote, tableParts } from "../../shared/schema/table.ts";
import { eventually } from "../helpers/eventually.ts";
import { formatMiB, MiB, Peer, ServerUnderTest, stateVector } from "./harness.ts";
import { tableContent } from "./tableOps.ts";

export interface StormParams {
  readonly clients: number;
  readonly documents: number;
  readonly storms: number;
  /** RSS after the clients left must be at most `factor` × before + `extraBytes`. */
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
  /** V8 heap in use (from /metrics) in the last process: when it began listening, and after the clients left. */
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly elapsedMs: number;
}

const WAIT_MS = 60_000;
const ROUND = "r1" as RoundId;
const PROMPT = "p1" as PromptId;

export async function runReconnectStorm(params: StormParams): Promise<StormResult> {
  const started = performance.now();
  const log = params.log ?? (() => {});
  // Rooms unload half a second after their last client, so "after the clients left" comes soon.
  const server = await ServerUnderTest.create({ UNLOAD_GRACE_MS: "500" });
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
  let heapBefore = 0;
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
    heapBefore = await server.metric("process_heap_used_bytes");
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
    });
    log(
      `storm ${round}/${params.storms} (${signal}): restart ${Math.round(restartMs)} ms, all ${params.clients} ` +
        `reconnected ${Math.round(firstReconnectMs)}–${Math.round(lastReconnectMs)} ms after listening ` +
        `(${busiestWindow} within the busiest 250 ms), ` +
        `all synced and converged at ${Math.round(convergedMs)} ms (${connectionsOpened} sockets accepted); rss ${formatMiB(rssListening)} → peak ${formatMiB(rssPeak)}`,
    );
  }

  // The clients leave; the server unloads the documents and should give the memory back.
  for (const client of clients) client.destroy();
  await eventually(async () => {
    expect(await server.metric("open_connections")).toBe(0);
    expect(await server.metric("documents_loaded")).toBe(0);
  }, WAIT_MS);
  const last = rounds.at(-1);
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
  const heapAfter = await server.metric("process_heap_used_bytes");
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
    heapAfter,
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
