import Database from "better-sqlite3";

/** The lock's file, beside the database's. */
export const LOCK_SUFFIX = "-lock";

/** Another server holds the data directory: this one must not serve it too. */
export class DataDirInUseError extends Error {
  override readonly name = "DataDirInUseError";
}

/** Held while this process serves a data directory; `release` once, at close. */
export interface DataDirLock {
  release(): void;
}

/**
 * Takes the lock that says this process serves the database `dbFile`: an exclusive SQLite lock
 * (an fcntl lock underneath) on `<dbFile>-lock`, kept until released. The operating system drops
 * it when the process dies, however it dies, so a crash never leaves a stale lock to clean up.
 *
 * The server's store replays and empties the append log and assumes its rooms are their
 * documents' only writers; a second server on the same directory would move the same records
 * twice or lose them. `npm run demo` never takes it; `npm run export` takes it when it is free
 * (no server runs), to move what a crash left before it reads.
 */
export function lockDataDir(dbFile: string): DataDirLock {
  const file = `${dbFile}${LOCK_SUFFIX}`;
  const db = new Database(file, { timeout: 0 });
  try {
    // In EXCLUSIVE locking mode a connection keeps the lock of its first write until it closes.
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE; COMMIT;");
  } catch (error) {
    db.close();
    if (error instanceof Database.SqliteError && error.code === "SQLITE_BUSY") {
      throw new DataDirInUseError(
        `another Samla server is using ${dbFile} (its lock ${file} is held; \`npm run export\` holds it for a moment when no server runs). Stop that server, or give this one its own DATA_DIR.`,
        { cause: error },
      );
    }
    throw error;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}
