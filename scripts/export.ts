/**
 * `npm run export -- <workshopId> [--out report.md]`: a workshop's Markdown report, read straight
 * from the server's SQLite file (DATA_DIR), so it works with the server stopped (and, thanks to
 * WAL, while it runs; see `openStore`). Without `--out` the report goes to stdout (use `npm run --silent export`
 * there, or npm's banner ends up in front of it).
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../server/config.ts";
import { DataDirInUseError } from "../server/store/dataDirLock.ts";
import { openSqliteStore, SQLITE_FILE_NAME, type SqliteStore } from "../server/store/sqlite.ts";
import { readWorkshop } from "../server/workshops/readWorkshop.ts";
import { renderMarkdown, reportInputFromDocs } from "../shared/export/markdown.ts";
import { isId, type WorkshopId } from "../shared/ids.ts";

const USAGE = "Usage: npm run export -- <workshopId> [--out report.md]";

/** Something the person running the command can fix; the message says what. */
class ExportError extends Error {
  override readonly name = "ExportError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new ExportError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, 2);
  }
  if (parsed.values.help === true) {
    console.log(USAGE);
    return;
  }
  const [id, ...extra] = parsed.positionals;
  if (id === undefined || extra.length > 0) throw new ExportError(USAGE, 2);
  if (!isId(id)) throw new ExportError(`${JSON.stringify(id)} is not a workshop id.\n${USAGE}`, 2);
  const workshopId = id as WorkshopId;

  const config = loadConfig();
  // Opening the store would create an empty database; a wrong DATA_DIR deserves a clear answer.
  if (!existsSync(path.join(config.dataDir, SQLITE_FILE_NAME))) {
    throw new ExportError(`There is no Samla database in ${config.dataDir} (set DATA_DIR).`, 1);
  }
  const store = openStore(config.dataDir);
  let markdown: string;
  try {
    const docs = await readWorkshop(store, workshopId);
    if (docs === null) {
      const gone = await store.isDeleted(workshopId);
      throw new ExportError(
        gone
          ? `Workshop ${workshopId} was deleted.`
          : `There is no workshop ${workshopId} in ${config.dataDir}.`,
        1,
      );
    }
    try {
      markdown = renderMarkdown(reportInputFromDocs(docs.meta, docs.synthesis, docs.tables));
    } finally {
      docs.destroy();
    }
  } finally {
    await store.close();
  }

  const out = parsed.values.out;
  if (out === undefined) {
    process.stdout.write(markdown);
    return;
  }
  // The notes may be sensitive: a new report file is readable by its owner only.
  writeFileSync(out, markdown, { mode: 0o600 });
  console.log(`Report written to ${path.resolve(out)}`);
}

/**
 * With no server on the directory, the store opens as the server's would: what a crash left in the
 * append log moves into SQLite first, so the report has every acknowledged note. Beside a running
 * server it reads SQLite alone, which is at most the log's move delay (100 ms) behind; so it does,
 * with a warning, if the log cannot be read: a report is most needed when something went wrong.
 */
function openStore(dataDir: string): SqliteStore {
  try {
    return openSqliteStore({ dataDir, appendLog: true });
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) {
      const reason = error instanceof Error ? error.message : String(error);
      console.error(`Warning: the append log was not read (${reason}); the report has what SQLite holds.`);
    }
    return openSqliteStore({ dataDir });
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: { out: { type: "string", short: "o" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ExportError) {
    console.error(`Samla export failed: ${error.message}`);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigError) {
    console.error(`Samla export failed: ${error.message}`);
    process.exit(2);
  }
  console.error("Samla export failed:", error);
  process.exit(1);
});
