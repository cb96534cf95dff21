import { once } from "node:events";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * WAL checkpoints on a worker thread. A checkpoint copies the WAL into the database file and
 * fsyncs it: 30-75 ms on a busy disk. better-sqlite3 is synchronous, so a checkpoint run by a
 * commit on the main thread (SQLite's automatic one) would stall every room at once. Here a
 * second connection, on its own thread, runs PASSIVE checkpoints (they never block writers)
 * shortly after writes, and the main connection's automatic checkpoint is only a backstop.
 */

/**
 * The worker and the main thread share a few counters (no messages on the hot path: a
 * `postMessage` per checkpoint cost the main thread more than the checkpoint's bookkeeping).
 * The main thread bumps WRITES after each commit; the worker checks it every `delayMs` and runs a
 * checkpoint if it moved, then records the outcome.
 */
const WRITES = 0;
const RUNS = 1;
const FAILURES = 2;
const LAST_OK = 3;
const LAST_LOG = 4;
const LAST_CHECKPOINTED = 5;
const SLOTS = 6;

/** Plain CommonJS, so the worker runs the same under tsx, vitest and built JavaScript. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const shared = new Int32Array(workerData.shared);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 1000 });
let seen = 0;
const timer = setInterval(() => {
  const writes = Atomics.load(shared, ${WRITES});
  if (writes === seen) return;
  seen = writes;
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    Atomics.store(shared, ${LAST_LOG}, row.log);
    Atomics.store(shared, ${LAST_CHECKPOINTED}, row.checkpointed);
    Atomics.store(shared, ${LAST_OK}, row.busy === 0 ? 1 : 0);
  } catch {
    Atomics.store(shared, ${LAST_OK}, 0);
    Atomics.add(shared, ${FAILURES}, 1);
  }
  Atomics.add(shared, ${RUNS}, 1);
}, workerData.delayMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointStats {
  readonly runs: number;
  readonly failures: number;
  /** The last run: whether it completed, the WAL's frames and how many are now in the database. */
  readonly last: { readonly ok: boolean; readonly log: number; readonly checkpointed: number } | null;
}

export class Checkpointer {
  readonly #shared = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  #worker: Worker | null = null;
  #closed = false;

  constructor(
    private readonly file: string,
    /** How often the worker looks for new writes: writes in between share one checkpoint. */
    private readonly delayMs: number,
    /** The worker could not start or died: the caller falls back to checkpointing itself. */
    private readonly onFailure: (error: Error) => void,
  ) {}

  get stats(): CheckpointStats {
    const runs = Atomics.load(this.#shared, RUNS);
    return {
      runs,
      failures: Atomics.load(this.#shared, FAILURES),
      last:
        runs === 0
          ? null
          : {
              ok: Atomics.load(this.#shared, LAST_OK) === 1,
              log: Atomics.load(this.#shared, LAST_LOG),
              checkpointed: Atomics.load(this.#shared, LAST_CHECKPOINTED),
            },
    };
  }

  /** Something was committed: a checkpoint follows within `delayMs`. Cheap enough for every commit. */
  wrote(): void {
    if (this.#closed) return;
    if (this.#worker === null && !this.#start()) return;
    Atomics.add(this.#shared, WRITES, 1);
  }

  /** Stops the worker (closing its connection); the caller's own final checkpoint follows. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    if (worker === null) return;
    const exited = once(worker, "exit");
    // Unref'd so it never keeps the process alive; waiting for its exit must, or a script that
    // closes its store at the end would exit right here, before its last lines.
    worker.ref();
    worker.postMessage("close");
    await exited;
  }

  #start(): boolean {
    try {
      const driver = createRequire(import.meta.url).resolve("better-sqlite3");
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver, file: this.file, shared: this.#shared.buffer, delayMs: this.delayMs },
      });
      worker.unref();
      worker.on("error", (error) => this.#fail(error));
      worker.on("exit", (code) => {
        if (!this.#closed) this.#fail(new Error(`checkpoint worker exited with code ${code}`));
      });
      this.#worker = worker;
      return true;
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker = null;
    this.onFailure(error);
  }
}
