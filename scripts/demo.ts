/**
 * `npm run demo`: creates a workshop holding a whole practitioner dialogue (six tables, three rounds,
 * notes, themes, insights) in the server's own data directory, and prints its links.
 *
 * It writes straight into the SQLite file, so it works whether or not the server runs: SQLite's
 * WAL lets both write, and the server loads the new workshop's documents only when someone opens them.
 */
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "../server/config.ts";
import { openSqliteStore } from "../server/store/sqlite.ts";
import { DayFixtureError, readDayFixture, type SeededDay, seedDay } from "../server/workshops/seedDay.ts";
import { formatJoinCode } from "../shared/joinCodes.ts";

const FIXTURE = fileURLToPath(new URL("../test/fixtures/praktikerdialog.json", import.meta.url));

async function main(): Promise<void> {
  const config = loadConfig();
  const day = readDayFixture(FIXTURE);
  const store = openSqliteStore({ dataDir: config.dataDir });
  let seeded: SeededDay;
  try {
    seeded = await seedDay(store, config.publicUrl, day);
  } finally {
    await store.close();
  }
  console.log(report(seeded, config.dataDir));
}

function report(seeded: SeededDay, dataDir: string): string {
  const { counts } = seeded;
  const width = Math.max(...seeded.tables.map((table) => table.name.length));
  return [
    `Demo workshop created: ${seeded.title}`,
    `  ${counts.tables} tables, ${counts.rounds} rounds, ${counts.notes} notes, ${counts.themes} themes, ${counts.insights} insights`,
    `  stored in ${dataDir}`,
    "",
    `Facilitator: ${seeded.facilitatorUrl}`,
    `Screen:      ${seeded.screenUrl}`,
    "",
    "Tables (name, join code, join link):",
    ...seeded.tables.map(
      (table) => `  ${table.name.padEnd(width)}  ${formatJoinCode(table.joinCode)}  ${table.joinUrl}`,
    ),
    "",
    "Warning: the facilitator link is a key. Anyone who has it can change or delete this workshop.",
    "The links work while Samla runs (npm start).",
  ].join("\n");
}

main().catch((error: unknown) => {
  // Our own errors say what to fix, so the message is enough; anything else keeps its stack.
  if (error instanceof ConfigError) {
    console.error(`Samla demo failed: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof DayFixtureError) {
    console.error(`Samla demo failed: ${error.message}`);
    process.exit(1);
  }
  console.error("Samla demo failed:", error);
  process.exit(1);
});
