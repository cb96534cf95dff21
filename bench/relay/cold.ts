import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import * as Y from "yjs";
import type { Bench } from "./bench.ts";
import { seedDocs } from "./crowd.ts";
import { BenchClient, DocLoad } from "./load.ts";
import { awaitQuiet, settle, sleep } from "./phase.ts";
import { mixSeed } from "./prng.ts";
import { num, type Row, summarize } from "./report.ts";
import { historyUpdates } from "./script.ts";
import type { ServerProcess } from "./servers.ts";
import { openVenue, syncUrl, type Venue } from "./venue.ts";

const DOCS = 5;

interface History {
  readonly updates: Uint8Array[];
  /** The same content as one update: what a client must end up with. */
  readonly state: Uint8Array;
}

/** Sends a document's history as separate updates over one writer connection, then checks it arrived. */
async function writeHistory(
  server: ServerProcess,
  venue: Venue,
  table: number,
  history: History,
): Promise<void> {
  const name = venue.tableDoc(table);
  const writer = new BenchClient({
    url: syncUrl(server, name, venue.tableToken(table)),
    load: new DocLoad(name, "notes"),
    clientId: 710_000 + table,
    lazy: true,
  });
  await writer.connect();
  for (let i = 0; i < history.updates.length; i++) {
    const update = history.updates[i];
    if (update !== undefined) writer.sendLocalUpdate(update);
    // Let the socket drain now and then rather than queueing megabytes at once.
    if (i % 500 === 499) await sleep(5);
  }
  await writer.close();
  // Checked the way the storm's seeds are: a fresh connection must be served all of it.
  await seedDocs(server, [{ venue, table, name, seed: history.state }]);
}

/** Opens a document with a fresh connection; the time from opening the socket until synced. */
async function open(
  server: ServerProcess,
  venue: Venue,
  table: number,
  history: History,
): Promise<{ ms: number; load: DocLoad }> {
  const name = venue.tableDoc(table);
  const load = new DocLoad(name, "notes");
  load.seed = history.state;
  const client = new BenchClient({
    url: syncUrl(server, name, venue.tableToken(table)),
    load,
    clientId: 720_000 + table,
    lazy: true,
  });
  await client.connect();
  const ms = client.syncedAt - client.connectStartedAt;
  await client.close();
  return { ms, load };
}

/** Rows of the document's log and snapshot, read from the SQLite file once Samla has stopped. */
function storedRows(dataDir: string, name: string): { log: number; snapshot: boolean; bytes: number } {
  const db = new Database(path.join(dataDir, "samla.db"), { readonly: true, fileMustExist: true });
  try {
    const log = db
      .prepare("SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM doc_log WHERE doc = ?")
      .get(name) as {
      n: number;
      bytes: number;
    };
    const snapshot = db.prepare("SELECT LENGTH(data) AS bytes FROM doc_snapshot WHERE doc = ?").get(name) as
      | { bytes: number }
      | undefined;
    return { log: log.n, snapshot: snapshot !== undefined, bytes: log.bytes + (snapshot?.bytes ?? 0) };
  } finally {
    db.close();
  }
}

/**
 * Cold load: documents of 10,000 updates each (written as separate updates), Samla restarted,
 * then each opened by a fresh connection: the first open of each reads it from SQLite.
 */
export async function runCold(bench: Bench): Promise<void> {
  // 5 documents of 10,000 updates; --quick: 1 of 2,000 (and no budget line).
  const docs = bench.settings.quick ? 1 : DOCS;
  const updateCount = bench.settings.quick ? 2_000 : 10_000;
  const histories: History[] = Array.from({ length: docs }, (_, index) => {
    const updates = historyUpdates(mixSeed(bench.settings.seed, 0xc01d, index), updateCount);
    const doc = new Y.Doc();
    Y.transact(doc, () => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return { updates, state };
  });
  const dataDir = mkdtempSync(path.join(bench.settings.dataBase, "samla-bench-"));
  const rows: Row[] = [];
  const loads: DocLoad[] = [];
  let coldMax = Number.NaN;
  try {
    const written = await bench.withServer(
      "samla",
      async (server) => {
        const venue = await openVenue(server, docs);
        for (const [table, history] of histories.entries()) await writeHistory(server, venue, table, history);
        await settle(server, 20_000);
        return venue;
      },
      { dataDir },
    );
    const stored = histories.map((_, table) => storedRows(dataDir, written.tableDoc(table)));
    const cold: number[] = [];
    const warm: number[] = [];
    await bench.withServer(
      "samla",
      async (server) => {
        await settle(server);
        await awaitQuiet(server, bench.settings.pinning);
        for (const [table, history] of histories.entries()) {
          const first = await open(server, written, table, history);
          cold.push(first.ms);
          const again = await open(server, written, table, history);
          warm.push(again.ms);
          loads.push(first.load, again.load);
        }
      },
      { dataDir },
    );
    const logRows = stored.reduce((sum, row) => sum + row.log, 0) / stored.length;
    const storedKb = stored.reduce((sum, row) => sum + row.bytes, 0) / stored.length / 1024;
    const snapshots = stored.filter((row) => row.snapshot).length;
    const coldSummary = summarize(cold);
    coldMax = coldSummary.max;
    rows.push({
      label: "Samla, cold (first open after a restart)",
      cells: [
        num(updateCount),
        `${snapshots}/${docs} + ${logRows.toFixed(0)} log rows`,
        num(storedKb),
        ...times(cold),
      ],
    });
    rows.push({ label: "Samla, warm (already loaded)", cells: [num(updateCount), "", "", ...times(warm)] });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  await bench.withServer("reference", async (server) => {
    const venue = await openVenue(server, docs);
    for (const [table, history] of histories.entries()) await writeHistory(server, venue, table, history);
    await settle(server);
    await awaitQuiet(server, bench.settings.pinning);
    const warm: number[] = [];
    for (const [table, history] of histories.entries()) {
      const opened = await open(server, venue, table, history);
      warm.push(opened.ms);
      loads.push(opened.load);
    }
    rows.push({
      label: "reference, warm (stores nothing)",
      cells: [num(updateCount), "none", "", ...times(warm)],
    });
  });
  bench.converged("cold load", loads);
  bench.table({
    title: `Cold load: ${docs} documents of ${updateCount.toLocaleString("en-US")} updates each, opened after a restart`,
    columns: [
      "updates written",
      "stored as (snapshot + log)",
      "stored KB",
      "open p50 ms",
      "open max ms",
      "first ms",
    ],
    rows,
    notes: [
      "Open: from opening the socket to receiving the whole document. Written as separate updates (typing, deleting, new notes) over one connection.",
      "Samla compacts a document's log into a snapshot as it goes (every 500 updates), so what is read back is one snapshot and the log since.",
    ],
  });
  if (bench.settings.quick) return;
  bench.budget({
    name: "cold load of a 10,000-update document: under 100 ms",
    pass: coldMax < 100,
    detail: `slowest of ${docs} cold opens ${coldMax.toFixed(1)} ms`,
  });
}

function times(
  samples: readonly number[],
): [ReturnType<typeof num>, ReturnType<typeof num>, ReturnType<typeof num>] {
  const summary = summarize(samples);
  return [num(summary.p50, 1), num(summary.max, 1), num(samples[0] ?? Number.NaN, 1)];
}
