import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, expect, it } from "vitest";
import { hasPendingUpdates, replayUpdates } from "../../server/store/replay.ts";
import { openSqliteStore } from "../../server/store/sqlite.ts";
import { mulberry32 } from "../helpers/random.ts";

/**
 * Durability under `kill -9`: a writer process acknowledges updates only after
 * appendUpdates resolves; whatever it acknowledged must be there after it is killed,
 * in any of several consecutive crashes on the same database.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRITER = path.join(ROOT, "test", "fixtures", "storeWriter.ts");
const DOC = "kill9/table/t1"; // as in the writer
const RUNS = 3;
// SAMLA_KILL9_SEED=<n> explores other kill moments; the test's name shows the seed in use.
const SEED = Number(process.env.SAMLA_KILL9_SEED ?? 20_240_611);

/**
 * Runs one writer, kills it with SIGKILL once it has acknowledged `killAfter` updates, and
 * returns the highest acknowledgement it printed (including lines still in the pipe).
 */
function runAndKill(dataDir: string, run: number, killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, dataDir, String(run)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let acked = 0;
    let killed = false;
    let buffered = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match?.[1] !== undefined) acked = Math.max(acked, Number(match[1]));
      }
      if (!killed && acked >= killAfter) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    // "close" comes after stdout has ended, so every ack the child wrote has been counted.
    child.on("close", (code, signal) => {
      if (signal === "SIGKILL" && killed) resolve(acked);
      else reject(new Error(`writer ${run} exited early (code ${code}, signal ${signal}):\n${stderr}`));
    });
  });
}

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "samla-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it(`keeps every acknowledged update through ${RUNS} kill -9 crashes (seed ${SEED})`, async () => {
  const random = mulberry32(SEED);
  const acked: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const killAfter = 20 + Math.floor(random() * 400);
    acked.push(await runAndKill(dir, run, killAfter));
  }

  const file = path.join(dir, "samla.db");
  const raw = new Database(file);
  try {
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(raw.pragma("foreign_key_check")).toEqual([]);
  } finally {
    raw.close();
  }

  // As the server opens it: what the last run left in the append log is moved into SQLite first.
  const store = openSqliteStore({ file, appendLog: true });
  try {
    const doc = replayUpdates(await store.loadDoc(DOC));
    expect(hasPendingUpdates(doc)).toBe(false);
    for (let run = 0; run < RUNS; run++) {
      const items = doc.getArray<string>(`run-${run}`).toArray();
      const ackedCount = acked[run] ?? 0;
      expect(ackedCount, `run ${run} acknowledged nothing`).toBeGreaterThan(0);
      // Unacknowledged updates may have made it too; acknowledged ones must have.
      expect(items.length, `run ${run}, seed ${SEED}`).toBeGreaterThanOrEqual(ackedCount);
      items.forEach((item, i) => {
        expect(item.startsWith(`item ${i} `), `run ${run} item ${i}: ${item.slice(0, 20)}`).toBe(true);
      });
    }
  } finally {
    await store.close();
  }
}, 30_000);
