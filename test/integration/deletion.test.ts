import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer } from "../helpers/server.ts";

/** How often `needle` occurs in every file of the data directory (database, WAL, shared memory). */
function occurrences(dataDir: string, needle: string): number {
  const bytes = Buffer.from(needle, "utf8");
  let count = 0;
  for (const file of readdirSync(dataDir)) {
    const full = path.join(dataDir, file);
    if (!existsSync(full)) continue;
    const content = readFileSync(full);
    for (let at = content.indexOf(bytes); at !== -1; at = content.indexOf(bytes, at + 1)) count++;
  }
  return count;
}

describe("deleting a workshop for good", () => {
  it("leaves no readable trace in the database files, and a stale tablet cannot bring it back", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const table = workshop.tables[0]!;
    const name = docName(tableDoc(workshop.workshopId, table.id));
    const secret = "HEMLIGT-åäö-orosanmälan-7f3a";
    const tablet = connectClient(server, name, (await server.join(table.joinCode)).token);
    await tablet.synced();
    tablet.doc.getMap("notes").set("n1", new Y.Text(secret));
    // Seen by another client: then it is on disk.
    const reader = connectClient(server, name, workshop.facilitatorToken);
    await eventually(() => expect(reader.doc.getMap("notes").get("n1")?.toString()).toBe(secret));
    expect(occurrences(server.dataDir, secret), "the note is in the files before deletion").toBeGreaterThan(
      0,
    );

    // The tablet keeps its copy offline while the workshop is deleted.
    const stale = Y.encodeStateAsUpdate(tablet.doc);
    tablet.destroy();
    reader.destroy();
    const response = await server.request("DELETE", `/api/workshops/${workshop.workshopId}`, {
      token: workshop.facilitatorToken,
    });
    expect(response.status).toBe(204);
    expect(occurrences(server.dataDir, secret)).toBe(0);

    const copy = new Y.Doc();
    Y.applyUpdate(copy, stale);
    const returning = connectClient(server, name, workshop.facilitatorToken, { doc: copy });
    expect(await returning.refused()).toBe(CloseCode.Gone);
    expect(await server.app.store.loadDoc(name)).toEqual([]);
    expect(occurrences(server.dataDir, secret)).toBe(0);

    // Nor after a restart: the tombstone holds.
    const restarted = await server.restart();
    const again = connectClient(restarted, name, workshop.facilitatorToken, { doc: copy });
    expect(await again.refused()).toBe(CloseCode.Gone);
    expect(occurrences(restarted.dataDir, secret)).toBe(0);
  });
});
