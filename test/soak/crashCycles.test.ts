import { describe, expect, it } from "vitest";
import { runCrashCycles } from "../scenarios/crashCycles.ts";
import { report, SOAK } from "./soak.ts";

const SEED = Number(process.env.SAMLA_CRASH_SEED ?? 20_260_601);
const CYCLES = 20;

describe.runIf(SOAK)("soak: crash durability", () => {
  it(`keeps everything any client saw through ${CYCLES} kill -9 cycles, 120 tablets and 12 screens (seed ${SEED})`, async () => {
    const result = await runCrashCycles({
      seed: SEED,
      tables: 12,
      writersPerTable: 10,
      cycles: CYCLES,
      killAfterReceived: [300, 5_000],
      tickMs: 100,
      editChance: 0.3,
      maxNotesPerTable: 40,
      restartBoundMs: 10_000,
      log: report,
      dumpDir: process.env.SAMLA_CRASH_DUMP,
    });
    const seconds = result.restartMs.map((ms) => ms / 1000);
    report(
      `crash: ${result.cycles} kill -9 cycles, ${result.clients} clients on ${result.documents} documents, ` +
        `${result.edits} edits, ${result.updatesChecked} received updates each found on disk, integrity ` +
        `${[...new Set(result.integrity)].join(",")} ×${result.integrity.length}; restart-to-listening min ` +
        `${Math.min(...seconds).toFixed(2)} s, median ${median(seconds).toFixed(2)} s, max ${Math.max(...seconds).toFixed(2)} s ` +
        `(first start ${(result.firstStartMs / 1000).toFixed(2)} s); check per crash median ${(median(result.checkMs) / 1000).toFixed(2)} s; ${result.notes} notes, ${result.bytes} bytes of state ` +
        `at the end; ${(result.elapsedMs / 1000).toFixed(0)} s`,
    );
    expect(result.integrity).toHaveLength(CYCLES);
  });
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
