import type { TableId, WorkshopId } from "../../shared/ids.ts";
import type { Principal } from "../../shared/permissions.ts";

/**
 * Everything Samla keeps, behind one interface: the embedded SQLite store fills it
 * today; a PostgreSQL one can later. All methods are async so a networked store fits.
 *
 * Documents are an append-only log of Yjs updates plus at most one snapshot each.
 * Tokens are stored only as SHA-256 hashes (see server/auth/tokens.ts).
 */
export interface Store {
  // --- documents -------------------------------------------------------------
  /** The snapshot (if any) followed by every logged update after it, in order. Empty for a new doc. */
  loadDoc(name: string): Promise<Uint8Array[]>;
  /** Appends updates to a document's log; resolves only once they are durably committed. */
  appendUpdates(name: string, updates: readonly Uint8Array[]): Promise<void>;
  /** Number of log entries after the snapshot: a cue for compaction. */
  logLength(name: string): Promise<number>;
  /**
   * Replaces the snapshot and log with one snapshot, in one transaction; updates appended
   * meanwhile are kept after it. The snapshot is `state` if given, else the rows replayed into a
   * Y.Doc. `state` must hold at least everything stored for the document so far: the loaded
   * room's document, which integrated every row it was loaded from or appended since (while a
   * document is loaded, its room is its log's only writer). Encoding it is a fraction of replaying
   * the rows (a 30,000-character table: 7 ms against 30–95 ms), on the relay's event loop.
   */
  compactDoc(name: string, state?: Uint8Array): Promise<void>;

  // --- workshops -------------------------------------------------------------
  /** Creates a workshop with its tables, tokens and initial documents, atomically. */
  createWorkshop(workshop: NewWorkshop): Promise<void>;
  getWorkshop(id: WorkshopId): Promise<WorkshopRecord | null>;
  /** True if a workshop with this id existed and was deleted (its tombstone). */
  isDeleted(id: WorkshopId): Promise<boolean>;
  listTables(workshopId: WorkshopId): Promise<TableRecord[]>;
  getTable(workshopId: WorkshopId, tableId: TableId): Promise<TableRecord | null>;
  /** Adds a table to an existing workshop. */
  addTable(workshopId: WorkshopId, table: TableRecord): Promise<void>;
  /** The table a (normalised) join code belongs to. */
  findJoinCode(code: string): Promise<{ workshopId: WorkshopId; tableId: TableId } | null>;
  /** Workshops whose last activity is before `before` (ms), oldest first: for retention. */
  listInactiveWorkshops(before: number): Promise<WorkshopId[]>;
  /** Records that something happened in a workshop (for retention). */
  touchWorkshop(id: WorkshopId, at: number): Promise<void>;
  /**
   * Deletes a workshop for good: documents, logs, snapshots, tables, codes and tokens,
   * leaving only a tombstone of its id. False if there was no such workshop.
   */
  deleteWorkshop(id: WorkshopId, at: number): Promise<boolean>;

  // --- tokens ----------------------------------------------------------------
  addToken(token: TokenRecord): Promise<void>;
  /** The principal behind a token hash, or null if unknown (never existed, revoked or deleted). */
  findToken(hash: string): Promise<Principal | null>;

  // --- lifecycle ---------------------------------------------------------------
  /** A cheap round trip to the storage, for /healthz. */
  ping(): Promise<void>;
  /** Waits for pending writes, then releases the storage. */
  close(): Promise<void>;
}

export interface WorkshopRecord {
  readonly id: WorkshopId;
  readonly createdAt: number;
  readonly lastActivityAt: number;
}

export interface TableRecord {
  readonly id: TableId;
  readonly name: string;
  /** Normalised join code: upper case, no separators. Unique among live workshops. */
  readonly joinCode: string;
}

export interface TokenRecord {
  /** Hex SHA-256 of the token. */
  readonly hash: string;
  readonly principal: Principal;
  readonly createdAt: number;
}

export interface NewWorkshop {
  readonly id: WorkshopId;
  readonly createdAt: number;
  readonly tables: readonly TableRecord[];
  readonly tokens: readonly TokenRecord[];
  /** First updates of documents (the meta document's setup), stored as their first log entry. */
  readonly docs: readonly { readonly name: string; readonly update: Uint8Array }[];
}

/** A unique constraint refused the write (for example a join code already taken). */
export class StoreConflictError extends Error {
  override readonly name = "StoreConflictError";
}
