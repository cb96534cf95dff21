/**
 * Crash durability at server level (issue 6, item 4), written once and run at two sizes.
 *
 * The real server process (`server/main.ts`, as `npm start` runs it) serves tablets that keep
 * writing notes and keystrokes through stock y-websocket providers, and one read-only screen per
 * table. At seeded random moments (after a random number of updates were received) the server is
 * killed with SIGKILL. Then, before anything reconnects:
 * - `PRAGMA integrity_check` on the file exactly as the crash left it (opened read-only);
 * - every update any client had received from the server is contained in the stored document
 *   (the server relays only what is on disk, so nothing a client saw may be lost);
 * - the restarted process (same data directory, same port) is listening within a bound, and a
 *   fresh client gets exactly the stored state.
 * Then the tablets reconnect with what they wrote offline, and the next cycle begins. At the
 * end every peer of a document and a fresh client agree.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import * as Y from "yjs";
import { hasPendingUpdates } from "../../server/store/replay.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";
import { eventually } from "../helpers/eventually.ts";
import { notContained, Peer, readStored, ServerUnderTest, stateVector } from "./harness.ts";
import { Rng, randomTableOp, tableContent } from "./tableOps.ts";

export interface CrashCycleParams {
  readonly seed: number;
  readonly tables: number;
  readonly writersPerTable: number;
  readonly cycles: number;
  /** Each cycle kills after this many more updates reached clients, drawn from [min, max]. */
  readonly killAfterReceived: readonly [number, number];
  /** Every tick, each writer makes one edit with probability `editChance`. */
  readonly tickMs: number;
  readonly editChance: number;
  readonly maxNotesPerTable: number;
  /** Restart-to-listening must stay under this. */
  readonly restartBoundMs: number;
  readonly log?: (line: string) => void;
  /** On a loss, the data directory and what each peer had received are copied here, to replay. */
  readonly dumpDir?: string;
}

export interface CrashCycleResult {
  readonly cycles: number;
  readonly clients: number;
  readonly documents: number;
  /** Updates clients received from the server, every one of them found on disk after a crash. */
  readonly updatesChecked: number;
  /** Edits the writers made (online and offline). */
  readonly edits: number;
  /** The first start (cold), then each restart after a kill: spawn to listening. */
  readonly firstStartMs: number;
  readonly restartMs: readonly number[];
  readonly integrity: readonly string[];
  /** Per cycle: reading the crashed file and checking every peer's received updates against it. */
  readonly checkMs: readonly number[];
  /** Notes in all documents at the end, and the final document sizes (bytes of state). */
  readonly notes: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

const WAIT_MS = 30_000;

export async function runCrashCycles(params: CrashCycleParams): Promise<CrashCycleResult> {
  const started = performance.now();
  const log = params.log ?? (() => {});
  const rng = new Rng(params.seed);
  const server = await ServerUnderTest.create();
  const firstStartMs = await server.start();
  const restartMs: number[] = [];
  const workshop = await server.createWorkshop({ tables: params.tables });
  const workshopId = workshop.workshopId as WorkshopId;

  const names: string[] = [];
  const peers: Peer[] = [];
  const writers: { peer: Peer; rng: Rng }[] = [];
  let received = 0;
  let killAt = Number.POSITIVE_INFINITY;
  let killed: (() => void) | null = null;
  const onReceived = () => {
    received++;
    if (received >= killAt) {
      killAt = Number.POSITIVE_INFINITY;
      // SIGKILL from inside the handler: the server dies mid-stream, at a moment the seed chose.
      server.signal("SIGKILL");
      killed?.();
    }
  };
  for (const [t, table] of workshop.tables.entries()) {
    const name = docName(tableDoc(workshopId, table.id as TableId));
    names.push(name);
    const token = await server.join(table.joinCode);
    for (let w = 0; w < params.writersPerTable; w++) {
      const peer = new Peer(server.syncUrl, name, token, { record: true, onReceived });
      peers.push(peer);
      writers.push({ peer, rng: new Rng(params.seed * 7919 + t * 1000 + w) });
    }
    peers.push(new Peer(server.syncUrl, name, workshop.screenToken, { record: true, onReceived }));
  }
  await eventually(() => expect(peers.filter((p) => !p.ready)).toHaveLength(0), WAIT_MS);

  let edits = 0;
  let typingPaused = false;
  const edit = (peer: Peer, own: Rng) => {
    randomTableOp(
      peer.doc,
      own,
      { create: 3, type: 80, erase: 8, setText: 2, move: 2, color: 2, hide: 1, delete: 1, vote: 1 },
      params.maxNotesPerTable,
    );
    edits++;
  };
  const typing = setInterval(() => {
    if (typingPaused) return;
    for (const { peer, rng: own } of writers) if (own.chance(params.editChance)) edit(peer, own);
  }, params.tickMs);

  const integrity: string[] = [];
  const checkMs: number[] = [];
  let updatesChecked = 0;
  try {
    for (let cycle = 1; cycle <= params.cycles; cycle++) {
      const receivedBefore = received;
      const [min, max] = params.killAfterReceived;
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`cycle ${cycle}: only ${received - receivedBefore} updates arrived`)),
          WAIT_MS,
        );
        killed = () => {
          clearTimeout(deadline);
          resolve();
        };
        killAt = received + rng.between(min, max);
      });
      expect(await server.exited()).toBe("SIGKILL");
      // Stop reconnecting until the stored state has been checked as the crash left it. Every
      // writer makes a few edits offline, sent when it reconnects; the steady typing pauses, so
      // that this process does not slow the server's restart it measures.
      for (const peer of peers) peer.provider.disconnect();
      typingPaused = true;
      for (const { peer, rng: own } of writers) for (let n = own.between(1, 3); n > 0; n--) edit(peer, own);
      const checkStarted = performance.now();
      for (const peer of peers) peer.absorb();
      updatesChecked = received;
      const seenBy = (name: string) =>
        peers
          .map((peer, i) => [peer, i] as const)
          .filter(([peer]) => peer.docName === name)
          .map(([peer, i]) => [`peer ${i}`, Y.encodeStateAsUpdate(peer.seen)] as const);

      const stored = readStored(server.file, names);
      integrity.push(stored.integrity);
      const lost = names.flatMap((name) => {
        const doc = stored.docs.get(name);
        if (doc === undefined) throw new Error(`no stored ${name}`);
        const pending = hasPendingUpdates(doc) ? [`${name}: stored state has pending structs`] : [];
        return [...pending, ...notContained(doc, seenBy(name)).map((miss) => `${name}, ${miss}`)];
      });
      if (lost.length > 0 || stored.integrity !== "ok") {
        if (params.dumpDir !== undefined) dump(params.dumpDir, cycle, server, peers);
        expect.fail(
          `cycle ${cycle} (seed ${params.seed}): integrity ${stored.integrity}; received but not stored:\n` +
            lost.join("\n"),
        );
      }
      checkMs.push(performance.now() - checkStarted);

      const ms = await server.start();
      restartMs.push(ms);
      expect(ms, `cycle ${cycle}: restart-to-listening`).toBeLessThan(params.restartBoundMs);
      const fresh = names.map((name) => new Peer(server.syncUrl, name, workshop.facilitatorToken));
      await eventually(() => expect(fresh.filter((p) => !p.ready)).toHaveLength(0), WAIT_MS);
      for (const peer of fresh) {
        const doc = stored.docs.get(peer.docName);
        if (doc === undefined) throw new Error(`no stored ${peer.docName}`);
        expect(stateVector(peer.doc), `cycle ${cycle}: served state of ${peer.docName}`).toEqual(
          stateVector(doc),
        );
        peer.destroy();
      }
      for (const doc of stored.docs.values()) doc.destroy();
      log(
        `crash cycle ${cycle}/${params.cycles}: killed after ${updatesChecked - receivedBefore} more updates ` +
          `reached clients (${updatesChecked} in all, each found on disk), integrity ok, restart ${Math.round(ms)} ms`,
      );

      for (const peer of peers) peer.provider.connect();
      await eventually(() => expect(peers.filter((p) => !p.ready)).toHaveLength(0), WAIT_MS);
      typingPaused = false;
    }
  } finally {
    clearInterval(typing);
  }

  // Quiet now: every peer, with whatever it wrote offline, agrees with the server's copy.
  const fresh = names.map((name) => new Peer(server.syncUrl, name, workshop.facilitatorToken));
  await eventually(() => {
    for (const reference of fresh) {
      expect(reference.ready).toBe(true);
      for (const peer of peers.filter((p) => p.docName === reference.docName)) {
        expect(stateVector(peer.doc)).toEqual(stateVector(reference.doc));
        expect(tableContent(peer.doc)).toEqual(tableContent(reference.doc));
      }
    }
  }, WAIT_MS);
  const notes = fresh.reduce((sum, peer) => sum + peer.doc.getMap("notes").size, 0);
  const bytes = fresh.reduce((sum, peer) => sum + Y.encodeStateAsUpdate(peer.doc).byteLength, 0);
  for (const peer of [...peers, ...fresh]) peer.destroy();
  server.signal("SIGTERM");
  expect(await server.exited()).toBe(0);

  return {
    cycles: params.cycles,
    clients: peers.length,
    documents: names.length,
    updatesChecked,
    edits,
    firstStartMs,
    restartMs,
    integrity,
    checkMs,
    notes,
    bytes,
    elapsedMs: performance.now() - started,
  };
}

/** Copies the crashed data directory and every peer's received state, for replaying a loss. */
function dump(dir: string, cycle: number, server: ServerUnderTest, peers: readonly Peer[]): void {
  const target = path.join(dir, `cycle-${cycle}`);
  mkdirSync(target, { recursive: true });
  for (const file of readdirSync(server.dataDir))
    copyFileSync(path.join(server.dataDir, file), path.join(target, file));
  for (const [i, peer] of peers.entries()) {
    writeFileSync(path.join(target, `peer-${i}.seen.bin`), Y.encodeStateAsUpdate(peer.seen));
    writeFileSync(path.join(target, `peer-${i}.doc.txt`), peer.docName);
  }
}
