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

/** Plain CommonJS, so the worker runs the same under tsx, vitest and built JavaScript. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 1000 });
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String((error && error.message) || error) });
  }
});
`;

export type CheckpointResult =
  | { readonly ok: true; readonly busy: number; readonly log: number; readonly checkpointed: number }
  | { readonly ok: false; readonly message: string };

export interface CheckpointStats {
  runs: number;
  failures: number;
  /** The last run's outcome: WAL frames, and how many of them are now in the database file. */
  last: CheckpointResult | null;
}

export class Checkpointer {
  readonly stats: CheckpointStats = { runs: 0, failures: 0, last: null };
  #worker: Worker | null = null;
  #timer: NodeJS.Timeout | null = null;
  #inFlight = false;
  /** Writes happened while a checkpoint ran: run another after it. */
  #dirty = false;
  #closed = false;

  constructor(
    private readonly file: string,
    /** How long after a write the checkpoint runs: writes in between share it. */
    private readonly delayMs: number,
    /** The worker could not start or died: the caller falls back to checkpointing itself. */
    private readonly onFailure: (error: Error) => void,
  ) {}

  /** Something was committed: a checkpoint follows within `delayMs`. */
  wrote(): void {
    if (this.#closed || this.#timer !== null) return;
    if (this.#inFlight) {
      this.#dirty = true;
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#run();
    }, this.delayMs);
    this.#timer.unref();
  }

  /** Stops the worker (closing its connection); the caller's own final checkpoint follows. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const worker = this.#worker;
    this.#worker = null;
    if (worker === null) return;
    const exited = once(worker, "exit");
    worker.postMessage("close");
    await exited;
  }

  #run(): void {
    if (this.#closed) return;
    const worker = this.#worker ?? this.#start();
    if (worker === null) return;
    this.#inFlight = true;
    worker.postMessage("checkpoint");
  }

  #start(): Worker | null {
    try {
      const driver = createRequire(import.meta.url).resolve("better-sqlite3");
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file } });
      worker.unref();
      worker.on("message", (result: CheckpointResult) => this.#finished(result));
      worker.on("error", (error) => this.#fail(error));
      worker.on("exit", (code) => {
        if (!this.#closed) this.#fail(new Error(`checkpoint worker exited with code ${code}`));
      });
      this.#worker = worker;
      return worker;
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return null;
    }
  }

  #finished(result: CheckpointResult): void {
    this.#inFlight = false;
    this.stats.runs++;
    this.stats.last = result;
    if (!result.ok) this.stats.failures++;
    if (this.#dirty) {
      this.#dirty = false;
      this.wrote();
    }
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker = null;
    this.onFailure(error);
  }
}
