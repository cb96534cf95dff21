import { describe, expect, it } from "vitest";
import type { TableLink, TablesResponse } from "../../shared/api.ts";
import { docName, metaDoc } from "../../shared/docNames.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer } from "../helpers/server.ts";

describe("tables of a workshop", () => {
  it("lists tables with their join codes for the facilitator only", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: ["Bord 1", "Bord 2"] });
    const path = `/api/workshops/${workshop.workshopId}/tables`;
    const listed = await server.request("GET", path, { token: workshop.facilitatorToken });
    expect(listed.status).toBe(200);
    expect((listed.body as TablesResponse).tables).toEqual(workshop.tables);

    const tableToken = (await server.join(workshop.tables[0]!.joinCode)).token;
    expect((await server.request("GET", path, { token: tableToken })).status).toBe(403);
    expect((await server.request("GET", path, { token: workshop.screenToken })).status).toBe(403);
    expect((await server.request("GET", path)).status).toBe(401);
  });

  it("adds a table during the day: open consoles see it at once, its code works, it survives a restart", async () => {
    let server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const metaName = docName(metaDoc(workshop.workshopId));
    const consoleMeta = connectClient(server, metaName, workshop.facilitatorToken);
    await consoleMeta.synced();

    const response = await server.request("POST", `/api/workshops/${workshop.workshopId}/tables`, {
      token: workshop.facilitatorToken,
      body: { name: "Bord 7 (sent)" },
    });
    expect(response.status).toBe(201);
    const added = response.body as TableLink;
    expect(added.name).toBe("Bord 7 (sent)");
    expect(added.joinUrl).toBe(`http://samla.test/join/${added.joinCode}`);
    await eventually(() =>
      expect(readMeta(consoleMeta.doc).tables.map((table) => table.name)).toEqual([
        "Bord 1",
        "Bord 7 (sent)",
      ]),
    );
    const joined = await server.join(added.joinCode);
    expect(joined.tableId).toBe(added.id);

    consoleMeta.destroy();
    server = await server.restart();
    const later = connectClient(server, metaName, workshop.facilitatorToken);
    await later.synced();
    expect(readMeta(later.doc).tables.map((table) => table.id)).toEqual([workshop.tables[0]!.id, added.id]);
  });

  it.each([
    ["no name", {}],
    ["a blank name", { name: "   " }],
    ["a name of the wrong type", { name: 7 }],
    ["an unknown field", { name: "Bord 3", code: "ABCDEF" }],
  ])("refuses %s and adds nothing", async (_label, body) => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const path = `/api/workshops/${workshop.workshopId}/tables`;
    const response = await server.request("POST", path, { token: workshop.facilitatorToken, body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: "INVALID_BODY" } });
    const listed = await server.request("GET", path, { token: workshop.facilitatorToken });
    expect((listed.body as TablesResponse).tables).toHaveLength(1);
  });

  it("refuses a table token adding a table", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop({ tables: 1 });
    const tableToken = (await server.join(workshop.tables[0]!.joinCode)).token;
    const response = await server.request("POST", `/api/workshops/${workshop.workshopId}/tables`, {
      token: tableToken,
      body: { name: "Bord 2" },
    });
    expect(response.status).toBe(403);
  });
});
