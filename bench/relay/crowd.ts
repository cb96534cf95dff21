import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import * as Y from "yjs";
import type { Bench } from "./bench.ts";
import { BenchClient, closeAll, connectAll, DocLoad } from "./load.ts";
import { awaitQuiet, Contention, settle, sleep } from "./phase.ts";
import { mixSeed } from "./prng.ts";
import { MB, num, type Row, ratioRow, summarize, type Table, withoutColumns } from "./report.ts";
import { seedTableUpdate } from "./script.ts";
import { heapUsed, SERVER_LABEL, type ServerKind, type ServerProcess } from "./servers.ts";
import { openVenue, syncUrl, type Venue } from "./venue.ts";

/** A document of the benchmark's: where it lives, its token, and the content it was seeded with. */
export interface SeededDoc {
  readonly venue: Venue;
  readonly table: number;
  readonly name: string;
  readonly seed: Uint8Array;
}

let scratchIds = 700_000;

/**
 * Writes each document's seed through a writer connection (as one update), then checks with a
 * fresh connection that the server serves all of it.
 */
export async function seedDocs(server: ServerProcess, docs: readonly SeededDoc[]): Promise<void> {
  const scratch = new DocLoad("seeding", "notes");
  const connect = (doc: SeededDoc) =>
    new BenchClient({
      url: syncUrl(server, doc.name, doc.venue.tableToken(doc.table)),
      load: scratch,
      clientId: scratchIds++,
      lazy: true,
      localAddress: doc.venue.localAddress,
    });
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const doc = docs[next++];
      if (doc === undefined) continue;
      const seeder = connect(doc);
      await seeder.connect();
      seeder.sendLocalUpdate(doc.seed);
      await seeder.close();
      const want = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(doc.seed));
      for (let attempt = 0; ; attempt++) {
        const probe = connect(doc);
        await probe.connect();
        await probe.close();
        const got = new Map<number, number>();
        for (const update of probe.deferred) {
          for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update))) {
            got.set(client, Math.max(clock, got.get(client) ?? 0));
          }
        }
        if ([...want].every(([client, clock]) => (got.get(client) ?? 0) >= clock)) break;
        if (attempt > 100) throw new Error(`${doc.name}: the server never served its seed`);
        await sleep(100);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

interface StormResult {
  readonly clients: number;
  readonly times: Float64Array;
  readonly totalMs: number;
  readonly cpu: number;
  readonly generatorCpu: number;
  readonly rss: number;
  readonly peak: number;
  readonly others: number;
}

const STORM_PER_DOC = 10;

/** The storm's size: 40 documents of 2,000 notes; --quick: 10 of 500. */
function stormScale(bench: Bench): { tables: number; notes: number } {
  return bench.settings.quick ? { tables: 10, notes: 500 } : { tables: 40, notes: 2_000 };
}

/** Opens `perDoc` lazy clients on every document, all in the same tick, and times each until synced. */
async function storm(
  bench: Bench,
  server: ServerProcess,
  docs: readonly SeededDoc[],
  label: string,
): Promise<StormResult> {
  const loads = docs.map((doc) => {
    const load = new DocLoad(doc.name, "notes");
    load.seed = doc.seed;
    return load;
  });
  const clients: BenchClient[] = [];
  docs.forEach((doc, index) => {
    const load = loads[index];
    if (load === undefined) return;
    for (let i = 0; i < STORM_PER_DOC; i++) {
      clients.push(
        new BenchClient({
          url: syncUrl(server, doc.name, doc.venue.tableToken(doc.table)),
          load,
          clientId: 800_000 + index * 100 + i,
          lazy: true,
        }),
      );
    }
  });
  await settle(server);
  await awaitQuiet(server, bench.settings.pinning);
  const contention = new Contention(server, bench.settings.pinning);
  const cpu0 = server.cpuSeconds();
  const gen0 = process.cpuUsage();
  const start = performance.now();
  await Promise.all(clients.map((client) => client.connect(120_000)));
  const end = performance.now();
  const [others] = contention.read();
  const cpu = server.cpuSeconds() - cpu0;
  const gen = process.cpuUsage(gen0);
  const memory = server.memory();
  const times = Float64Array.from(clients, (client) => client.syncedAt - client.connectStartedAt);
  await closeAll(clients);
  bench.converged(label, loads);
  return {
    clients: clients.length,
    times,
    totalMs: end - start,
    cpu,
    generatorCpu: (gen.user + gen.system) / 1e6,
    rss: memory.rss,
    peak: memory.peak,
    others,
  };
}

function stormRow(label: string, result: StormResult): Row {
  const times = summarize(result.times);
  return {
    label,
    cells: [
      num(times.p50, 0),
      num(times.p99, 0),
      num(times.max, 0),
      num(result.totalMs, 0),
      num(result.cpu, 2),
      num((result.cpu * 1000) / result.clients, 2),
      num(result.rss / MB),
      num(result.peak / MB),
      num((result.generatorCpu / (result.totalMs / 1000)) * 100),
      num(result.others),
    ],
  };
}

/**
 * The join storm: 400 clients (10 per table) connecting at once to 40 table documents of 2,000
 * notes each. Documents are loaded (warm) on both; Samla is also stormed right after a restart
 * (cold: every document read from SQLite by the storm itself).
 */
export async function runStorm(bench: Bench): Promise<void> {
  const { tables, notes } = stormScale(bench);
  const seeds = Array.from({ length: tables }, (_, table) =>
    seedTableUpdate(mixSeed(bench.settings.seed, 0x5707, table), notes),
  );
  const size = seeds.reduce((sum, seed) => sum + seed.byteLength, 0) / seeds.length;
  bench.log(`storm: ${tables} documents of ${notes} notes, ${(size / 1024).toFixed(0)} KB each`);
  const rows = new Map<string, Row>();
  // Samla: written, stopped, started again on the same data, so the first storm loads every document.
  const dataDir = mkdtempSync(path.join(bench.settings.dataBase, "samla-bench-"));
  try {
    let docs: SeededDoc[] = [];
    await bench.withServer(
      "samla",
      async (server) => {
        const venue = await openVenue(server, tables);
        docs = seeds.map((seed, table) => ({ venue, table, name: venue.tableDoc(table), seed }));
        await seedDocs(server, docs);
      },
      { dataDir },
    );
    await bench.withServer(
      "samla",
      async (server) => {
        bench.log("Samla: storm after a restart (cold documents)");
        rows.set(
          "cold",
          stormRow("Samla, cold (after restart)", await storm(bench, server, docs, "Samla cold storm")),
        );
        await sleep(500);
        bench.log("Samla: storm on loaded documents (warm)");
        rows.set("warm", stormRow("Samla, warm", await storm(bench, server, docs, "Samla warm storm")));
      },
      { dataDir },
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  await bench.withServer("reference", async (server) => {
    const venue = await openVenue(server, tables);
    const docs = seeds.map((seed, table) => ({ venue, table, name: venue.tableDoc(table), seed }));
    await seedDocs(server, docs);
    bench.log("reference: storm");
    rows.set("reference", stormRow("reference, warm", await storm(bench, server, docs, "reference storm")));
  });
  const table: Table = {
    title: `Join storm: ${tables * STORM_PER_DOC} clients connecting at once to ${tables} documents of ${notes.toLocaleString("en-US")} notes (${(size / 1024).toFixed(0)} KB each)`,
    columns: [
      "synced p50 ms",
      "synced p99 ms",
      "synced max ms",
      "all synced ms",
      "server CPU s",
      "CPU ms/client",
      "RSS MB",
      "peak RSS MB",
      "generator CPU %",
      "others on server core %",
    ],
    rows: [...rows.values()],
    notes: [
      "Synced: from opening the socket to receiving the whole document (the answer to the client's sync step 1).",
      "The reference stores nothing, so it has no cold case; Samla's warm storm follows its cold one on the same process.",
    ],
  };
  const warm = rows.get("warm");
  const reference = rows.get("reference");
  // The others' share of the core is a condition of the run, not a result: no ratio.
  if (warm && reference)
    table.rows.push(
      withoutColumns(ratioRow(`Samla warm / ${SERVER_LABEL.reference}`, warm, reference), new Set([9])),
    );
  bench.table(table);
}

const IDLE_TABLES = 40;
const IDLE_NOTES = 100;
const IDLE_PER_DOC = 10;

/** 2,000 idle connections over 200 documents (5 workshops × 40 tables, 100 notes each): memory. */
export async function runIdle(bench: Bench): Promise<void> {
  // 5 workshops of 40 tables; --quick: 1.
  const venueCount = bench.settings.quick ? 1 : 5;
  const rows: Row[] = [];
  const results = new Map<ServerKind, { rss: number; peak: number; cpu: number }>();
  for (const kind of ["samla", "reference"] as const) {
    await bench.withServer(kind, async (server) => {
      const venues: Venue[] = [];
      for (let i = 0; i < venueCount; i++) venues.push(await openVenue(server, IDLE_TABLES));
      const docs: SeededDoc[] = venues.flatMap((venue, v) =>
        Array.from({ length: IDLE_TABLES }, (_, table) => ({
          venue,
          table,
          name: venue.tableDoc(table),
          seed: seedTableUpdate(mixSeed(bench.settings.seed, 0x1d1e, v, table), IDLE_NOTES),
        })),
      );
      await seedDocs(server, docs);
      const baseline = server.memory().rss;
      const loads = docs.map((doc) => {
        const load = new DocLoad(doc.name, "notes");
        load.seed = doc.seed;
        return load;
      });
      const clients = docs.flatMap((doc, index) =>
        Array.from(
          { length: IDLE_PER_DOC },
          (_, i) =>
            new BenchClient({
              url: syncUrl(server, doc.name, doc.venue.tableToken(doc.table)),
              load: loads[index] ?? new DocLoad(doc.name, "notes"),
              clientId: 600_000 + index * 100 + i,
              lazy: true,
            }),
        ),
      );
      const start = performance.now();
      await connectAll(clients, 100);
      bench.log(
        `${SERVER_LABEL[kind]}: ${clients.length} idle clients on ${docs.length} documents connected in ${((performance.now() - start) / 1000).toFixed(1)} s`,
      );
      await settle(server);
      await awaitQuiet(server, bench.settings.pinning);
      const windowMs = bench.settings.quick ? 3_000 : 10_000;
      const contention = new Contention(server, bench.settings.pinning);
      const cpu0 = server.cpuSeconds();
      await sleep(windowMs);
      const cpu = server.cpuSeconds() - cpu0;
      const [others] = contention.read();
      const memory = server.memory();
      const heap = await heapUsed(server);
      results.set(kind, { rss: memory.rss, peak: memory.peak, cpu });
      rows.push({
        label: SERVER_LABEL[kind],
        cells: [
          num(clients.length),
          num(docs.length),
          num(baseline / MB),
          num(memory.rss / MB),
          num(memory.peak / MB),
          heap === null ? "–" : num(heap / MB),
          num((cpu / (windowMs / 1000)) * 100, 1),
          num(others),
        ],
      });
      await closeAll(clients);
      bench.converged(`${SERVER_LABEL[kind]} idle`, loads);
    });
  }
  const [samlaRow, referenceRow] = rows;
  if (samlaRow && referenceRow)
    rows.push(
      withoutColumns(ratioRow(`Samla / ${SERVER_LABEL.reference}`, samlaRow, referenceRow), new Set([7])),
    );
  bench.table({
    title: `Idle: ${(venueCount * IDLE_TABLES * IDLE_PER_DOC).toLocaleString("en-US")} connections over ${venueCount * IDLE_TABLES} documents (${IDLE_NOTES} notes each)`,
    columns: [
      "connections",
      "documents",
      "RSS before clients MB",
      "RSS MB",
      "peak RSS MB",
      "V8 heap used MB",
      "idle CPU %",
      "others on server core %",
    ],
    rows,
    notes: [
      "RSS before clients: after the documents were written (Samla keeps them loaded for its unload grace period).",
      "RSS is measured after the connections sat idle for the window; idle CPU is over the same window.",
    ],
  });
  const samla = results.get("samla");
  if (samla && !bench.settings.quick) {
    bench.budget({
      name: "2,000 idle connections over 200 documents: RSS under 250 MB",
      pass: samla.rss < 250 * MB,
      detail: `Samla ${(samla.rss / MB).toFixed(0)} MB (peak ${(samla.peak / MB).toFixed(0)} MB); reference ${((results.get("reference")?.rss ?? Number.NaN) / MB).toFixed(0)} MB`,
    });
  }
}
