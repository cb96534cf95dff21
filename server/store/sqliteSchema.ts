import type Database from "better-sqlite3";

/**
 * The SQLite schema, as an ordered list of migrations. `PRAGMA user_version` records how
 * many have run; each runs in its own transaction together with the version bump, so a
 * crash mid-migration leaves the previous version intact. Never edit a shipped migration:
 * append a new one.
 *
 * Every row that belongs to a workshop carries its `workshop_id` explicitly, so deleting
 * a workshop is a handful of exact-match deletes (ids may contain `_`, a LIKE wildcard).
 * Foreign keys without ON DELETE CASCADE: deleting a workshop row while any of its rows
 * remain fails, so a forgotten table in `deleteWorkshop` cannot go unnoticed, and no
 * document update can be written for a workshop that does not exist (or was deleted).
 */
const MIGRATIONS: readonly string[] = [
  // 1: initial schema.
  `
  CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL
  ) STRICT;

  -- Ids of deleted workshops, so their tokens and document names stay retired.
  CREATE TABLE deleted_workshops (
    id TEXT PRIMARY KEY,
    deleted_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE workshop_tables (
    workshop_id TEXT NOT NULL REFERENCES workshops (id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    join_code TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    PRIMARY KEY (workshop_id, id)
  ) STRICT;

  CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops (id),
    role TEXT NOT NULL CHECK (role IN ('facilitator', 'screen', 'table')),
    table_id TEXT CHECK ((role = 'table') = (table_id IS NOT NULL)),
    created_at INTEGER NOT NULL,
    -- Not enforced when table_id is NULL (facilitator and screen tokens).
    FOREIGN KEY (workshop_id, table_id) REFERENCES workshop_tables (workshop_id, id)
  ) STRICT;
  CREATE INDEX tokens_by_workshop ON tokens (workshop_id);

  -- AUTOINCREMENT, not a plain rowid: compaction deletes the newest rows of a document,
  -- and a reused seq at or below a snapshot's through_seq would be skipped by loadDoc.
  CREATE TABLE doc_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL,
    workshop_id TEXT NOT NULL REFERENCES workshops (id),
    data BLOB NOT NULL
  ) STRICT;
  CREATE INDEX doc_log_by_doc ON doc_log (doc, seq);
  CREATE INDEX doc_log_by_workshop ON doc_log (workshop_id);

  CREATE TABLE doc_snapshot (
    doc TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops (id),
    data BLOB NOT NULL,
    through_seq INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX doc_snapshot_by_workshop ON doc_snapshot (workshop_id);
  `,
  // 2: the log as one b-tree keyed by workshop, document and seq. An append wrote four pages
  // (the rowid table, two indexes, sqlite_sequence) and now writes one or two: a commit costs half
  // the CPU, and the WAL and its checkpoints carry a third of the pages. The seq is now per
  // document, the next after the document's last row and its snapshot's through_seq (see
  // insertLog), so a seq compaction deleted is still never reused. Deleting a workshop's rows
  // and the foreign key's check when its workshop row goes use the key's first column.
  `
  CREATE TABLE doc_log_by_key (
    workshop_id TEXT NOT NULL REFERENCES workshops (id),
    doc TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (workshop_id, doc, seq)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO doc_log_by_key (workshop_id, doc, seq, data)
    SELECT workshop_id, doc, seq, data FROM doc_log;
  DROP TABLE doc_log;
  ALTER TABLE doc_log_by_key RENAME TO doc_log;
  `,
  // 3: the append log's last generation moved into doc_log (see store/appendLog.ts), written in
  // the transaction that moved it, so a crash before the file is emptied cannot move it twice.
  `
  CREATE TABLE append_log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    moved_generation INTEGER NOT NULL
  ) STRICT;
  INSERT INTO append_log_state (id, moved_generation) VALUES (1, 0);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION (or to `target`, for tests of a migration); refuses a
 * database written by a newer Samla.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = db.pragma("user_version", { simple: true });
  if (typeof current !== "number") throw new Error("could not read PRAGMA user_version");
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this Samla understands (${SCHEMA_VERSION}); upgrade Samla`,
    );
  }
  for (let version = current; version < target; version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) throw new Error(`missing migration ${version + 1}`);
    db.transaction(() => {
      db.exec(sql);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
