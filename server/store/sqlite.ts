import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { isId, type TableId, type WorkshopId } from "../../shared/ids.ts";
import type { Principal } from "../../shared/permissions.ts";
import { compactUpdates } from "./replay.ts";
import { migrate } from "./sqliteSchema.ts";
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

interface WorkshopRow {
  readonly id: string;
  readonly created_at: number;
  readonly last_activity_at: number;
}
interface TableRow {
  readonly id: string;
  readonly name: string;
  readonly join_code: string;
}
interface TokenRow {
  readonly workshop_id: string;
  readonly role: string;
  readonly table_id: string | null;
}
interface SnapshotRow {
  readonly data: Buffer;
  readonly through_seq: number;
}
interface LogRow {
  readonly seq: number;
  readonly data: Buffer;
}
interface JoinCodeRow {
  readonly workshop_id: string;
  readonly table_id: string;
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

function prepareStatements(db: Database.Database) {
  return {
    insertLog: db.prepare<[string, string, Uint8Array]>(
      "INSERT INTO doc_log (doc, workshop_id, data) VALUES (?, ?, ?)",
    ),
    selectSnapshot: db.prepare<[string], SnapshotRow>(
      "SELECT data, through_seq FROM doc_snapshot WHERE doc = ?",
    ),
    selectLogAfter: db.prepare<[string, number], LogRow>(
      "SELECT seq, data FROM doc_log WHERE doc = ? AND seq > ? ORDER BY seq",
    ),
    countLogAfter: db
      .prepare<[string, number], number>("SELECT count(*) FROM doc_log WHERE doc = ? AND seq > ?")
      .pluck(),
    upsertSnapshot: db.prepare<[string, string, Uint8Array, number]>(
      `INSERT INTO doc_snapshot (doc, workshop_id, data, through_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (doc) DO UPDATE SET data = excluded.data, through_seq = excluded.through_seq`,
    ),
    deleteLogThrough: db.prepare<[string, number]>("DELETE FROM doc_log WHERE doc = ? AND seq <= ?"),

    insertWorkshop: db.prepare<[string, number, number]>(
      "INSERT INTO workshops (id, created_at, last_activity_at) VALUES (?, ?, ?)",
    ),
    selectWorkshop: db.prepare<[string], WorkshopRow>(
      "SELECT id, created_at, last_activity_at FROM workshops WHERE id = ?",
    ),
    selectInactive: db
      .prepare<[number], string>(
        "SELECT id FROM workshops WHERE last_activity_at < ? ORDER BY last_activity_at",
      )
      .pluck(),
    touchWorkshop: db.prepare<[number, string]>(
      // max(): a late, out-of-order touch never moves activity back in time.
      "UPDATE workshops SET last_activity_at = max(last_activity_at, ?) WHERE id = ?",
    ),
    selectTombstone: db.prepare<[string], { readonly id: string }>(
      "SELECT id FROM deleted_workshops WHERE id = ?",
    ),
    insertTombstone: db.prepare<[string, number]>(
      "INSERT INTO deleted_workshops (id, deleted_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
    ),
    deleteLogOf: db.prepare<[string]>("DELETE FROM doc_log WHERE workshop_id = ?"),
    deleteSnapshotsOf: db.prepare<[string]>("DELETE FROM doc_snapshot WHERE workshop_id = ?"),
    deleteTokensOf: db.prepare<[string]>("DELETE FROM tokens WHERE workshop_id = ?"),
    deleteTablesOf: db.prepare<[string]>("DELETE FROM workshop_tables WHERE workshop_id = ?"),
    deleteWorkshop: db.prepare<[string]>("DELETE FROM workshops WHERE id = ?"),

    // Position is appended after the workshop's last table, so listTables keeps creation order.
    insertTable: db.prepare<[{ workshopId: string; id: string; name: string; joinCode: string }]>(
      `INSERT INTO workshop_tables (workshop_id, id, name, join_code, position)
       VALUES (@workshopId, @id, @name, @joinCode,
         (SELECT coalesce(max(position), -1) + 1 FROM workshop_tables WHERE workshop_id = @workshopId))`,
    ),
    selectTables: db.prepare<[string], TableRow>(
      "SELECT id, name, join_code FROM workshop_tables WHERE workshop_id = ? ORDER BY position",
    ),
    selectTable: db.prepare<[string, string], TableRow>(
      "SELECT id, name, join_code FROM workshop_tables WHERE workshop_id = ? AND id = ?",
    ),
    selectJoinCode: db.prepare<[string], JoinCodeRow>(
      "SELECT workshop_id, id AS table_id FROM workshop_tables WHERE join_code = ?",
    ),

    insertToken: db.prepare<[string, string, string, string | null, number]>(
      "INSERT INTO tokens (hash, workshop_id, role, table_id, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    selectToken: db.prepare<[string], TokenRow>(
      "SELECT workshop_id, role, table_id FROM tokens WHERE hash = ?",
    ),

    ping: db.prepare<[]>("SELECT 1"),
  };
}

type Statements = ReturnType<typeof prepareStatements>;
type Transactions = ReturnType<typeof prepareTransactions>;

/** Multi-statement units of work; each is wrapped in BEGIN … COMMIT (ROLLBACK on throw). */
function prepareTransactions(db: Database.Database, s: Statements) {
  function readDoc(name: string): { snapshot: SnapshotRow | undefined; log: LogRow[] } {
    const snapshot = s.selectSnapshot.get(name);
    const log = s.selectLogAfter.all(name, snapshot?.through_seq ?? 0);
    return { snapshot, log };
  }

  return {
    load: db.transaction((name: string): Buffer[] => {
      const { snapshot, log } = readDoc(name);
      const updates = log.map((row) => row.data);
      if (snapshot !== undefined) updates.unshift(snapshot.data);
      return updates;
    }),

    logLength: db.transaction((name: string): number => {
      const snapshot = s.selectSnapshot.get(name);
      return s.countLogAfter.get(name, snapshot?.through_seq ?? 0) ?? 0;
    }),

    append: db.transaction((name: string, workshopId: string, updates: readonly Uint8Array[]) => {
      for (const update of updates) s.insertLog.run(name, workshopId, update);
    }),

    compact: db.transaction((name: string, workshopId: string) => {
      const { snapshot, log } = readDoc(name);
      const last = log.at(-1);
      // Nothing to fold: no log after the snapshot, or a lone first update.
      if (last === undefined || (snapshot === undefined && log.length === 1)) return;
      const updates = log.map((row) => row.data);
      if (snapshot !== undefined) updates.unshift(snapshot.data);
      const throughSeq = last.seq;
      s.upsertSnapshot.run(name, workshopId, compactUpdates(updates), throughSeq);
      // Bounded by what was read: a row appended later (seq > throughSeq) is never deleted.
      s.deleteLogThrough.run(name, throughSeq);
    }),

    createWorkshop: db.transaction((w: NewWorkshop) => {
      if (s.selectTombstone.get(w.id) !== undefined) {
        throw new StoreConflictError(`workshop id ${w.id} belonged to a deleted workshop and is retired`);
      }
      s.insertWorkshop.run(w.id, w.createdAt, w.createdAt);
      for (const table of w.tables) {
        s.insertTable.run({ workshopId: w.id, id: table.id, name: table.name, joinCode: table.joinCode });
      }
      for (const token of w.tokens) {
        const { principal } = token;
        if (principal.workshopId !== w.id) {
          throw new Error(
            `a token for workshop ${principal.workshopId} cannot be created with workshop ${w.id}`,
          );
        }
        s.insertToken.run(
          token.hash,
          w.id,
          principal.role,
          principal.role === "table" ? principal.tableId : null,
          token.createdAt,
        );
      }
      for (const doc of w.docs) {
        if (workshopOfDoc(doc.name) !== w.id) {
          throw new Error(`document ${doc.name} does not belong to workshop ${w.id}`);
        }
        s.insertLog.run(doc.name, w.id, doc.update);
      }
    }),

    deleteWorkshop: db.transaction((id: string, at: number): boolean => {
      if (s.selectWorkshop.get(id) === undefined) return false;
      // Children first: the foreign keys refuse to orphan anything.
      s.deleteLogOf.run(id);
      s.deleteSnapshotsOf.run(id);
      s.deleteTokensOf.run(id);
      s.deleteTablesOf.run(id);
      s.deleteWorkshop.run(id);
      s.insertTombstone.run(id, at);
      return true;
    }),
  };
}

/** Copies the WAL into the database file and truncates the WAL to zero bytes. */
function checkpoint(db: Database.Database): void {
  db.pragma("wal_checkpoint(TRUNCATE)");
}

/** The workshop a document belongs to: its name up to the first `/`. */
function workshopOfDoc(name: string): string {
  const slash = name.indexOf("/");
  const workshopId = slash > 0 ? name.slice(0, slash) : "";
  if (!isId(workshopId)) throw new Error(`not a document name: ${JSON.stringify(name.slice(0, 140))}`);
  return workshopId;
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
