import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { isId, type TableId, type WorkshopId } from "../../shared/ids.ts";
import type { Principal } from "../../shared/permissions.ts";
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

export type SqliteStoreOptions = { readonly dataDir: string } | { readonly file: string };

export const SQLITE_FILE_NAME = "samla.db";
const BUSY_TIMEOUT_MS = 5000;

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
  return new SqliteStore(file);
}

export class SqliteStore implements Store {
  readonly file: string;
  #db: Database.Database | null;

  // Prepared once; better-sqlite3 statements are reusable and cheap to run.
  readonly #stmt: Statements;
  readonly #tx: Transactions;

  constructor(file: string) {
    this.file = file;
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    try {
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
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
  }

  // --- documents -------------------------------------------------------------

  async loadDoc(name: string): Promise<Uint8Array[]> {
    this.#open();
    return this.#tx.load.deferred(name).map(asUint8Array);
  }

  async appendUpdates(name: string, updates: readonly Uint8Array[]): Promise<void> {
    this.#open();
    const workshopId = workshopOfDoc(name);
    if (updates.length === 0) return;
    try {
      this.#tx.append.immediate(name, workshopId, updates);
    } catch (error) {
      throw translateError(error, `appending to ${name}`);
    }
  }

  async logLength(name: string): Promise<number> {
    this.#open();
    return this.#tx.logLength.deferred(name);
  }

  async compactDoc(name: string): Promise<void> {
    this.#open();
    const workshopId = workshopOfDoc(name);
    this.#tx.compact.immediate(name, workshopId);
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
    const deleted = this.#tx.deleteWorkshop.immediate(id, at);
    // Copy every page back into the database file and empty the WAL, so no old page
    // image with note text survives in the WAL. With a single connection no reader can
    // hold the checkpoint back; should one ever, the next checkpoint finishes the job.
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

  /** Idempotent: every write has committed by the time its promise resolved, so nothing is pending. */
  async close(): Promise<void> {
    const db = this.#db;
    if (db === null) return;
    this.#db = null;
    try {
      checkpoint(db);
    } finally {
      db.close();
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
