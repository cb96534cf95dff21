import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { isId, type TableId, type WorkshopId } from "../../shared/ids.ts";
import type { Principal } from "../../shared/permissions.ts";
import { Checkpointer, type CheckpointStats } from "./checkpointer.ts";
import { type DataDirLock, lockDataDir } from "./dataDirLock.ts";
import { GroupCommit } from "./groupCommit.ts";
import { LoggedAppends } from "./loggedAppends.ts";
import { migrate } from "./sqliteSchema.ts";
import {
  prepareStatements,
  prepareTransactions,
  type Statements,
  type TableRow,
  type TokenRow,
  type Transactions,
  workshopOfDoc,
} from "./sqliteStatements.ts";
import {
  type NewWorkshop,
  type Store,
  StoreConflictError,
  type TableRecord,
  type TokenRecord,
  type WorkshopRecord,
} from "./store.ts";

export type SqliteStoreOptions = ({ readonly dataDir: string } | { readonly file: string }) & StoreTuning;

/** How the store writes, whichever file it opens. */
interface StoreTuning {
  /** Checkpoint the WAL from a worker thread (default) rather than within commits. */
  readonly checkpointWorker?: boolean;
  /**
   * Make appends durable in the append log (`samla.db-appendlog`, see appendLog.ts) and move them
   * into SQLite every `moveDelayMs` (or sooner under load), rather than committing each turn's
   * appends. Only the one process that serves the data directory may use it, and it takes the
   * directory's lock (dataDirLock.ts) to make sure: the server, or the export when no server runs.
   * Tools beside a running server leave it off and use SQLite alone.
   */
  readonly appendLog?: boolean;
  /** How long appends wait in the append log before they move into SQLite (default MOVE_DELAY_MS). */
  readonly moveDelayMs?: number;
}

export const SQLITE_FILE_NAME = "samla.db";
const BUSY_TIMEOUT_MS = 5000;
/**
 * How often the checkpoint worker looks for new commits (those in between share one checkpoint).
 * A checkpoint copies each page changed since the last one once, however often it changed, and
 * fsyncs: at a workshop's pace (800 keystrokes/s) one a second cost the worker a third of what four
 * did. It also bounds what a power loss can take (synchronous = NORMAL syncs at checkpoints).
 */
const CHECKPOINT_DELAY_MS = 1000;
/**
 * WAL pages after which a commit on the main connection checkpoints by itself: only a backstop
 * for when the worker's passive checkpoints cannot catch up (SQLite's default is 1,000).
 */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 8000;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** The append log's file, beside the database's. */
export const APPEND_LOG_SUFFIX = "-appendlog";

/** Opens (creating if needed) the SQLite database and brings its schema up to date. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  let file: string;
  if ("dataDir" in options) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    file = path.join(options.dataDir, SQLITE_FILE_NAME);
  } else {
    file = options.file;
    if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  return new SqliteStore(file, options);
}

export class SqliteStore implements Store {
  readonly file: string;
  #db: Database.Database | null;

  // Prepared once; better-sqlite3 statements are reusable and cheap to run.
  readonly #stmt: Statements;
  readonly #tx: Transactions;
  readonly #appends: GroupCommit;
  /** Null for an in-memory database (no WAL to checkpoint). */
  readonly #checkpointer: Checkpointer | null;
  /** Null for an in-memory database, or when appends commit to SQLite directly. */
  readonly #appendLog: LoggedAppends | null;
  /** Held while this store serves its data directory (with the append log only: the server's). */
  readonly #lock: DataDirLock | null;

  constructor(file: string, { checkpointWorker = true, appendLog = false, moveDelayMs }: StoreTuning = {}) {
    this.file = file;
    // Anonymous databases, as better-sqlite3 counts them (its `memory`): no file, no WAL, no log.
    const inMemory = file === ":memory:" || file === "";
    const logged = appendLog && !inMemory;
    const usesWorker = checkpointWorker && !inMemory;
    // First, before the append log is replayed: only the directory's one server may do that.
    const lock = logged ? lockDataDir(file) : null;
    let db: Database.Database | null = null;
    let log: LoggedAppends | null = null;
    try {
      db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal" && !(db.memory && mode === "memory")) {
        throw new Error(`SQLite refused WAL mode for ${file} (got ${String(mode)}); use a local file system`);
      }
      // In WAL mode, NORMAL syncs only at checkpoints: a committed transaction is in the WAL
      // file (in the OS page cache) when COMMIT returns, so it survives the process being
      // killed (kill -9, crash). Only an OS crash or power loss can lose the last commits,
      // and even then the database stays consistent.
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      // Deleted rows are overwritten with zeros, so deleted note text does not linger in
      // free pages of the file: Samla promises that a deleted workshop is gone for good.
      db.pragma("secure_delete = ON");
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(db);
      this.#stmt = prepareStatements(db);
      this.#tx = prepareTransactions(db, this.#stmt);
      if (logged) {
        log = new LoggedAppends(
          `${file}${APPEND_LOG_SUFFIX}`,
          this.#stmt,
          this.#tx,
          () => this.#checkpointer?.wrote(),
          moveDelayMs,
        );
      }
      if (usesWorker) db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    } catch (error) {
      // Nothing opened here outlives a store that failed to open.
      log?.close();
      db?.close();
      lock?.release();
      throw error;
    }
    this.#db = db;
    this.#appendLog = log;
    this.#lock = lock;
    this.#checkpointer = usesWorker
      ? new Checkpointer(file, CHECKPOINT_DELAY_MS, () => {
          // No worker: SQLite checkpoints on commit again, as it does by default.
          this.#db?.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
        })
      : null;
    this.#appends = new GroupCommit(
      (requests) => {
        if (this.#appendLog !== null) return this.#appendLog.write(requests);
        try {
          this.#tx.appendAll.immediate(requests);
          return requests.map(() => null);
        } catch {
          // Rolled back whole; again with a savepoint each, so only the refused ones fail.
          return this.#tx.appendGroup
            .immediate(requests)
            .map((error, i) =>
              error === null ? null : translateError(error, `appending to ${requests[i]?.name ?? "?"}`),
            );
        }
      },
      () => {
        if (this.#appendLog === null) this.#checkpointer?.wrote();
      },
    );
  }

  /** Every append requested so far, in SQLite: reads, compactions and deletions go after it. */
  #settleWrites(scrub = false): void {
    this.#appends.flush();
    this.#appendLog?.move(scrub);
  }

  /** Records a replayed append log held for workshops that no longer existed (left out). */
  get orphanedOnOpen(): number {
    return this.#appendLog?.orphanedOnOpen ?? 0;
  }

  /** The checkpoint worker's counters (null for an in-memory database), for tests and metrics. */
  get checkpoints(): Readonly<CheckpointStats> | null {
    return this.#checkpointer?.stats ?? null;
  }

  // --- documents -------------------------------------------------------------

  async loadDoc(name: string): Promise<Uint8Array[]> {
    this.#open();
    this.#settleWrites();
    return this.#tx.load.deferred(name).map(asUint8Array);
  }

  async appendUpdates(name: string, updates: readonly Uint8Array[]): Promise<void> {
    this.#open();
    const workshopId = workshopOfDoc(name);
    if (updates.length === 0) return;
    return this.#appends.append({ name, workshopId, updates });
  }

  async logLength(name: string): Promise<number> {
    this.#open();
    this.#settleWrites();
    return this.#tx.logLength.deferred(name);
  }

  async compactDoc(name: string, state?: Uint8Array): Promise<void> {
    this.#open();
    const workshopId = workshopOfDoc(name);
    this.#settleWrites();
    this.#tx.compact.immediate(name, workshopId, state ?? null);
  }

  // --- workshops -------------------------------------------------------------

  async createWorkshop(workshop: NewWorkshop): Promise<void> {
    this.#open();
    try {
      this.#tx.createWorkshop.immediate(workshop);
    } catch (error) {
      throw translateError(error, `creating workshop ${workshop.id}`);
    }
  }

  async getWorkshop(id: WorkshopId): Promise<WorkshopRecord | null> {
    this.#open();
    const row = this.#stmt.selectWorkshop.get(id);
    if (row === undefined) return null;
    return { id: row.id as WorkshopId, createdAt: row.created_at, lastActivityAt: row.last_activity_at };
  }

  async isDeleted(id: WorkshopId): Promise<boolean> {
    this.#open();
    return this.#stmt.selectTombstone.get(id) !== undefined;
  }

  async listTables(workshopId: WorkshopId): Promise<TableRecord[]> {
    this.#open();
    return this.#stmt.selectTables.all(workshopId).map(toTableRecord);
  }

  async getTable(workshopId: WorkshopId, tableId: TableId): Promise<TableRecord | null> {
    this.#open();
    const row = this.#stmt.selectTable.get(workshopId, tableId);
    return row === undefined ? null : toTableRecord(row);
  }

  async addTable(workshopId: WorkshopId, table: TableRecord): Promise<void> {
    this.#open();
    try {
      this.#stmt.insertTable.run({
        workshopId,
        id: table.id,
        name: table.name,
        joinCode: table.joinCode,
      });
    } catch (error) {
      throw translateError(error, `adding table ${table.id} to workshop ${workshopId}`);
    }
  }

  async findJoinCode(code: string): Promise<{ workshopId: WorkshopId; tableId: TableId } | null> {
    this.#open();
    const row = this.#stmt.selectJoinCode.get(code);
    if (row === undefined) return null;
    return { workshopId: row.workshop_id as WorkshopId, tableId: row.table_id as TableId };
  }

  async listInactiveWorkshops(before: number): Promise<WorkshopId[]> {
    this.#open();
    return this.#stmt.selectInactive.all(before) as WorkshopId[];
  }

  async touchWorkshop(id: WorkshopId, at: number): Promise<void> {
    this.#open();
    this.#stmt.touchWorkshop.run(at, id);
  }

  async deleteWorkshop(id: WorkshopId, at: number): Promise<boolean> {
    const db = this.#open();
    // Writes requested before the deletion go first (and are then deleted with the rest); the
    // append log is emptied with zeros, since its records may hold this workshop's text.
    this.#settleWrites(true);
    this.#appendLog?.forgetWorkshop(id);
    const deleted = this.#tx.deleteWorkshop.immediate(id, at);
    // Copy every page back into the database file and empty the WAL, so no old page
    // image with note text survives in the WAL. With a single connection no reader can
    // hold the checkpoint back (the checkpoint worker holds none between runs); should one ever,
    // the next checkpoint finishes the job.
    if (deleted) checkpoint(db);
    return deleted;
  }

  // --- tokens ----------------------------------------------------------------

  async addToken(token: TokenRecord): Promise<void> {
    this.#open();
    const { principal } = token;
    try {
      this.#stmt.insertToken.run(
        token.hash,
        principal.workshopId,
        principal.role,
        principal.role === "table" ? principal.tableId : null,
        token.createdAt,
      );
    } catch (error) {
      throw translateError(error, `adding a ${principal.role} token to workshop ${principal.workshopId}`);
    }
  }

  async findToken(hash: string): Promise<Principal | null> {
    this.#open();
    const row = this.#stmt.selectToken.get(hash);
    return row === undefined ? null : toPrincipal(row);
  }

  // --- lifecycle ---------------------------------------------------------------

  async ping(): Promise<void> {
    this.#open();
    this.#stmt.ping.get();
  }

  /** Idempotent. Appends already requested are written first; their promises resolve as usual. */
  async close(): Promise<void> {
    const db = this.#db;
    if (db === null) return;
    try {
      this.#settleWrites();
    } finally {
      this.#db = null;
      this.#appends.abandon(new Error(`SQLite store ${this.file} is closed`));
    }
    try {
      await this.#checkpointer?.close();
      checkpoint(db);
    } finally {
      this.#appendLog?.close();
      db.close();
      this.#lock?.release();
    }
  }

  #open(): Database.Database {
    if (this.#db === null) throw new Error(`SQLite store ${this.file} is closed`);
    return this.#db;
  }
}

/** Copies the WAL into the database file and truncates the WAL to zero bytes. */
function checkpoint(db: Database.Database): void {
  db.pragma("wal_checkpoint(TRUNCATE)");
}

/** A plain Uint8Array view on the Buffer SQLite returned (no copy), so callers see one type. */
function asUint8Array(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function toTableRecord(row: TableRow): TableRecord {
  return { id: row.id as TableId, name: row.name, joinCode: row.join_code };
}

/** Validates a token row; anything malformed is treated as no token at all. */
function toPrincipal(row: TokenRow): Principal | null {
  if (!isId(row.workshop_id)) return null;
  const workshopId = row.workshop_id as WorkshopId;
  switch (row.role) {
    case "facilitator":
    case "screen":
      return row.table_id === null ? { role: row.role, workshopId } : null;
    case "table":
      return isId(row.table_id) ? { role: "table", workshopId, tableId: row.table_id as TableId } : null;
    default:
      return null;
  }
}

/** Maps SQLite constraint failures to what callers can act on; everything else passes through. */
function translateError(error: unknown, doing: string): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  switch (error.code) {
    case "SQLITE_CONSTRAINT_UNIQUE":
    case "SQLITE_CONSTRAINT_PRIMARYKEY":
      return new StoreConflictError(`${doing}: ${error.message}`, { cause: error });
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
      return new Error(`${doing}: no such workshop or table (deleted?)`, { cause: error });
    default:
      return error;
  }
}
