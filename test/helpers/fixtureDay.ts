import path from "node:path";
import { readDayFixture, type SeededDay, seedDay } from "../../server/workshops/seedDay.ts";
import { ROOT } from "./script.ts";
import { startServer, type TestServer } from "./server.ts";

export const FIXTURE = path.join(ROOT, "test", "fixtures", "praktikerdialog.json");

/** A real server holding the fixture day (six tables, three rounds, notes, themes, insights). */
export async function seededServer(): Promise<{ server: TestServer; day: SeededDay }> {
  const server = await startServer();
  const day = await seedDay(server.app.store, "http://samla.test", readDayFixture(FIXTURE));
  return { server, day };
}
