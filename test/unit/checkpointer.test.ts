import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { Checkpointer } from "../../server/store/checkpointer.ts";
import { eventually } from "../helpers/eventually.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function walDatabase(): { file: string; db: Database.Database } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "samla-checkpoint-"));
  dirs.push(dir);
  const file = path.join(dir, "test.db");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (x BLOB)");
  return { file, db };
}

it("copies the whole WAL into the database once writes stop, and stops on close", async () => {
  const { file, db } = walDatabase();
  const failures: Error[] = [];
  const checkpointer = new Checkpointer(file, 5, (error) => failures.push(error));
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  for (let i = 0; i < 50; i++) {
    insert.run(Buffer.alloc(4_000, i));
    checkpointer.wrote();
  }
  await eventually(() => {
    const last = checkpointer.stats.last;
    expect(last?.ok).toBe(true);
    if (last?.ok !== true) return;
    expect(last.log).toBeGreaterThanOrEqual(50);
    expect(last.checkpointed).toBe(last.log);
  });
  await checkpointer.close();
  const runs = checkpointer.stats.runs;
  checkpointer.wrote();
  insert.run(Buffer.alloc(4_000, 99));
  db.close();
  expect(checkpointer.stats.runs).toBe(runs);
  expect(failures).toEqual([]);
});

it("reports a worker that cannot open the database, so the store checkpoints by itself", async () => {
  const failures: Error[] = [];
  const checkpointer = new Checkpointer(path.join(os.tmpdir(), "samla-no-such-dir", "none.db"), 1, (error) =>
    failures.push(error),
  );
  checkpointer.wrote();
  await eventually(() => expect(failures).toHaveLength(1));
  expect(String(failures[0])).toMatch(/unable to open|does not exist|exited|SQLITE_CANTOPEN/i);
  await checkpointer.close();
});
