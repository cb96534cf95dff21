import type { Bench } from "./bench.ts";
import type { CpuBreakdown } from "./cpuSampling.ts";
import {
  breakdownOf,
  comparison,
  DEFERRED_NOTE,
  gridTables,
  phaseRow,
  sampledAlone,
  waitUntil,
} from "./grid.ts";
import { BenchClient, closeAll, connectAll, DocLoad } from "./load.ts";
import { type PhaseResult, runPhase } from "./phase.ts";
import { mixSeed } from "./prng.ts";
import { type Row, summarize } from "./report.ts";
import { Script } from "./script.ts";
import { SERVER_LABEL, type ServerKind } from "./servers.ts";
import { openVenue, syncUrl } from "./venue.ts";

/** The facilitator typing an insight into the synthesis, fast. */
const RATE = 10;

/**
 * The room: the synthesis document open on 400 clients (every tablet follows it, as do the
 * screens and the console), one writer (the facilitator) typing into it.
 */
export async function runRoom(bench: Bench): Promise<void> {
  const script = new Script(900_001, "insights", mixSeed(bench.settings.seed, 0x700));
  const results = new Map<ServerKind, PhaseResult>();
  const breakdowns = new Map<ServerKind, CpuBreakdown>();
  // Every tablet of the grid's tables: 400 readers (--quick: 100).
  const tables = gridTables(bench);
  const readerCount = tables * 10;
  for (const kind of ["samla", "reference"] as const) {
    await bench.withServer(kind, async (server) => {
      const venue = await openVenue(server, tables);
      const load = new DocLoad(venue.synthesisDoc(), "insights");
      const writer = new BenchClient({
        url: syncUrl(server, load.name, venue.facilitatorToken),
        load,
        clientId: script.clientId,
      });
      const readers = Array.from(
        { length: readerCount },
        (_, index) =>
          new BenchClient({
            // Each table's token opens the synthesis read-only, 10 tablets per table.
            url: syncUrl(server, load.name, venue.tableToken(index % tables)),
            load,
            clientId: 500_000 + index,
          }),
      );
      await connectAll([writer, ...readers], 50);
      const typist = load.addTypist(script, writer);
      typist.sendNext(performance.now());
      await waitUntil(
        () =>
          readers.every((reader) => {
            reader.flush();
            return (reader.doc?.getMap("insights").size ?? 0) === 1;
          }),
        30_000,
        "every reader sees the insight",
      );
      bench.log(`${SERVER_LABEL[kind]}: room of ${readerCount} readers ready`);
      const phase = (durationMs: number, tag: number) =>
        runPhase(server, bench.settings.pinning, {
          typists: [typist],
          rate: RATE,
          durationMs,
          drainTimeoutMs: 30_000,
          seed: mixSeed(bench.settings.seed, 0x700, tag),
          quiet: tag !== 1,
          deferApply: true,
        });
      await phase(bench.settings.quick ? 500 : 3_000, 1);
      const result = await sampledAlone(
        bench,
        server,
        `room-${kind}`,
        () => phase(bench.settings.quick ? 3_000 : 20_000, 2),
        breakdowns,
      );
      results.set(kind, result);
      await closeAll(load.clients);
      bench.converged(`${SERVER_LABEL[kind]} room`, [load]);
    });
  }
  const rows = new Map<ServerKind, Row>();
  for (const [kind, result] of results) rows.set(kind, phaseRow(SERVER_LABEL[kind], result));
  bench.table(
    comparison(
      `The room: 1 document × ${readerCount} readers, one writer typing ${RATE} keystrokes/s`,
      rows,
      [
        `Samla: the synthesis document, the writer with the facilitator token, readers with table tokens (read-only). Each keystroke is ${readerCount} deliveries.`,
        DEFERRED_NOTE,
      ],
    ),
  );
  breakdownOf(bench, "Where the room's CPU goes (perf, CPU time)", results, breakdowns);
  const samla = results.get("samla");
  const reference = results.get("reference");
  if (samla && reference) {
    bench.log(
      `room p99: Samla ${summarize(samla.latencies).p99.toFixed(1)} ms, reference ${summarize(reference.latencies).p99.toFixed(1)} ms`,
    );
  }
}
