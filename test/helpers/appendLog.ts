import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { encodeHeader, encodeRecords, type LoggedUpdate } from "../../server/store/appendLog.ts";
import { APPEND_LOG_SUFFIX } from "../../server/store/sqlite.ts";

/** One number read from a store's SQLite file itself, past the store. */
export function readNumber(dbFile: string, sql: string): number {
  const raw = new Database(dbFile, { readonly: true });
  try {
    return raw.prepare(sql).pluck().get() as number;
  } finally {
    raw.close();
  }
}

/** The last append log generation SQLite has recorded as moved. */
export function movedGeneration(dbFile: string): number {
  return readNumber(dbFile, "SELECT moved_generation FROM append_log_state");
}

/**
 * What a crash leaves beside a closed store: these records in its append log, of `generation`
 * (by default the next one, never moved), as if written and never moved into SQLite.
 */
export function leaveInAppendLog(
  dbFile: string,
  records: readonly LoggedUpdate[],
  generation = movedGeneration(dbFile) + 1,
): void {
  writeFileSync(
    `${dbFile}${APPEND_LOG_SUFFIX}`,
    Buffer.concat([encodeHeader(generation), encodeRecords(records)]),
  );
}
