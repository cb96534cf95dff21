/**
 * The SQLite store's prepared statements and transactions, prepared once per database, and the
 * row shapes they read. `sqlite.ts` wraps them in the async `Store` interface.
 */
import type Database from "better-sqlite3";
import { isId } from "../../shared/ids.ts";
import type { AppendRequest } from "./groupCommit.ts";
import { compactUpdates } from "./replay.ts";
import { type NewWorkshop, StoreConflictError } from "./store.ts";

export interface WorkshopRow {
  readonly id: string;
  readonly created_at: number;
  readonly last_activity_at: number;
}
export interface TableRow {
  readonly id: string;
  readonly name: string;
  readonly join_code: string;
}
export interface TokenRow {
  readonly workshop_id: string;
  readonly role: string;
  readonly table_id: string | null;
}
export interface SnapshotRow {
  readonly data: Buffer;
  readonly through_seq: number;
}
export interface LogRow {
  readonly seq: number;
  readonly data: Buffer;
}
export interface JoinCodeRow {
  readonly workshop_id: string;
  readonly table_id: string;
}

export function prepareStatements(db: Database.Database) {
  return {
    // A document's next seq: past its last row and past what its snapshot covers (compaction may
    // have deleted every row), read inside the writing transaction, so two processes writing the
    // same file (the server and `npm run demo`) cannot take the same one.
    insertLog: db.prepare<[{ workshopId: string; doc: string; data: Uint8Array }]>(
      `INSERT INTO doc_log (workshop_id, doc, seq, data) VALUES (@workshopId, @doc, max(
         coalesce((SELECT max(seq) FROM doc_log WHERE workshop_id = @workshopId AND doc = @doc), 0),
         coalesce((SELECT through_seq FROM doc_snapshot WHERE doc = @doc), 0)) + 1, @data)`,
    ),
    selectSnapshot: db.prepare<[string], SnapshotRow>(
      "SELECT data, through_seq FROM doc_snapshot WHERE doc = ?",
    ),
    selectLogAfter: db.prepare<[string, string, number], LogRow>(
      "SELECT seq, data FROM doc_log WHERE workshop_id = ? AND doc = ? AND seq > ? ORDER BY seq",
    ),
    lastLogSeqAfter: db
      .prepare<[string, string, number], number | null>(
        "SELECT max(seq) FROM doc_log WHERE workshop_id = ? AND doc = ? AND seq > ?",
      )
      .pluck(),
    countLogAfter: db
      .prepare<[string, string, number], number>(
        "SELECT count(*) FROM doc_log WHERE workshop_id = ? AND doc = ? AND seq > ?",
      )
      .pluck(),
    upsertSnapshot: db.prepare<[string, string, Uint8Array, number]>(
      `INSERT INTO doc_snapshot (doc, workshop_id, data, through_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (doc) DO UPDATE SET data = excluded.data, through_seq = excluded.through_seq`,
    ),
    deleteLogThrough: db.prepare<[string, string, number]>(
      "DELETE FROM doc_log WHERE workshop_id = ? AND doc = ? AND seq <= ?",
    ),

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

    selectMovedGeneration: db
      .prepare<[], number>("SELECT moved_generation FROM append_log_state WHERE id = 1")
      .pluck(),
    updateMovedGeneration: db.prepare<[number]>(
      "UPDATE append_log_state SET moved_generation = ? WHERE id = 1",
    ),

    ping: db.prepare<[]>("SELECT 1"),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
export type Transactions = ReturnType<typeof prepareTransactions>;

/** Multi-statement units of work; each is wrapped in BEGIN … COMMIT (ROLLBACK on throw). */
export function prepareTransactions(db: Database.Database, s: Statements) {
  function readDoc(name: string): { snapshot: SnapshotRow | undefined; log: LogRow[] } {
    const snapshot = s.selectSnapshot.get(name);
    const log = s.selectLogAfter.all(workshopOfDoc(name), name, snapshot?.through_seq ?? 0);
    return { snapshot, log };
  }

  /** Every request's updates into the log, inside the caller's transaction. */
  function insertAll(requests: readonly AppendRequest[]): void {
    for (const request of requests) {
      for (const data of request.updates) {
        s.insertLog.run({ workshopId: request.workshopId, doc: request.name, data });
      }
    }
  }

  const append = db.transaction((name: string, workshopId: string, updates: readonly Uint8Array[]) => {
    for (const data of updates) s.insertLog.run({ workshopId, doc: name, data });
  });

  return {
    load: db.transaction((name: string): Buffer[] => {
      const { snapshot, log } = readDoc(name);
      const updates = log.map((row) => row.data);
      if (snapshot !== undefined) updates.unshift(snapshot.data);
      return updates;
    }),

    logLength: db.transaction((name: string): number => {
      const snapshot = s.selectSnapshot.get(name);
      return s.countLogAfter.get(workshopOfDoc(name), name, snapshot?.through_seq ?? 0) ?? 0;
    }),

    append,

    /** Several documents' appends in one commit, all or nothing: the usual case, no savepoints. */
    appendAll: db.transaction(insertAll),

    /**
     * The append log's records of `generation` into the log, all in one commit with the note that
     * this generation is moved. Their workshops exist (checked before they were logged, or when a
     * crash's log is replayed).
     */
    moveAppendLog: db.transaction((requests: readonly AppendRequest[], generation: number) => {
      insertAll(requests);
      s.updateMovedGeneration.run(generation);
    }),

    /**
     * Several documents' appends in one commit, each in its own savepoint (a nested transaction):
     * one refused (its workshop deleted) is rolled back alone and reported; the others commit.
     */
    appendGroup: db.transaction((requests: readonly AppendRequest[]): (unknown | null)[] =>
      requests.map((request) => {
        try {
          append(request.name, request.workshopId, request.updates);
          return null;
        } catch (error) {
          return error;
        }
      }),
    ),

    compact: db.transaction((name: string, workshopId: string, state: Uint8Array | null) => {
      if (state !== null) {
        const snapshot = s.selectSnapshot.get(name);
        const throughSeq = s.lastLogSeqAfter.get(workshopId, name, snapshot?.through_seq ?? 0);
        if (throughSeq === null || throughSeq === undefined) return;
        s.upsertSnapshot.run(name, workshopId, state, throughSeq);
        s.deleteLogThrough.run(workshopId, name, throughSeq);
        return;
      }
      const { snapshot, log } = readDoc(name);
      const last = log.at(-1);
      // Nothing to fold: no log after the snapshot, or a lone first update.
      if (last === undefined || (snapshot === undefined && log.length === 1)) return;
      const updates = log.map((row) => row.data);
      if (snapshot !== undefined) updates.unshift(snapshot.data);
      const throughSeq = last.seq;
      s.upsertSnapshot.run(name, workshopId, compactUpdates(updates), throughSeq);
      // Bounded by what was read: a row appended later (seq > throughSeq) is never deleted.
      s.deleteLogThrough.run(workshopId, name, throughSeq);
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
        s.insertLog.run({ workshopId: w.id, doc: doc.name, data: doc.update });
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

/** The workshop a document belongs to: its name up to the first `/`. */
export function workshopOfDoc(name: string): string {
  const slash = name.indexOf("/");
  const workshopId = slash > 0 ? name.slice(0, slash) : "";
  if (!isId(workshopId)) throw new Error(`not a document name: ${JSON.stringify(name.slice(0, 140))}`);
  return workshopId;
}
