/**
 * Convergence under random operations (issue 6, item 6), written once and run at two sizes.
 *
 * Peers (stock y-websocket providers, each its own Y.Doc) on a few table documents of a real
 * server make seeded random edits through the schema accessors, drop off and come back at random,
 * and keep editing while offline. At the end every peer of a document holds the same state (state
 * vector and content: notes with their text and fields, dots), nothing is left pending, and the
 * stored copy, served by a restarted server to a fresh client, is that same state.
 *
 * The seed fixes the sequence of operations, peers and disconnects; the network's timing is real,
 * so two runs of a seed interleave messages differently (that is part of what is tested).
 */
import { expect } from "vitest";
import { docName, tableDoc } from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer } from "../helpers/server.ts";
import { Peer, stateVector, yieldToEventLoop } from "./harness.ts";
import { type OpKind, type OpWeights, Rng, randomTableOp, tableContent } from "./tableOps.ts";

export interface ConvergenceParams {
  readonly seed: number;
  readonly peers: number;
  readonly documents: number;
  readonly ops: number;
  /** Chance per operation that, instead of editing, a peer goes offline (or comes back). */
  readonly toggleChance: number;
  readonly maxNotes: number;
}

export interface ConvergenceResult {
  readonly ops: number;
  readonly offlineOps: number;
  readonly disconnects: number;
  readonly kinds: Readonly<Partial<Record<OpKind, number>>>;
  readonly notes: number;
  readonly elapsedMs: number;
}

const WEIGHTS: OpWeights = {
  create: 10,
  recreate: 3,
  type: 35,
  erase: 12,
  setText: 8,
  move: 6,
  color: 6,
  perspective: 4,
  hide: 4,
  delete: 6,
  vote: 6,
};
const WAIT_MS = 20_000;

export async function runConvergence(params: ConvergenceParams): Promise<ConvergenceResult> {
  // A document's content reaches the server's copy through its other peers: at least two each.
  if (params.peers < 2 * params.documents) throw new Error("need at least two peers per document");
  const started = performance.now();
  const rng = new Rng(params.seed);
  const server = await startServer();
  const workshop = await server.createWorkshop({ tables: params.documents });
  const workshopId = workshop.workshopId as WorkshopId;
  const docs: { name: string; token: string }[] = [];
  for (const table of workshop.tables) {
    docs.push({
      name: docName(tableDoc(workshopId, table.id as TableId)),
      token: (await server.join(table.joinCode)).token,
    });
  }
  const peers = Array.from({ length: params.peers }, (_, i) => {
    const doc = docs[i % docs.length];
    if (doc === undefined) throw new Error("no documents");
    return new Peer(server.syncUrl, doc.name, doc.token, { maxBackoffTime: 100 });
  });
  await eventually(() => expect(peers.filter((p) => !p.ready)).toHaveLength(0), WAIT_MS);

  const kinds: Partial<Record<OpKind, number>> = {};
  let offlineOps = 0;
  let disconnects = 0;
  for (let op = 0; op < params.ops; op++) {
    const peer = rng.pick(peers);
    if (rng.chance(params.toggleChance)) {
      if (peer.provider.shouldConnect) {
        peer.provider.disconnect();
        disconnects++;
      } else {
        peer.provider.connect();
      }
    } else {
      const kind = randomTableOp(peer.doc, rng, WEIGHTS, params.maxNotes);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (!peer.provider.wsconnected) offlineOps++;
    }
    // Let the network move now and then, by a random number of event-loop turns.
    if (rng.chance(0.3)) for (let turns = rng.between(1, 4); turns > 0; turns--) await yieldToEventLoop();
  }

  for (const peer of peers) if (!peer.provider.shouldConnect) peer.provider.connect();
  const byDoc = docs.map(({ name }) => ({ name, group: peers.filter((p) => p.docName === name) }));
  await eventually(() => {
    expect(peers.filter((p) => !p.ready)).toHaveLength(0);
    for (const { group } of byDoc) {
      const [first, ...rest] = group;
      if (first === undefined) continue;
      for (const peer of rest) {
        expect(stateVector(peer.doc)).toEqual(stateVector(first.doc));
        expect(tableContent(peer.doc)).toEqual(tableContent(first.doc));
      }
    }
  }, WAIT_MS);
  for (const peer of peers) {
    expect(peer.doc.store.pendingStructs, `peer on ${peer.docName} has pending structs`).toBeNull();
    expect(peer.doc.store.pendingDs, `peer on ${peer.docName} has pending deletions`).toBeNull();
  }
  const final = byDoc.map(({ name, group }) => {
    const first = group[0];
    if (first === undefined) throw new Error(`no peer on ${name}`);
    return { name, vector: stateVector(first.doc), content: tableContent(first.doc) };
  });
  const notes = byDoc.reduce((sum, { group }) => sum + (group[0]?.doc.getMap("notes").size ?? 0), 0);
  for (const peer of peers) peer.destroy();

  // What the server stored is that same state: a restarted server serves it to a fresh client.
  const restarted = await server.restart();
  const fresh = final.map(({ name }) => {
    const token = docs.find((doc) => doc.name === name)?.token ?? "";
    return new Peer(restarted.syncUrl, name, token);
  });
  await eventually(() => expect(fresh.filter((p) => !p.ready)).toHaveLength(0), WAIT_MS);
  for (const [i, peer] of fresh.entries()) {
    expect(stateVector(peer.doc), `stored ${peer.docName}`).toEqual(final[i]?.vector);
    expect(tableContent(peer.doc), `stored ${peer.docName}`).toEqual(final[i]?.content);
    expect(peer.doc.store.pendingStructs).toBeNull();
    peer.destroy();
  }
  return { ops: params.ops, offlineOps, disconnects, kinds, notes, elapsedMs: performance.now() - started };
}
