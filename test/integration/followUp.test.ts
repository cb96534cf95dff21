import { describe, expect, it } from "vitest";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, metaDoc } from "../../shared/docNames.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { readStartingPoint } from "../../shared/schema/startingPoint.ts";
import { connectClient } from "../helpers/client.ts";
import { seededServer } from "../helpers/fixtureDay.ts";

describe("follow-up workshop", () => {
  it("starts from the day's conclusions, with its tables, fields and a reflection round", async () => {
    const { server, day } = await seededServer();
    const response = await server.request("POST", `/api/workshops/${day.workshopId}/follow-up`, {
      token: day.facilitatorToken,
    });
    expect(response.status).toBe(201);
    const followUp = response.body as CreateWorkshopResponse;
    expect(followUp.workshopId).not.toBe(day.workshopId);
    expect(followUp.tables.map((table) => table.name)).toEqual(day.tables.map((table) => table.name));
    const oldCodes = new Set(day.tables.map((table) => table.joinCode));
    expect(followUp.tables.filter((table) => oldCodes.has(table.joinCode))).toEqual([]);

    const client = connectClient(server, docName(metaDoc(followUp.workshopId)), followUp.facilitatorToken);
    await client.synced();
    const meta = readMeta(client.doc);
    expect(meta.title).toBe("Uppföljning: Praktikerdialog: Män, maskulinitet och våldsbejakande extremism");
    expect(meta.followUpOf).toBe(day.workshopId);
    expect(meta.perspectives).toHaveLength(7);
    expect(meta.rounds.map((round) => [round.title, round.prompts.map((p) => p.label)])).toEqual([
      ["Reflektion", ["Vad har vi tagit med oss?", "Vad har förändrats sedan dess?"]],
    ]);
    const startingPoint = readStartingPoint(client.doc);
    expect(startingPoint?.workshopId).toBe(day.workshopId);
    expect(startingPoint?.items.map((item) => item.kind)).toEqual(["conclusion", "insight", "action"]);
    expect(startingPoint?.items[0]?.text).toBe(
      "Samverkan måste skrivas in i uppdragen och gå som en röd tråd genom alla nivåer av prevention.",
    );

    const report = await server.request("GET", `/api/workshops/${followUp.workshopId}/export.md`, {
      token: followUp.facilitatorToken,
    });
    expect(report.text).toContain("## Utgångspunkt");
    expect(report.text).toContain(
      "Uppföljning av Praktikerdialog: Män, maskulinitet och våldsbejakande extremism",
    );
    expect(report.text).toContain("Samverkan måste skrivas in i uppdragen");

    // The follow-up stands on its own: deleting the day leaves its starting point intact.
    expect(
      (await server.request("DELETE", `/api/workshops/${day.workshopId}`, { token: day.facilitatorToken }))
        .status,
    ).toBe(204);
    const later = connectClient(server, docName(metaDoc(followUp.workshopId)), followUp.facilitatorToken);
    await later.synced();
    expect(readStartingPoint(later.doc)).toEqual(startingPoint);
    expect((await server.join(followUp.tables[0]!.joinCode)).workshopId).toBe(followUp.workshopId);
  });

  it("is only for the facilitator", async () => {
    const { server, day } = await seededServer();
    const path = `/api/workshops/${day.workshopId}/follow-up`;
    const tableToken = (await server.join(day.tables[0]!.joinCode)).token;
    expect((await server.request("POST", path, { token: tableToken })).status).toBe(403);
    expect((await server.request("POST", path, { token: day.screenToken })).status).toBe(403);
    expect((await server.request("POST", path)).status).toBe(401);
  });
});
