import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import * as Y from "yjs";
import { APPEND_LOG_SUFFIX, openSqliteStore, SQLITE_FILE_NAME } from "../../server/store/sqlite.ts";
import { readWorkshop } from "../../server/workshops/readWorkshop.ts";
import { docName, metaDoc, tableDoc } from "../../shared/docNames.ts";
import { renderMarkdown, reportInputFromDocs } from "../../shared/export/markdown.ts";
import type { NoteId, WorkshopId } from "../../shared/ids.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { createNote, readNote, setNoteHidden } from "../../shared/schema/table.ts";
import { leaveInAppendLog } from "../helpers/appendLog.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { seededServer } from "../helpers/fixtureDay.ts";
import { runScript } from "../helpers/script.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const reportPath = (workshopId: string) => `/api/workshops/${workshopId}/export.md`;

/** What `renderMarkdown` makes of the workshop's documents in the store, right now. */
async function storedReport(server: TestServer, workshopId: WorkshopId): Promise<string> {
  const docs = await readWorkshop(server.app.store, workshopId);
  if (docs === null) throw new Error(`no workshop ${workshopId}`);
  try {
    return renderMarkdown(reportInputFromDocs(docs.meta, docs.synthesis, docs.tables));
  } finally {
    docs.destroy();
  }
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "samla-export-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("GET /api/workshops/:id/export.md", () => {
  it("gives the facilitator the report as a Markdown download, the same as rendering the stored documents", async () => {
    const { server, day: seeded } = await seededServer();
    const response = await server.request("GET", reportPath(seeded.workshopId), {
      token: seeded.facilitatorToken,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="praktikerdialog-man-maskulinitet-och-valdsbejakande-extremis.md"',
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.text).toBe(await storedReport(server, seeded.workshopId));
    expect(response.text).toMatch(/^# Praktikerdialog: Män, maskulinitet och våldsbejakande extremism\n/);
    expect(response.text).toContain("\n### Stuprör och slump\n");
  });

  it("refuses tables and the screen (403), no token (401), an unknown (404) and a deleted workshop (410)", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ title: "Dag", tables: ["Bord 1"] });
    const tableToken = (await server.join(workshop.tables[0]!.joinCode)).token;
    const path = reportPath(workshop.workshopId);
    const status = async (pathname: string, token?: string) =>
      (await server.request("GET", pathname, token === undefined ? {} : { token })).status;

    expect(await status(path, tableToken)).toBe(403);
    expect(await status(path, workshop.screenToken)).toBe(403);
    expect(await status(path)).toBe(401);
    expect(await status(reportPath("no-such-workshop"), workshop.facilitatorToken)).toBe(404);
    expect(await status(reportPath("not%20an%20id"), workshop.facilitatorToken)).toBe(400);
    // Another workshop's facilitator is nobody here.
    const other = await server.createWorkshop({ title: "Annan dag" });
    expect(await status(path, other.facilitatorToken)).toBe(403);

    const deleted = await server.request("DELETE", `/api/workshops/${workshop.workshopId}`, {
      token: workshop.facilitatorToken,
    });
    expect(deleted.status).toBe(204);
    expect(await status(path, workshop.facilitatorToken)).toBe(410);
  });

  it("has a note in it as soon as anyone else can see it, and drops it once it is hidden", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({
      title: "Live <dag>",
      tables: ["Bord 1"],
      rounds: [{ title: "Samverkan" }],
    });
    const table = workshop.tables[0]!;
    const tableToken = (await server.join(table.joinCode)).token;
    const meta = connectClient(server, docName(metaDoc(workshop.workshopId)), workshop.facilitatorToken);
    await meta.synced();
    const round = readMeta(meta.doc).rounds[0]!;
    const tableName = docName(tableDoc(workshop.workshopId, table.id));
    const tablet = connectClient(server, tableName, tableToken);
    const facilitator = connectClient(server, tableName, workshop.facilitatorToken);
    await Promise.all([tablet.synced(), facilitator.synced()]);

    const noteId = "live-note" as NoteId;
    createNote(tablet.doc, {
      id: noteId,
      roundId: round.id,
      promptId: round.prompts[0]!.id,
      text: "Skrivet nyss: [länk](http://x.se)",
      createdAt: Date.now(),
    });
    // The relay stores an update before it relays it: once the facilitator has the note, so has the store.
    await eventually(() => expect(readNote(facilitator.doc, noteId)).not.toBeNull());
    const response = await server.request("GET", reportPath(workshop.workshopId), {
      token: workshop.facilitatorToken,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="live-dag.md"');
    expect(response.text).toContain(
      "### Hur ser det ut i dag?\n\n- Bord 1\n  - Skrivet nyss: \\[länk\\](http\\:\\//x\\.se)\n",
    );

    setNoteHidden(facilitator.doc, noteId, true);
    await eventually(() => expect(readNote(tablet.doc, noteId)?.hidden).toBe(true));
    const later = await server.request("GET", reportPath(workshop.workshopId), {
      token: workshop.facilitatorToken,
    });
    expect(later.text).not.toContain("Skrivet nyss");
    expect(later.text).toBe(await storedReport(server, workshop.workshopId));
  });
});

describe("npm run export", () => {
  it("writes the same report as the server, with the server stopped", async () => {
    const { server, day: seeded } = await seededServer();
    const served = await server.request("GET", reportPath(seeded.workshopId), {
      token: seeded.facilitatorToken,
    });
    expect(served.status).toBe(200);
    await server.stop();

    const out = path.join(tempDir(), "rapport.md");
    const written = await runScript("scripts/export.ts", [seeded.workshopId, "--out", out], {
      DATA_DIR: server.dataDir,
    });
    expect(written.stderr).toBe("");
    expect(written.code).toBe(0);
    expect(written.stdout).toBe(`Report written to ${out}\n`);
    expect(readFileSync(out, "utf8")).toBe(served.text);

    // Without --out, the report alone goes to stdout.
    const printed = await runScript("scripts/export.ts", [seeded.workshopId], { DATA_DIR: server.dataDir });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(served.text);
  });

  it("has what a crash left in the append log, with the server stopped; reads SQLite beside a running one", async () => {
    const { server, day: seeded } = await seededServer();
    const before = await server.request("GET", reportPath(seeded.workshopId), {
      token: seeded.facilitatorToken,
    });
    await server.stop();
    // What a crash leaves: a note acknowledged (in the append log) and never moved into SQLite.
    const tool = openSqliteStore({ dataDir: server.dataDir });
    const docs = await readWorkshop(tool, seeded.workshopId);
    await tool.close();
    const [tableId, doc] = [...docs!.tables][0]!;
    const tableName = docName(tableDoc(seeded.workshopId, tableId));
    const round = readMeta(docs!.meta).rounds[0]!;
    const stateBefore = Y.encodeStateVector(doc);
    createNote(doc, {
      roundId: round.id,
      promptId: round.prompts[0]!.id,
      text: "Skrivet före kraschen",
      createdAt: 1,
    });
    leaveInAppendLog(path.join(server.dataDir, SQLITE_FILE_NAME), [
      { name: tableName, update: Y.encodeStateAsUpdate(doc, stateBefore) },
    ]);

    const printed = await runScript("scripts/export.ts", [seeded.workshopId], { DATA_DIR: server.dataDir });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain("Skrivet före kraschen");
    expect(printed.stdout).not.toBe(before.text);

    // Beside a running server (it holds the directory's lock) the export reads SQLite alone.
    const again = await startServer({ dataDir: server.dataDir });
    const beside = await runScript("scripts/export.ts", [seeded.workshopId], { DATA_DIR: server.dataDir });
    expect(beside.code).toBe(0);
    expect(beside.stdout).toBe(printed.stdout);
    await again.stop();
  });

  it("still writes the report from SQLite, with a warning, when the append log cannot be read", async () => {
    const { server, day: seeded } = await seededServer();
    const served = await server.request("GET", reportPath(seeded.workshopId), {
      token: seeded.facilitatorToken,
    });
    await server.stop();
    const logFile = path.join(server.dataDir, `${SQLITE_FILE_NAME}${APPEND_LOG_SUFFIX}`);
    writeFileSync(logFile, "not ours: a file someone put here by mistake");

    const printed = await runScript("scripts/export.ts", [seeded.workshopId], { DATA_DIR: server.dataDir });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(served.text);
    expect(printed.stderr).toMatch(/^Warning: the append log was not read \(not a Samla append log/);
    expect(readFileSync(logFile, "utf8")).toBe("not ours: a file someone put here by mistake");
  });

  it.each<[string, (dataDir: string) => { args: string[]; env: Record<string, string> }, number, RegExp]>([
    [
      "an unknown workshop",
      (dataDir) => ({ args: ["no-such-workshop"], env: { DATA_DIR: dataDir } }),
      1,
      /There is no workshop no-such-workshop in /,
    ],
    [
      "a data directory without a database",
      () => ({ args: ["some-workshop"], env: { DATA_DIR: tempDir() } }),
      1,
      /There is no Samla database in .* \(set DATA_DIR\)/,
    ],
    ["no workshop id", (dataDir) => ({ args: [], env: { DATA_DIR: dataDir } }), 2, /Usage: npm run export/],
    [
      "something that is not an id",
      (dataDir) => ({ args: ["../etc"], env: { DATA_DIR: dataDir } }),
      2,
      /"\.\.\/etc" is not a workshop id/,
    ],
  ])("fails clearly on %s", async (_name, setup, code, message) => {
    const server = await startServer();
    await server.createWorkshop();
    await server.stop();
    const { args, env } = setup(server.dataDir);
    const result = await runScript("scripts/export.ts", args, env);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Samla export failed: /);
    expect(result.stderr).toMatch(message);
  });
});
