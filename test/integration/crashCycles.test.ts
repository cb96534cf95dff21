import { expect, it } from "vitest";
import { runCrashCycles } from "../scenarios/crashCycles.ts";

/**
 * Small size of the crash scenario (test/scenarios/crashCycles.ts); `npm run soak` runs it large.
 * SAMLA_CRASH_SEED=<n> replays other kill moments; the test's name shows the seed in use.
 * SAMLA_CRASH_DUMP=<dir> keeps the crashed data directory and what each client received, on a loss.
 */
const SEED = Number(process.env.SAMLA_CRASH_SEED ?? 4_711);

it(`keeps everything any client saw through 3 kill -9 cycles of the server process (seed ${SEED})`, async () => {
  const result = await runCrashCycles({
    seed: SEED,
    tables: 4,
    writersPerTable: 5,
    cycles: 3,
    killAfterReceived: [200, 1_500],
    tickMs: 20,
    editChance: 0.5,
    maxNotesPerTable: 20,
    // Seconds, with room for a CI machine that runs the browser suite alongside (soak: 10 s).
    restartBoundMs: 20_000,
    dumpDir: process.env.SAMLA_CRASH_DUMP,
  });
  console.info(
    `crash cycles: ${result.cycles} kills, ${result.clients} clients on ${result.documents} documents, ` +
      `${result.updatesChecked} received updates found on disk, ${result.edits} edits; restart-to-listening ` +
      `${result.restartMs.map((ms) => (ms / 1000).toFixed(2)).join(" / ")} s (first start ${(result.firstStartMs / 1000).toFixed(2)} s)`,
  );
  expect(result.updatesChecked).toBeGreaterThan(result.cycles * 200);
}, 60_000);
