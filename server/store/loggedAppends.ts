import { AppendLog, type LoggedUpdate, unmovedRecords } from "./appendLog.ts";
import type { AppendRequest } from "./groupCommit.ts";
import { type Statements, type Transactions, workshopOfDoc } from "./sqliteStatements.ts";

/**
 * How long appends wait in the append log before they are moved into SQLite, in one commit. A
 * commit writes every page it changed, so a longer wait shares each table's page among more rows:
 * at a workshop's pace (800 keystrokes/s over 40 tables, `npm run bench:store`) storing cost ≈ 60 µs
 * of CPU per append moved every 20 ms, ≈ 30–42 every 100 ms, ≈ 36 every 250 ms. A move of a whole
 * second's appends held the event loop for tens of milliseconds; one of 100 ms (≈ 80 rows) did not
 * show in how late the loop ran.
 */
export const MOVE_DELAY_MS = 100;
/**
 * Under load a room stores a row per batch, and 100 ms of batches over 40 rooms can be hundreds of
 * rows, a move that holds the event loop for milliseconds: past this many rows the move goes at the
 * next turn instead, so it holds the loop about as long as one at a workshop's pace (≈ 80 rows).
 */
export const MAX_ROWS_PER_MOVE = 128;

/**
 * The SQLite store's appends through the append log (see appendLog.ts): written to the log at
 * once, moved into SQLite every MOVE_DELAY_MS and whenever the store asks (before reads).
 */
export class LoggedAppends {
  readonly #log: AppendLog;
  /** Appends in the log, not yet moved into SQLite. */
  #unmoved: AppendRequest[] = [];
  /** Rows (updates) in `#unmoved`. */
  #unmovedRows = 0;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  /** A move failed: the next tries after the delay, not at every turn. */
  #retrying = false;
  /** Set if emptying the log failed: its state is unknown, so no more appends go to it. */
  #failure: unknown = null;
  /** Workshops known to exist, so an append checks without a query. */
  readonly #liveWorkshops = new Set<string>();
  /** Records the log held on open for workshops that no longer existed (left out). */
  readonly orphanedOnOpen: number;

  /**
   * Opens the log and moves into SQLite whatever a crash left in it (unless SQLite already has
   * that generation: a crash after the move, before the file was emptied), then empties it.
   */
  constructor(
    file: string,
    private readonly stmt: Statements,
    private readonly tx: Transactions,
    /** Called after each move (it committed to SQLite). */
    private readonly moved: () => void,
    private readonly moveDelayMs = MOVE_DELAY_MS,
  ) {
    const { log, contents } = AppendLog.open(file);
    try {
      const movedGeneration = stmt.selectMovedGeneration.get() ?? 0;
      const records = unmovedRecords(contents, movedGeneration);
      // Only a log replayed after a crash can hold records of a workshop deleted since: live
      // appends check first, and a deletion moves the log before it deletes.
      const requests = records
        .map(({ name, update }) => ({ name, workshopId: workshopOfDoc(name), updates: [update] }))
        .filter(({ workshopId }) => stmt.selectWorkshop.get(workshopId) !== undefined);
      if (requests.length > 0) tx.moveAppendLog.immediate(requests, contents.generation);
      log.reset(Math.max(contents.generation, movedGeneration) + 1);
      this.orphanedOnOpen = records.length - requests.length;
    } catch (error) {
      log.close();
      throw error;
    }
    this.#log = log;
  }

  /** The group commit's write: each request checked, then all of them in one write. */
  write(requests: readonly AppendRequest[]): (unknown | null)[] {
    if (this.#failure !== null) throw this.#failure;
    const outcomes: (unknown | null)[] = [];
    const accepted: AppendRequest[] = [];
    const records: LoggedUpdate[] = [];
    for (const request of requests) {
      if (!this.#workshopExists(request.workshopId)) {
        outcomes.push(new Error(`appending to ${request.name}: no such workshop or table (deleted?)`));
        continue;
      }
      outcomes.push(null);
      accepted.push(request);
      for (const update of request.updates) records.push({ name: request.name, update });
    }
    if (accepted.length === 0) return outcomes;
    // Throws (disk full, I/O error) with nothing written: the group commit refuses them all.
    this.#log.append(records);
    for (const request of accepted) this.#unmoved.push(request);
    this.#unmovedRows += records.length;
    this.#schedule();
    return outcomes;
  }

  /**
   * Moves what the log holds into SQLite in one commit, then empties it (`scrub`: with zeros
   * first, see `AppendLog.reset`). Throws if SQLite refuses; the appends stay in the log.
   */
  move(scrub = false): void {
    this.#cancelTimer();
    // Nothing unmoved means the file holds nothing: every move empties it.
    if (this.#unmoved.length === 0) return;
    this.tx.moveAppendLog.immediate(this.#unmoved, this.#log.generation);
    this.#unmoved = [];
    this.#unmovedRows = 0;
    this.moved();
    try {
      this.#log.reset(this.#log.generation + 1, scrub);
    } catch (error) {
      this.#failure = error;
      throw error;
    }
  }

  /** After a workshop's deletion: appends to it are refused from now on. */
  forgetWorkshop(id: string): void {
    this.#liveWorkshops.delete(id);
  }

  /** Closes the file; call `move` first, or what it holds is moved at the next open. */
  close(): void {
    this.#cancelTimer();
    this.#log.close();
  }

  #cancelTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }

  #schedule(): void {
    if (this.#unmovedRows >= MAX_ROWS_PER_MOVE && !this.#retrying) {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      this.#immediate ??= setImmediate(() => this.#moveLater()).unref();
      return;
    }
    this.#timer ??= setTimeout(() => this.#moveLater(), this.moveDelayMs).unref();
  }

  #moveLater(): void {
    this.#timer = null;
    this.#immediate = null;
    try {
      this.move();
      this.#retrying = false;
    } catch {
      // Still in the log, durable; the next move (or read) tries again.
      this.#retrying = true;
      if (this.#unmoved.length > 0) this.#schedule();
    }
  }

  #workshopExists(id: string): boolean {
    if (this.#liveWorkshops.has(id)) return true;
    if (this.stmt.selectWorkshop.get(id) === undefined) return false;
    this.#liveWorkshops.add(id);
    return true;
  }
}
